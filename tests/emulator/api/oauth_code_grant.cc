// The web-server flow (protocol §1.4): GET /services/oauth2/authorize approves at once as the
// configured user (there is no login page) and redirects to the registered callback with a
// single-use code; the token endpoint exchanges the code, checking PKCE (S256).
#include <algorithm>

#include "tests/emulator/api/oauth_service.h"

namespace sfsync::emulator {
namespace {

constexpr int64_t kCodeLifetimeMs = 15 * 60 * 1000;

// Salesforce shows these errors on its own page instead of redirecting: the callback cannot be
// trusted before the client and redirect URI check out.
HttpResponse ErrorPage(std::string_view error, std::string_view description) {
  HttpResponse response;
  response.status = 400;
  response.headers.Set("Content-Type", "text/html;charset=UTF-8");
  response.body =
      "<html><head><title>OAuth Error</title></head><body>\n<h1>OAuth Error</h1>\n<p>error=" + std::string(error) +
      "</p>\n<p>error_description=" + std::string(description) + "</p>\n</body></html>\n";
  return response;
}

HttpResponse Redirect(std::string url) {
  HttpResponse response;
  response.status = 302;
  response.headers.Set("Location", std::move(url));
  response.headers.Set("Cache-Control", "no-cache, no-store");
  return response;
}

std::string WithQuery(const std::string& uri, const std::string& query) {
  return uri + (uri.find('?') == std::string::npos ? "?" : "&") + query;
}

}  // namespace

HttpResponse OAuthService::Authorize(const HttpRequest& request) {
  Params params = ParseForm(request.query);
  if (request.method == "POST") {
    for (auto& [name, value] : ParseForm(request.body)) params.emplace(name, value);
  }
  auto param = [&](const char* name) {
    auto it = params.find(name);
    return it == params.end() ? std::string() : it->second;
  };
  if (param("client_id") != config_.client_id) {
    return ErrorPage("invalid_client_id", "client identifier invalid");
  }
  std::string redirect_uri = param("redirect_uri");
  if (std::find(config_.callback_urls.begin(), config_.callback_urls.end(), redirect_uri) ==
      config_.callback_urls.end()) {
    return ErrorPage("redirect_uri_mismatch", "redirect_uri must match configuration");
  }

  std::string state = param("state");
  auto redirect_error = [&](std::string_view error, std::string_view description) {
    std::string query = "error=" + PercentEncode(error) + "&error_description=" + PercentEncode(description, true);
    if (!state.empty()) query += "&state=" + PercentEncode(state);
    return Redirect(WithQuery(redirect_uri, query));
  };
  if (param("response_type") != "code") {
    return redirect_error("unsupported_response_type", "response type not supported");
  }
  std::optional<std::vector<std::string>> scopes = GrantedScopes(param("scope"));
  if (!scopes) return redirect_error("invalid_scope", "the requested scope is not allowed");
  std::string method = param("code_challenge_method");
  if (!method.empty() && method != "S256") {
    return redirect_error("invalid_request", "invalid code challenge method");
  }
  if (config_.deny_authorization) return redirect_error("access_denied", "end-user denied authorization");
  std::optional<OrgUser> user = AuthorizeUser();
  if (!user || !user->active) return redirect_error("inactive_user", "user is inactive");

  // Real codes are base64 and often end in `==` (§1.4); so do these, to exercise URL-decoding.
  std::string code = RandomToken("aPrx", 72) + "==";
  {
    std::lock_guard<std::mutex> lock(mu_);
    int64_t now = clock_->NowMillis();
    std::erase_if(codes_, [&](const auto& entry) { return entry.second.expires_at_ms <= now; });
    codes_[code] = AuthCode{config_.client_id,       redirect_uri,   Grant{user->id, config_.client_id, *scopes},
                            param("code_challenge"), param("nonce"), now + kCodeLifetimeMs};
  }
  std::string query = "code=" + PercentEncode(code);
  if (!state.empty()) query += "&state=" + PercentEncode(state);
  return Redirect(WithQuery(redirect_uri, query));
}

HttpResponse OAuthService::AuthorizationCodeGrant(const Params& params) {
  if (std::optional<HttpResponse> bad = CheckClient(params, config_.web_server_secret_required)) return *bad;
  auto param = [&](const char* name) {
    auto it = params.find(name);
    return it == params.end() ? std::string() : it->second;
  };
  // The code is spent by the first exchange that presents it, whether or not that exchange
  // succeeds (⚠ README): a retried exchange after a lost answer fails like a reused code.
  std::optional<AuthCode> code;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = codes_.find(param("code")); it != codes_.end()) {
      if (it->second.expires_at_ms > clock_->NowMillis()) code = it->second;
      codes_.erase(it);
    }
  }
  if (!code) return OAuthError("invalid_grant", "expired authorization code");
  if (param("redirect_uri") != code->redirect_uri) {
    return OAuthError("invalid_grant", "redirect_uri must match configuration");
  }
  if (!code->code_challenge.empty()) {
    std::string verifier = param("code_verifier");
    if (verifier.empty() || Base64Url(Sha256(verifier)) != code->code_challenge) {
      return OAuthError("invalid_grant", "invalid code verifier");
    }
  }
  return TokenResponse(IssueTokens(code->grant, /*with_refresh=*/true, /*with_id_token=*/true, code->nonce));
}

}  // namespace sfsync::emulator
