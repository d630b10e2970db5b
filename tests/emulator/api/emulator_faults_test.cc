// Fault injection over real sockets: one scenario per fault kind showing what a client sees,
// plus the admin endpoints and start-up rules. A faulted request goes out on a fresh client so
// the test client's one reconnect-and-retry cannot hide the fault.
#include <doctest/doctest.h>

#include <chrono>

#include "tests/emulator/testing/emulator_fixture.h"
#include "tests/emulator/testing/test_pki.h"

namespace sfsync::emulator {
namespace {

using nlohmann::ordered_json;
using testing::ClientOptions;
using testing::ClientResponse;
using testing::HttpClient;
using testing::ParseJson;
using testing::RunningEmulator;
using testing::SmallOrgConfig;

constexpr char kSobjects[] = "/services/data/v60.0/sobjects";

EmulatorConfig WithFaults(std::vector<std::string> faults) {
  EmulatorConfig config = SmallOrgConfig();
  config.faults = std::move(faults);
  return config;
}

// GET `target` with the fixture's token on a new connection.
ClientResponse FreshGet(RunningEmulator& e, const std::string& target, ClientOptions options = {}) {
  if (e.token().empty()) e.FetchToken();
  HttpClient client("127.0.0.1", e.port(), std::move(options));
  return client.Get(target, {{"Authorization", "Bearer " + e.token()}});
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

int64_t FaultsInjected(RunningEmulator& e) {
  return ParseJson(e.Admin("GET", "/__emulator/stats").body)["faults_injected"].get<int64_t>();
}

TEST_CASE("fault latency: the answer is right, only late, and jitter stays within its range") {
  RunningEmulator e(WithFaults({"latency:path=/services/data/*/sobjects,ms=300"}));
  e.FetchToken();
  auto start = std::chrono::steady_clock::now();
  ClientResponse slow = e.RestGet(kSobjects);
  CHECK(slow.status == 200);
  CHECK(SecondsSince(start) >= 0.29);
  // Other paths are not delayed.
  start = std::chrono::steady_clock::now();
  CHECK(e.RestGet("/services/data/v60.0/limits").status == 200);
  CHECK(SecondsSince(start) < 0.25);

  RunningEmulator jittered(WithFaults({"latency:ms=200,jitter=150"}));
  for (int i = 0; i < 3; ++i) {
    start = std::chrono::steady_clock::now();
    CHECK(jittered.client().Get("/services/data/").status == 200);
    double seconds = SecondsSince(start);
    CHECK(seconds >= 0.045);
    CHECK(seconds < 0.45);
  }
}

TEST_CASE("fault http500 and http503: an HTML page from the edge, then normal service") {
  // Request 2 fires the first rule, so the second rule sees requests 1 and 3 only.
  RunningEmulator e(WithFaults({"http503:nth=2", "http500:nth=2"}));
  e.FetchToken();  // request 1
  ClientResponse unavailable = FreshGet(e, kSobjects);
  CHECK(unavailable.status == 503);
  CHECK(unavailable.headers.Get("Content-Type") == std::optional<std::string_view>("text/html;charset=UTF-8"));
  CHECK(unavailable.body.starts_with("<!DOCTYPE html>"));
  CHECK(ordered_json::parse(unavailable.body, nullptr, false).is_discarded());
  CHECK_FALSE(unavailable.headers.Has("Sforce-Limit-Info"));
  ClientResponse internal = FreshGet(e, kSobjects);
  CHECK(internal.status == 500);
  CHECK(internal.body.find("Internal Server Error") != std::string::npos);
  CHECK(FreshGet(e, kSobjects).status == 200);
  CHECK(FaultsInjected(e) == 2);
}

TEST_CASE("fault expire_session: after N calls 401 INVALID_SESSION_ID and the token stays dead") {
  RunningEmulator e(WithFaults({"expire_session:path=/services/data/*,after=2,times=1"}));
  std::string token = e.FetchToken();
  CHECK(e.RestGet(kSobjects).status == 200);
  CHECK(e.RestGet(kSobjects).status == 200);
  ClientResponse expired = e.RestGet(kSobjects);
  CHECK(expired.status == 401);
  CHECK(expired.body == R"([{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}])");
  CHECK(e.RestGet(kSobjects).status == 401);  // no fault any more: the token really died
  CHECK(e.FetchToken() != token);             // a refresh heals it
  CHECK(e.RestGet(kSobjects).status == 200);
}

TEST_CASE("fault reset_headers: the connection is reset before a whole status line and headers") {
  RunningEmulator e(WithFaults({"reset_headers:path=/services/data/*/sobjects,nth=1"}));
  ClientResponse reset = FreshGet(e, kSobjects);
  CHECK_FALSE(reset.ok);
  CHECK(reset.status == 0);
  CHECK(FreshGet(e, kSobjects).status == 200);
}

TEST_CASE("fault reset_body: headers arrive, then a reset half way through the body") {
  RunningEmulator e(WithFaults({"reset_body:path=/services/data/*/sobjects,nth=1"}));
  ClientResponse reset = FreshGet(e, kSobjects);
  CHECK_FALSE(reset.ok);
  CHECK(reset.status == 200);
  size_t promised = std::stoul(std::string(*reset.headers.Get("Content-Length")));
  CHECK(reset.wire_body_bytes < promised);
  CHECK(FreshGet(e, kSobjects).status == 200);
}

TEST_CASE("fault truncate_body: Content-Length promised, half the body, then the connection closes") {
  RunningEmulator e(WithFaults({"truncate_body:path=/services/data/*/query,nth=1"}));
  ClientResponse cut = FreshGet(e, "/services/data/v60.0/query?q=SELECT+Id,Name+FROM+Account");
  CHECK_FALSE(cut.ok);
  CHECK(cut.error == "connection closed");
  CHECK(cut.status == 200);
  size_t promised = std::stoul(std::string(*cut.headers.Get("Content-Length")));
  CHECK(cut.wire_body_bytes == promised / 2);
  CHECK(FreshGet(e, "/services/data/v60.0/query?q=SELECT+Id,Name+FROM+Account").ok);
}

TEST_CASE("fault truncate_body over HTTPS: the client sees the stream end early too") {
  testing::TestPki pki;
  testing::TestPki::ServerCertificate certificate = pki.MakeServerCertificate();
  EmulatorConfig config = WithFaults({"truncate_body:path=/services/data/*/sobjects,nth=1"});
  config.tls_cert_file = certificate.cert;
  config.tls_key_file = certificate.key;
  RunningEmulator e(config, ClientOptions{certificate.ca_cert});
  ClientResponse cut = FreshGet(e, kSobjects, ClientOptions{certificate.ca_cert});
  CHECK_FALSE(cut.ok);
  CHECK(cut.status == 200);
  CHECK(cut.wire_body_bytes < std::stoul(std::string(*cut.headers.Get("Content-Length"))));
}

TEST_CASE("fault stall: no answer within the client's timeout, and the server lets go when the client does") {
  // The default stall is five minutes; the test ends in well under one second.
  RunningEmulator e(WithFaults({"stall:path=/services/data/*/sobjects,nth=1"}));
  e.FetchToken();
  auto start = std::chrono::steady_clock::now();
  ClientResponse stalled = FreshGet(e, kSobjects, ClientOptions{"", 300});
  CHECK_FALSE(stalled.ok);
  CHECK(stalled.error == "connection failed or timed out");
  CHECK(stalled.status == 0);
  CHECK(SecondsSince(start) < 2);
  CHECK(FreshGet(e, kSobjects).status == 200);

  // A stall shorter than the client's patience is only a slow answer, then the connection closes.
  RunningEmulator brief(WithFaults({"stall:ms=200,path=/services/data/,nth=1"}));
  start = std::chrono::steady_clock::now();
  ClientResponse late = brief.client().Get("/services/data/");
  CHECK(late.status == 200);
  CHECK(late.headers.Get("Connection") == std::optional<std::string_view>("close"));
  CHECK(SecondsSince(start) >= 0.19);
}

TEST_CASE("fault query_timeout: 400 QUERY_TIMEOUT") {
  RunningEmulator e(WithFaults({"query_timeout:path=/services/data/*/query,nth=1"}));
  ClientResponse timeout = e.Query("SELECT Id FROM Account");
  CHECK(timeout.status == 400);
  CHECK(timeout.body == R"([{"message":"Your query request was running for too long.","errorCode":"QUERY_TIMEOUT"}])");
  CHECK(e.Query("SELECT Id FROM Account").status == 200);
}

TEST_CASE("fault invalid_locator: the continuation fails and the cursor is really gone") {
  EmulatorConfig config = WithFaults({"invalid_locator:path=/services/data/*/query/*,nth=1"});
  config.rows["Account"] = 500;
  RunningEmulator e(config);
  testing::HttpClient::Headers batch = {{"Sforce-Query-Options", "batchSize=200"}};
  ClientResponse first = e.Query("SELECT Id FROM Account", batch);
  REQUIRE(first.status == 200);
  std::string next = ParseJson(first.body)["nextRecordsUrl"];
  ClientResponse dead = e.RestGet(next, batch);
  CHECK(dead.status == 400);
  CHECK(dead.body == R"([{"message":"invalid query locator","errorCode":"INVALID_QUERY_LOCATOR"}])");
  CHECK(e.RestGet(next, batch).status == 400);  // the fault is spent; the cursor stays dead
  // A new query opens a new cursor that pages to the end.
  CHECK(testing::AllPages(e, e.Query("SELECT Id FROM Account", batch), batch).size() == 3);
}

TEST_CASE("fault malformed_json: 200 with a well-framed body that is not JSON") {
  RunningEmulator e(WithFaults({"malformed_json:path=/services/data/*/query,nth=1"}));
  ClientResponse broken = e.Query("SELECT Id, Name FROM Account");
  CHECK(broken.ok);
  CHECK(broken.status == 200);
  CHECK(broken.headers.Get("Content-Type") == std::optional<std::string_view>("application/json;charset=UTF-8"));
  CHECK(ordered_json::parse(broken.body, nullptr, false).is_discarded());
  CHECK(broken.body.starts_with(R"({"totalSize":50,)"));
  CHECK(e.Query("SELECT Id, Name FROM Account").status == 200);
}

TEST_CASE("fault limit_exceeded: 403 REQUEST_LIMIT_EXCEEDED with the usage header") {
  RunningEmulator e(WithFaults({"limit_exceeded:path=/services/data/*/sobjects,nth=2"}));
  CHECK(e.RestGet(kSobjects).status == 200);
  ClientResponse limited = e.RestGet(kSobjects);
  CHECK(limited.status == 403);
  CHECK(limited.body == R"([{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}])");
  CHECK(limited.headers.Get("Sforce-Limit-Info") == std::optional<std::string_view>("api-usage=1/15000"));
}

TEST_CASE("faults reach the OAuth endpoints too") {
  RunningEmulator e(WithFaults({"http503:path=/services/oauth2/token,nth=1"}));
  std::string grant =
      "grant_type=refresh_token&client_id=sfsync-emulator-client-id&client_secret="
      "sfsync-emulator-client-secret&refresh_token=sfsync-emulator-refresh-token";
  CHECK(testing::PostForm(e.client(), "/services/oauth2/token", grant).status == 503);
  CHECK(testing::PostForm(e.client(), "/services/oauth2/token", grant).status == 200);
}

TEST_CASE("admin faults endpoint: add, list with counts, clear, and stats count what was injected") {
  RunningEmulator e;
  ClientResponse added = e.Admin("POST", "/__emulator/faults", R"({"spec":"http503:path=/services/data/,every=2"})");
  REQUIRE(added.status == 201);
  CHECK(ParseJson(added.body)["faults"][0]["kind"] == "http503");
  CHECK(e.client().Get("/services/data/").status == 200);
  CHECK(e.client().Get("/services/data/").status == 503);
  CHECK(e.client().Get("/services/data/").status == 200);
  ordered_json listing = ParseJson(e.Admin("GET", "/__emulator/faults").body);
  CHECK(listing["seed"] == 42);
  CHECK(listing["faults"][0]["spec"] == "http503:path=/services/data/,every=2");
  CHECK(listing["faults"][0]["matched"] == 3);
  CHECK(listing["faults"][0]["fired"] == 1);
  CHECK(FaultsInjected(e) == 1);
  // Several at once; a bad one refuses the whole batch.
  ClientResponse bad = e.Admin("POST", "/__emulator/faults", R"({"specs":["http500:nth=1","boom"]})");
  CHECK(bad.status == 400);
  CHECK(ParseJson(bad.body)["message"] == "fault 'boom': unknown fault kind 'boom'");
  CHECK(ParseJson(e.Admin("GET", "/__emulator/faults").body)["faults"].size() == 1);
  CHECK(e.Admin("DELETE", "/__emulator/faults").status == 204);
  for (int i = 0; i < 4; ++i) CHECK(e.client().Get("/services/data/").status == 200);
  // Admin calls are never faulted.
  REQUIRE(e.Admin("POST", "/__emulator/faults", R"({"spec":"http503"})").status == 201);
  CHECK(e.Admin("GET", "/__emulator/health").status == 200);
}

TEST_CASE("the same fault seed gives the same failures, request by request") {
  auto run = [](uint64_t seed) {
    EmulatorConfig config = WithFaults({"http503:path=/services/data/,p=0.5"});
    config.fault_seed = seed;
    RunningEmulator e(config);
    std::string outcomes;
    for (int i = 0; i < 40; ++i) outcomes += e.client().Get("/services/data/").status == 503 ? 'X' : '.';
    return outcomes;
  };
  std::string first = run(11);
  CHECK(first == run(11));
  CHECK(first != run(12));
  CHECK(first.find('X') != std::string::npos);
  CHECK(first.find('.') != std::string::npos);
}

}  // namespace
}  // namespace sfsync::emulator
