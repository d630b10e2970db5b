// Interactive logins (`sfsync auth login`): a person approves the app once, in a browser with the
// authorization-code flow and PKCE (§1.4) or on any device with the device flow (§1.8); the refresh
// token they leave is stored (token_store.h) for every later run.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "connectors/salesforce/auth/auth.h"
#include "connectors/salesforce/auth/oauth_device.h"

namespace sfsync::salesforce {

// An authorize URL and the values the callback and the code exchange must match.
struct AuthorizationRequest {
  std::string url;            // {login_url}/services/oauth2/authorize?response_type=code&...
  std::string state;          // random; the callback must echo it
  std::string code_verifier;  // PKCE; the URL carries its S256 code_challenge
};

// A fresh state and PKCE pair, and the authorize URL with client_id, redirect_uri, scope (the
// job's scopes, space-separated), state, code_challenge and code_challenge_method=S256.
StatusOr<AuthorizationRequest> NewAuthorizationRequest(const OAuthSettings& settings);

struct LoginPrompts {
  // Shows the authorize URL to the person (and may open a browser). Called once, when the callback
  // listener is already listening.
  std::function<void(const std::string& url)> show_authorize_url;
  // Shows the verification URL and user code. Called once, before polling starts.
  std::function<void(const DeviceAuthorization& device)> show_device_code;
  std::chrono::seconds timeout{300};  // how long to wait for the person
};

// Listens on settings.redirect_uri (oauth_callback_listener.h), asks Salesforce about the authorize
// URL first so an unknown client id or unregistered callback URL fails at once rather than in the
// browser, shows the URL, waits for the callback, checks its state and exchanges the code. Returns
// the session, with its refresh token; stores nothing.
StatusOr<Session> LoginWithBrowser(const OAuthSettings& settings, HttpTransport* transport, Clock* clock,
                                   const LoginPrompts& prompts);

// Requests a user code, shows it and polls until the person approves (oauth_device.h). Stores nothing.
StatusOr<Session> LoginWithDevice(const OAuthSettings& settings, HttpTransport* transport, Clock* clock,
                                  const LoginPrompts& prompts);

// Stores an interactive login's session in the token store of settings.state_dir, after checking
// it is usable: a refresh token must be there (else auth.scope: the app or the job lacks the
// refresh_token scope) and the api scope (CheckApiScope). Nothing is written when a check fails.
Status SaveLogin(const OAuthSettings& settings, const Session& session, Clock* clock);

}  // namespace sfsync::salesforce
