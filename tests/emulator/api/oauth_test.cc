// Token endpoint and session expiry, over a real socket.
#include <doctest/doctest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "tests/emulator/testing/emulator_fixture.h"

namespace sfsync::emulator {
namespace {

using testing::ClientResponse;
using testing::ParseJson;
using testing::RunningEmulator;
using testing::SmallOrgConfig;

constexpr char kForm[] = "application/x-www-form-urlencoded";

ClientResponse PostToken(RunningEmulator& e, const std::string& body, testing::HttpClient::Headers headers = {},
                         const std::string& query = "") {
  headers.emplace_back("Content-Type", kForm);
  return e.client().Send("POST", "/services/oauth2/token" + query, headers, body);
}

std::string GoodGrant() {
  return "grant_type=refresh_token&client_id=sfsync-emulator-client-id&client_secret="
         "sfsync-emulator-client-secret&refresh_token=sfsync-emulator-refresh-token";
}

std::string Base64(const unsigned char* bytes, size_t size) {
  std::string out(4 * ((size + 2) / 3), '\0');
  out.resize(static_cast<size_t>(
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes, static_cast<int>(size))));
  return out;
}

void CheckError(const ClientResponse& response, const std::string& error, const std::string& description) {
  CHECK(response.status == 400);
  nlohmann::ordered_json body = ParseJson(response.body);
  CHECK(body["error"] == error);
  CHECK(body["error_description"] == description);
}

TEST_CASE("refresh grant: Salesforce's response shape, signature and instance URL") {
  RunningEmulator e;
  ClientResponse response = PostToken(e, GoodGrant());
  REQUIRE(response.status == 200);
  CHECK(response.headers.Get("Content-Type") == std::optional<std::string_view>("application/json;charset=UTF-8"));
  CHECK(response.headers.Get("Cache-Control") == std::optional<std::string_view>("no-cache, no-store"));
  nlohmann::ordered_json token = ParseJson(response.body);
  CHECK_FALSE(token.contains("refresh_token"));
  CHECK_FALSE(token.contains("expires_in"));
  std::string access = token["access_token"];
  CHECK(access.substr(0, 3) == "00D");
  CHECK(access.substr(15, 2) == "!A");
  CHECK(token["instance_url"] == e.base_url());
  CHECK(token["token_type"] == "Bearer");
  CHECK(token["scope"] == "api refresh_token openid");
  // issued_at is a string of the emulator clock's epoch milliseconds.
  CHECK(token["issued_at"] == "1714557600000");
  std::string id = token["id"];
  CHECK(id.starts_with(e.base_url() + "/id/00D"));
  CHECK(id.size() == e.base_url().size() + 4 + 18 + 1 + 18);
  CHECK(id.substr(id.size() - 18, 3) == "005");
  // signature = base64(HMAC-SHA256(id + issued_at, client_secret))
  std::string message = id + "1714557600000";
  std::string secret = "sfsync-emulator-client-secret";
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &length);
  CHECK(token["signature"] == Base64(digest, length));
}

TEST_CASE("parameters may come in the query string, and credentials as Basic auth") {
  RunningEmulator e;
  CHECK(PostToken(e, "", {}, "?" + GoodGrant()).status == 200);
  // base64("sfsync-emulator-client-id:sfsync-emulator-client-secret")
  std::string basic = "c2ZzeW5jLWVtdWxhdG9yLWNsaWVudC1pZDpzZnN5bmMtZW11bGF0b3ItY2xpZW50LXNlY3JldA==";
  ClientResponse response = PostToken(e, "grant_type=refresh_token&refresh_token=sfsync-emulator-refresh-token",
                                      {{"Authorization", "Basic " + basic}});
  CHECK(response.status == 200);
}

TEST_CASE("each token error has Salesforce's status and body") {
  RunningEmulator e;
  CheckError(PostToken(e,
                       "grant_type=refresh_token&client_id=sfsync-emulator-client-id&client_secret="
                       "sfsync-emulator-client-secret&refresh_token=stale"),
             "invalid_grant", "expired access/refresh token");
  CheckError(PostToken(e,
                       "grant_type=refresh_token&client_id=who&client_secret=sfsync-emulator-client-secret"
                       "&refresh_token=sfsync-emulator-refresh-token"),
             "invalid_client_id", "client identifier invalid");
  CheckError(PostToken(e,
                       "grant_type=refresh_token&client_id=sfsync-emulator-client-id&client_secret=wrong"
                       "&refresh_token=sfsync-emulator-refresh-token"),
             "invalid_client", "invalid client credentials");
  CheckError(PostToken(e, "grant_type=password&client_id=sfsync-emulator-client-id"), "unsupported_grant_type",
             "grant type not supported");
  CheckError(PostToken(e, "client_id=sfsync-emulator-client-id"), "invalid_request", "grant type is missing");
  // Key order as in oauth_error_invalid_grant.json.
  ClientResponse response = PostToken(e,
                                      "grant_type=refresh_token&client_id=sfsync-emulator-client-id&"
                                      "client_secret=sfsync-emulator-client-secret&refresh_token=x");
  CHECK(response.body == R"({"error":"invalid_grant","error_description":"expired access/refresh token"})");
}

TEST_CASE("an access token dies after --session-timeout of emulator time: 401 INVALID_SESSION_ID") {
  EmulatorConfig config = SmallOrgConfig();
  config.session_timeout_s = 60;
  RunningEmulator e(config);
  e.FetchToken();
  CHECK(e.RestGet("/services/data/v60.0/sobjects").status == 200);
  // a. 59 s later it still works; b. at 60 s it is expired, with the exact fixture body.
  REQUIRE(e.Admin("POST", "/__emulator/clock", R"({"advance_seconds":59})").status == 200);
  CHECK(e.RestGet("/services/data/v60.0/sobjects").status == 200);
  REQUIRE(e.Admin("POST", "/__emulator/clock", R"({"advance_seconds":1})").status == 200);
  ClientResponse expired = e.RestGet("/services/data/v60.0/sobjects");
  CHECK(expired.status == 401);
  CHECK(expired.body == R"([{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}])");
  CHECK_FALSE(expired.headers.Has("Sforce-Limit-Info"));
  // c. A refresh gives a working token again.
  e.FetchToken();
  CHECK(e.RestGet("/services/data/v60.0/sobjects").status == 200);
}

TEST_CASE("REST calls without a token, with a bogus one, or with the old OAuth scheme") {
  RunningEmulator e;
  CHECK(e.client().Get("/services/data/v60.0/sobjects").status == 401);
  CHECK(e.client().Get("/services/data/v60.0/sobjects", {{"Authorization", "Bearer nope"}}).status == 401);
  std::string token = e.FetchToken();
  CHECK(e.client().Get("/services/data/v60.0/sobjects", {{"Authorization", "OAuth " + token}}).status == 200);
}

TEST_CASE("POST /__emulator/sessions/expire kills every token issued so far") {
  RunningEmulator e;
  std::string first = e.FetchToken();
  CHECK(e.RestGet("/services/data/v60.0/sobjects").status == 200);
  CHECK(e.Admin("POST", "/__emulator/sessions/expire").status == 204);
  CHECK(e.client().Get("/services/data/v60.0/sobjects", {{"Authorization", "Bearer " + first}}).status == 401);
  e.FetchToken();  // the refresh token survives
  CHECK(e.RestGet("/services/data/v60.0/sobjects").status == 200);
}

std::string RefreshWith(const std::string& refresh_token) {
  return "grant_type=refresh_token&client_id=sfsync-emulator-client-id&client_secret=sfsync-emulator-client-secret"
         "&refresh_token=" +
         refresh_token;
}

TEST_CASE("--rotate-refresh-tokens returns a new refresh token and kills the old one at once") {
  EmulatorConfig config = SmallOrgConfig();
  config.rotate_refresh_tokens = true;
  RunningEmulator e(config);
  // a. The first refresh returns a new refresh token, second key of the response.
  ClientResponse first = PostToken(e, GoodGrant());
  REQUIRE(first.status == 200);
  nlohmann::ordered_json token = ParseJson(first.body);
  REQUIRE(token.contains("refresh_token"));
  CHECK(token.begin().key() == "access_token");
  CHECK(std::next(token.begin()).key() == "refresh_token");
  std::string rotated = token["refresh_token"];
  CHECK(rotated != "sfsync-emulator-refresh-token");
  // b. The new one works and rotates again.
  ClientResponse second = PostToken(e, RefreshWith(rotated));
  REQUIRE(second.status == 200);
  std::string rotated_again = ParseJson(second.body)["refresh_token"];
  CHECK(rotated_again != rotated);
  CHECK(PostToken(e, RefreshWith(rotated_again)).status == 200);
}

TEST_CASE("reusing a rotated-out refresh token revokes the whole family (protocol 1.5)") {
  EmulatorConfig config = SmallOrgConfig();
  config.rotate_refresh_tokens = true;
  RunningEmulator e(config);
  ClientResponse first = PostToken(e, GoodGrant());
  REQUIRE(first.status == 200);
  nlohmann::ordered_json token = ParseJson(first.body);
  std::string access = token["access_token"];
  std::string rotated = token["refresh_token"];
  // a. The original is dead: presenting it again is "expired access/refresh token"...
  CheckError(PostToken(e, GoodGrant()), "invalid_grant", "expired access/refresh token");
  // b. ...and it took the live refresh token and its access token with it.
  CHECK(PostToken(e, RefreshWith(rotated)).status == 400);
  CHECK(e.client().Get("/services/data/v60.0/sobjects", {{"Authorization", "Bearer " + access}}).status == 401);
}

TEST_CASE("token requests are counted in stats, never as API calls") {
  RunningEmulator e;
  e.FetchToken();
  e.FetchToken();
  nlohmann::ordered_json stats = ParseJson(e.Admin("GET", "/__emulator/stats").body);
  CHECK(stats["token_requests"] == 2);
  CHECK(stats["api_calls"] == 0);
}

EmulatorConfig TwoHosts() {
  EmulatorConfig config = SmallOrgConfig();
  config.my_domain_port = 0;
  return config;
}

constexpr char kClientCredentials[] =
    "grant_type=client_credentials&client_id=sfsync-emulator-client-id&client_secret=sfsync-emulator-client-secret";

TEST_CASE("client credentials on the My Domain host: instance_url is My Domain, id on the login host") {
  RunningEmulator e(TwoHosts());
  REQUIRE(e.my_domain_url() != e.base_url());
  ClientResponse response = testing::PostForm(e.my_domain_client(), "/services/oauth2/token", kClientCredentials);
  REQUIRE(response.status == 200);
  nlohmann::ordered_json token = ParseJson(response.body);
  std::vector<std::string> keys;
  for (auto it = token.begin(); it != token.end(); ++it) keys.push_back(it.key());
  CHECK(keys == std::vector<std::string>{"access_token", "signature", "scope", "instance_url", "id", "token_type",
                                         "issued_at"});
  // The app's scopes minus refresh_token (and full, web, offline_access), §1.7.
  CHECK(token["scope"] == "api openid");
  CHECK(token["instance_url"] == e.my_domain_url());
  CHECK(std::string(token["id"]).starts_with(e.base_url() + "/id/00D"));
  std::string bearer = "Bearer " + std::string(token["access_token"]);
  CHECK(e.my_domain_client().Get("/services/data/v60.0/sobjects", {{"Authorization", bearer}}).status == 200);
  // The login host does not serve the org's data with it (README ⚠).
  CHECK(e.client().Get("/services/data/v60.0/sobjects", {{"Authorization", bearer}}).status == 401);
  // Basic auth works as well as body parameters.
  std::string basic = "c2ZzeW5jLWVtdWxhdG9yLWNsaWVudC1pZDpzZnN5bmMtZW11bGF0b3ItY2xpZW50LXNlY3JldA==";
  CHECK(testing::PostForm(e.my_domain_client(), "/services/oauth2/token", "grant_type=client_credentials",
                          {{"Authorization", "Basic " + basic}})
            .status == 200);
}

TEST_CASE("client credentials errors: login host, wrong secret, unknown client, no run-as user") {
  RunningEmulator e(TwoHosts());
  testing::CheckOAuthError(testing::PostForm(e.client(), "/services/oauth2/token", kClientCredentials), "invalid_grant",
                           "request not supported on this domain");
  testing::CheckOAuthError(
      testing::PostForm(e.my_domain_client(), "/services/oauth2/token",
                        "grant_type=client_credentials&client_id=sfsync-emulator-client-id&client_secret=nope"),
      "invalid_client", "invalid client credentials");
  testing::CheckOAuthError(testing::PostForm(e.my_domain_client(), "/services/oauth2/token",
                                             "grant_type=client_credentials&client_id=sfsync-emulator-client-id"),
                           "invalid_client", "invalid client credentials");
  testing::CheckOAuthError(testing::PostForm(e.my_domain_client(), "/services/oauth2/token",
                                             "grant_type=client_credentials&client_id=x&client_secret=y"),
                           "invalid_client_id", "client identifier invalid");

  EmulatorConfig config = TwoHosts();
  config.client_credentials_user = "none";
  RunningEmulator unset(config);
  testing::CheckOAuthError(testing::PostForm(unset.my_domain_client(), "/services/oauth2/token", kClientCredentials),
                           "invalid_grant", "no client credentials user enabled");
}

TEST_CASE("one port is the org's My Domain: client credentials work, and every URL is that port") {
  EmulatorConfig config = SmallOrgConfig();
  config.client_credentials_user = "yuki.tanaka@sfsync-emulator.example";
  RunningEmulator e(config);
  ClientResponse response = testing::PostForm(e.client(), "/services/oauth2/token", kClientCredentials);
  REQUIRE(response.status == 200);
  nlohmann::ordered_json token = ParseJson(response.body);
  CHECK(token["instance_url"] == e.base_url());
  CHECK(std::string(token["id"]).starts_with(e.base_url() + "/id/"));
  // The run-as user is Yuki: the identity URL says so.
  ClientResponse identity = e.client().Get(std::string(token["id"]).substr(e.base_url().size()),
                                           {{"Authorization", "Bearer " + std::string(token["access_token"])}});
  REQUIRE(identity.status == 200);
  CHECK(ParseJson(identity.body)["username"] == "yuki.tanaka@sfsync-emulator.example");
}

TEST_CASE("with two hosts, every grant's instance_url is My Domain and the other OAuth endpoints work on both") {
  RunningEmulator e(TwoHosts());
  ClientResponse refreshed = PostToken(e, GoodGrant());  // on the login host
  REQUIRE(refreshed.status == 200);
  CHECK(ParseJson(refreshed.body)["instance_url"] == e.my_domain_url());
  CHECK(testing::PostForm(e.my_domain_client(), "/services/oauth2/token", GoodGrant()).status == 200);
  // The version list needs no session and answers on the login host too.
  CHECK(e.client().Get("/services/data/").status == 200);
}

TEST_CASE("--no-refresh-token-secret: the refresh grant works without a secret, still not with a wrong one") {
  EmulatorConfig config = SmallOrgConfig();
  config.refresh_secret_required = false;
  RunningEmulator e(config);
  CHECK(PostToken(e,
                  "grant_type=refresh_token&client_id=sfsync-emulator-client-id&refresh_token="
                  "sfsync-emulator-refresh-token")
            .status == 200);
  CheckError(PostToken(e, GoodGrant().replace(GoodGrant().find("client-secret"), 13, "wrong-secret!")),
             "invalid_client", "invalid client credentials");
  // The default needs it.
  RunningEmulator strict;
  CheckError(PostToken(strict,
                       "grant_type=refresh_token&client_id=sfsync-emulator-client-id&refresh_token="
                       "sfsync-emulator-refresh-token"),
             "invalid_client", "invalid client credentials");
}

}  // namespace
}  // namespace sfsync::emulator
