// The token provider of each flow, end to end through NewTokenProvider, a scripted token endpoint
// and a real token store on disk.
#include "connectors/salesforce/auth/auth.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "connectors/salesforce/http/http_transport.h"
#include "connectors/salesforce/auth/oauth_flows.h"
#include "connectors/salesforce/testing/fake_org.h"
#include "connectors/salesforce/testing/fake_transport.h"
#include "connectors/salesforce/testing/fixtures.h"
#include "connectors/salesforce/testing/test_keys.h"
#include "connectors/salesforce/auth/token_store.h"
#include "engine/core/exit_codes.h"
#include "engine/core/log.h"
#include "engine/core/time_format.h"

namespace sfsync::salesforce {
namespace {

using testing::FakeTransport;
using testing::FormField;
using testing::JsonResponse;
using testing::kLoginUrl;
using testing::kTokenUrl;
using testing::ReadFixture;
using testing::ScratchDir;
using testing::TokenBody;

constexpr int64_t kNow = 1700000000000;

OAuthSettings RefreshSettings(const std::string& state_dir = "") {
  OAuthSettings settings;
  settings.flow = "refresh_token";
  settings.login_url = kLoginUrl;
  settings.client_id = "3MVG9client";
  settings.client_secret = "consumer-secret-9d8c7b";
  settings.refresh_token = "5Aep861initial.refresh";
  settings.state_dir = state_dir;
  return settings;
}

const testing::TestRsaKey& Key() {
  static const testing::TestRsaKey key = testing::MakeRsaKey("jwt-key-passphrase-55");
  return key;
}

OAuthSettings JwtSettings(const ScratchDir& dir) {
  OAuthSettings settings;
  settings.flow = "jwt_bearer";
  settings.login_url = kLoginUrl;
  settings.client_id = "3MVG9client";
  settings.username = "integration@acme.example";
  settings.private_key_file = dir.Write("server.key", Key().encrypted_private_pem);
  settings.private_key_passphrase = Key().passphrase;
  settings.state_dir = dir.path() + "/state";
  return settings;
}

std::optional<StoredTokens> Stored(const OAuthSettings& settings) {
  StatusOr<std::optional<StoredTokens>> loaded = TokenStore(settings).Load();
  REQUIRE(loaded.ok());
  return *loaded;
}

// The claims of the assertion a JWT request carried, after checking its signature.
nlohmann::json VerifiedClaims(const HttpRequest& request) {
  const std::string assertion = FormField(request, "assertion");
  const size_t first = assertion.find('.');
  const size_t second = assertion.find('.', first + 1);
  REQUIRE(second != std::string::npos);
  CHECK(testing::VerifyRs256(Key().public_pem, assertion.substr(0, second),
                             testing::Base64UrlDecode(assertion.substr(second + 1))));
  return nlohmann::json::parse(testing::Base64UrlDecode(assertion.substr(first + 1, second - first - 1)));
}

TEST_CASE("the refresh flow sends grant_type, refresh token, client id and secret") {
  FakeTransport fake;
  ManualClock clock(kNow);
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
  ManualClock clock(kNow);
  fake.On("POST", kTokenUrl).Then(JsonResponse(200, TokenBody("00Dxx!access-one")));
  OAuthSettings settings = RefreshSettings();
  settings.client_secret.clear();
  auto provider = NewTokenProvider(settings, &fake, &clock);
  REQUIRE(provider.ok());
  REQUIRE((*provider)->Current().ok());
  CHECK(FormField(fake.requests().at(0), "client_secret") == "<absent>");
}

TEST_CASE("a rotated refresh token is saved in the token store and the next run starts from it") {
  ScratchDir dir;
  FakeTransport fake;
  ManualClock clock(kNow);
  fake.On("POST", kTokenUrl)
      .Then(JsonResponse(200, TokenBody("00Dxx!access-one", "5Aep861rotated.one", std::to_string(kNow))))
      .Then(JsonResponse(200, TokenBody("00Dxx!access-two", "5Aep861rotated.two", std::to_string(kNow))));
  const OAuthSettings settings = RefreshSettings(dir.path());
  {  // a) the first run: one grant, which rotates
    auto run = NewTokenProvider(settings, &fake, &clock);
    REQUIRE(run.ok());
    REQUIRE((*run)->Current().ok());
    std::optional<StoredTokens> stored = Stored(settings);
    REQUIRE(stored.has_value());
    CHECK(stored->refresh_token == "5Aep861rotated.one");
    CHECK(stored->session.access_token == "00Dxx!access-one");
    CHECK(stored->session.issued_at_millis == kNow);
    CHECK(stored->session.received_at_millis == kNow);
  }
  {  // b) the next run serves the stored session without a grant while it is young
    clock.Advance(std::chrono::minutes(10));
    auto run = NewTokenProvider(settings, &fake, &clock);
    REQUIRE(run.ok());
    CHECK((*run)->Current()->access_token == "00Dxx!access-one");
    CHECK(fake.requests().size() == 1);
    // c) a 401 renews with the rotated token (the job's one is dead), and that rotation is stored
    CHECK((*run)->Renew("00Dxx!access-one")->access_token == "00Dxx!access-two");
    CHECK(FormField(fake.requests().at(1), "refresh_token") == "5Aep861rotated.one");
    CHECK(Stored(settings)->refresh_token == "5Aep861rotated.two");
  }
  CHECK(Redact("x 5Aep861rotated.two") == "x [REDACTED]");
}

TEST_CASE("a server clock far from ours does not make a young session look stale") {
  FakeTransport fake;
  ManualClock clock(kNow);
  // issued_at two years before our clock (an emulator started with --clock-start in the past).
  fake.On("POST", kTokenUrl).Then(JsonResponse(200, TokenBody("00Dxx!access-one", "", "1637000000000")));
  auto provider = NewTokenProvider(RefreshSettings(), &fake, &clock);
  REQUIRE(provider.ok());
  REQUIRE((*provider)->Current().ok());
  clock.Advance(std::chrono::minutes(30));
  REQUIRE((*provider)->Current().ok());
  CHECK(fake.requests().size() == 1);
}

TEST_CASE("a job whose secret changed does not reuse the stored session: a wrong secret fails at once") {
  ScratchDir dir;
  FakeTransport fake;
  ManualClock clock(kNow);
  fake.On("POST", kTokenUrl)
      .Then(JsonResponse(200, TokenBody("00Dxx!access-one")))
      .Then(JsonResponse(400, R"({"error":"invalid_client","error_description":"invalid client credentials"})"));
  REQUIRE((*NewTokenProvider(RefreshSettings(dir.path()), &fake, &clock))->Current().ok());
  OAuthSettings wrong = RefreshSettings(dir.path());
  wrong.client_secret = "a-mistyped-consumer-secret";
  auto provider = NewTokenProvider(wrong, &fake, &clock);
  REQUIRE(provider.ok());
  CHECK((*provider)->Current().status().reason() == "auth.invalid_client_secret");
  CHECK(fake.requests().size() == 2);
  CHECK(Stored(RefreshSettings(dir.path()))->session.access_token == "00Dxx!access-one");  // untouched
}

TEST_CASE("a job whose refresh_token changed starts from it instead of the stored rotation") {
  ScratchDir dir;
  FakeTransport fake;
  ManualClock clock(kNow);
  fake.On("POST", kTokenUrl).Then(JsonResponse(200, TokenBody("00Dxx!access-one", "5Aep861rotated.one")));
  REQUIRE((*NewTokenProvider(RefreshSettings(dir.path()), &fake, &clock))->Current().ok());
  OAuthSettings changed = RefreshSettings(dir.path());
  changed.refresh_token = "5Aep861brand.new.token";
  auto provider = NewTokenProvider(changed, &fake, &clock);
  REQUIRE(provider.ok());
  REQUIRE((*provider)->Current().ok());
  REQUIRE(fake.requests().size() == 2);  // the stored session belonged to the old token: not used
  CHECK(FormField(fake.requests().at(1), "refresh_token") == "5Aep861brand.new.token");
}

TEST_CASE("regression: two jobs with their own refresh tokens on one connection keep their own rotations") {
  // Two users' refresh tokens for one connected app (say, two teams' jobs on one host). Keyed by the
  // connection alone, each job's rotation replaced the other's: job A then fell back to its own dead
  // token, which a rotating org answers by revoking the whole family.
  ScratchDir dir;
  FakeTransport fake;
  ManualClock clock(kNow);
  fake.On("POST", kTokenUrl)
      .Then(JsonResponse(200, TokenBody("00Dxx!access-a1", "5Aep861a.rotated.one")))
      .Then(JsonResponse(200, TokenBody("00Dxx!access-b1", "5Aep861b.rotated.one")))
      .Then(JsonResponse(200, TokenBody("00Dxx!access-a2", "5Aep861a.rotated.two")));
  OAuthSettings a = RefreshSettings(dir.path());
  OAuthSettings b = RefreshSettings(dir.path());
  b.refresh_token = "5Aep861second.user.token";
  CHECK(TokenStore(a).path() != TokenStore(b).path());
  REQUIRE((*NewTokenProvider(a, &fake, &clock))->Current().ok());
  REQUIRE((*NewTokenProvider(b, &fake, &clock))->Current().ok());
  clock.Advance(std::chrono::hours(3));  // A's stored session is stale: it renews with its rotation
  REQUIRE((*NewTokenProvider(a, &fake, &clock))->Current().ok());
  REQUIRE(fake.requests().size() == 3);
  CHECK(FormField(fake.requests().at(2), "refresh_token") == "5Aep861a.rotated.one");
  CHECK(Stored(a)->refresh_token == "5Aep861a.rotated.two");
  CHECK(Stored(b)->refresh_token == "5Aep861b.rotated.one");
}

TEST_CASE("a refresh token another process rotated meanwhile is used instead of the dead one") {
  ScratchDir dir;
  FakeTransport fake;
  ManualClock clock(kNow);
  fake.On("POST", kTokenUrl)
      .Then(JsonResponse(200, TokenBody("00Dxx!access-a", "5Aep861rotated.by.a")))
      .Then(JsonResponse(200, TokenBody("00Dxx!access-b", "5Aep861rotated.by.b")));
  auto a = NewTokenProvider(RefreshSettings(dir.path()), &fake, &clock);
  auto b = NewTokenProvider(RefreshSettings(dir.path()), &fake, &clock);  // both start from the job's token
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  REQUIRE((*a)->Current().ok());
  REQUIRE((*b)->Current().ok());
  CHECK(FormField(fake.requests().at(0), "refresh_token") == "5Aep861initial.refresh");
  CHECK(FormField(fake.requests().at(1), "refresh_token") == "5Aep861rotated.by.a");
  CHECK(Stored(RefreshSettings(dir.path()))->refresh_token == "5Aep861rotated.by.b");
}

TEST_CASE("a revoked refresh token ends in auth.grant_expired and writes nothing") {
  ScratchDir dir;
  FakeTransport fake;
  ManualClock clock(kNow);
  fake.On("POST", kTokenUrl).Then(JsonResponse(400, ReadFixture("oauth_error_invalid_grant.json")));
  auto provider = NewTokenProvider(RefreshSettings(dir.path()), &fake, &clock);
  REQUIRE(provider.ok());
  Status status = (*provider)->Current().status();
  CHECK(status.code() == StatusCode::kUnauthenticated);
  CHECK(status.reason() == "auth.grant_expired");
  CHECK(ExitCodeFor(status) == kExitAuthGrantExpired);
  CHECK(status.message().find("sfsync auth login") != std::string::npos);
  CHECK_FALSE(Stored(RefreshSettings(dir.path())).has_value());
}

TEST_CASE("a token without the api scope is refused with what to add, and writes nothing") {
  ScratchDir dir;
  FakeTransport fake;
  ManualClock clock(kNow);
  std::string body = TokenBody("00Dxx!access-web");
  body.replace(body.find("api refresh_token"), 17, "web openid");
  fake.On("POST", kTokenUrl).Then(JsonResponse(200, body));
  auto provider = NewTokenProvider(RefreshSettings(dir.path()), &fake, &clock);
  REQUIRE(provider.ok());
  Status status = (*provider)->Current().status();
  CHECK(status.reason() == "auth.scope");
  CHECK(ExitCodeFor(status) == kExitAuthScope);
  CHECK(status.message().find("granted: web openid") != std::string::npos);
  CHECK(status.message().find("Manage user data via APIs (api)") != std::string::npos);
  CHECK_FALSE(Stored(RefreshSettings(dir.path())).has_value());
}

TEST_CASE("settings that cannot work are refused before any request") {
  ScratchDir dir;
  FakeTransport fake;
  ManualClock clock(0);
  OAuthSettings no_token = RefreshSettings();
  no_token.refresh_token.clear();
  CHECK(NewTokenProvider(no_token, &fake, &clock).status().code() == StatusCode::kInvalidArgument);
  OAuthSettings no_client = RefreshSettings();
  no_client.client_id.clear();
  CHECK(NewTokenProvider(no_client, &fake, &clock).status().code() == StatusCode::kInvalidArgument);
  OAuthSettings plain = RefreshSettings();
  plain.login_url = "http://login.salesforce.com";
  CHECK(NewTokenProvider(plain, &fake, &clock).status().code() == StatusCode::kInvalidArgument);
  OAuthSettings unknown = RefreshSettings();
  unknown.flow = "password";
  CHECK(NewTokenProvider(unknown, &fake, &clock).status().code() == StatusCode::kInvalidArgument);
  OAuthSettings cc = RefreshSettings();
  cc.flow = "client_credentials";
  cc.client_secret.clear();
  CHECK(NewTokenProvider(cc, &fake, &clock).status().code() == StatusCode::kInvalidArgument);
  for (const char* flow : {"authorization_code", "device"}) {
    OAuthSettings interactive = RefreshSettings(dir.path());
    interactive.flow = flow;
    interactive.refresh_token.clear();
    Status status = NewTokenProvider(interactive, &fake, &clock).status();
    CHECK(status.reason() == "auth.login_required");
    CHECK(ExitCodeFor(status) == kExitAuth);
    CHECK(status.message().find("sfsync auth login JOB.yaml") != std::string::npos);
  }
  CHECK(fake.requests().empty());
}

TEST_CASE("a corrupt token store stops the provider with the file's name") {
  ScratchDir dir;
  FakeTransport fake;
  ManualClock clock(kNow);
  const OAuthSettings settings = RefreshSettings(dir.path());
  std::filesystem::create_directories(dir.path() + "/tokens");
  { std::ofstream(TokenStore(settings).path()) << "{\"format\": 1, \"login_url\": "; }
  Status status = NewTokenProvider(settings, &fake, &clock).status();
  CHECK(status.code() == StatusCode::kDataLoss);
  CHECK(status.message().find(TokenStore(settings).path()) != std::string::npos);
  CHECK(fake.requests().empty());
}

TEST_CASE("a store that cannot be locked stops the refresh flow but only costs jwt_bearer its cache") {
  ScratchDir dir;
  FakeTransport fake;
  ManualClock clock(kNow);
  fake.On("POST", kTokenUrl).Then(JsonResponse(200, TokenBody("00Dxx!access-one")));
  const OAuthSettings jwt = JwtSettings(dir);
  const OAuthSettings refresh = RefreshSettings(jwt.state_dir);
  // A directory where each lock file should be makes every Lock() fail.
  for (const OAuthSettings& s : {jwt, refresh}) {
    std::string lock = TokenStore(s).path();
    lock.replace(lock.size() - 5, 5, ".lock");
    std::filesystem::create_directories(lock);
  }
  auto jwt_provider = NewTokenProvider(jwt, &fake, &clock);
  REQUIRE(jwt_provider.ok());
  CHECK((*jwt_provider)->Current().ok());
  CHECK_FALSE(Stored(jwt).has_value());
  auto refresh_provider = NewTokenProvider(refresh, &fake, &clock);
  REQUIRE(refresh_provider.ok());
  Status refused = (*refresh_provider)->Current().status();
  CHECK(refused.reason() == "store");
  CHECK(refused.message().find(".lock") != std::string::npos);
  CHECK(fake.requests().size() == 1);  // the refresh grant was never sent
}

TEST_CASE("the interactive flows renew with the login stored by `sfsync auth login`") {
  ScratchDir dir;
  FakeTransport fake;
  ManualClock clock(kNow);
  fake.On("POST", kTokenUrl).Then(JsonResponse(200, TokenBody("00Dxx!access-renewed")));
  OAuthSettings settings = RefreshSettings(dir.path());
  settings.flow = "authorization_code";
  settings.refresh_token.clear();
  StoredTokens login;
  login.refresh_token = "5Aep861from.the.login";
  REQUIRE(TokenStore(settings).Save(login).ok());
  auto provider = NewTokenProvider(settings, &fake, &clock);
  REQUIRE(provider.ok());
  CHECK((*provider)->Current()->access_token == "00Dxx!access-renewed");
  CHECK(FormField(fake.requests().at(0), "grant_type") == "refresh_token");
  CHECK(FormField(fake.requests().at(0), "refresh_token") == "5Aep861from.the.login");
  std::optional<StoredTokens> stored = Stored(settings);
  CHECK(stored->refresh_token == "5Aep861from.the.login");  // kept: this grant did not rotate it
  CHECK(stored->session.access_token == "00Dxx!access-renewed");
}

TEST_CASE("jwt_bearer signs a fresh assertion for every grant and stores only the access token") {
  ScratchDir dir;
  FakeTransport fake;
  ManualClock clock(kNow);
  fake.On("POST", kTokenUrl)
      .Then(JsonResponse(
          200,
          R"({"access_token":"00Dxx!jwt-one","scope":"web api","instance_url":"https://acme.my.example.com","id":"https://login.example.com/id/00Dxx/005xx","token_type":"Bearer"})"))
      .Then(JsonResponse(
          200,
          R"({"access_token":"00Dxx!jwt-two","scope":"web api","instance_url":"https://acme.my.example.com","id":"https://login.example.com/id/00Dxx/005xx","token_type":"Bearer"})"));
  const OAuthSettings settings = JwtSettings(dir);
  auto provider = NewTokenProvider(settings, &fake, &clock);
  REQUIRE(provider.ok());
  REQUIRE((*provider)->Current().ok());
  clock.Advance(std::chrono::seconds(30));
  CHECK((*provider)->Renew("00Dxx!jwt-one")->access_token == "00Dxx!jwt-two");

  REQUIRE(fake.requests().size() == 2);
  const HttpRequest first = fake.requests().at(0);
  CHECK(FormField(first, "grant_type") == "urn:ietf:params:oauth:grant-type:jwt-bearer");
  CHECK(FormField(first, "client_secret") == "<absent>");
  const nlohmann::json claims = VerifiedClaims(first);
  CHECK(claims.at("iss") == "3MVG9client");
  CHECK(claims.at("sub") == "integration@acme.example");
  CHECK(claims.at("aud") == kLoginUrl);
  const int64_t exp = claims.at("exp").get<int64_t>();
  CHECK(exp > kNow / 1000);
  CHECK(exp <= kNow / 1000 + 180);  // Salesforce: at most 3 minutes ahead
  const nlohmann::json second = VerifiedClaims(fake.requests().at(1));
  CHECK(second.at("exp").get<int64_t>() == exp + 30);  // a new assertion, not a replay
  CHECK(FormField(fake.requests().at(1), "assertion") != FormField(first, "assertion"));

  std::optional<StoredTokens> stored = Stored(settings);
  REQUIRE(stored.has_value());
  CHECK(stored->refresh_token.empty());
  CHECK(stored->session.access_token == "00Dxx!jwt-two");
  CHECK(TokenStore(settings).path().find("/tokens/jwt_bearer-") != std::string::npos);
}

TEST_CASE("a rejected JWT exp reports the measured clock skew and writes nothing") {
  ScratchDir dir;
  FakeTransport fake;
  ManualClock clock(kNow);
  // The server's clock is 5 minutes ahead: the assertion had already expired when it arrived.
  fake.On("POST", kTokenUrl)
      .Then(JsonResponse(400, R"({"error":"invalid_grant","error_description":"expired authorization code"})",
                         {{"Date", FormatHttpDate(kNow + 300000)}}));
  const OAuthSettings settings = JwtSettings(dir);
  auto provider = NewTokenProvider(settings, &fake, &clock);
  REQUIRE(provider.ok());
  Status status = (*provider)->Current().status();
  CHECK(status.reason() == "auth.clock_skew");
  CHECK(ExitCodeFor(status) == kExitAuthClockSkew);
  CHECK(status.message().find("this machine's clock is 300 s behind the server's (Date header)") != std::string::npos);
  CHECK(status.message().find('\n') == std::string::npos);
  CHECK_FALSE(Stored(settings).has_value());
}

TEST_CASE("an assertion refused while our clock runs ahead is reported as clock skew, not as a bad key") {
  ScratchDir dir;
  FakeTransport fake;
  ManualClock clock(kNow);
  const std::string invalid = R"({"error":"invalid_grant","error_description":"invalid assertion"})";
  fake.On("POST", kTokenUrl)
      .Then(JsonResponse(400, invalid, {{"Date", FormatHttpDate(kNow - 90000)}}))   // we are 90 s ahead
      .Then(JsonResponse(400, invalid, {{"Date", FormatHttpDate(kNow - 10000)}}));  // 10 s: within the margin
  auto provider = NewTokenProvider(JwtSettings(dir), &fake, &clock);
  REQUIRE(provider.ok());
  Status ahead = (*provider)->Current().status();
  CHECK(ahead.reason() == "auth.clock_skew");
  CHECK(ahead.message().find("this machine's clock is 90 s ahead of the server's") != std::string::npos);
  Status signature = (*provider)->Current().status();
  CHECK(signature.reason() == "auth.jwt_signature");
}

TEST_CASE("jwt_bearer refuses a key it cannot use before any request") {
  ScratchDir dir;
  FakeTransport fake;
  ManualClock clock(kNow);
  OAuthSettings settings = JwtSettings(dir);
  settings.private_key_passphrase.clear();
  Status status = NewTokenProvider(settings, &fake, &clock).status();
  CHECK(status.reason() == "job.invalid");
  CHECK(ExitCodeFor(status) == kExitInvalidJob);
  CHECK(fake.requests().empty());
}

TEST_CASE("client_credentials sends the client id and secret and keeps no refresh token") {
  ScratchDir dir;
  FakeTransport fake;
  ManualClock clock(kNow);
  fake.On("POST", kTokenUrl).Then(JsonResponse(200, TokenBody("00Dxx!cc-access")));
  OAuthSettings settings = RefreshSettings(dir.path());
  settings.flow = "client_credentials";
  settings.refresh_token.clear();
  auto provider = NewTokenProvider(settings, &fake, &clock);
  REQUIRE(provider.ok());
  REQUIRE((*provider)->Current().ok());
  const HttpRequest sent = fake.requests().at(0);
  CHECK(FormField(sent, "grant_type") == "client_credentials");
  CHECK(FormField(sent, "client_id") == "3MVG9client");
  CHECK(FormField(sent, "client_secret") == "consumer-secret-9d8c7b");
  CHECK(FormField(sent, "refresh_token") == "<absent>");
  CHECK(Stored(settings)->session.access_token == "00Dxx!cc-access");
  CHECK(Stored(settings)->refresh_token.empty());
}

TEST_CASE("no token, secret, assertion or passphrase reaches a trace log line or an error message") {
  ScratchDir dir;
  FakeTransport fake;
  ManualClock clock(kNow);
  fake.On("POST", kTokenUrl)
      .Then(JsonResponse(200, TokenBody("00Dxx0000000123!AQMAQ.secret-access", "5Aep861rotated.secret")))
      .Then(JsonResponse(400, ReadFixture("oauth_error_invalid_grant.json")))
      .Then(JsonResponse(200, TokenBody("opaque-jwt-access-token")))
      .Then(JsonResponse(400, ReadFixture("jwt_bearer_error_invalid_assertion.json")));
  std::string log;
  const LogLevel level = GetLogLevel();
  SetLogLevel(LogLevel::kTrace);
  CaptureLogForTesting(&log);
  auto refresh = NewTokenProvider(RefreshSettings(dir.path()), &fake, &clock);
  REQUIRE(refresh.ok());
  REQUIRE((*refresh)->Current().ok());
  Status refresh_failed = (*refresh)->Renew("00Dxx0000000123!AQMAQ.secret-access").status();
  auto jwt = NewTokenProvider(JwtSettings(dir), &fake, &clock);
  REQUIRE(jwt.ok());
  REQUIRE((*jwt)->Current().ok());
  Status jwt_failed = (*jwt)->Renew("opaque-jwt-access-token").status();
  CaptureLogForTesting(nullptr);
  SetLogLevel(level);
  REQUIRE_FALSE(refresh_failed.ok());
  REQUIRE_FALSE(jwt_failed.ok());
  CHECK(log.find("/services/oauth2/token body:") != std::string::npos);  // the bodies were logged...
  std::vector<std::string> secrets = {"secret-access",   "rotated.secret",    "initial.refresh",
                                      "consumer-secret", "opaque-jwt-access", Key().passphrase};
  for (const HttpRequest& r : fake.requests()) {
    if (FormField(r, "assertion") != "<absent>") secrets.push_back(FormField(r, "assertion"));
  }
  const std::string key_body = Key().private_pem.substr(40, 40);
  secrets.push_back(key_body);
  for (const std::string& secret : secrets) {
    CAPTURE(secret);
    CHECK(log.find(secret) == std::string::npos);  // ...without their secrets
    CHECK(refresh_failed.message().find(secret) == std::string::npos);
    CHECK(jwt_failed.message().find(secret) == std::string::npos);
  }
}

}  // namespace
}  // namespace sfsync::salesforce
