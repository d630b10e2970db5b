// The refresh-token flow end to end, through NewTokenProvider and a scripted token endpoint.
#include "connectors/salesforce/auth.h"

#include <doctest/doctest.h>

#include "connectors/salesforce/http_transport.h"
#include "connectors/salesforce/testing/fake_org.h"
#include "connectors/salesforce/testing/fake_transport.h"
#include "connectors/salesforce/testing/fixtures.h"
#include "engine/core/log.h"

namespace sfsync::salesforce {
namespace {

using testing::FakeTransport;
using testing::JsonResponse;
using testing::kLoginUrl;
using testing::kTokenUrl;
using testing::ReadFixture;
using testing::TokenBody;

OAuthSettings RefreshSettings() {
  OAuthSettings settings;
  settings.flow = "refresh_token";
  settings.login_url = kLoginUrl;
  settings.client_id = "3MVG9client";
  settings.client_secret = "consumer-secret-9d8c7b";
  settings.refresh_token = "5Aep861initial.refresh";
  return settings;
}

// The form fields of a token request, decoded.
std::string FormField(const HttpRequest& request, const std::string& name) {
  std::string_view body = request.body;
  while (!body.empty()) {
    size_t amp = body.find('&');
    std::string_view pair = body.substr(0, amp);
    body.remove_prefix(amp == std::string_view::npos ? body.size() : amp + 1);
    size_t eq = pair.find('=');
    if (UrlDecode(pair.substr(0, eq)) == name) return UrlDecode(pair.substr(eq + 1));
  }
  return "<absent>";
}

TEST_CASE("the refresh flow sends grant_type, refresh token, client id and secret") {
  FakeTransport fake;
  ManualClock clock(1700000000000);
  fake.On("POST", kTokenUrl).Then(JsonResponse(200, TokenBody("00Dxx!access-one")));
  auto provider = NewTokenProvider(RefreshSettings(), &fake, &clock);
  REQUIRE(provider.ok());
  StatusOr<Session> session = (*provider)->Current();
  REQUIRE(session.ok());
  CHECK(session->access_token == "00Dxx!access-one");
  const HttpRequest sent = fake.requests().at(0);
  CHECK(FormField(sent, "grant_type") == "refresh_token");
  CHECK(FormField(sent, "refresh_token") == "5Aep861initial.refresh");
  CHECK(FormField(sent, "client_id") == "3MVG9client");
  CHECK(FormField(sent, "client_secret") == "consumer-secret-9d8c7b");
}

TEST_CASE("without a client secret the refresh flow omits it") {
  FakeTransport fake;
  ManualClock clock(1700000000000);
  fake.On("POST", kTokenUrl).Then(JsonResponse(200, TokenBody("00Dxx!access-one")));
  OAuthSettings settings = RefreshSettings();
  settings.client_secret.clear();
  auto provider = NewTokenProvider(settings, &fake, &clock);
  REQUIRE(provider.ok());
  REQUIRE((*provider)->Current().ok());
  CHECK(FormField(fake.requests().at(0), "client_secret") == "<absent>");
}

TEST_CASE("a rotated refresh token is used from then on and handed to the persistence hook") {
  FakeTransport fake;
  ManualClock clock(1700000000000);
  fake.On("POST", kTokenUrl)
      .Then(JsonResponse(200, TokenBody("00Dxx!access-one", "5Aep861rotated.refresh")))
      .Then(JsonResponse(200, TokenBody("00Dxx!access-two")));
  OAuthSettings settings = RefreshSettings();
  std::vector<std::string> persisted;
  settings.on_refresh_token_rotated = [&](const std::string& token) { persisted.push_back(token); };
  auto provider = NewTokenProvider(settings, &fake, &clock);
  REQUIRE(provider.ok());
  REQUIRE((*provider)->Current().ok());
  REQUIRE((*provider)->Renew("00Dxx!access-one").ok());
  CHECK(persisted == std::vector<std::string>{"5Aep861rotated.refresh"});
  CHECK(FormField(fake.requests().at(1), "refresh_token") == "5Aep861rotated.refresh");
  CHECK(Redact("x 5Aep861rotated.refresh") == "x [REDACTED]");
}

TEST_CASE("a revoked refresh token ends in auth.grant_expired with the fix in the message") {
  FakeTransport fake;
  ManualClock clock(1700000000000);
  fake.On("POST", kTokenUrl).Then(JsonResponse(400, ReadFixture("oauth_error_invalid_grant.json")));
  auto provider = NewTokenProvider(RefreshSettings(), &fake, &clock);
  REQUIRE(provider.ok());
  Status status = (*provider)->Current().status();
  CHECK(status.code() == StatusCode::kUnauthenticated);
  CHECK(status.reason() == "auth.grant_expired");
  CHECK(status.message().find("sfsync auth login") != std::string::npos);
}

TEST_CASE("settings that cannot work are refused before any request") {
  FakeTransport fake;
  ManualClock clock(0);
  OAuthSettings no_token = RefreshSettings();
  no_token.refresh_token.clear();
  CHECK(NewTokenProvider(no_token, &fake, &clock).status().code() == StatusCode::kFailedPrecondition);
  OAuthSettings no_client = RefreshSettings();
  no_client.client_id.clear();
  CHECK(NewTokenProvider(no_client, &fake, &clock).status().code() == StatusCode::kInvalidArgument);
  OAuthSettings plain = RefreshSettings();
  plain.login_url = "http://login.salesforce.com";
  CHECK(NewTokenProvider(plain, &fake, &clock).status().code() == StatusCode::kInvalidArgument);
  for (const char* flow : {"jwt_bearer", "client_credentials", "authorization_code", "device"}) {
    OAuthSettings later = RefreshSettings();
    later.flow = flow;
    CHECK(NewTokenProvider(later, &fake, &clock).status().code() == StatusCode::kUnimplemented);
  }
  OAuthSettings unknown = RefreshSettings();
  unknown.flow = "password";
  CHECK(NewTokenProvider(unknown, &fake, &clock).status().code() == StatusCode::kInvalidArgument);
  CHECK(fake.requests().empty());
}

TEST_CASE("no token or secret reaches a debug log line or an error message") {
  FakeTransport fake;
  ManualClock clock(1700000000000);
  fake.On("POST", kTokenUrl)
      .Then(JsonResponse(200, TokenBody("00Dxx0000000123!AQMAQ.secret-access", "5Aep861rotated.secret")))
      .Then(JsonResponse(400, ReadFixture("oauth_error_invalid_grant.json")));
  std::string log;
  const LogLevel level = GetLogLevel();
  SetLogLevel(LogLevel::kTrace);
  CaptureLogForTesting(&log);
  auto provider = NewTokenProvider(RefreshSettings(), &fake, &clock);
  REQUIRE(provider.ok());
  REQUIRE((*provider)->Current().ok());
  Status failed = (*provider)->Renew("00Dxx0000000123!AQMAQ.secret-access").status();
  CaptureLogForTesting(nullptr);
  SetLogLevel(level);
  REQUIRE_FALSE(failed.ok());
  CHECK(log.find("/services/oauth2/token") != std::string::npos);  // the calls were logged...
  for (const std::string& secret : {std::string("secret-access"), std::string("rotated.secret"),
                                    std::string("initial.refresh"), std::string("consumer-secret")}) {
    CAPTURE(secret);
    CHECK(log.find(secret) == std::string::npos);  // ...without their secrets
    CHECK(failed.message().find(secret) == std::string::npos);
  }
}

}  // namespace
}  // namespace sfsync::salesforce
