// The device flow over real sockets (protocol §1.8): codes, polling, slow_down, approval and
// denial through the admin API, expiry.
#include <doctest/doctest.h>

#include "tests/emulator/testing/emulator_fixture.h"

namespace sfsync::emulator {
namespace {

using nlohmann::ordered_json;
using testing::CheckOAuthError;
using testing::ClientResponse;
using testing::ParseJson;
using testing::PostForm;
using testing::RunningEmulator;
using testing::SmallOrgConfig;

struct Codes {
  std::string device_code;
  std::string user_code;
};

Codes RequestCodes(RunningEmulator& e, const std::string& scope = "api refresh_token") {
  ClientResponse response =
      PostForm(e.client(), "/services/oauth2/token",
               "response_type=device_code&client_id=sfsync-emulator-client-id&scope=" + PercentEncode(scope));
  REQUIRE(response.status == 200);
  ordered_json body = ParseJson(response.body);
  return {body["device_code"], body["user_code"]};
}

ClientResponse Poll(RunningEmulator& e, const std::string& device_code) {
  return PostForm(e.client(), "/services/oauth2/token",
                  "grant_type=device&client_id=sfsync-emulator-client-id&code=" + PercentEncode(device_code));
}

void Advance(RunningEmulator& e, int seconds) {
  REQUIRE(e.Admin("POST", "/__emulator/clock", "{\"advance_seconds\":" + std::to_string(seconds) + "}").status == 200);
}

ClientResponse Decide(RunningEmulator& e, const std::string& user_code, const std::string& action,
                      const std::string& username = "") {
  std::string body = "{\"user_code\":\"" + user_code + "\",\"action\":\"" + action + "\"";
  if (!username.empty()) body += ",\"username\":\"" + username + "\"";
  return e.Admin("POST", "/__emulator/oauth/device", body + "}");
}

TEST_CASE("device flow: codes, pending, slow_down, approval, then tokens with a refresh token") {
  RunningEmulator e;
  // a. The first step answers the four fields sfdx-core reads, in that order.
  ClientResponse first =
      PostForm(e.client(), "/services/oauth2/token",
               "response_type=device_code&client_id=sfsync-emulator-client-id&scope=api%20refresh_token");
  REQUIRE(first.status == 200);
  ordered_json codes = ParseJson(first.body);
  std::vector<std::string> keys;
  for (auto it = codes.begin(); it != codes.end(); ++it) keys.push_back(it.key());
  CHECK(keys == std::vector<std::string>{"device_code", "user_code", "verification_uri", "interval"});
  CHECK(codes["verification_uri"] == e.base_url() + "/setup/connect");
  CHECK(codes["interval"] == 5);
  std::string user_code = codes["user_code"];
  CHECK(user_code.size() == 8);
  // b. Polling before approval: pending; again at once: slow_down; after the interval: pending.
  CheckOAuthError(Poll(e, codes["device_code"]), "authorization_pending", "authorization pending");
  CheckOAuthError(Poll(e, codes["device_code"]), "slow_down", "polling too frequently");
  Advance(e, 5);
  CheckOAuthError(Poll(e, codes["device_code"]), "authorization_pending", "authorization pending");
  // c. The admin API lists the code, then approves it.
  ordered_json pending = ParseJson(e.Admin("GET", "/__emulator/oauth/device").body);
  REQUIRE(pending.size() == 1);
  CHECK(pending[0]["user_code"] == user_code);
  CHECK(pending[0]["status"] == "pending");
  CHECK(Decide(e, user_code, "approve").status == 204);
  // d. The next poll gets tokens with a refresh token; the code is then spent.
  ClientResponse tokens = Poll(e, codes["device_code"]);
  REQUIRE(tokens.status == 200);
  ordered_json token = ParseJson(tokens.body);
  CHECK(token.contains("refresh_token"));
  CHECK(token["scope"] == "api refresh_token");
  CHECK_FALSE(token.contains("id_token"));
  CHECK(e.client()
            .Get("/services/data/v60.0/sobjects", {{"Authorization", "Bearer " + std::string(token["access_token"])}})
            .status == 200);
  CheckOAuthError(Poll(e, codes["device_code"]), "invalid_grant", "invalid device code");
}

TEST_CASE("device flow: denial is access_denied, expiry is expired_token, unknown codes are refused") {
  EmulatorConfig config = SmallOrgConfig();
  config.device_code_ttl_s = 60;
  RunningEmulator e(config);
  Codes denied = RequestCodes(e);
  CHECK(Decide(e, denied.user_code, "deny").status == 204);
  CheckOAuthError(Poll(e, denied.device_code), "access_denied", "end-user denied authorization");

  Codes late = RequestCodes(e);
  Advance(e, 60);
  CHECK(Decide(e, late.user_code, "approve").status == 404);  // too late to approve
  CheckOAuthError(Poll(e, late.device_code), "expired_token", "the device code has expired");

  CheckOAuthError(Poll(e, "no-such-code"), "invalid_grant", "invalid device code");
  CHECK(Decide(e, "NOSUCHCD", "approve").status == 404);
  CHECK(e.Admin("POST", "/__emulator/oauth/device", R"({"user_code":"X","action":"maybe"})").status == 400);
}

TEST_CASE("device flow: approval as another user, scopes checked, client id checked, multipart accepted") {
  EmulatorConfig config = SmallOrgConfig();
  config.device_interval_s = 0;  // never slow_down
  RunningEmulator e(config);
  Codes codes = RequestCodes(e, "api");
  CheckOAuthError(Poll(e, codes.device_code), "authorization_pending", "authorization pending");
  CheckOAuthError(Poll(e, codes.device_code), "authorization_pending", "authorization pending");
  CHECK(Decide(e, codes.user_code, "approve", "ghost@example.com").status == 400);
  CHECK(Decide(e, codes.user_code, "approve", "priya.natarajan@sfsync-emulator.example").status == 204);
  ordered_json token = ParseJson(Poll(e, codes.device_code).body);
  CHECK(token["scope"] == "api");
  CHECK_FALSE(token.contains("refresh_token"));  // no refresh_token scope asked
  CHECK(ParseJson(
            e.client()
                .Get("/services/oauth2/userinfo", {{"Authorization", "Bearer " + std::string(token["access_token"])}})
                .body)["preferred_username"] == "priya.natarajan@sfsync-emulator.example");

  CheckOAuthError(PostForm(e.client(), "/services/oauth2/token",
                           "response_type=device_code&client_id=sfsync-emulator-client-id&scope=full"),
                  "invalid_scope", "the requested scope is not allowed");
  CheckOAuthError(PostForm(e.client(), "/services/oauth2/token", "response_type=device_code&client_id=who"),
                  "invalid_client_id", "client identifier invalid");

  // sfdx-core sends both steps as multipart/form-data (protocol §1.8).
  std::string body =
      "--XyZ\r\nContent-Disposition: form-data; name=\"response_type\"\r\n\r\ndevice_code\r\n"
      "--XyZ\r\nContent-Disposition: form-data; name=\"client_id\"\r\n\r\nsfsync-emulator-client-id\r\n"
      "--XyZ\r\nContent-Disposition: form-data; name=\"scope\"\r\n\r\napi refresh_token\r\n--XyZ--\r\n";
  ClientResponse multipart =
      e.client().Send("POST", "/services/oauth2/token", {{"Content-Type", "multipart/form-data; boundary=XyZ"}}, body);
  REQUIRE(multipart.status == 200);
  CHECK(ParseJson(multipart.body).contains("user_code"));
}

TEST_CASE("the verification page tells a person how to approve") {
  RunningEmulator e;
  ClientResponse page = e.client().Get("/setup/connect");
  CHECK(page.status == 200);
  CHECK(page.body.find("/__emulator/oauth/device") != std::string::npos);
}

}  // namespace
}  // namespace sfsync::emulator
