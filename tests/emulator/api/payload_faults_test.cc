// The faults that change a real answer on its way out, over real sockets: oversize_body and
// gzip_bomb (the body stays what it was, only bigger or compressed, and the emulator never holds
// the filler nor stops answering others while sending it), date_skew and no_date.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "tests/emulator/net/gzip.h"
#include "tests/emulator/testing/emulator_fixture.h"
#include "tests/emulator/time_util.h"

namespace sfsync::emulator {
namespace {

using nlohmann::ordered_json;
using testing::ClientResponse;
using testing::HttpClient;
using testing::ParseJson;
using testing::RunningEmulator;
using testing::SmallOrgConfig;
using testing::UrlEncode;

const std::string kQuery = "/services/data/v60.0/query?q=" + UrlEncode("SELECT Id, Name FROM Account");

void AddFault(RunningEmulator& e, const std::string& spec) {
  REQUIRE(e.Admin("POST", "/__emulator/faults", ordered_json{{"spec", spec}}.dump()).status == 201);
}

// A request over a bare socket whose body is read and thrown away as it comes: what a client
// with a size limit does, and the only way to take in hundreds of MiB without keeping them.
struct RawAnswer {
  std::string head;
  int64_t content_length = -1;
  int64_t body_bytes = 0;
  std::string body_start;  // the first 64 KiB
  std::string body_end;    // the last 64 bytes
};

// `pause_ms`: how long to stop reading once the head is in (the server's writes then block).
RawAnswer RawGet(int port, const std::string& target, const std::string& token, int pause_ms = 0) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0);
  std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token +
                        "\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n";
  REQUIRE(send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size()));
  RawAnswer answer;
  std::string buffer;
  char chunk[64 * 1024];
  ssize_t n;
  while (answer.head.empty() && (n = recv(fd, chunk, sizeof(chunk), 0)) > 0) {
    buffer.append(chunk, static_cast<size_t>(n));
    size_t end = buffer.find("\r\n\r\n");
    if (end == std::string::npos) continue;
    answer.head = buffer.substr(0, end + 4);
    buffer.erase(0, end + 4);
  }
  size_t at = answer.head.find("Content-Length: ");
  if (at != std::string::npos) answer.content_length = std::stoll(answer.head.substr(at + 16));
  auto take = [&](std::string_view data) {
    if (answer.body_start.size() < sizeof(chunk)) {
      answer.body_start.append(data.substr(0, sizeof(chunk) - answer.body_start.size()));
    }
    answer.body_end = (answer.body_end + std::string(data.substr(data.size() > 64 ? data.size() - 64 : 0)));
    answer.body_end = answer.body_end.substr(answer.body_end.size() > 64 ? answer.body_end.size() - 64 : 0);
    answer.body_bytes += static_cast<int64_t>(data.size());
  };
  take(buffer);
  std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms));
  while ((n = recv(fd, chunk, sizeof(chunk), 0)) > 0) take(std::string_view(chunk, static_cast<size_t>(n)));
  close(fd);
  return answer;
}

// The process's peak resident memory, in bytes (the emulator runs in this process).
int64_t PeakResidentBytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("VmHWM:")) return std::stoll(line.substr(6)) * 1024;
  }
  return 0;
}

int64_t ResidentBytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("VmRSS:")) return std::stoll(line.substr(6)) * 1024;
  }
  return 0;
}

TEST_CASE("oversize_body: the same JSON with N bytes of whitespace inside it, never compressed") {
  RunningEmulator e;
  std::string normal = e.RestGet(kQuery).body;
  AddFault(e, "oversize_body:bytes=100000,nth=1");
  // The client accepts gzip; the padded answer still comes as it is, every byte on the wire.
  ClientResponse padded = e.RestGet(kQuery, {{"Accept-Encoding", "gzip"}});
  REQUIRE(padded.ok);
  CHECK(padded.status == 200);
  CHECK_FALSE(padded.headers.Has("Content-Encoding"));
  CHECK(padded.headers.Get("Content-Length") ==
        std::optional<std::string_view>(std::to_string(normal.size() + 100000)));
  CHECK(padded.body.size() == normal.size() + 100000);
  CHECK(padded.body.substr(padded.body.size() - 1) == "}");  // the filler is inside the document
  CHECK(padded.body.find_first_not_of(' ', normal.size() - 1) == padded.body.size() - 1);
  CHECK(ParseJson(padded.body) == ParseJson(normal));
  CHECK(padded.headers.Has("Sforce-Limit-Info"));
  // Only the first answer was padded.
  CHECK(e.RestGet(kQuery).body == normal);
}

TEST_CASE("oversize_body: a CSV answer gets blank lines after its last record") {
  RunningEmulator e;
  ClientResponse job = e.Rest("POST", "/services/data/v60.0/jobs/query",
                              R"({"operation":"query","query":"SELECT Id, Name FROM Account"})");
  REQUIRE(job.status == 200);
  std::string results = "/services/data/v60.0/jobs/query/" + ParseJson(job.body)["id"].get<std::string>();
  for (int poll = 0; poll < 2; ++poll) REQUIRE(e.RestGet(results).status == 200);
  results += "/results";
  std::string normal = e.RestGet(results).body;
  AddFault(e, "oversize_body:bytes=5000,path=/services/data/*/results");
  ClientResponse padded = e.RestGet(results);
  REQUIRE(padded.status == 200);
  CHECK(padded.body.size() == normal.size() + 5000);
  CHECK(padded.body.starts_with(normal));
  CHECK(padded.body.substr(normal.size()) == std::string(5000, '\n'));
}

TEST_CASE("gzip_bomb: gzip whatever the client asked, tiny on the wire, the answer plus N bytes of whitespace") {
  RunningEmulator e;
  std::string normal = e.RestGet(kQuery).body;
  AddFault(e, "gzip_bomb:bytes=20000000,nth=1");
  HttpClient plain("127.0.0.1", e.port());  // sends no Accept-Encoding
  ClientResponse bomb = plain.Get(kQuery, {{"Authorization", "Bearer " + e.token()}});
  REQUIRE(bomb.ok);
  CHECK(bomb.status == 200);
  CHECK(bomb.headers.Get("Content-Encoding") == std::optional<std::string_view>("gzip"));
  CHECK(bomb.wire_body_bytes < 20000000 / 500 + normal.size());
  CHECK(bomb.headers.Get("Content-Length") == std::optional<std::string_view>(std::to_string(bomb.wire_body_bytes)));
  REQUIRE(bomb.body.size() == normal.size() + 20000000);  // inflated by the client
  CHECK(ParseJson(bomb.body) == ParseJson(normal));
}

TEST_CASE(
    "oversize_body and gzip_bomb: 256 MiB go out without the emulator holding them, and others are served meanwhile") {
  RunningEmulator e;
  e.FetchToken();
  int64_t normal = static_cast<int64_t>(e.RestGet(kQuery).body.size());
  constexpr int64_t kBytes = 256LL << 20;
  AddFault(e, "oversize_body:bytes=" + std::to_string(kBytes) + ",path=/services/data/v60.0/query,nth=1");
  AddFault(e, "gzip_bomb:bytes=" + std::to_string(kBytes) + ",path=/services/data/v60.0/query,nth=1");

  // A client that stops reading for a while: the emulator answers another one at once.
  int64_t resident = ResidentBytes();
  std::thread slow([&] {
    RawAnswer oversize = RawGet(e.port(), kQuery, e.token(), /*pause_ms=*/600);
    CHECK(oversize.content_length == normal + kBytes);
    CHECK(oversize.body_bytes == normal + kBytes);
    CHECK(oversize.body_start.starts_with("{\"totalSize\":"));
    CHECK(oversize.body_end.ends_with("   }"));
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  auto start = std::chrono::steady_clock::now();
  CHECK(e.RestGet("/services/data/v60.0/limits").status == 200);
  // The org is not locked while the big body goes out (queryAll: the rules watch query only).
  CHECK(e.RestGet("/services/data/v60.0/queryAll?q=" + UrlEncode("SELECT Id FROM Account")).status == 200);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(300));
  slow.join();

  RawAnswer bomb = RawGet(e.port(), kQuery, e.token());
  CHECK(bomb.head.find("Content-Encoding: gzip") != std::string::npos);
  CHECK(bomb.body_bytes == bomb.content_length);
  CHECK(bomb.body_bytes < kBytes / 500);
  // Neither body was ever whole in memory (the bomb's is inflated here only in part).
  CHECK(PeakResidentBytes() < resident + kBytes / 2);
}

TEST_CASE("date_skew shifts the Date header only, no_date leaves it out, and both ride on another fault") {
  EmulatorConfig config = SmallOrgConfig();  // a frozen clock: Date is exactly predictable
  config.faults = {"date_skew:seconds=-3600,path=/services/data/v60.0/limits", "no_date:path=/services/data/",
                   "http503:path=/services/data/v60.0/limits,nth=2"};
  RunningEmulator e(config);
  int64_t now = e.emulator().clock().NowMillis();
  ClientResponse skewed = e.RestGet("/services/data/v60.0/limits");
  CHECK(skewed.status == 200);
  CHECK(skewed.headers.Get("Date") == std::optional<std::string_view>(FormatHttpDate(now - 3'600'000)));
  ClientResponse unavailable = e.RestGet("/services/data/v60.0/limits");
  CHECK(unavailable.status == 503);
  CHECK(unavailable.headers.Get("Date") == std::optional<std::string_view>(FormatHttpDate(now - 3'600'000)));
  ClientResponse undated = e.client().Get("/services/data/");
  CHECK(undated.status == 200);
  CHECK_FALSE(undated.headers.Has("Date"));
  // The emulator's own clock did not move, and unfaulted answers carry it.
  CHECK(e.emulator().clock().NowMillis() == now);
  CHECK(e.RestGet("/services/data/v60.0/sobjects").headers.Get("Date") ==
        std::optional<std::string_view>(FormatHttpDate(now)));
}

}  // namespace
}  // namespace sfsync::emulator
