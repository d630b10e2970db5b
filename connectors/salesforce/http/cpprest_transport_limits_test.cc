// The response caps through real sockets: LoopbackServer streams bodies too large to hold, and the
// cpprestsdk transport must refuse them early, stop reading them, stay usable, and keep the
// process's memory near what it keeps (the issue: a 400 MB page took 945 MB of RSS; a 0.8 MB gzip
// body inflated to 800 MB and the run reported SUCCESS).
#include <doctest/doctest.h>

#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include "connectors/salesforce/http/http_transport.h"
#include "connectors/salesforce/testing/gzip.h"
#include "connectors/salesforce/testing/loopback_server.h"
#include "engine/core/exit_codes.h"

namespace sfsync::salesforce {
namespace {

using std::chrono::milliseconds;
using testing::Chunk;
using testing::GzipOfZeros;
using testing::LoopbackServer;
using testing::RawResponse;
using testing::ServerReply;
using testing::ServerRequest;

constexpr uint64_t kMiB = uint64_t{1} << 20;

// A 200 answer whose body of `size` bytes of 'x' is written a piece at a time as the client reads
// it, framed by Content-Length or as chunks.
ServerReply Streamed(uint64_t size, bool chunked) {
  ServerReply reply;
  reply.raw = "HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\n" +
              (chunked ? std::string("Transfer-Encoding: chunked") : "Content-Length: " + std::to_string(size)) +
              "\r\n\r\n";
  auto left = std::make_shared<uint64_t>(size);
  auto finished = std::make_shared<bool>(!chunked);  // a chunked body still owes its last chunk
  reply.more = [left, finished, chunked, piece = std::string(256 << 10, 'x')](std::string* out) {
    if (*left == 0) {
      if (*finished) return false;
      *finished = true;
      *out = Chunk("");
      return true;
    }
    const auto n = static_cast<size_t>(std::min<uint64_t>(*left, piece.size()));
    *left -= n;
    *out = chunked ? Chunk(std::string_view(piece).substr(0, n)) : piece.substr(0, n);
    return true;
  };
  return reply;
}

TransportOptions Cap(uint64_t bytes) {
  TransportOptions options;
  options.timeout = milliseconds(5000);
  options.max_body_bytes = bytes;
  return options;
}

StatusOr<HttpResponse> Get(HttpTransport* transport, const LoopbackServer& server) {
  HttpRequest request;
  request.url = server.Url("/services/data/v60.0/jobs/query/750R0000000zlh9IAA/results?maxRecords=50000");
  return transport->Send(request);
}

// What the server managed to write, once it has stopped writing (the client closed, or it is done).
int64_t BytesWrittenWhenQuiet(const LoopbackServer& server) {
  int64_t before = -1;
  for (int i = 0; i < 50 && server.bytes_written() != before; ++i) {
    before = server.bytes_written();
    std::this_thread::sleep_for(milliseconds(100));
  }
  return server.bytes_written();
}

void CheckTooLarge(const Status& status, const LoopbackServer& server) {
  CHECK(status.code() == StatusCode::kDataLoss);
  CHECK(status.reason() == "response.too_large");
  CHECK(ExitCodeFor(status) == kExitUnavailable);
  // The host and path, without the query string; the key that raises the cap.
  CHECK(status.message().find(server.Url("/services/data/v60.0/jobs/query/750R0000000zlh9IAA/results")) !=
        std::string::npos);
  CHECK(status.message().find("maxRecords") == std::string::npos);
  CHECK(status.message().find("connection.max_response_mb") != std::string::npos);
}

// /proc/self/status in KiB: "VmRSS" (resident now) or "VmHWM" (the peak since ResetPeakRss).
int64_t MemoryKiB(const std::string& key) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(key + ":", 0) == 0) return std::stoll(line.substr(key.size() + 1));
  }
  return -1;
}

// Sets the peak (VmHWM) back to the resident size now (Linux 4.0+), so a scenario's own peak shows.
void ResetPeakRss() {
  std::ofstream clear_refs("/proc/self/clear_refs");
  clear_refs << "5";
  clear_refs.flush();
  REQUIRE(clear_refs.good());
}

// How far the peak resident size rose above the size before, in MiB, while `scenario` ran.
template <typename Scenario>
double PeakGrowthMiB(Scenario scenario) {
  ResetPeakRss();
  const int64_t before = MemoryKiB("VmRSS");
  scenario();
  return static_cast<double>(MemoryKiB("VmHWM") - before) / 1024;
}

TEST_CASE("Content-Length over the cap is refused as soon as the headers arrive, the body unread") {
  LoopbackServer server([](const ServerRequest&) { return Streamed(400 * kMiB, /*chunked=*/false); });
  auto transport = NewCpprestTransport(Cap(256 * kMiB));
  const auto started = std::chrono::steady_clock::now();
  StatusOr<HttpResponse> response = Get(transport.get(), server);
  CHECK(std::chrono::steady_clock::now() - started < milliseconds(2000));
  CheckTooLarge(response.status(), server);
  CHECK(response.status().message().find("announces 400 MiB (Content-Length), over the 256 MiB cap") !=
        std::string::npos);
  // What the socket buffers took before the connection closed, not 400 MiB.
  CHECK(BytesWrittenWhenQuiet(server) < static_cast<int64_t>(64 * kMiB));
}

TEST_CASE("a chunked body passing the cap is refused as it arrives, and the rest is never read") {
  LoopbackServer server([](const ServerRequest&) { return Streamed(400 * kMiB, /*chunked=*/true); });
  auto transport = NewCpprestTransport(Cap(8 * kMiB));
  StatusOr<HttpResponse> response = Get(transport.get(), server);
  CheckTooLarge(response.status(), server);
  CHECK(response.status().message().find("grew past the 8 MiB cap") != std::string::npos);
  CHECK(BytesWrittenWhenQuiet(server) < static_cast<int64_t>(64 * kMiB));
}

TEST_CASE("a body exactly at the cap passes and one byte more is refused, framed by Content-Length or chunks") {
  for (bool chunked : {false, true}) {
    CAPTURE(chunked);
    for (uint64_t size : {2 * kMiB, 2 * kMiB + 1}) {
      CAPTURE(size);
      LoopbackServer server([&](const ServerRequest&) { return Streamed(size, chunked); });
      auto transport = NewCpprestTransport(Cap(2 * kMiB));
      StatusOr<HttpResponse> response = Get(transport.get(), server);
      if (size == 2 * kMiB) {
        REQUIRE_MESSAGE(response.ok(), response.status().ToString());
        CHECK(response->body.size() == size);
        CHECK(response->body.find_first_not_of('x') == std::string::npos);
      } else {
        CheckTooLarge(response.status(), server);
      }
    }
  }
}

TEST_CASE("the issue's gzip bomb, 0.8 MB inflating to 800 MB, is refused by its inflate ratio") {
  const std::string bomb = GzipOfZeros(800 * kMiB);
  LoopbackServer server([&](const ServerRequest&) {
    return ServerReply{RawResponse(200, {{"Content-Encoding", "gzip"}, {"Content-Type", "text/csv"}}, bomb)};
  });
  auto transport = NewCpprestTransport(Cap(256 * kMiB));
  StatusOr<HttpResponse> response = HttpResponse{};
  const double growth = PeakGrowthMiB([&] { response = Get(transport.get(), server); });
  CHECK(response.status().code() == StatusCode::kDataLoss);
  CHECK(response.status().reason() == "response.inflate_ratio");
  CHECK(ExitCodeFor(response.status()) == kExitUnavailable);
  CHECK(response.status().message().find("connection.max_inflate_ratio") != std::string::npos);
  CAPTURE(growth);
  CHECK(growth < 64);  // inflating stopped past the 16 MiB floor
}

TEST_CASE("after a refusal the connection is dropped, and the next request on the transport gets a fresh one") {
  int calls = 0;
  LoopbackServer server([&](const ServerRequest&) {
    return ++calls == 1 ? Streamed(400 * kMiB, /*chunked=*/true) : ServerReply{RawResponse(200, {}, "ok")};
  });
  auto transport = NewCpprestTransport(Cap(4 * kMiB));
  CHECK(Get(transport.get(), server).status().reason() == "response.too_large");
  StatusOr<HttpResponse> next = Get(transport.get(), server);
  REQUIRE_MESSAGE(next.ok(), next.status().ToString());
  CHECK(next->body == "ok");
  CHECK(server.connections_accepted() == 2);
}

TEST_CASE("memory stays near what is kept: a refused 400 MB body, accepted 64 MiB ones") {
  // a) Refused past a 16 MiB cap: the peak grows by about the cap, not the body. The first round
  //    warms up what any first request costs (cpprestsdk's threads and their malloc arenas).
  for (int round = 0; round < 2; ++round) {
    LoopbackServer server([](const ServerRequest&) { return Streamed(400 * kMiB, /*chunked=*/true); });
    auto transport = NewCpprestTransport(Cap(16 * kMiB));
    Status refused;
    const double growth = PeakGrowthMiB([&] { refused = Get(transport.get(), server).status(); });
    CHECK(refused.reason() == "response.too_large");
    CAPTURE(growth);
    if (round == 1) CHECK(growth < 48);
  }
  // b) Accepted, framed by Content-Length (received in place) or chunked (blocks joined once): the
  //    body plus what cpprestsdk buffers ahead of the reader, no doubling copy (about 2x or more;
  //    the issue measured 2.4x).
  for (bool chunked : {false, true}) {
    CAPTURE(chunked);
    LoopbackServer server([&](const ServerRequest&) { return Streamed(64 * kMiB, chunked); });
    auto transport = NewCpprestTransport(Cap(256 * kMiB));
    StatusOr<HttpResponse> response = HttpResponse{};
    const double growth = PeakGrowthMiB([&] { response = Get(transport.get(), server); });
    REQUIRE(response.ok());
    CHECK(response->body.size() == 64 * kMiB);
    CAPTURE(growth);
#ifdef SFSYNC_SANITIZED
    CHECK(growth < 64 * 2.5);  // ASan's redzones and quarantine on top (measured 120 MiB)
#else
    CHECK(growth < 64 * 1.75);
#endif
  }
}

}  // namespace
}  // namespace sfsync::salesforce
