// userinfo, the identity URL, introspection and revocation over real sockets, and the
// conformance of userinfo and the identity URL with the recorded responses.
#include <doctest/doctest.h>

#include "tests/emulator/testing/emulator_fixture.h"
#include "tests/emulator/testing/fixtures.h"

namespace sfsync::emulator {
namespace {

using nlohmann::ordered_json;
using testing::ClientResponse;
using testing::Fixture;
using testing::ParseJson;
using testing::PostForm;
using testing::RunningEmulator;
using testing::SmallOrgConfig;

std::vector<std::string> Keys(const ordered_json& object) {
  std::vector<std::string> keys;
  for (auto it = object.begin(); it != object.end(); ++it) keys.push_back(it.key());
  return keys;
}

// Same keys in the same order, and the same JSON type for every value both have non-null
// (a user without an address has null addr_* fields), recursively through objects.
void CheckSameShape(const ordered_json& actual, const ordered_json& recorded, const std::string& path = "") {
  CHECK_MESSAGE(Keys(actual) == Keys(recorded), "keys differ at " << (path.empty() ? "/" : path));
  for (auto it = recorded.begin(); it != recorded.end(); ++it) {
    if (!actual.contains(it.key()) || it.value().is_null()) continue;
    const ordered_json& value = actual[it.key()];
    if (value.is_null()) continue;
    CHECK_MESSAGE(value.type_name() == std::string(it.value().type_name()), path << "/" << it.key());
    if (it.value().is_object() && !it.value().empty()) CheckSameShape(value, it.value(), path + "/" + it.key());
  }
}

std::string Bearer(const std::string& token) { return "Bearer " + token; }

TEST_CASE("userinfo has the recorded key set, order and types, with the token's user") {
  RunningEmulator e;
  std::string token = e.FetchToken();
  ClientResponse response = e.client().Get("/services/oauth2/userinfo", {{"Authorization", Bearer(token)}});
  REQUIRE(response.status == 200);
  CHECK(response.headers.Get("Content-Type") == std::optional<std::string_view>("application/json;charset=UTF-8"));
  CHECK_FALSE(response.headers.Has("Sforce-Limit-Info"));  // as recorded (INDEX.md)
  ordered_json info = ParseJson(response.body);
  CheckSameShape(info, Fixture("oauth2_userinfo.json"));
  CHECK(info["preferred_username"] == "integration@sfsync-emulator.example");
  CHECK(info["name"] == "Integration User");
  CHECK(info["zoneinfo"] == "America/Los_Angeles");
  CHECK(info["utcOffset"] == -28800000);
  CHECK(info["address"] == ordered_json::object());
  CHECK(info["urls"]["rest"] == e.base_url() + "/services/data/v{version}/");
  // updated_at ends in Z, not +0000 (INDEX.md quirks).
  CHECK(std::string(info["updated_at"]).size() == 20);
  CHECK(std::string(info["updated_at"]).back() == 'Z');
  // The sub is the identity URL of the token response.
  ordered_json granted = ParseJson(PostForm(e.client(), "/services/oauth2/token",
                                            "grant_type=refresh_token&client_id=sfsync-emulator-client-id&client_"
                                            "secret=sfsync-emulator-client-secret&refresh_token=sfsync-emulator-"
                                            "refresh-token")
                                       .body);
  CHECK(info["sub"] == granted["id"]);
}

TEST_CASE("the identity URL has the recorded key set, fills ?version= and accepts ?oauth_token=") {
  RunningEmulator e;
  std::string token = e.FetchToken();
  ordered_json granted = ParseJson(PostForm(e.client(), "/services/oauth2/token",
                                            "grant_type=refresh_token&client_id=sfsync-emulator-client-id&client_"
                                            "secret=sfsync-emulator-client-secret&refresh_token=sfsync-emulator-"
                                            "refresh-token")
                                       .body);
  std::string path = std::string(granted["id"]).substr(e.base_url().size());
  ClientResponse response = e.client().Get(path, {{"Authorization", Bearer(token)}});
  REQUIRE(response.status == 200);
  ordered_json identity = ParseJson(response.body);
  CheckSameShape(identity, Fixture("id_url_userinfo.json"));
  CHECK(identity["id"] == granted["id"]);
  CHECK(identity["username"] == "integration@sfsync-emulator.example");
  CHECK(identity["display_name"] == "Integration User");
  CHECK(identity["urls"]["query"] == e.base_url() + "/services/data/v{version}/query/");
  CHECK(std::string(identity["last_modified_date"]).back() == 'Z');

  ordered_json versioned = ParseJson(e.client().Get(path + "?version=59.0&oauth_token=" + PercentEncode(token)).body);
  CHECK(versioned["urls"]["rest"] == e.base_url() + "/services/data/v59.0/");
  CHECK(std::string(versioned["urls"]["partner"]).find("/services/Soap/u/59.0/00D") != std::string::npos);
}

TEST_CASE("identity endpoints: no or dead token is 403 Bad_OAuth_Token, another user's URL 404") {
  RunningEmulator e;
  ClientResponse anonymous = e.client().Get("/services/oauth2/userinfo");
  CHECK(anonymous.status == 403);
  CHECK(anonymous.body == "Bad_OAuth_Token");
  std::string token = e.FetchToken();
  ClientResponse wrong_user = e.client().Get("/id/00D000000000000/005000000000000", {{"Authorization", Bearer(token)}});
  CHECK(wrong_user.status == 404);
  REQUIRE(e.Admin("POST", "/__emulator/sessions/expire").status == 204);
  CHECK(e.client().Get("/services/oauth2/userinfo", {{"Authorization", Bearer(token)}}).status == 403);
}

TEST_CASE("introspection: live access and refresh tokens, dead ones inactive, client checked") {
  RunningEmulator e;
  std::string token = e.FetchToken();
  std::string client = "&client_id=sfsync-emulator-client-id&client_secret=sfsync-emulator-client-secret";
  ClientResponse response = PostForm(e.client(), "/services/oauth2/introspect",
                                     "token=" + PercentEncode(token) + "&token_type_hint=access_token" + client);
  REQUIRE(response.status == 200);
  ordered_json live = ParseJson(response.body);
  CHECK(Keys(live) ==
        std::vector<std::string>{"active", "scope", "client_id", "username", "sub", "token_type", "exp", "iat", "nbf"});
  CHECK(live["active"] == true);
  CHECK(live["token_type"] == "access_token");
  CHECK(live["exp"].get<int64_t>() - live["iat"].get<int64_t>() == 7200);
  CHECK(live["username"] == "integration@sfsync-emulator.example");

  ordered_json refresh = ParseJson(
      PostForm(e.client(), "/services/oauth2/introspect", "token=sfsync-emulator-refresh-token" + client).body);
  CHECK(refresh["active"] == true);
  CHECK(refresh["token_type"] == "refresh_token");
  CHECK_FALSE(refresh.contains("exp"));

  CHECK(PostForm(e.client(), "/services/oauth2/introspect", "token=bogus" + client).body == R"({"active":false})");
  testing::CheckOAuthError(PostForm(e.client(), "/services/oauth2/introspect",
                                    "token=" + PercentEncode(token) + "&client_id=sfsync-emulator-client-id"),
                           "invalid_client", "invalid client credentials");
}

TEST_CASE("revoke: an access token alone, or a refresh token with every access token it issued") {
  RunningEmulator e;
  std::string grant =
      "grant_type=refresh_token&client_id=sfsync-emulator-client-id&client_secret="
      "sfsync-emulator-client-secret&refresh_token=sfsync-emulator-refresh-token";
  std::string first = ParseJson(PostForm(e.client(), "/services/oauth2/token", grant).body)["access_token"];
  std::string second = ParseJson(PostForm(e.client(), "/services/oauth2/token", grant).body)["access_token"];
  // a. Revoking one access token leaves the other and the refresh token alive.
  ClientResponse revoked = PostForm(e.client(), "/services/oauth2/revoke", "token=" + PercentEncode(first));
  CHECK(revoked.status == 200);
  CHECK(revoked.body.empty());
  ClientResponse dead = e.client().Get("/services/data/v60.0/sobjects", {{"Authorization", Bearer(first)}});
  CHECK(dead.status == 401);
  CHECK(dead.body == R"([{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}])");
  CHECK(e.client().Get("/services/data/v60.0/sobjects", {{"Authorization", Bearer(second)}}).status == 200);
  // b. Revoking the refresh token (GET ?token= works too) kills it and its access tokens.
  CHECK(e.client().Get("/services/oauth2/revoke?token=sfsync-emulator-refresh-token").status == 200);
  CHECK(e.client().Get("/services/data/v60.0/sobjects", {{"Authorization", Bearer(second)}}).status == 401);
  testing::CheckOAuthError(PostForm(e.client(), "/services/oauth2/token", grant), "invalid_grant",
                           "expired access/refresh token");
  // c. An unknown token: 400 with a form-encoded error body.
  ClientResponse unknown = PostForm(e.client(), "/services/oauth2/revoke", "token=never-issued");
  CHECK(unknown.status == 400);
  CHECK(unknown.body == "error=invalid_token&error_description=invalid+token");
}

TEST_CASE("revoking a code-flow refresh token spares other families") {
  RunningEmulator e;
  std::string seeded = e.FetchToken();
  ClientResponse redirect =
      e.client().Get("/services/oauth2/authorize?response_type=code&client_id=sfsync-emulator-client-id&redirect_uri=" +
                     PercentEncode("http://127.0.0.1:1717/callback"));
  REQUIRE(redirect.status == 302);
  std::string code = testing::LocationParams(redirect).at("code");
  ordered_json token =
      ParseJson(PostForm(e.client(), "/services/oauth2/token",
                         "grant_type=authorization_code&client_id=sfsync-emulator-client-id&client_"
                         "secret=sfsync-emulator-client-secret&redirect_uri=" +
                             PercentEncode("http://127.0.0.1:1717/callback") + "&code=" + PercentEncode(code))
                    .body);
  REQUIRE(token.contains("refresh_token"));
  CHECK(PostForm(e.client(), "/services/oauth2/revoke", "token=" + PercentEncode(std::string(token["refresh_token"])))
            .status == 200);
  CHECK(e.client().Get("/services/data/v60.0/sobjects", {{"Authorization", Bearer(token["access_token"])}}).status ==
        401);
  CHECK(e.client().Get("/services/data/v60.0/sobjects", {{"Authorization", Bearer(seeded)}}).status == 200);
}

}  // namespace
}  // namespace sfsync::emulator
