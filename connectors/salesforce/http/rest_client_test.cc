#include "connectors/salesforce/http/rest_client.h"

#include <doctest/doctest.h>

#include "connectors/salesforce/http/api_error.h"
#include "connectors/salesforce/testing/fake_org.h"
#include "connectors/salesforce/testing/fake_transport.h"
#include "connectors/salesforce/testing/fixtures.h"
#include "connectors/salesforce/testing/recording_clock.h"
#include "engine/core/log.h"

namespace sfsync::salesforce {
namespace {

using std::chrono::milliseconds;
using testing::FakeTransport;
using testing::JsonResponse;
using testing::kInstanceUrl;
using testing::kLoginUrl;
using testing::kTokenUrl;
using testing::ReadFixture;
using testing::RecordingClock;
using testing::TokenBody;
using testing::TransportFailure;

const std::string kLimitsPath = "/services/data/v60.0/limits";
const std::string kLimitsUrl = std::string(kInstanceUrl) + kLimitsPath;
const std::string kInvalidSession = R"([{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}])";
const std::string kServerBusy = R"([{"message":"Server too busy","errorCode":"SERVER_UNAVAILABLE"}])";

// A client on a scripted org whose token endpoint hands out 00Dxx!token-1, -2, -3 in turn.
struct Org {
  FakeTransport fake;
  RecordingClock clock{1700000000000};
  std::unique_ptr<TokenProvider> tokens;
  std::unique_ptr<RestClient> client;

  explicit Org(RestOptions options = {}) {
    fake.On("POST", kTokenUrl)
        .Then(JsonResponse(200, TokenBody("00Dxx!token-1")))
        .Then(JsonResponse(200, TokenBody("00Dxx!token-2")))
        .Then(JsonResponse(200, TokenBody("00Dxx!token-3")));
    OAuthSettings settings;
    settings.flow = "refresh_token";
    settings.login_url = kLoginUrl;
    settings.client_id = "3MVG9client";
    settings.refresh_token = "5Aep861refresh";
    tokens = std::move(NewTokenProvider(settings, &fake, &clock).value());
    client = std::make_unique<RestClient>(&fake, tokens.get(), &clock, options);
  }

  std::vector<std::string> BearersSentTo(const std::string& url) const {
    std::vector<std::string> bearers;
    for (const HttpRequest& r : fake.requests()) {
      if (r.url == url) bearers.push_back(*FindHeader(r.headers, "Authorization"));
    }
    return bearers;
  }
};

TEST_CASE("a call carries the Bearer token and call options, on the instance from the token response") {
  Org org;
  org.fake.On("GET", kLimitsUrl).Then(JsonResponse(200, ReadFixture("limits.json")));
  StatusOr<HttpResponse> response = org.client->Call("GET", kLimitsPath);
  REQUIRE(response.ok());
  CHECK(response->status == 200);
  const HttpRequest sent = org.fake.requests().back();
  CHECK(sent.url == kLimitsUrl);
  CHECK(*FindHeader(sent.headers, "Authorization") == "Bearer 00Dxx!token-1");
  CHECK(*FindHeader(sent.headers, "Sforce-Call-Options") == "client=sfsync");
  CHECK(FindHeader(sent.headers, "Content-Type") == nullptr);  // no body
}

TEST_CASE("a body is sent as JSON unless the caller says otherwise") {
  Org org;
  const std::string url = std::string(kInstanceUrl) + "/services/data/v60.0/composite/sobjects";
  org.fake.On("POST", url).Then(JsonResponse(200, "[]"));
  REQUIRE(org.client->Call("POST", "/services/data/v60.0/composite/sobjects", R"({"records":[]})").ok());
  REQUIRE(org.client->Call("POST", url, "a,b\n1,2", {{"Content-Type", "text/csv"}}).ok());
  const auto requests = org.fake.requests();
  CHECK(*FindHeader(requests[1].headers, "Content-Type") == "application/json");
  CHECK(requests[1].body == R"({"records":[]})");
  CHECK(*FindHeader(requests[2].headers, "Content-Type") == "text/csv");
}

TEST_CASE("401 INVALID_SESSION_ID once: renew once, resend once, succeed") {
  Org org;
  org.fake.On("GET", kLimitsUrl).Times(1, JsonResponse(401, kInvalidSession)).Then(JsonResponse(200, "{}"));
  StatusOr<HttpResponse> response = org.client->Call("GET", kLimitsPath);
  REQUIRE(response.ok());
  CHECK(org.BearersSentTo(kLimitsUrl) == std::vector<std::string>{"Bearer 00Dxx!token-1", "Bearer 00Dxx!token-2"});
  CHECK(org.fake.CountRequests("POST", kTokenUrl) == 2);
  CHECK(org.clock.sleeps().empty());  // a renewal is not a backoff
}

TEST_CASE("401 INVALID_SESSION_ID again after renewing: give up, never loop") {
  Org org;
  org.fake.On("GET", kLimitsUrl).Then(JsonResponse(401, kInvalidSession));
  Status status = org.client->Call("GET", kLimitsPath).status();
  CHECK(status.code() == StatusCode::kUnauthenticated);
  CHECK(status.reason() == "INVALID_SESSION_ID");
  CHECK(org.fake.CountRequests("GET", kLimitsUrl) == 2);
  CHECK(org.fake.CountRequests("POST", kTokenUrl) == 2);
}

TEST_CASE("a 401 that no renewal fixes is returned without renewing") {
  Org org;
  org.fake.On("GET", kLimitsUrl)
      .Then(JsonResponse(
          401, R"([{"message":"This session is not valid for use with the REST API","errorCode":"INVALID_SESSION_ID"}])"));
  CHECK(org.client->Call("GET", kLimitsPath).status().code() == StatusCode::kUnauthenticated);
  CHECK(org.fake.CountRequests("POST", kTokenUrl) == 1);
  CHECK(org.fake.CountRequests("GET", kLimitsUrl) == 1);
}

TEST_CASE("a renewal refused by the token endpoint ends the call with the auth reason") {
  Org org;
  org.fake.On("POST", kTokenUrl)
      .Then(JsonResponse(200, TokenBody("00Dxx!token-1")))
      .Then(JsonResponse(400, ReadFixture("oauth_error_invalid_grant.json")));
  org.fake.On("GET", kLimitsUrl).Then(JsonResponse(401, kInvalidSession));
  Status status = org.client->Call("GET", kLimitsPath).status();
  CHECK(status.code() == StatusCode::kUnauthenticated);
  CHECK(status.reason() == "auth.grant_expired");
  CHECK(status.message().find("could not be renewed") != std::string::npos);
  CHECK(org.fake.CountRequests("GET", kLimitsUrl) == 1);
}

TEST_CASE("a renewal that meets a busy token endpoint is retried after a backoff, not given up") {
  Org org;
  org.fake.On("POST", kTokenUrl)
      .Then(JsonResponse(200, TokenBody("00Dxx!token-1")))
      .Then(JsonResponse(503, "<html>busy</html>"))
      .Then(JsonResponse(200, TokenBody("00Dxx!token-2")));
  org.fake.On("GET", kLimitsUrl).Times(1, JsonResponse(401, kInvalidSession)).Then(JsonResponse(200, "{}"));
  REQUIRE(org.client->Call("GET", kLimitsPath).ok());
  CHECK(org.BearersSentTo(kLimitsUrl) == std::vector<std::string>{"Bearer 00Dxx!token-1", "Bearer 00Dxx!token-2"});
  CHECK(org.fake.CountRequests("POST", kTokenUrl) == 3);
  CHECK(org.clock.sleeps().size() == 1);
}

TEST_CASE("503 twice then 200: two jittered, growing backoffs on the clock, then success") {
  Org org;
  org.fake.On("GET", kLimitsUrl).Times(2, JsonResponse(503, kServerBusy)).Then(JsonResponse(200, "{}"));
  REQUIRE(org.client->Call("GET", kLimitsPath).ok());
  const auto sleeps = org.clock.sleeps();
  REQUIRE(sleeps.size() == 2);
  CHECK(sleeps[0] >= milliseconds(250));  // equal jitter: [d/2, d] with d = 500 ms
  CHECK(sleeps[0] <= milliseconds(500));
  CHECK(sleeps[1] >= milliseconds(500));  // d = 1000 ms
  CHECK(sleeps[1] <= milliseconds(1000));
  CHECK(org.fake.CountRequests("GET", kLimitsUrl) == 3);
}

TEST_CASE("retries stop at max_attempts and the delay stops growing at backoff_max") {
  RestOptions options;
  options.max_attempts = 8;
  options.backoff_initial = milliseconds(500);
  options.backoff_max = milliseconds(2000);
  Org org(options);
  org.fake.On("GET", kLimitsUrl).Then(JsonResponse(503, "<html>maintenance</html>"));
  Status status = org.client->Call("GET", kLimitsPath).status();
  CHECK(status.code() == StatusCode::kUnavailable);
  CHECK(status.message().rfind("gave up after 8 attempts: HTTP 503 Service Unavailable", 0) == 0);
  CHECK(org.fake.CountRequests("GET", kLimitsUrl) == 8);
  const auto sleeps = org.clock.sleeps();
  REQUIRE(sleeps.size() == 7);
  for (size_t i = 2; i < sleeps.size(); ++i) {
    CAPTURE(i);
    CHECK(sleeps[i] >= milliseconds(1000));
    CHECK(sleeps[i] <= milliseconds(2000));
  }
}

TEST_CASE("connection resets and 429/420/406 are retried like 5xx") {
  Org org;
  org.fake.On("GET", kLimitsUrl)
      .Then(TransportFailure())
      .Then(JsonResponse(429, ""))
      .Then(JsonResponse(420, ""))
      .Then(JsonResponse(406, "<html/>"))
      .Then(JsonResponse(200, "{}"));
  REQUIRE(org.client->Call("GET", kLimitsPath).ok());
  CHECK(org.fake.CountRequests("GET", kLimitsUrl) == 5);
  CHECK(org.clock.sleeps().size() == 4);
}

TEST_CASE("a 400 is returned at once: no retry, no sleep") {
  Org org;
  const std::string query_url = std::string(kInstanceUrl) + "/services/data/v60.0/query";
  org.fake.On("GET", query_url).Then(JsonResponse(400, ReadFixture("error_malformed_query.json")));
  Status status = org.client->Call("GET", "/services/data/v60.0/query?q=invalid").status();
  CHECK(status.code() == StatusCode::kInvalidArgument);
  CHECK(status.reason() == "MALFORMED_QUERY");
  CHECK(status.message() == "unexpected token: 'invalid'");
  CHECK(org.fake.CountRequests("GET", query_url) == 1);
  CHECK(org.clock.sleeps().empty());
}

TEST_CASE("a response the transport refused as over a cap is returned at once: resending gets the same body") {
  for (const char* reason : {"response.too_large", "response.inflate_ratio"}) {
    CAPTURE(reason);
    Org org;
    org.fake.On("GET", kLimitsUrl).Then(Status(StatusCode::kDataLoss, "over the cap", reason));
    Status status = org.client->Call("GET", kLimitsPath).status();
    CHECK(status.code() == StatusCode::kDataLoss);
    CHECK(status.reason() == reason);
    CHECK_FALSE(IsRetriable(status));
    CHECK(org.fake.CountRequests("GET", kLimitsUrl) == 1);
    CHECK(org.clock.sleeps().empty());
  }
}

TEST_CASE("the token is never sent to a host other than the instance") {
  Org org;
  for (const std::string& url : {std::string("https://evil.example.com/services/data/v60.0/limits"),
                                std::string(kInstanceUrl) + ".evil.example.com/x"}) {
    CAPTURE(url);
    CHECK(org.client->Call("GET", url).status().code() == StatusCode::kInvalidArgument);
  }
  for (const HttpRequest& r : org.fake.requests()) CHECK(r.url == kTokenUrl);
  org.fake.On("GET", kLimitsUrl).Then(JsonResponse(200, "{}"));
  CHECK(org.client->Call("GET", kLimitsUrl).ok());  // an absolute URL on the instance is fine
}

TEST_CASE("server info keeps the call count, the last limit header and the last server date") {
  Org org;
  org.fake.On("GET", kLimitsUrl)
      .Then(JsonResponse(503, ""))
      .Then(JsonResponse(200, "{}",
                         {{"sforce-limit-info", "api-usage=891/15000"}, {"date", "Wed, 06 May 2026 12:07:50 GMT"}}));
  CHECK(org.client->server_info().api_calls == 0);
  REQUIRE(org.client->Call("GET", kLimitsPath).ok());
  ServerInfo info = org.client->server_info();
  CHECK(info.api_calls == 2);  // the 503 reached the server too
  CHECK(info.limit_info == "api-usage=891/15000");
  CHECK(info.server_date_millis == 1778069270000);
}

TEST_CASE("describe: conditional request, 304 means not modified, 200 is parsed") {
  Org org;
  const std::string url = std::string(kInstanceUrl) + "/services/data/v60.0/sobjects/Account/describe";
  org.fake.On("GET", url)
      .Then(JsonResponse(304, "", {{"Last-Modified", "Wed, 06 May 2026 09:49:20 GMT"}}))
      .Then(JsonResponse(200, ReadFixture("describe_account_v58.json"),
                         {{"Last-Modified", "Wed, 06 May 2026 09:49:20 GMT"}}));
  StatusOr<DescribeResult> unchanged = org.client->Describe("Account", int64_t{1427068800000});
  REQUIRE(unchanged.ok());
  CHECK(unchanged->not_modified);
  CHECK(unchanged->info.fields.empty());
  CHECK(*FindHeader(org.fake.requests().back().headers, "If-Modified-Since") == "Mon, 23 Mar 2015 00:00:00 GMT");

  StatusOr<DescribeResult> fresh = org.client->Describe("Account");
  REQUIRE(fresh.ok());
  CHECK_FALSE(fresh->not_modified);
  CHECK(fresh->info.name == "Account");
  CHECK(fresh->info.fields.size() == 70);
  CHECK(fresh->last_modified_millis == 1778060960000);
  CHECK(FindHeader(org.fake.requests().back().headers, "If-Modified-Since") == nullptr);

  CHECK(org.client->Describe("Account/../../x").status().code() == StatusCode::kInvalidArgument);
  CHECK(org.client->DataPath() == "/services/data/v60.0");
}

TEST_CASE("regression: a 304 to a describe that was not conditional is a malformed answer, not a cache hit") {
  // The caller reuses its cached describe on 304, and has none when it did not ask conditionally.
  Org org;
  org.fake.On("GET", std::string(kInstanceUrl) + "/services/data/v60.0/sobjects/Account/describe")
      .Then(JsonResponse(304, ""));
  StatusOr<DescribeResult> result = org.client->Describe("Account");
  CHECK(result.status().code() == StatusCode::kDataLoss);
  CHECK(result.status().message().find("unconditional") != std::string::npos);
}

TEST_CASE("call logs name method, path, status and time, never the token") {
  Org org;
  org.fake.On("GET", kLimitsUrl).Times(1, JsonResponse(401, kInvalidSession)).Then(JsonResponse(200, "{}"));
  std::string log;
  const LogLevel level = GetLogLevel();
  SetLogLevel(LogLevel::kDebug);
  CaptureLogForTesting(&log);
  Status status = org.client->Call("GET", kLimitsPath).status();
  CaptureLogForTesting(nullptr);
  SetLogLevel(level);
  CHECK(status.ok());
  CHECK(log.find("DEBUG GET /services/data/v60.0/limits -> 401 (0 ms)") != std::string::npos);
  CHECK(log.find("DEBUG GET /services/data/v60.0/limits -> 200 (0 ms)") != std::string::npos);
  CHECK(log.find("token-1") == std::string::npos);
  CHECK(log.find("token-2") == std::string::npos);
}

}  // namespace
}  // namespace sfsync::salesforce
