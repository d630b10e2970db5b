// The OAuth 2.0 authorization server of the emulated org (protocol §1): the authorize endpoint,
// the token endpoint with every grant, revoke, introspect, userinfo and the identity URL, and
// the session check every REST call makes.
//
// Grants (token endpoint, `grant_type`):
//   refresh_token       §1.5  secret required unless --no-refresh-token-secret; optional rotation
//   authorization_code  §1.4  after GET /authorize (auto-approved); PKCE S256; single-use code
//   jwt-bearer          §1.6  RS256 assertion checked against --jwt-cert; no refresh token
//   client_credentials  §1.7  My Domain host only; runs as --client-credentials-user
//   device              §1.8  after `response_type=device_code`; approved through the admin API
// Errors are 400 `{"error","error_description"}` (§1.10). Token responses follow §1.3: keys in
// Salesforce's order, `issued_at` a string of epoch ms, `signature`, no `expires_in`.
//
// The implementation is split by concern: oauth_service.cc (dispatch, clients, responses, the
// refresh and client-credentials grants), oauth_code_grant.cc, oauth_jwt_grant.cc,
// oauth_device_grant.cc, oauth_identity.cc (userinfo, identity URL, introspect, revoke).
//
// Thread-safe.
#ifndef SFSYNC_TESTS_EMULATOR_API_OAUTH_SERVICE_H_
#define SFSYNC_TESTS_EMULATOR_API_OAUTH_SERVICE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tests/emulator/api/host.h"
#include "tests/emulator/api/oauth_crypto.h"
#include "tests/emulator/api/oauth_tokens.h"
#include "tests/emulator/api/oauth_users.h"
#include "tests/emulator/api/org.h"
#include "tests/emulator/clock.h"
#include "tests/emulator/net/http_message.h"

namespace sfsync::emulator {

// The connected app and the org's OAuth policies (README "OAuth app configuration").
struct OAuthConfig {
  std::string client_id;
  std::string client_secret;
  std::string refresh_token;  // the refresh token the org starts with (family 1)
  bool rotate_refresh_tokens = false;
  int64_t session_timeout_ms = 7200 * 1000LL;
  std::string org_id;   // 18 characters
  std::string user_id;  // the integration user, 18 characters

  std::vector<std::string> app_scopes = {"api", "refresh_token", "openid"};
  std::vector<std::string> callback_urls = {"http://127.0.0.1:1717/callback"};
  bool web_server_secret_required = true;
  bool refresh_secret_required = true;
  std::string jwt_cert_file;                   // empty: the JWT grant fails with "invalid assertion"
  int64_t jwt_max_exp_ahead_s = 180;           // 0: no upper bound
  std::vector<std::string> jwt_preauthorized;  // usernames; empty: the integration user
  std::string authorize_user;                  // username; empty: the integration user
  bool deny_authorization = false;
  std::string client_credentials_user;  // username; empty: the integration user; "none"
  int64_t device_interval_s = 5;        // 0: never answer slow_down
  int64_t device_code_ttl_s = 600;
};

class OAuthService {
 public:
  // `org` and `clock` must outlive the service. Returns null with `error` when the JWT
  // certificate cannot be loaded or a configured username is not a user of the org.
  static std::unique_ptr<OAuthService> Create(OAuthConfig config, Org* org, const EmulatorClock* clock,
                                              std::string* error);

  // The login host's URL (host of the identity URL, JWT audience) and the org's My Domain URL
  // (instance_url). Equal without --my-domain-port. Set once the listeners know their ports.
  void SetUrls(std::string login_url, std::string my_domain_url);

  // True for the paths Handle() serves: /services/oauth2/..., /id/..., /setup/connect.
  static bool Serves(std::string_view path);
  HttpResponse Handle(Host host, const HttpRequest& request);

  enum class RestAccess { kGranted, kInvalidSession, kNoApiScope };
  // The session check of a REST call: `Authorization: Bearer` (or the older `OAuth`) with a
  // live access token whose scopes include `api` (or `full`).
  RestAccess AuthorizeRest(std::optional<std::string_view> authorization);
  // The Id of the user a live access token in `authorization` runs as; nullopt for a missing,
  // dead or unknown token.
  std::optional<std::string> SessionUserId(std::optional<std::string_view> authorization);

  // Invalidates every access token issued so far (refresh tokens stay valid).
  void ExpireAllSessions();
  // Kills the access token in `authorization` (fault injection: the session timed out).
  void KillSession(std::optional<std::string_view> authorization);

  // Admin API: approve or deny a pending device code as `username` (empty: the authorize
  // user).
  enum class DeviceDecision { kDone, kNoSuchCode, kNoSuchUser };
  DeviceDecision DecideDeviceCode(const std::string& user_code, bool approve, const std::string& username);
  // Admin API: [{"user_code","status","scope"}] for every device code not yet redeemed.
  std::string DeviceCodesJson();

  using Params = std::map<std::string, std::string>;

 private:
  struct AuthCode {
    std::string client_id;
    std::string redirect_uri;
    Grant grant;
    std::string code_challenge;  // empty: no PKCE
    std::string nonce;
    int64_t expires_at_ms = 0;
  };
  enum class DeviceStatus { kPending, kApproved, kDenied };
  struct DeviceCode {
    std::string user_code;
    Grant grant;  // user_id set on approval
    DeviceStatus status = DeviceStatus::kPending;
    int64_t expires_at_ms = 0;
    int64_t last_poll_ms = -1;
  };

  OAuthService(OAuthConfig config, Org* org, const EmulatorClock* clock);

  // oauth_service.cc
  HttpResponse Token(Host host, const HttpRequest& request);
  HttpResponse RefreshGrant(const Params& params);
  HttpResponse ClientCredentialsGrant(Host host, const Params& params);
  // nullopt when `client_id` is the app's and the secret is right (or absent and not
  // required); else the error response.
  std::optional<HttpResponse> CheckClient(const Params& params, bool secret_required) const;
  struct Issued {
    Grant grant;
    std::string access_token;
    std::string refresh_token;    // empty: none in the response
    std::string id_token;         // empty: none
    bool signed_response = true;  // `signature` and `issued_at` (not for JWT, §1.6)
    int64_t issued_at_ms = 0;
  };
  HttpResponse TokenResponse(const Issued& issued) const;
  // Issues an access token, a refresh token when the grant allows one and `with_refresh`, and
  // an id_token when `openid` was granted and `with_id_token`.
  Issued IssueTokens(const Grant& grant, bool with_refresh, bool with_id_token, const std::string& nonce);
  std::string IdToken(const Grant& grant, int64_t now_ms, const std::string& nonce);
  std::string IdentityUrl(const std::string& user_id) const;
  // The app's scopes that `requested` (space-separated) names, in the app's order; all of
  // them when `requested` is empty; nullopt when it names a scope the app lacks.
  std::optional<std::vector<std::string>> GrantedScopes(std::string_view requested) const;
  // The user grants run as by default (--authorize-user, else the integration user).
  std::optional<OrgUser> AuthorizeUser(const std::string& username = "");

  // oauth_code_grant.cc
  HttpResponse Authorize(const HttpRequest& request);
  HttpResponse AuthorizationCodeGrant(const Params& params);

  // oauth_jwt_grant.cc
  HttpResponse JwtBearerGrant(const Params& params);

  // oauth_device_grant.cc
  HttpResponse DeviceAuthorization(const Params& params);
  HttpResponse DeviceGrant(const Params& params);

  // oauth_identity.cc
  HttpResponse UserInfo(const HttpRequest& request);
  HttpResponse Identity(const HttpRequest& request);
  HttpResponse Introspect(const HttpRequest& request);
  HttpResponse Revoke(const HttpRequest& request);
  HttpResponse DeviceVerificationPage() const;
  // The session of the request's Bearer token (or `?oauth_token=`), if live.
  std::optional<AccessSession> RequestSession(const HttpRequest& request);

  std::string login_url() const;
  std::string my_domain_url() const;

  const OAuthConfig config_;
  Org* org_;
  const EmulatorClock* clock_;
  std::unique_ptr<Rs256Verifier> jwt_verifier_;
  TokenStore tokens_;
  mutable std::mutex mu_;
  std::string login_url_;                      // guarded by mu_
  std::string my_domain_url_;                  // guarded by mu_
  std::map<std::string, AuthCode> codes_;      // guarded by mu_
  std::map<std::string, DeviceCode> devices_;  // by device_code; guarded by mu_
};

// OAuth error body `{"error","error_description"}` with status 400 (protocol §1.10).
HttpResponse OAuthError(std::string_view error, std::string_view description, int status = 400);
// The token endpoint's parameters: form body (urlencoded or multipart/form-data), query string,
// and `Authorization: Basic` for client_id/client_secret. The first occurrence wins.
OAuthService::Params TokenParams(const HttpRequest& request);
// The token of `Authorization: Bearer ...` or `OAuth ...`.
std::optional<std::string> BearerToken(std::optional<std::string_view> authorization);

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_API_OAUTH_SERVICE_H_
