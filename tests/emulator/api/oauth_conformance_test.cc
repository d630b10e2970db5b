// Conformance of the OAuth server with the recordings in tests/fixtures/salesforce: error
// bodies byte for byte, and the token response's keys, order and value types.
#include <doctest/doctest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "tests/emulator/testing/emulator_fixture.h"
#include "tests/emulator/testing/test_pki.h"

namespace sfsync::emulator {
namespace {

using nlohmann::ordered_json;
using testing::ClientResponse;
using testing::ParseJson;
using testing::PostForm;
using testing::RunningEmulator;

std::string FixtureText(const std::string& name) {
  std::ifstream in(std::string(SFSYNC_FIXTURES_DIR) + "/" + name);
  REQUIRE_MESSAGE(in.good(), "missing fixture " << name);
  std::stringstream text;
  text << in.rdbuf();
  std::string s = text.str();
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

ClientResponse Token(RunningEmulator& e, const std::string& body) {
  return PostForm(e.client(), "/services/oauth2/token", body);
}

void CheckRecorded(const ClientResponse& response, const std::string& fixture) {
  CHECK(response.status == 400);
  CHECK(response.headers.Get("Content-Type") == std::optional<std::string_view>("application/json;charset=UTF-8"));
  CHECK(response.headers.Get("Cache-Control") == std::optional<std::string_view>("no-cache, no-store"));
  CHECK_MESSAGE(response.body == FixtureText(fixture), fixture);
}

TEST_CASE("OAuth error bodies are the recorded ones, byte for byte") {
  testing::TestPki pki;
  testing::TestPki::KeyPair key = pki.MakeSelfSigned("app");
  EmulatorConfig config = testing::SmallOrgConfig();
  config.jwt_cert_file = key.cert;
  RunningEmulator e(config);
  CheckRecorded(Token(e,
                      "grant_type=refresh_token&client_id=sfsync-emulator-client-id&client_secret="
                      "sfsync-emulator-client-secret&refresh_token=revoked"),
                "oauth_error_invalid_grant.json");
  CheckRecorded(Token(e, "grant_type=refresh_token&client_id=3MVG9-bogus&refresh_token=x"),
                "oauth_error_invalid_client_id.json");
  nlohmann::json claims = {{"iss", "sfsync-emulator-client-id"},
                           {"sub", "avery.chen@sfsync-emulator.example"},
                           {"aud", "https://login.salesforce.com"},
                           {"exp", 1714557600 + 60}};
  std::string jwt_grant = "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=";
  CheckRecorded(Token(e, jwt_grant + testing::MakeJwt(key.key, {{"alg", "RS256"}}, claims)), "jwt_bearer_error.json");
  testing::TestPki::KeyPair stranger = pki.MakeSelfSigned("stranger");
  claims["sub"] = "integration@sfsync-emulator.example";
  CheckRecorded(Token(e, jwt_grant + testing::MakeJwt(stranger.key, {{"alg", "RS256"}}, claims)),
                "jwt_bearer_error_invalid_assertion.json");
}

TEST_CASE("the refresh token response has the recorded keys, order and types") {
  RunningEmulator e;
  ClientResponse response = Token(e,
                                  "grant_type=refresh_token&client_id=sfsync-emulator-client-id&client_secret="
                                  "sfsync-emulator-client-secret&refresh_token=sfsync-emulator-refresh-token");
  REQUIRE(response.status == 200);
  ordered_json token = ParseJson(response.body);
  ordered_json recorded = ParseJson(FixtureText("oauth_token_refresh_success.json"));
  std::vector<std::string> keys, recorded_keys;
  for (auto it = token.begin(); it != token.end(); ++it) keys.push_back(it.key());
  for (auto it = recorded.begin(); it != recorded.end(); ++it) recorded_keys.push_back(it.key());
  CHECK(keys == recorded_keys);
  for (auto it = recorded.begin(); it != recorded.end(); ++it) CHECK_MESSAGE(token[it.key()].is_string(), it.key());
  // issued_at: 13 digits of epoch ms, like "1708058728442"; signature: base64 of 32 bytes.
  CHECK(std::regex_match(std::string(token["issued_at"]), std::regex(R"(\d{13})")));
  CHECK(std::regex_match(std::string(token["signature"]), std::regex(R"([A-Za-z0-9+/]{43}=)")));
  // access_token: the 15-character org Id, then '!'.
  CHECK(std::regex_match(std::string(token["access_token"]), std::regex(R"(00D[0-9A-Za-z]{12}!A[0-9A-Za-z._]+)")));
}

TEST_CASE("a revoked token on REST gets the recorded 401 body") {
  RunningEmulator e;
  std::string token = e.FetchToken();
  REQUIRE(PostForm(e.client(), "/services/oauth2/revoke", "token=" + PercentEncode(token)).status == 200);
  ClientResponse dead = e.client().Get("/services/data/v60.0/sobjects", {{"Authorization", "Bearer " + token}});
  CHECK(dead.status == 401);
  CHECK(dead.body == FixtureText("error_invalid_session.json"));
}

}  // namespace
}  // namespace sfsync::emulator
