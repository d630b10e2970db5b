// The web-server flow over real sockets: /authorize redirects, PKCE, the code exchange and
// each of its errors (protocol §1.4).
#include <doctest/doctest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "tests/emulator/api/oauth_crypto.h"
#include "tests/emulator/testing/emulator_fixture.h"

namespace sfsync::emulator {
namespace {

using nlohmann::ordered_json;
using testing::CheckOAuthError;
using testing::ClientResponse;
using testing::LocationParams;
using testing::ParseJson;
using testing::PostForm;
using testing::RunningEmulator;
using testing::SmallOrgConfig;

constexpr char kCallback[] = "http://127.0.0.1:1717/callback";
// RFC 7636 appendix B: this verifier's S256 challenge is kChallenge.
constexpr char kVerifier[] = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
constexpr char kChallenge[] = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

ClientResponse Authorize(RunningEmulator& e, const std::string& query) {
  return e.client().Get("/services/oauth2/authorize?" + query);
}

std::string AuthorizeQuery(const std::string& scope = "api refresh_token openid") {
  return "response_type=code&client_id=sfsync-emulator-client-id&redirect_uri=" + PercentEncode(kCallback) +
         "&scope=" + PercentEncode(scope) + "&state=st%20ate-42&code_challenge=" + kChallenge +
         "&code_challenge_method=S256";
}

// Runs /authorize and returns the code from the redirect.
std::string NewCode(RunningEmulator& e, const std::string& scope = "api refresh_token openid") {
  ClientResponse redirect = Authorize(e, AuthorizeQuery(scope));
  REQUIRE(redirect.status == 302);
  return LocationParams(redirect).at("code");
}

std::string Exchange(const std::string& code, const std::string& verifier = kVerifier,
                     const std::string& redirect_uri = kCallback) {
  std::string body = "grant_type=authorization_code&code=" + PercentEncode(code) +
                     "&client_id=sfsync-emulator-client-id&client_secret=sfsync-emulator-client-secret"
                     "&redirect_uri=" +
                     PercentEncode(redirect_uri);
  if (!verifier.empty()) body += "&code_verifier=" + verifier;
  return body;
}

ClientResponse PostToken(RunningEmulator& e, const std::string& body, testing::HttpClient::Headers headers = {}) {
  return PostForm(e.client(), "/services/oauth2/token", body, std::move(headers));
}

std::vector<std::string> Keys(const ordered_json& object) {
  std::vector<std::string> keys;
  for (auto it = object.begin(); it != object.end(); ++it) keys.push_back(it.key());
  return keys;
}

TEST_CASE("authorization code with PKCE: redirect with code and state, then tokens with refresh and id_token") {
  RunningEmulator e;
  // a. /authorize auto-approves and redirects to the registered callback; state is echoed.
  ClientResponse redirect = Authorize(e, AuthorizeQuery() + "&nonce=n-0S6");
  REQUIRE(redirect.status == 302);
  std::string location(*redirect.headers.Get("Location"));
  CHECK(location.starts_with(std::string(kCallback) + "?code="));
  std::map<std::string, std::string> params = LocationParams(redirect);
  CHECK(params.at("state") == "st ate-42");
  std::string code = params.at("code");
  CHECK(code.ends_with("=="));  // like real codes, so clients must URL-decode
  CHECK(location.find("%3D%3D") != std::string::npos);

  // b. The exchange answers Salesforce's token response, in §1.3 key order.
  ClientResponse response = PostToken(e, Exchange(code));
  REQUIRE(response.status == 200);
  ordered_json token = ParseJson(response.body);
  CHECK(Keys(token) == std::vector<std::string>{"access_token", "refresh_token", "signature", "scope", "id_token",
                                                "instance_url", "id", "token_type", "issued_at"});
  CHECK(token["scope"] == "api refresh_token openid");
  CHECK(token["instance_url"] == e.base_url());
  CHECK(token["issued_at"] == "1714557600000");

  // c. The access token works on REST; the refresh token works on the refresh grant.
  CHECK(e.client()
            .Get("/services/data/v60.0/sobjects", {{"Authorization", "Bearer " + std::string(token["access_token"])}})
            .status == 200);
  ClientResponse refreshed = PostToken(e,
                                       "grant_type=refresh_token&client_id=sfsync-emulator-client-id&client_secret="
                                       "sfsync-emulator-client-secret&refresh_token=" +
                                           PercentEncode(std::string(token["refresh_token"])));
  CHECK(refreshed.status == 200);
  CHECK_FALSE(ParseJson(refreshed.body).contains("refresh_token"));

  // d. The id_token is an HS256 JWT keyed with the client secret, for this client and user.
  std::string id_token = token["id_token"];
  size_t dot1 = id_token.find('.'), dot2 = id_token.rfind('.');
  REQUIRE(dot1 != dot2);
  ordered_json header = ParseJson(*Base64UrlDecode(id_token.substr(0, dot1)));
  ordered_json claims = ParseJson(*Base64UrlDecode(id_token.substr(dot1 + 1, dot2 - dot1 - 1)));
  CHECK(header["alg"] == "HS256");
  CHECK(claims["aud"] == "sfsync-emulator-client-id");
  CHECK(claims["sub"] == token["id"]);
  CHECK(claims["nonce"] == "n-0S6");
  CHECK(claims["preferred_username"] == "integration@sfsync-emulator.example");
  std::string secret = "sfsync-emulator-client-secret";
  std::string input = id_token.substr(0, dot2);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest, &length);
  CHECK(*Base64UrlDecode(id_token.substr(dot2 + 1)) == std::string(reinterpret_cast<char*>(digest), length));
}

TEST_CASE("PKCE: a wrong or missing code_verifier is invalid_grant invalid code verifier") {
  RunningEmulator e;
  CheckOAuthError(PostToken(e, Exchange(NewCode(e), "wrong-verifier-wrong-verifier-wrong-verifier")), "invalid_grant",
                  "invalid code verifier");
  CheckOAuthError(PostToken(e, Exchange(NewCode(e), "")), "invalid_grant", "invalid code verifier");
  CHECK(PostToken(e, Exchange(NewCode(e))).status == 200);
}

TEST_CASE("codes are single use and live 15 minutes: expired authorization code") {
  RunningEmulator e;
  // a. Reuse after a successful exchange.
  std::string code = NewCode(e);
  REQUIRE(PostToken(e, Exchange(code)).status == 200);
  CheckOAuthError(PostToken(e, Exchange(code)), "invalid_grant", "expired authorization code");
  // b. A failed exchange spends the code too (README ⚠).
  code = NewCode(e);
  CheckOAuthError(PostToken(e, Exchange(code, "x-wrong-verifier-x-wrong-verifier-x-wrong")), "invalid_grant",
                  "invalid code verifier");
  CheckOAuthError(PostToken(e, Exchange(code)), "invalid_grant", "expired authorization code");
  // c. 14:59 after issue it works; at 15:00 it is expired.
  code = NewCode(e);
  std::string late = NewCode(e);
  REQUIRE(e.Admin("POST", "/__emulator/clock", R"({"advance_seconds":899})").status == 200);
  CHECK(PostToken(e, Exchange(code)).status == 200);
  REQUIRE(e.Admin("POST", "/__emulator/clock", R"({"advance_seconds":1})").status == 200);
  CheckOAuthError(PostToken(e, Exchange(late)), "invalid_grant", "expired authorization code");
  // d. A code that never existed.
  CheckOAuthError(PostToken(e, Exchange("made-up")), "invalid_grant", "expired authorization code");
}

TEST_CASE("authorize: a wrong client id or an unregistered callback is an error page, never a redirect") {
  RunningEmulator e;
  ClientResponse wrong_client =
      Authorize(e, "response_type=code&client_id=nobody&redirect_uri=" + PercentEncode(kCallback) + "&state=s");
  CHECK(wrong_client.status == 400);
  CHECK_FALSE(wrong_client.headers.Has("Location"));
  CHECK(wrong_client.headers.Get("Content-Type") == std::optional<std::string_view>("text/html;charset=UTF-8"));
  CHECK(wrong_client.body.find("error=invalid_client_id") != std::string::npos);

  ClientResponse mismatch = Authorize(e, "response_type=code&client_id=sfsync-emulator-client-id&redirect_uri=" +
                                             PercentEncode("http://127.0.0.1:1718/callback") + "&state=s");
  CHECK(mismatch.status == 400);
  CHECK_FALSE(mismatch.headers.Has("Location"));
  CHECK(mismatch.body.find("error=redirect_uri_mismatch") != std::string::npos);
  CHECK(mismatch.body.find("redirect_uri must match configuration") != std::string::npos);
}

TEST_CASE("authorize: errors after the callback checks out are redirected with the state") {
  RunningEmulator e;
  std::string base = "client_id=sfsync-emulator-client-id&redirect_uri=" + PercentEncode(kCallback) + "&state=s1";
  ClientResponse bad_type = Authorize(e, "response_type=token&" + base);
  REQUIRE(bad_type.status == 302);
  CHECK(LocationParams(bad_type).at("error") == "unsupported_response_type");
  CHECK(LocationParams(bad_type).at("state") == "s1");

  ClientResponse bad_scope = Authorize(e, "response_type=code&scope=api%20web&" + base);
  REQUIRE(bad_scope.status == 302);
  CHECK(LocationParams(bad_scope).at("error") == "invalid_scope");

  ClientResponse plain = Authorize(e, "response_type=code&code_challenge=abc&code_challenge_method=plain&" + base);
  REQUIRE(plain.status == 302);
  CHECK(LocationParams(plain).at("error") == "invalid_request");
}

TEST_CASE("--deny-authorization: the callback gets access_denied and the state") {
  EmulatorConfig config = SmallOrgConfig();
  config.deny_authorization = true;
  RunningEmulator e(config);
  ClientResponse denied = Authorize(e, AuthorizeQuery());
  REQUIRE(denied.status == 302);
  std::map<std::string, std::string> params = LocationParams(denied);
  CHECK(params.at("error") == "access_denied");
  CHECK(params.at("error_description") == "end-user denied authorization");
  CHECK(params.at("state") == "st ate-42");
  CHECK_FALSE(params.contains("code"));
}

TEST_CASE("the exchange must name the redirect_uri the code was issued for, among several registered") {
  EmulatorConfig config = SmallOrgConfig();
  config.callback_urls = {kCallback, "http://localhost:9999/cb?app=1"};
  RunningEmulator e(config);
  ClientResponse second = Authorize(e, "response_type=code&client_id=sfsync-emulator-client-id&redirect_uri=" +
                                           PercentEncode("http://localhost:9999/cb?app=1") + "&state=x");
  REQUIRE(second.status == 302);
  // An existing query string is kept: ...?app=1&code=...&state=x
  CHECK(std::string(*second.headers.Get("Location")).starts_with("http://localhost:9999/cb?app=1&code="));
  std::string code = LocationParams(second).at("code");
  CheckOAuthError(PostToken(e, Exchange(code, "", kCallback)), "invalid_grant",
                  "redirect_uri must match configuration");
  CHECK(PostToken(e, Exchange(NewCode(e), kVerifier, kCallback)).status == 200);
}

TEST_CASE("the exchange needs the client secret unless --no-web-server-secret, and accepts Basic auth") {
  RunningEmulator e;
  std::string code = NewCode(e);
  std::string without_secret = "grant_type=authorization_code&code=" + PercentEncode(code) +
                               "&client_id=sfsync-emulator-client-id&redirect_uri=" + PercentEncode(kCallback) +
                               "&code_verifier=" + kVerifier;
  CheckOAuthError(PostToken(e, without_secret), "invalid_client", "invalid client credentials");
  CheckOAuthError(PostToken(e, without_secret + "&client_secret=wrong"), "invalid_client",
                  "invalid client credentials");
  CheckOAuthError(PostToken(e, "grant_type=authorization_code&client_id=other&code=x"), "invalid_client_id",
                  "client identifier invalid");
  // The client checks come first, so the code survived them.
  std::string basic = Base64Encode("sfsync-emulator-client-id:sfsync-emulator-client-secret");
  CHECK(PostToken(e, without_secret, {{"Authorization", "Basic " + basic}}).status == 200);

  EmulatorConfig config = SmallOrgConfig();
  config.web_server_secret_required = false;
  RunningEmulator pkce_only(config);
  std::string public_code = NewCode(pkce_only);
  CHECK(PostToken(pkce_only, "grant_type=authorization_code&code=" + PercentEncode(public_code) +
                                 "&client_id=sfsync-emulator-client-id&redirect_uri=" + PercentEncode(kCallback) +
                                 "&code_verifier=" + kVerifier)
            .status == 200);
}

TEST_CASE("granted scopes decide: no refresh_token, no id_token, and without api REST says so") {
  RunningEmulator e;
  ClientResponse response = PostToken(e, Exchange(NewCode(e, "openid")));
  REQUIRE(response.status == 200);
  ordered_json token = ParseJson(response.body);
  CHECK(token["scope"] == "openid");
  CHECK_FALSE(token.contains("refresh_token"));
  CHECK(token.contains("id_token"));
  ClientResponse rest = e.client().Get("/services/data/v60.0/sobjects",
                                       {{"Authorization", "Bearer " + std::string(token["access_token"])}});
  CHECK(rest.status == 401);
  CHECK(rest.body ==
        R"([{"message":"This session is not valid for use with the REST API","errorCode":"INVALID_SESSION_ID"}])");

  ordered_json api_only = ParseJson(PostToken(e, Exchange(NewCode(e, "api"))).body);
  CHECK(api_only["scope"] == "api");
  CHECK_FALSE(api_only.contains("refresh_token"));
  CHECK_FALSE(api_only.contains("id_token"));

  // The app's scopes, in the app's order, whatever order they were asked in.
  EmulatorConfig config = SmallOrgConfig();
  config.app_scopes = {"api", "web", "offline_access"};
  RunningEmulator offline(config);
  ordered_json granted = ParseJson(PostToken(offline, Exchange(NewCode(offline, "offline_access api"))).body);
  CHECK(granted["scope"] == "api offline_access");
  CHECK(granted.contains("refresh_token"));
}

}  // namespace
}  // namespace sfsync::emulator
