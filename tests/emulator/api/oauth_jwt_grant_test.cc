// The JWT bearer grant over real sockets, with a certificate and key made by the openssl CLI:
// the success shape and each error of the protocol §1.6 table.
#include <doctest/doctest.h>

#include "tests/emulator/testing/emulator_fixture.h"
#include "tests/emulator/testing/test_pki.h"

namespace sfsync::emulator {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;
using testing::CheckOAuthError;
using testing::ClientResponse;
using testing::MakeJwt;
using testing::ParseJson;
using testing::PostForm;
using testing::RunningEmulator;
using testing::SmallOrgConfig;
using testing::TestPki;

constexpr int64_t kNow = 1714557600;  // SmallOrgConfig's frozen clock, in seconds
constexpr char kIntegrationUser[] = "integration@sfsync-emulator.example";
const json kHeader = {{"alg", "RS256"}};

json Claims(const std::string& sub = kIntegrationUser) {
  return {
      {"iss", "sfsync-emulator-client-id"}, {"sub", sub}, {"aud", "https://login.salesforce.com"}, {"exp", kNow + 120}};
}

ClientResponse JwtGrant(RunningEmulator& e, const std::string& assertion) {
  return PostForm(e.client(), "/services/oauth2/token",
                  "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=" + assertion);
}

struct JwtApp {
  TestPki pki;
  TestPki::KeyPair key = pki.MakeSelfSigned("app");
  EmulatorConfig config = [&] {
    EmulatorConfig c = SmallOrgConfig();
    c.jwt_cert_file = key.cert;
    return c;
  }();
  std::string Sign(const json& claims, const json& header = kHeader) { return MakeJwt(key.key, header, claims); }
};

TEST_CASE("JWT bearer: a good assertion gets an access token and no refresh token") {
  JwtApp app;
  RunningEmulator e(app.config);
  ClientResponse response = JwtGrant(e, app.Sign(Claims()));
  REQUIRE(response.status == 200);
  ordered_json token = ParseJson(response.body);
  std::vector<std::string> keys;
  for (auto it = token.begin(); it != token.end(); ++it) keys.push_back(it.key());
  // The §1.6 sample's keys exactly: no refresh_token, signature or issued_at.
  CHECK(keys == std::vector<std::string>{"access_token", "scope", "instance_url", "id", "token_type"});
  CHECK(token["scope"] == "api openid");
  CHECK(e.client()
            .Get("/services/data/v60.0/sobjects", {{"Authorization", "Bearer " + std::string(token["access_token"])}})
            .status == 200);
}

TEST_CASE("JWT bearer: exp as a numeric string, prn over sub, and every accepted audience") {
  JwtApp app;
  RunningEmulator e(app.config);
  json claims = Claims();
  claims["exp"] = std::to_string(kNow + 180);  // simple-salesforce sends a string; 180 s is the limit
  CHECK(JwtGrant(e, app.Sign(claims)).status == 200);
  claims = Claims("nobody@example.com");
  claims["prn"] = kIntegrationUser;
  CHECK(JwtGrant(e, app.Sign(claims)).status == 200);
  for (const std::string& audience : {std::string("https://test.salesforce.com"), e.base_url()}) {
    claims = Claims();
    claims["aud"] = audience;
    CHECK_MESSAGE(JwtGrant(e, app.Sign(claims)).status == 200, audience);
  }
}

TEST_CASE("JWT bearer errors, each as the protocol table words it") {
  JwtApp app;
  RunningEmulator e(app.config);
  // Unknown iss.
  json claims = Claims();
  claims["iss"] = "someone-else";
  CheckOAuthError(JwtGrant(e, app.Sign(claims)), "invalid_client_id", "client identifier invalid");
  // Signed with a key that is not the app's certificate's.
  TestPki::KeyPair stranger = app.pki.MakeSelfSigned("stranger");
  CheckOAuthError(JwtGrant(e, MakeJwt(stranger.key, kHeader, Claims())), "invalid_grant", "invalid assertion");
  // Malformed: two segments, garbage, a tampered claim, another algorithm.
  CheckOAuthError(JwtGrant(e, "abc.def"), "invalid_grant", "invalid assertion");
  CheckOAuthError(JwtGrant(e, "!!!.???.***"), "invalid_grant", "invalid assertion");
  std::string good = app.Sign(Claims());
  std::string tampered = good.substr(0, good.find('.') + 1) +
                         Base64Url(Claims("avery.chen@sfsync-emulator.example").dump()) + good.substr(good.rfind('.'));
  CheckOAuthError(JwtGrant(e, tampered), "invalid_grant", "invalid assertion");
  CheckOAuthError(JwtGrant(e, app.Sign(Claims(), {{"alg", "HS256"}})), "invalid_grant", "invalid assertion");
  // exp already past; exp more than 3 minutes ahead; exp missing.
  claims = Claims();
  claims["exp"] = kNow;
  CheckOAuthError(JwtGrant(e, app.Sign(claims)), "invalid_grant", "expired authorization code");
  claims["exp"] = kNow + 181;
  CheckOAuthError(JwtGrant(e, app.Sign(claims)), "invalid_grant", "invalid assertion");
  claims.erase("exp");
  CheckOAuthError(JwtGrant(e, app.Sign(claims)), "invalid_grant", "invalid assertion");
  // Wrong audience.
  claims = Claims();
  claims["aud"] = "https://acme.my.salesforce.com";
  CheckOAuthError(JwtGrant(e, app.Sign(claims)), "invalid_grant", "Audience validation failed");
  // A real user who is not pre-authorized, and a username the org does not have.
  CheckOAuthError(JwtGrant(e, app.Sign(Claims("avery.chen@sfsync-emulator.example"))), "invalid_grant",
                  "user hasn't approved this consumer");
  CheckOAuthError(JwtGrant(e, app.Sign(Claims("ghost@example.com"))), "invalid_grant",
                  "user hasn't approved this consumer");
  // Conformance: the two recorded JWT error bodies, byte for byte.
  CHECK(JwtGrant(e, "abc.def").body == R"({"error":"invalid_grant","error_description":"invalid assertion"})");
  CHECK(JwtGrant(e, app.Sign(Claims("ghost@example.com"))).body ==
        R"({"error":"invalid_grant","error_description":"user hasn't approved this consumer"})");
}

TEST_CASE("--jwt-preauthorized replaces the default pre-authorized user") {
  JwtApp app;
  app.config.jwt_preauthorized = {"Avery.Chen@sfsync-emulator.example"};  // usernames ignore case
  RunningEmulator e(app.config);
  ClientResponse avery = JwtGrant(e, app.Sign(Claims("avery.chen@sfsync-emulator.example")));
  REQUIRE(avery.status == 200);
  // The token runs as Avery: the identity URL ends with Avery's user Id.
  std::string avery_id;
  for (const ordered_json& user : ParseJson(e.Admin("GET", "/__emulator/records/User").body)) {
    if (user["Username"] == "avery.chen@sfsync-emulator.example") avery_id = user["Id"];
  }
  REQUIRE(avery_id.size() == 18);
  CHECK(std::string(ParseJson(avery.body)["id"]).ends_with("/" + avery_id));
  CheckOAuthError(JwtGrant(e, app.Sign(Claims())), "invalid_grant", "user hasn't approved this consumer");
}

TEST_CASE("JWT bearer without --jwt-cert cannot verify anything, and --jwt-max-exp-ahead 0 lifts the bound") {
  RunningEmulator no_cert;
  TestPki pki;
  TestPki::KeyPair key = pki.MakeSelfSigned("app");
  CheckOAuthError(JwtGrant(no_cert, MakeJwt(key.key, kHeader, Claims())), "invalid_grant", "invalid assertion");

  EmulatorConfig config = SmallOrgConfig();
  config.jwt_cert_file = key.cert;
  config.jwt_max_exp_ahead_s = 0;
  RunningEmulator unbounded(config);
  json claims = Claims();
  claims["exp"] = kNow + 86400;
  CHECK(JwtGrant(unbounded, MakeJwt(key.key, kHeader, claims)).status == 200);
}

TEST_CASE("start-up refuses an unreadable JWT certificate and unknown usernames") {
  EmulatorConfig config = SmallOrgConfig();
  std::string error;
  config.jwt_cert_file = "/nonexistent/app.pem";
  CHECK(Emulator::Create(config, &error) == nullptr);
  CHECK(error.find("/nonexistent/app.pem") != std::string::npos);
  config = SmallOrgConfig();
  config.jwt_preauthorized = {"ghost@example.com"};
  CHECK(Emulator::Create(config, &error) == nullptr);
  CHECK(error.find("ghost@example.com") != std::string::npos);
}

}  // namespace
}  // namespace sfsync::emulator
