#include "tests/emulator/api/oauth_service.h"

#include <algorithm>

#include "tests/emulator/api/rest_error.h"
#include "tests/emulator/json_writer.h"

namespace sfsync::emulator {
namespace {

constexpr std::string_view kJwtBearerGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer";
// An id_token lives this long (its `exp`); Salesforce's lifetime is not documented.
constexpr int64_t kIdTokenLifetimeS = 300;

std::vector<std::string> SplitScopes(std::string_view text) {
  std::vector<std::string> scopes;
  while (!text.empty()) {
    size_t space = text.find_first_of(" +");
    std::string_view scope = text.substr(0, space);
    if (!scope.empty()) scopes.emplace_back(scope);
    if (space == std::string_view::npos) break;
    text.remove_prefix(space + 1);
  }
  return scopes;
}

// The value of `name="..."` in a Content-Disposition or Content-Type parameter list.
std::string HeaderParam(std::string_view header, std::string_view name) {
  size_t at = header.find(std::string(name) + "=");
  if (at == std::string_view::npos) return "";
  std::string_view value = header.substr(at + name.size() + 1);
  if (!value.empty() && value.front() == '"') {
    value.remove_prefix(1);
    return std::string(value.substr(0, value.find('"')));
  }
  return std::string(value.substr(0, value.find(';')));
}

// multipart/form-data (sfdx-core sends the device flow this way, protocol §1.8).
void ParseMultipart(std::string_view body, std::string_view boundary, OAuthService::Params* params) {
  std::string delimiter = "--" + std::string(boundary);
  size_t at = body.find(delimiter);
  while (at != std::string_view::npos) {
    size_t part_start = at + delimiter.size();
    if (body.substr(part_start, 2) == "--") return;
    size_t head_end = body.find("\r\n\r\n", part_start);
    size_t next = body.find("\r\n" + delimiter, part_start);
    if (head_end == std::string_view::npos || next == std::string_view::npos || head_end > next) {
      return;
    }
    std::string_view head = body.substr(part_start, head_end - part_start);
    std::string name = HeaderParam(head, "name");
    if (!name.empty()) {
      params->emplace(name, std::string(body.substr(head_end + 4, next - head_end - 4)));
    }
    at = next + 2;
  }
}

}  // namespace

HttpResponse OAuthError(std::string_view error, std::string_view description, int status) {
  std::string body;
  JsonWriter json(&body);
  json.BeginObject();
  json.Key("error");
  json.String(error);
  json.Key("error_description");
  json.String(description);
  json.EndObject();
  HttpResponse response = JsonResponse(status, std::move(body));
  response.headers.Set("Cache-Control", "no-cache, no-store");
  return response;
}

OAuthService::Params TokenParams(const HttpRequest& request) {
  OAuthService::Params params;
  std::optional<std::string_view> type = request.headers.Get("Content-Type");
  if (type && type->find("multipart/form-data") != std::string_view::npos) {
    ParseMultipart(request.body, HeaderParam(*type, "boundary"), &params);
  } else {
    params = ParseForm(request.body);
  }
  for (auto& [name, value] : ParseForm(request.query)) params.emplace(name, value);
  std::optional<std::string_view> authorization = request.headers.Get("Authorization");
  if (authorization && authorization->size() > 6 && EqualsIgnoreCase(authorization->substr(0, 6), "Basic ")) {
    if (std::optional<std::string> decoded = Base64Decode(authorization->substr(6))) {
      size_t colon = decoded->find(':');
      if (colon != std::string::npos) {
        params.emplace("client_id", UrlDecode(decoded->substr(0, colon), true));
        params.emplace("client_secret", UrlDecode(decoded->substr(colon + 1), true));
      }
    }
  }
  return params;
}

std::optional<std::string> BearerToken(std::optional<std::string_view> authorization) {
  if (!authorization) return std::nullopt;
  std::string_view value = *authorization;
  if (value.size() > 7 && EqualsIgnoreCase(value.substr(0, 7), "Bearer ")) return std::string(value.substr(7));
  if (value.size() > 6 && EqualsIgnoreCase(value.substr(0, 6), "OAuth ")) return std::string(value.substr(6));
  return std::nullopt;
}

OAuthService::OAuthService(OAuthConfig config, Org* org, const EmulatorClock* clock)
    : config_(std::move(config)),
      org_(org),
      clock_(clock),
      tokens_(config_.org_id.substr(0, 15), config_.session_timeout_ms) {}

std::unique_ptr<OAuthService> OAuthService::Create(OAuthConfig config, Org* org, const EmulatorClock* clock,
                                                   std::string* error) {
  std::unique_ptr<OAuthService> service(new OAuthService(std::move(config), org, clock));
  const OAuthConfig& c = service->config_;
  if (!c.jwt_cert_file.empty()) {
    service->jwt_verifier_ = Rs256Verifier::Load(c.jwt_cert_file, error);
    if (!service->jwt_verifier_) return nullptr;
  }
  std::vector<std::string> usernames = c.jwt_preauthorized;
  usernames.push_back(c.authorize_user);
  if (c.client_credentials_user != "none") usernames.push_back(c.client_credentials_user);
  for (const std::string& username : usernames) {
    if (!username.empty() && !FindUserByUsername(org, username)) {
      *error = "no user of the org has the username " + username;
      return nullptr;
    }
  }
  Grant seeded{c.user_id, c.client_id, c.app_scopes};
  service->tokens_.NewFamily(seeded, clock->NowMillis(), c.refresh_token);
  return service;
}

void OAuthService::SetUrls(std::string login_url, std::string my_domain_url) {
  std::lock_guard<std::mutex> lock(mu_);
  login_url_ = std::move(login_url);
  my_domain_url_ = std::move(my_domain_url);
}

std::string OAuthService::login_url() const {
  std::lock_guard<std::mutex> lock(mu_);
  return login_url_;
}

std::string OAuthService::my_domain_url() const {
  std::lock_guard<std::mutex> lock(mu_);
  return my_domain_url_;
}

bool OAuthService::Serves(std::string_view path) {
  return path.starts_with("/services/oauth2/") || path.starts_with("/id/") || path == "/setup/connect";
}

HttpResponse OAuthService::Handle(Host host, const HttpRequest& request) {
  std::string path = request.path;
  if (path.size() > 1 && path.back() == '/') path.pop_back();
  if (path == "/services/oauth2/token") return Token(host, request);
  if (path == "/services/oauth2/authorize") return Authorize(request);
  if (path == "/services/oauth2/revoke") return Revoke(request);
  if (path == "/services/oauth2/userinfo") return UserInfo(request);
  if (path == "/services/oauth2/introspect") return Introspect(request);
  if (path.starts_with("/id/")) return Identity(request);
  if (path == "/setup/connect") return DeviceVerificationPage();
  return RestErrorResponse(NotFoundError());
}

HttpResponse OAuthService::Token(Host host, const HttpRequest& request) {
  if (request.method != "POST") return OAuthError("invalid_request", "must use HTTP POST");
  Params params = TokenParams(request);
  // The device flow's first step goes to the token endpoint with no grant type (§1.8).
  if (auto type = params.find("response_type"); type != params.end() && type->second == "device_code") {
    return DeviceAuthorization(params);
  }
  auto grant_type = params.find("grant_type");
  if (grant_type == params.end() || grant_type->second.empty()) {
    return OAuthError("invalid_request", "grant type is missing");
  }
  const std::string& grant = grant_type->second;
  if (grant == "refresh_token") return RefreshGrant(params);
  if (grant == "authorization_code") return AuthorizationCodeGrant(params);
  if (grant == kJwtBearerGrant) return JwtBearerGrant(params);
  if (grant == "client_credentials") return ClientCredentialsGrant(host, params);
  if (grant == "device") return DeviceGrant(params);
  return OAuthError("unsupported_grant_type", "grant type not supported");
}

std::optional<HttpResponse> OAuthService::CheckClient(const Params& params, bool secret_required) const {
  auto client_id = params.find("client_id");
  if (client_id == params.end() || client_id->second != config_.client_id) {
    return OAuthError("invalid_client_id", "client identifier invalid");
  }
  auto secret = params.find("client_secret");
  bool given = secret != params.end() && !secret->second.empty();
  if ((given && secret->second != config_.client_secret) || (!given && secret_required)) {
    return OAuthError("invalid_client", "invalid client credentials");
  }
  return std::nullopt;
}

HttpResponse OAuthService::RefreshGrant(const Params& params) {
  // Salesforce checks the client before the grant itself.
  if (std::optional<HttpResponse> bad = CheckClient(params, config_.refresh_secret_required)) return *bad;
  auto token = params.find("refresh_token");
  int64_t now = clock_->NowMillis();
  std::optional<TokenStore::Refreshed> refreshed =
      token == params.end() ? std::nullopt : tokens_.UseRefreshToken(token->second, config_.rotate_refresh_tokens, now);
  if (!refreshed) return OAuthError("invalid_grant", "expired access/refresh token");
  Issued issued;
  issued.grant = refreshed->grant;
  issued.issued_at_ms = now;
  // The access token joins the family of the live refresh token, so revoking it kills both.
  const std::string& live = refreshed->rotated_refresh_token.empty() ? token->second : refreshed->rotated_refresh_token;
  issued.access_token = tokens_.NewAccessTokenFromRefresh(issued.grant, live, now);
  issued.refresh_token = refreshed->rotated_refresh_token;  // only when rotating (§1.5)
  return TokenResponse(issued);
}

HttpResponse OAuthService::ClientCredentialsGrant(Host host, const Params& params) {
  if (host == Host::kLogin) return OAuthError("invalid_grant", "request not supported on this domain");
  if (std::optional<HttpResponse> bad = CheckClient(params, /*secret_required=*/true)) return *bad;
  if (config_.client_credentials_user == "none") {
    return OAuthError("invalid_grant", "no client credentials user enabled");
  }
  std::optional<OrgUser> user = config_.client_credentials_user.empty()
                                    ? FindUserById(org_, config_.user_id)
                                    : FindUserByUsername(org_, config_.client_credentials_user);
  if (!user || !user->active) return OAuthError("invalid_grant", "no client credentials user enabled");
  // The token gets the app's scopes except these four (§1.7).
  Grant grant{user->id, config_.client_id, {}};
  for (const std::string& scope : config_.app_scopes) {
    if (scope != "full" && scope != "web" && scope != "offline_access" && scope != "refresh_token") {
      grant.scopes.push_back(scope);
    }
  }
  return TokenResponse(IssueTokens(grant, /*with_refresh=*/false, /*with_id_token=*/false, ""));
}

OAuthService::Issued OAuthService::IssueTokens(const Grant& grant, bool with_refresh, bool with_id_token,
                                               const std::string& nonce) {
  Issued issued;
  issued.grant = grant;
  issued.issued_at_ms = clock_->NowMillis();
  if (with_refresh && grant.AllowsRefreshToken()) {
    issued.refresh_token = tokens_.NewFamily(grant, issued.issued_at_ms);
    issued.access_token = tokens_.NewAccessTokenFromRefresh(grant, issued.refresh_token, issued.issued_at_ms);
  } else {
    issued.access_token = tokens_.NewAccessToken(grant, issued.issued_at_ms);
  }
  if (with_id_token && grant.HasScope("openid")) issued.id_token = IdToken(grant, issued.issued_at_ms, nonce);
  return issued;
}

std::string OAuthService::IdentityUrl(const std::string& user_id) const {
  // The identity URL's host is the login host, not the instance (§1.3).
  return login_url() + "/id/" + config_.org_id + "/" + user_id;
}

HttpResponse OAuthService::TokenResponse(const Issued& issued) const {
  std::string id = IdentityUrl(issued.grant.user_id);
  std::string issued_at = std::to_string(issued.issued_at_ms);
  std::string body;
  JsonWriter json(&body);
  json.BeginObject();
  json.Key("access_token");
  json.String(issued.access_token);
  if (!issued.refresh_token.empty()) {
    json.Key("refresh_token");
    json.String(issued.refresh_token);
  }
  if (issued.signed_response) {
    // signature = base64(HMAC-SHA256(id + issued_at, client_secret)) (§1.3).
    json.Key("signature");
    json.String(Base64Encode(HmacSha256(config_.client_secret, id + issued_at)));
  }
  json.Key("scope");
  json.String(issued.grant.ScopeText());
  if (!issued.id_token.empty()) {
    json.Key("id_token");
    json.String(issued.id_token);
  }
  json.Key("instance_url");
  json.String(my_domain_url());
  json.Key("id");
  json.String(id);
  json.Key("token_type");
  json.String("Bearer");
  if (issued.signed_response) {
    json.Key("issued_at");
    json.String(issued_at);
  }
  json.EndObject();
  HttpResponse response = JsonResponse(200, std::move(body));
  response.headers.Set("Cache-Control", "no-cache, no-store");
  return response;
}

// An OpenID Connect id_token signed HS256 with the client secret (RFC 7518 §3.2: a client
// verifies it with the secret it already has); Salesforce signs RS256 with its own key.
std::string OAuthService::IdToken(const Grant& grant, int64_t now_ms, const std::string& nonce) {
  std::optional<OrgUser> user = FindUserById(org_, grant.user_id);
  std::string claims;
  JsonWriter json(&claims);
  json.BeginObject();
  json.Key("iss");
  json.String(login_url());
  json.Key("sub");
  json.String(IdentityUrl(grant.user_id));
  json.Key("aud");
  json.String(config_.client_id);
  json.Key("iat");
  json.Int(now_ms / 1000);
  json.Key("exp");
  json.Int(now_ms / 1000 + kIdTokenLifetimeS);
  if (!nonce.empty()) {
    json.Key("nonce");
    json.String(nonce);
  }
  if (user) {
    json.Key("preferred_username");
    json.String(user->username);
    json.Key("name");
    json.String(user->DisplayName());
    json.Key("email");
    json.String(user->email);
  }
  json.EndObject();
  std::string signing_input = Base64Url(R"({"alg":"HS256","typ":"JWT"})") + "." + Base64Url(claims);
  return signing_input + "." + Base64Url(HmacSha256(config_.client_secret, signing_input));
}

std::optional<std::vector<std::string>> OAuthService::GrantedScopes(std::string_view requested) const {
  std::vector<std::string> asked = SplitScopes(requested);
  if (asked.empty()) return config_.app_scopes;
  for (const std::string& scope : asked) {
    if (std::find(config_.app_scopes.begin(), config_.app_scopes.end(), scope) == config_.app_scopes.end()) {
      return std::nullopt;
    }
  }
  std::vector<std::string> granted;
  for (const std::string& scope : config_.app_scopes) {
    if (std::find(asked.begin(), asked.end(), scope) != asked.end()) granted.push_back(scope);
  }
  return granted;
}

std::optional<OrgUser> OAuthService::AuthorizeUser(const std::string& username) {
  if (!username.empty()) return FindUserByUsername(org_, username);
  if (!config_.authorize_user.empty()) return FindUserByUsername(org_, config_.authorize_user);
  return FindUserById(org_, config_.user_id);
}

OAuthService::RestAccess OAuthService::AuthorizeRest(std::optional<std::string_view> authorization) {
  std::optional<std::string> token = BearerToken(authorization);
  if (!token) return RestAccess::kInvalidSession;
  std::optional<AccessSession> session = tokens_.FindAccessToken(*token, clock_->NowMillis());
  if (!session) return RestAccess::kInvalidSession;
  return session->grant.AllowsRestApi() ? RestAccess::kGranted : RestAccess::kNoApiScope;
}

std::optional<std::string> OAuthService::SessionUserId(std::optional<std::string_view> authorization) {
  std::optional<std::string> token = BearerToken(authorization);
  if (!token) return std::nullopt;
  std::optional<AccessSession> session = tokens_.FindAccessToken(*token, clock_->NowMillis());
  if (!session) return std::nullopt;
  return session->grant.user_id;
}

void OAuthService::ExpireAllSessions() { tokens_.ExpireAllAccessTokens(); }

void OAuthService::KillSession(std::optional<std::string_view> authorization) {
  if (std::optional<std::string> token = BearerToken(authorization)) tokens_.KillAccessToken(*token);
}

}  // namespace sfsync::emulator
