// A server that misbehaves: the emulator's faults (bodies over the cap, gzip bombs, a cursor that
// never advances, a clock far off, certificates that must not be trusted) and HostileServer
// (tests/testing/hostile_server.h) in front of it for what a faithful emulator never does (a body
// nested too deep, a cursor or redirect pointing at another host or scheme, an answer trickled a
// byte at a time). Each ends in a clear error (or a safe choice) within bounded time and memory, the
// token goes to the instance host only, and nothing wrong is committed.
#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <thread>

#include "engine/core/time_format.h"
#include "tests/integration/auth_support.h"
#include "tests/testing/compare.h"
#include "tests/testing/hostile_server.h"

namespace sfsync::testing {
namespace {

using nlohmann::json;

// Account in pages of 200 from `emu` into dir/h.db, plus `extra` top-level lines.
std::string AccountJob(const Emulator& emu, const TempDir& dir, const std::string& extra = "") {
  return JobYaml(emu, dir.File("h.db"), "  - name: Account\n    fields: [Id, Name, SystemModstamp]\n    batch_size: 200\n",
                 "settle_lag_seconds: 0\n" + extra);
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

TEST_CASE("a page over max_response_mb is refused as it arrives: exit 6, bounded memory, the pages before it kept") {
  Emulator emu({"--rows", "Account=500", "--rows", "Contact=0", "--rows", "Opportunity=0"});
  TempDir dir;
  // The second page carries 300 MB more than its records.
  emu.Admin("POST", "/__emulator/faults", {{"spec", "oversize_body:path=/services/data/*/query/*,bytes=314572800"}});
  WriteFile(dir.File("job.yaml"), AccountJob(emu, dir));
  const auto start = std::chrono::steady_clock::now();
  ProcessResult r = RunSfsync(dir.File("job.yaml"));
  INFO(r.err);
  CHECK(Seconds(start) < 60);
  CHECK(r.exit_code == 6);
  CHECK(r.err.find("over the 256 MiB cap on one response") != std::string::npos);
  CHECK(r.err.find("raise connection.max_response_mb") != std::string::npos);
  CHECK(LoggedPeakRssKib(r.err) > 0);
  CHECK(LoggedPeakRssKib(r.err) < MemoryBoundKib(150 * 1024));  // the 400 MB page of the bug report took 945 MB
  CHECK(SqliteDb(dir.File("h.db")).Count("Account") == 200);
  CHECK(SqliteDb(dir.File("h.db")).Scalar("SELECT status FROM _sfsync_runs") == "FAILED");

  // A smaller excess: refused under a 1 MiB cap, taken under the default one.
  emu.Admin("DELETE", "/__emulator/faults");
  emu.Admin("POST", "/__emulator/faults", {{"spec", "oversize_body:path=/services/data/*/query/*,bytes=2097152"}});
  std::string capped = AccountJob(emu, dir);
  capped.insert(capped.find("  auth:"), "  max_response_mb: 1\n");
  WriteFile(dir.File("job.yaml"), capped);
  CHECK(RunSfsync(dir.File("job.yaml")).exit_code == 6);
  WriteFile(dir.File("job.yaml"), AccountJob(emu, dir));
  ProcessResult taken = RunSfsync(dir.File("job.yaml"));
  INFO(taken.err);
  CHECK(taken.exit_code == 0);
  CheckTableEqualsEmulator(emu, dir.File("h.db"), "Account");
}

TEST_CASE("a gzip bomb over HTTPS is refused by its inflate ratio: exit 6, small memory, nothing committed") {
  TempDir dir;
  const ServerCertificate cert = MakeServerCertificate(dir);
  Emulator emu({"--rows", "Account=50", "--rows", "Contact=0", "--rows", "Opportunity=0", "--tls-cert",
                cert.cert_file, "--tls-key", cert.key_file});
  // 800 MB of blanks once inflated, under a megabyte on the wire.
  emu.Admin("POST", "/__emulator/faults", {{"spec", "gzip_bomb:path=/services/data/*/query*,bytes=838860800"}});
  std::string job = AccountJob(emu, dir);
  job.insert(job.find("  auth:"), "  ca_file: " + cert.cert_file + "\n");
  WriteFile(dir.File("job.yaml"), job);
  const auto start = std::chrono::steady_clock::now();
  ProcessResult r = RunSfsync(dir.File("job.yaml"));
  INFO(r.err);
  CHECK(Seconds(start) < 60);
  CHECK(r.exit_code == 6);
  CHECK(r.err.find("connection.max_inflate_ratio") != std::string::npos);
  CHECK(LoggedPeakRssKib(r.err) > 0);
  CHECK(LoggedPeakRssKib(r.err) < MemoryBoundKib(150 * 1024));
  CHECK(SqliteDb(dir.File("h.db")).Count("Account") == 0);
}

TEST_CASE("a cursor that repeats its locator ends after a few calls, not 456: exit 6") {
  Emulator emu({"--rows", "Account=500", "--rows", "Contact=0", "--rows", "Opportunity=0"});
  TempDir dir;
  emu.Admin("POST", "/__emulator/faults", {{"spec", "stuck_locator:path=/services/data/*/query/*"}});
  WriteFile(dir.File("job.yaml"), AccountJob(emu, dir));
  const int64_t before = emu.Stats().at("query_more_requests");
  const auto start = std::chrono::steady_clock::now();
  ProcessResult r = RunSfsync(dir.File("job.yaml"));
  INFO(r.err);
  CHECK(Seconds(start) < 30);
  CHECK(r.exit_code == 6);
  CHECK(r.err.find("query cursor stuck") != std::string::npos);
  CHECK(emu.Stats().at("query_more_requests").get<int64_t>() - before <= 3);
  CHECK(SqliteDb(dir.File("h.db")).Count("Account") == 200);  // the first page, then nothing wrong
}

TEST_CASE("a server Date a day ahead is not trusted: nothing changed after the load is skipped") {
  Emulator emu({"--rows", "Account=30", "--rows", "Contact=0", "--rows", "Opportunity=0"});
  TempDir dir;
  emu.Admin("POST", "/__emulator/faults", {{"spec", "date_skew:seconds=86400"}});
  WriteFile(dir.File("job.yaml"), AccountJob(emu, dir));
  ProcessResult first = RunSfsync(dir.File("job.yaml"));
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  CHECK(first.err.find("ahead of this machine's") != std::string::npos);
  const std::string watermark = SqliteDb(dir.File("h.db")).Scalar("SELECT watermark_ts FROM _sfsync_state");
  CHECK(watermark <= FormatIsoUtc(std::chrono::duration_cast<std::chrono::milliseconds>(
                                      std::chrono::system_clock::now().time_since_epoch()).count() + 5000));
  // A change made now (by the org's real clock) reaches the next run. Trusting tomorrow's Date would
  // have put the watermark after it.
  emu.Admin("DELETE", "/__emulator/faults");
  emu.Update("Account", emu.Records("Account")[4].at("Id"), {{"Name", "changed after the load"}});
  emu.AdvanceClock(2);
  ProcessResult next = RunSfsync(dir.File("job.yaml"));
  INFO(next.err);
  REQUIRE(next.exit_code == 0);
  CHECK(LastRunRowsRead(dir.File("h.db"), "Account") >= 1);
  CheckTableEqualsEmulator(emu, dir.File("h.db"), "Account");
}

TEST_CASE("a server with no Date header: the local clock, with a warning, and the run succeeds") {
  Emulator emu({"--rows", "Account=30", "--rows", "Contact=0", "--rows", "Opportunity=0"});
  TempDir dir;
  emu.Admin("POST", "/__emulator/faults", {{"spec", "no_date"}});
  WriteFile(dir.File("job.yaml"), AccountJob(emu, dir));
  ProcessResult r = RunSfsync(dir.File("job.yaml"));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("sent no Date header") != std::string::npos);
  CheckTableEqualsEmulator(emu, dir.File("h.db"), "Account");
}


// The job of AccountJob, logging in through `proxy` (so every call goes through it).
std::string ProxiedJob(const Emulator& emu, const HostileServer& proxy, const TempDir& dir, const std::string& connection = "") {
  std::string job = AccountJob(emu, dir);
  job.replace(job.find(emu.url()), emu.url().size(), proxy.url());
  if (!connection.empty()) job.insert(job.find("  auth:"), connection);
  return job;
}

bool IsQuery(const ReceivedRequest& r) { return r.target.find("/query") != std::string::npos; }

// Every request `server` received that carried the session token.
int WithToken(const HostileServer& server) {
  int n = 0;
  for (const ReceivedRequest& r : server.requests()) n += r.Header("Authorization") != nullptr;
  return n;
}

TEST_CASE("a query page nested 100000 deep is a clear error: exit 6 in bounded time and memory, nothing committed") {
  Emulator emu({"--rows", "Account=50", "--rows", "Contact=0", "--rows", "Opportunity=0"});
  TempDir dir;
  HostileServer proxy(emu.url(), [](const ReceivedRequest& r, const salesforce::HttpResponse*, RawWriter& out) {
    if (!IsQuery(r)) return false;
    out.Write(HttpAnswer(200, R"({"totalSize":1,"done":true,"records":[)" + std::string(100000, '[') +
                                  std::string(100000, ']') + "]}"));
    return true;
  });
  WriteFile(dir.File("job.yaml"), ProxiedJob(emu, proxy, dir));
  const auto start = std::chrono::steady_clock::now();
  ProcessResult r = RunSfsync(dir.File("job.yaml"));
  INFO(r.err);
  CHECK(Seconds(start) < 60);
  CHECK(r.exit_code == 6);
  CHECK(r.err.find("Account") != std::string::npos);
  CHECK(LoggedPeakRssKib(r.err) > 0);
  CHECK(LoggedPeakRssKib(r.err) < MemoryBoundKib(150 * 1024));
  CHECK(SqliteDb(dir.File("h.db")).Count("Account") == 0);
}

TEST_CASE("a nextRecordsUrl on another host or scheme is refused: the token stays on the instance host, page one kept") {
  Emulator emu({"--rows", "Account=500", "--rows", "Contact=0", "--rows", "Opportunity=0"});
  HostileServer elsewhere("", {});
  const std::string elsewhere_host = "http://localhost:" + elsewhere.url().substr(elsewhere.url().rfind(':') + 1);
  for (const std::string& target : {elsewhere.url(), elsewhere_host, std::string("https://127.0.0.1:1"),
                                    std::string("file://"), std::string("//localhost:1")}) {
    CAPTURE(target);
    TempDir dir;
    HostileServer proxy(
        emu.url(),
        [&](const ReceivedRequest& r, const salesforce::HttpResponse* upstream, RawWriter& out) {
          if (!IsQuery(r) || upstream->body.find("\"nextRecordsUrl\":\"/") == std::string::npos) return false;
          std::string body = upstream->body;
          const std::string key = "\"nextRecordsUrl\":\"";
          body.insert(body.find(key) + key.size(), target);
          out.Write(HttpAnswer(200, body));
          return true;
        },
        HostileServer::When::kAfterUpstream);
    WriteFile(dir.File("job.yaml"), ProxiedJob(emu, proxy, dir));
    ProcessResult r = RunSfsync(dir.File("job.yaml"));
    INFO(r.err);
    CHECK(r.exit_code != 0);
    CHECK(r.err.find("refusing to send the session token to") != std::string::npos);
    CHECK(SqliteDb(dir.File("h.db")).Count("Account") == 200);  // the first page, then nothing from elsewhere
    CHECK(SqliteDb(dir.File("h.db")).Scalar("SELECT status FROM _sfsync_runs") == "FAILED");
  }
  CHECK(WithToken(elsewhere) == 0);
  CHECK(elsewhere.requests().empty());
}

TEST_CASE("a redirect is never followed: the token does not go where it points") {
  Emulator emu({"--rows", "Account=50", "--rows", "Contact=0", "--rows", "Opportunity=0"});
  HostileServer elsewhere("", {});
  for (int status : {301, 302, 307, 308}) {
    CAPTURE(status);
    TempDir dir;
    HostileServer proxy(emu.url(), [&](const ReceivedRequest& r, const salesforce::HttpResponse*, RawWriter& out) {
      if (!IsQuery(r)) return false;
      out.Write(HttpAnswer(status, "", "Location: " + elsewhere.url() + r.target + "\r\n"));
      return true;
    });
    WriteFile(dir.File("job.yaml"), ProxiedJob(emu, proxy, dir));
    const auto start = std::chrono::steady_clock::now();
    ProcessResult r = RunSfsync(dir.File("job.yaml"));
    INFO(r.err);
    CHECK(Seconds(start) < 60);
    CHECK(r.exit_code != 0);
    CHECK(r.exit_code != 1);
    CHECK(SqliteDb(dir.File("h.db")).Count("Account") == 0);
  }
  CHECK(elsewhere.requests().empty());
}

TEST_CASE("an answer trickled a few bytes at a time ends at max_response_seconds, headers or body: exit 6") {
  Emulator emu({"--rows", "Account=50", "--rows", "Contact=0", "--rows", "Opportunity=0"});
  for (bool in_headers : {false, true}) {
    CAPTURE(in_headers);
    TempDir dir;
    HostileServer proxy(
        emu.url(),
        [&](const ReceivedRequest& r, const salesforce::HttpResponse* upstream, RawWriter& out) {
          if (!IsQuery(r)) return false;
          const std::string answer = HttpAnswer(200, upstream->body);
          const size_t body_at = answer.find("\r\n\r\n") + 4;
          if (!in_headers) out.Write(answer.substr(0, body_at + 10));
          // Steady progress: each read gets bytes, so the no-progress timeout never fires.
          out.Trickle(answer.substr(in_headers ? 0 : body_at + 10), 2, std::chrono::milliseconds(100));
          return true;
        },
        HostileServer::When::kAfterUpstream);
    WriteFile(dir.File("job.yaml"),
              ProxiedJob(emu, proxy, dir, "  timeout_seconds: 30\n  max_response_seconds: 2\n  max_attempts: 2\n"));
    const auto start = std::chrono::steady_clock::now();
    ProcessResult r = RunSfsync(dir.File("job.yaml"));
    INFO(r.err);
    CHECK(Seconds(start) < 30);
    CHECK(r.exit_code == 6);
    CHECK(r.err.find("max_response_seconds") != std::string::npos);
    CHECK(SqliteDb(dir.File("h.db")).Count("Account") == 0);
    proxy.Stop();
  }
}

// openssl in `dir`; fails the test if it fails.
void OpenSslIn(const TempDir& dir, const std::string& command) {
  ProcessResult r = RunProcess({"/bin/sh", "-c", "cd '" + dir.path() + "' && " + command});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
}

// Waits until something accepts connections on 127.0.0.1:port (10 s at most).
bool Listening(int port) {
  for (int i = 0; i < 200; ++i) {
    ProcessResult r = RunProcess({"/bin/bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/" + std::to_string(port)});
    if (r.exit_code == 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

TEST_CASE("TLS: a certificate for another name, or an expired one, is refused even from a trusted CA: exit 13, nothing sent") {
  TempDir dir;
  // A CA the job trusts (ca_file), and server certificates it signed: two that must still fail.
  OpenSslIn(dir, "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -subj /CN=sfsync-test-ca -days 2");
  WriteFile(dir.File("ca.cnf"),
            "[ca]\ndefault_ca=d\n[d]\ndatabase=index.txt\nnew_certs_dir=.\nserial=serial\ndefault_md=sha256\n"
            "policy=p\ncopy_extensions=copy\n[p]\ncommonName=supplied\n");
  WriteFile(dir.File("index.txt"), "");
  WriteFile(dir.File("serial"), "01\n");
  const auto sign = [&](const std::string& name, const std::string& san, const std::string& dates) {
    OpenSslIn(dir, "openssl req -newkey rsa:2048 -nodes -keyout " + name + ".key -out " + name + ".csr -subj /CN=" +
                       name + " -addext subjectAltName=" + san);
    OpenSslIn(dir, "openssl ca -batch -config ca.cnf -cert ca.crt -keyfile ca.key -in " + name + ".csr -out " + name +
                       ".crt " + dates);
  };
  sign("wrong-name", "DNS:wrong.example.com", "-days 2");
  sign("expired", "IP:127.0.0.1,DNS:localhost", "-startdate 20200101000000Z -enddate 20200201000000Z");
  sign("good", "IP:127.0.0.1,DNS:localhost", "-days 2");
  for (const std::string name : {"wrong-name", "expired", "good"}) {
    CAPTURE(name);
    // A real TLS server (OpenSSL's) with that certificate; it logs each HTTP request it decrypts.
    const int port = FreeLoopbackPort();
    TempDir job_dir;
    BackgroundProcess server({"/usr/bin/openssl", "s_server", "-accept", "127.0.0.1:" + std::to_string(port), "-cert",
                              dir.File(name + ".crt"), "-key", dir.File(name + ".key"), "-www"},
                             job_dir.path());
    REQUIRE(Listening(port));
    std::string job = "version: 1\nname: tls\nconnection:\n  login_url: https://127.0.0.1:" + std::to_string(port) +
                      "\n  ca_file: " + dir.File("ca.crt") +
                      "\n  max_attempts: 1\n  timeout_seconds: 2\n  auth:\n    flow: refresh_token\n    client_id: ${SF_CLIENT_ID}\n"
                      "    client_secret: ${SF_CLIENT_SECRET}\n    refresh_token: ${SF_REFRESH_TOKEN}\n"
                      "store:\n  sqlite: " + job_dir.File("t.db") + "\nobjects:\n  - name: Account\n    fields: [Id, Name]\n";
    WriteFile(job_dir.File("job.yaml"), job);
    ProcessResult r = RunSfsync(job_dir.File("job.yaml"));
    INFO(r.err);
    server.Signal(SIGTERM);
    server.Wait();
    if (name == "good") {
      // The same CA and settings pass the handshake (s_server then never answers the POST): the
      // refusals above are about the certificates.
      CHECK(r.exit_code != 13);
      CHECK(r.err.find("TLS") == std::string::npos);
      CHECK(r.err.find("no progress") != std::string::npos);
      continue;
    }
    CHECK(r.exit_code == 13);
    CHECK(r.err.find("TLS certificate verification failed") != std::string::npos);
    CHECK(server.Stdout().find("POST") == std::string::npos);  // no request, so no secret, went out
  }
}

}  // namespace
}  // namespace sfsync::testing
