#include "connectors/salesforce/oauth_login.h"

#include "connectors/salesforce/oauth_callback_listener.h"
#include "connectors/salesforce/oauth_errors.h"
#include "connectors/salesforce/oauth_flows.h"
#include "connectors/salesforce/oauth_token.h"
#include "connectors/salesforce/pkce.h"
#include "connectors/salesforce/token_store.h"
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

// GETs the authorize URL without following redirects, as a browser's first request would. An app
// that does not know the client id or the callback URL answers with an OAuth error, either as a
// redirect to an error page carrying ?error=... or as an error body; anything else (the login page)
// means the person can go ahead. ⚠ The shape of these answers is not verified against a real org,
// so only an explicit OAuth error stops the login.
Status CheckAuthorizeUrl(const std::string& url, HttpTransport* transport) {
  HttpRequest request;
  request.url = url;
  StatusOr<HttpResponse> response = transport->Send(request);
  if (!response.ok()) return response.status().Annotate("authorize endpoint");
  SFSYNC_LOG(kDebug, "GET authorize URL -> {}", response->status);
  std::string error_body;
  if (const std::string* location = response->Header("Location");
      location != nullptr && response->status >= 300 && response->status < 400) {
    const std::string error = QueryParam(*location, "error");
    if (!error.empty()) {
      error_body =
          "error=" + UrlEncode(error) + "&error_description=" + UrlEncode(QueryParam(*location, "error_description"));
    }
  } else if (response->status >= 400 && response->status < 500 && response->body.find("error") != std::string::npos) {
    error_body = response->body;
  }
  if (error_body.empty()) return Status::Ok();
  Status refused = OAuthErrorStatus(400, error_body, "authorization_code");
  // A body that did not parse as an OAuth error is some page of the login UI, not a refusal.
  return refused.message().rfind("token endpoint answered", 0) == 0 ? Status::Ok() : refused;
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
  tokens.updated_at_millis = clock->NowMillis();
  TokenStore store(settings);
  SFSYNC_ASSIGN_OR_RETURN(std::unique_ptr<TokenStoreLock> lock, store.Lock());
  return store.Save(tokens);
}

}  // namespace sfsync::salesforce
