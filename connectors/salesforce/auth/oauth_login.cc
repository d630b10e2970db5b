#include "connectors/salesforce/auth/oauth_login.h"

#include <cctype>

#include "connectors/salesforce/http/api_error.h"
#include "connectors/salesforce/auth/oauth_callback_listener.h"
#include "connectors/salesforce/auth/oauth_errors.h"
#include "connectors/salesforce/auth/oauth_flows.h"
#include "connectors/salesforce/auth/oauth_token.h"
#include "connectors/salesforce/auth/pkce.h"
#include "connectors/salesforce/auth/token_store.h"
#include "engine/core/log.h"

namespace sfsync::salesforce {
namespace {

std::string QueryParam(std::string_view url, std::string_view name) {
  const size_t question = url.find('?');
  if (question == std::string_view::npos) return {};
  std::string_view query = url.substr(question + 1);
  query = query.substr(0, query.find('#'));
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query.remove_prefix(amp == std::string_view::npos ? query.size() : amp + 1);
    const size_t eq = pair.find('=');
    if (eq != std::string_view::npos && UrlDecode(pair.substr(0, eq)) == name) return UrlDecode(pair.substr(eq + 1));
  }
  return {};
}

// "error=CODE ... error_description=TEXT" in the text of an error page, as a form body; "" if none.
std::string ErrorInPageText(std::string_view text) {
  const size_t at = text.find("error=");
  if (at == std::string_view::npos) return {};
  const size_t code_start = at + 6;
  size_t code_end = code_start;
  while (code_end < text.size() &&
         (std::isalnum(static_cast<unsigned char>(text[code_end])) || text[code_end] == '_' || text[code_end] == '-')) {
    ++code_end;
  }
  if (code_end == code_start) return {};
  std::string form = "error=" + std::string(text.substr(code_start, code_end - code_start));
  const size_t described = text.find("error_description=");
  if (described != std::string_view::npos) {
    std::string_view description = text.substr(described + 18);
    description = description.substr(0, description.find_first_of("&\n"));
    form += "&error_description=" + UrlEncode(UrlDecode(description));
  }
  return form;
}

// GETs the authorize URL without following redirects, as a browser's first request would. An app
// that does not know the client id or the callback URL answers with an OAuth error: a page naming
// error=... (the emulator's 400 text/html), a redirect to an error page carrying ?error=..., or an
// error body. Anything else (the login page) means the person can go ahead. ⚠ The shape of these
// answers is not verified against a real org, so only an explicit OAuth error stops the login.
Status CheckAuthorizeUrl(const std::string& url, HttpTransport* transport) {
  HttpRequest request;
  request.url = url;
  StatusOr<HttpResponse> response = transport->Send(request);
  if (!response.ok()) return response.status().Annotate("authorize endpoint");
  SFSYNC_LOG(kDebug, "GET authorize URL -> {}", response->status);
  std::string error_form;
  const std::string* location = response->Header("Location");
  if (response->status >= 300 && response->status < 400 && location != nullptr) {
    const std::string error = QueryParam(*location, "error");
    if (!error.empty()) {
      error_form =
          "error=" + UrlEncode(error) + "&error_description=" + UrlEncode(QueryParam(*location, "error_description"));
    }
  } else if (response->status >= 400 && response->status < 500) {
    Status parsed = OAuthErrorStatus(400, response->body, "authorization_code");
    if (parsed.message().rfind("token endpoint answered", 0) != 0) return parsed;  // a JSON or form error body
    error_form = ErrorInPageText(TextSnippet(response->body, 2000));
  }
  if (error_form.empty()) return Status::Ok();
  return OAuthErrorStatus(400, error_form, "authorization_code");
}

}  // namespace

StatusOr<AuthorizationRequest> NewAuthorizationRequest(const OAuthSettings& settings) {
  AuthorizationRequest request;
  SFSYNC_ASSIGN_OR_RETURN(request.state, RandomUrlSafe(24));
  SFSYNC_ASSIGN_OR_RETURN(request.code_verifier, RandomUrlSafe(64));
  RegisterSecret(request.code_verifier);
  std::string base = settings.login_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  FormFields params = {
      {"response_type", "code"}, {"client_id", settings.client_id}, {"redirect_uri", settings.redirect_uri}};
  if (!settings.scopes.empty()) params.emplace_back("scope", JoinScopes(settings.scopes));
  params.emplace_back("state", request.state);
  params.emplace_back("code_challenge", PkceChallenge(request.code_verifier));
  params.emplace_back("code_challenge_method", "S256");
  request.url = base + "/services/oauth2/authorize?" + FormEncode(params);
  return request;
}

StatusOr<Session> LoginWithBrowser(const OAuthSettings& settings, HttpTransport* transport, Clock* clock,
                                   const LoginPrompts& prompts) {
  SFSYNC_RETURN_IF_ERROR(CheckSecureUrl(settings.login_url, "login_url"));
  SFSYNC_ASSIGN_OR_RETURN(std::unique_ptr<CallbackListener> listener, CallbackListener::Start(settings.redirect_uri));
  SFSYNC_ASSIGN_OR_RETURN(AuthorizationRequest request, NewAuthorizationRequest(settings));
  SFSYNC_RETURN_IF_ERROR(CheckAuthorizeUrl(request.url, transport));
  SFSYNC_LOG(kDebug, "waiting for the login callback on {}", listener->BoundAddress());
  prompts.show_authorize_url(request.url);
  SFSYNC_ASSIGN_OR_RETURN(std::string code, listener->WaitForCode(request.state, prompts.timeout));
  listener.reset();  // stop listening before the exchange: nothing more is expected
  return AuthorizationCodeGrant(settings, transport, clock, code, request.code_verifier);
}

StatusOr<Session> LoginWithDevice(const OAuthSettings& settings, HttpTransport* transport, Clock* clock,
                                  const LoginPrompts& prompts) {
  SFSYNC_ASSIGN_OR_RETURN(DeviceAuthorization device, StartDeviceAuthorization(settings, transport, clock));
  prompts.show_device_code(device);
  return PollDeviceToken(settings, transport, clock, device, prompts.timeout);
}

Status SaveLogin(const OAuthSettings& settings, const Session& session, Clock* clock) {
  if (session.refresh_token.empty()) {
    return Status(StatusCode::kUnauthenticated,
                  "the login gave no refresh token (granted scopes: " + session.scope +
                      "): add 'Perform requests at any time (refresh_token, offline_access)' to the External Client "
                      "App's OAuth scopes and refresh_token to the job's scopes, then log in again",
                  "auth.scope");
  }
  SFSYNC_RETURN_IF_ERROR(CheckApiScope(session));
  StoredTokens tokens;
  tokens.refresh_token = session.refresh_token;
  tokens.session = session;
  tokens.session.refresh_token.clear();
  tokens.credentials = CredentialsFingerprint(settings);
  tokens.updated_at_millis = clock->NowMillis();
  TokenStore store(settings);
  SFSYNC_ASSIGN_OR_RETURN(std::unique_ptr<TokenStoreLock> lock, store.Lock());
  return store.Save(tokens);
}

}  // namespace sfsync::salesforce
