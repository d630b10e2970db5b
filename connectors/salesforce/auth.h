// OAuth 2.0 sessions for the REST client (protocol §1).
//
// A TokenProvider hands out the current session and renews it. Salesforce returns no expires_in
// (§1.3): a session ends when a call answers 401 INVALID_SESSION_ID, or proactively when the
// configured session timeout has passed since issued_at.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "connectors/salesforce/http_transport.h"
#include "engine/core/clock.h"
#include "engine/core/statusor.h"

namespace sfsync::salesforce {

struct OAuthSettings {
  std::string login_url;  // https://login.salesforce.com, a My Domain, or a loopback http URL
  std::string flow = "jwt_bearer";  // jwt_bearer | refresh_token | client_credentials | authorization_code | device
  std::string client_id;
  std::string client_secret;      // may be empty where the app does not require one
  std::string refresh_token;      // refresh_token flow: the initial token (a stored one wins)
  std::string username;           // jwt_bearer: the `sub` claim
  std::string private_key_file;   // jwt_bearer: PEM private key
  std::string private_key_passphrase;
  std::vector<std::string> scopes;  // default {"api", "refresh_token"}
  std::string redirect_uri;       // authorization_code
  int64_t session_timeout_seconds = 7200;  // renew proactively once this much has passed; <= 0: never
  // Called (under the provider's lock, so keep it short) with the new refresh token when a grant
  // rotates it (§1.5): the old one is already invalid, so whoever persists tokens must store this
  // one. May be empty. The value is registered with RegisterSecret before the call.
  std::function<void(const std::string& new_refresh_token)> on_refresh_token_rotated;
};

struct Session {
  std::string access_token;
  std::string instance_url;  // base for every REST call, without trailing slash
  std::string id_url;
  std::string scope;
  int64_t issued_at_millis = 0;  // from issued_at when present, else local time of the grant
  std::string refresh_token;     // set when the grant returned one (rotation, code, device)
};

class TokenProvider {
 public:
  virtual ~TokenProvider() = default;

  // Returns a session believed valid, obtaining or renewing one as needed. Thread-safe.
  // Errors are kUnauthenticated with a reason from oauth_errors.h and a one-line message that says
  // what to change; kUnavailable when the token endpoint could not be reached.
  virtual StatusOr<Session> Current() = 0;

  // Called after `rejected_access_token` got 401 INVALID_SESSION_ID. Obtains a new session unless
  // another thread already replaced that token, in which case it returns the newer one: concurrent
  // callers share one renewal. Never loops: a failure is returned, not retried.
  virtual StatusOr<Session> Renew(const std::string& rejected_access_token) = 0;
};

// Creates the provider for settings.flow. `transport` and `clock` must outlive it. Registers the
// configured secrets (client secret, refresh token) with RegisterSecret. Errors: kInvalidArgument
// for missing settings or a login_url that is neither https nor loopback http; kFailedPrecondition
// when the refresh_token flow has no refresh token yet; kUnimplemented for flows not built yet
// (only refresh_token is implemented).
StatusOr<std::unique_ptr<TokenProvider>> NewTokenProvider(const OAuthSettings& settings,
                                                          HttpTransport* transport, Clock* clock);

}  // namespace sfsync::salesforce
