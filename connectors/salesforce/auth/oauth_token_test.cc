#include "connectors/salesforce/auth/oauth_token.h"

#include <doctest/doctest.h>

#include "connectors/salesforce/testing/fake_org.h"
#include "connectors/salesforce/testing/fake_transport.h"
#include "connectors/salesforce/testing/fixtures.h"
#include "engine/core/log.h"

namespace sfsync::salesforce {
namespace {

using testing::FakeTransport;
using testing::JsonResponse;
using testing::kInstanceUrl;
using testing::kLoginUrl;
using testing::kTokenUrl;
using testing::ReadFixture;
using testing::TokenBody;

TEST_CASE("the recorded refresh-token response parses, and its token is a registered secret at once") {
  StatusOr<Session> session = ParseTokenResponse(ReadFixture("oauth_token_refresh_success.json"), 42);
  REQUIRE(session.ok());
  const std::string token =
      "00Dxxxxxxxxxxxxxxx!AQMAQHNT2NhUqx5X6QC3BJninCLmgpbsGfDA48YqmeLBCoPGSTyYNYgcjuKgfktx.XPKF_sQt4w2c7UHTFzisjoBUDBp6dfL";
  CHECK(session->access_token == token);
  CHECK(session->instance_url == "https://xxxx.my.salesforce.com");
  CHECK(session->id_url == "https://login.salesforce.com/id/00Dxxxxxxxxxxxx/005xxxxxxxxxxx");
  CHECK(session->scope == "visualforce refresh_token wave_api custom_permissions web openid chatter_api api id full");
  CHECK(session->issued_at_millis == 1708058728442);
  CHECK(session->received_at_millis == 42);  // our clock, whatever the server's says
  CHECK(session->refresh_token.empty());  // §1.5: none without rotation
  // A token without Salesforce's shape is caught only because parsing registered it.
  const std::string opaque = "opaque-access-token-77";
  CHECK(Redact("sent " + opaque) == "sent " + opaque);
  REQUIRE(ParseTokenResponse(testing::TokenBody(opaque), 42).ok());
  CHECK(Redact("sent " + opaque) == "sent [REDACTED]");
}

TEST_CASE("a legacy response and a JWT-style response without issued_at or signature both parse") {
  StatusOr<Session> legacy = ParseTokenResponse(ReadFixture("oauth_token_password_success_legacy.json"), 42);
  REQUIRE(legacy.ok());
  CHECK(legacy->instance_url == "https://na1.salesforce.com");
  CHECK(legacy->issued_at_millis == 1278448832702);

  StatusOr<Session> jwt = ParseTokenResponse(
      R"({"access_token":"00Dxx!ARYAQ.jwt","scope":"web api","instance_url":"https://acme.my.salesforce.com/","id":"https://login.salesforce.com/id/00Dxx/005xx","token_type":"Bearer"})",
      1700000000000);
  REQUIRE(jwt.ok());
  CHECK(jwt->issued_at_millis == 1700000000000);  // the local time of the grant
  CHECK(jwt->instance_url == "https://acme.my.salesforce.com");
}

TEST_CASE("unusable token responses are DataLoss and never echo the body") {
  CHECK(ParseTokenResponse("<html>oops</html>", 0).status().code() == StatusCode::kDataLoss);
  CHECK(ParseTokenResponse(R"({"instance_url":"https://a.example.com"})", 0).status().code() == StatusCode::kDataLoss);
  Status no_instance = ParseTokenResponse(R"({"access_token":"tok-without-instance-123"})", 0).status();
  CHECK(no_instance.code() == StatusCode::kDataLoss);
  CHECK(no_instance.message().find("tok-without") == std::string::npos);
  // A clear-text instance is accepted only on loopback (the emulator).
  CHECK(ParseTokenResponse(R"({"access_token":"a1b2c3d4e5","instance_url":"http://acme.example.com"})", 0)
            .status()
            .code() == StatusCode::kDataLoss);
  CHECK(ParseTokenResponse(R"({"access_token":"a1b2c3d4e5","instance_url":"http://127.0.0.1:8443"})", 0).ok());
}

TEST_CASE("form encoding and the https-or-loopback rule") {
  CHECK(FormEncode({{"grant_type", "refresh_token"}, {"refresh_token", "5Aep/86+1="}}) ==
        "grant_type=refresh_token&refresh_token=5Aep%2F86%2B1%3D");
  CHECK(CheckSecureUrl("https://login.salesforce.com", "login_url").ok());
  CHECK(CheckSecureUrl("http://127.0.0.1:8080", "login_url").ok());
  CHECK(CheckSecureUrl("http://localhost:8080/", "login_url").ok());
  CHECK(CheckSecureUrl("http://[::1]:8080", "login_url").ok());
  Status plain = CheckSecureUrl("http://login.salesforce.com", "login_url");
  CHECK(plain.code() == StatusCode::kInvalidArgument);
  CHECK(plain.message().rfind("login_url must be an https:// URL", 0) == 0);
  CHECK_FALSE(CheckSecureUrl("http://127.0.0.1.evil.example.com", "login_url").ok());
  CHECK_FALSE(CheckSecureUrl("ftp://x", "login_url").ok());
  CHECK_FALSE(CheckSecureUrl("https://", "login_url").ok());
}

TEST_CASE("RequestToken posts the form to the token endpoint and maps its answers") {
  FakeTransport fake;
  ManualClock clock(1000);
  fake.On("POST", kTokenUrl)
      .Then(JsonResponse(200, TokenBody("00Dxx!first-token-abc")))
      .Then(JsonResponse(400, ReadFixture("oauth_error_invalid_grant.json")))
      .Then(JsonResponse(503, "<html>down</html>"))
      .Then(testing::TransportFailure());

  StatusOr<Session> ok = RequestToken(&fake, &clock, std::string(kLoginUrl) + "/", "refresh_token",
                                      {{"grant_type", "refresh_token"}, {"client_id", "3MVG9 id"}});
  REQUIRE(ok.ok());
  CHECK(ok->instance_url == kInstanceUrl);
  const HttpRequest sent = fake.requests().front();
  CHECK(sent.method == "POST");
  CHECK(sent.url == kTokenUrl);
  CHECK(*FindHeader(sent.headers, "content-type") == "application/x-www-form-urlencoded");
  CHECK(*FindHeader(sent.headers, "Accept") == "application/json");
  CHECK(sent.body == "grant_type=refresh_token&client_id=3MVG9%20id");

  Status refused = RequestToken(&fake, &clock, kLoginUrl, "refresh_token", {}).status();
  CHECK(refused.reason() == "auth.grant_expired");
  CHECK(RequestToken(&fake, &clock, kLoginUrl, "refresh_token", {}).status().code() == StatusCode::kUnavailable);
  Status unreachable = RequestToken(&fake, &clock, kLoginUrl, "refresh_token", {}).status();
  CHECK(unreachable.code() == StatusCode::kUnavailable);
  CHECK(unreachable.message().find(kTokenUrl) != std::string::npos);
  CHECK(RequestToken(&fake, &clock, "http://login.salesforce.com", "refresh_token", {}).status().code() ==
        StatusCode::kInvalidArgument);
  CHECK(fake.requests().size() == 4);  // the clear-text one was never sent
}

}  // namespace
}  // namespace sfsync::salesforce
