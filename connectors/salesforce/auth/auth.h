// OAuth 2.0 sessions for the REST client (protocol §1).
//
// A TokenProvider hands out the current session and renews it. Salesforce returns no expires_in
// (§1.3): a session ends when a call answers 401 INVALID_SESSION_ID, or proactively when the
// configured session timeout has passed since issued_at.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "connectors/salesforce/http/http_transport.h"
#include "engine/core/clock.h"
#include "engine/core/statusor.h"

namespace sfsync::salesforce {

struct OAuthSettings {
  std::string login_url;            // https://login.salesforce.com, a My Domain, or a loopback http URL
  std::string flow = "jwt_bearer";  // jwt_bearer | refresh_token | client_credentials | authorization_code | device
  std::string client_id;
  std::string client_secret;     // may be empty where the app does not require one
  std::string refresh_token;     // refresh_token flow: the initial token (a stored one wins)
  std::string username;          // jwt_bearer: the `sub` claim
  std::string private_key_file;  // jwt_bearer: PEM private key
  std::string private_key_passphrase;
  std::vector<std::string> scopes = {"api", "refresh_token"};
  std::string redirect_uri;                // authorization_code: a loopback http URL registered on the app
  int64_t session_timeout_seconds = 7200;  // renew proactively once this much has passed; <= 0: never
  // Directory of the token store (token_store.h): the job's state_dir. Empty: nothing is read or
  // written (tests).
  std::string state_dir;
};

struct Session {
  std::string access_token;
  std::string instance_url;  // base for every REST call, without trailing slash
  std::string id_url;
  std::string scope;
  int64_t issued_at_millis = 0;  // from issued_at when present (the server's clock), else received_at_millis
  // This machine's clock when the token response arrived. A session's age is measured from it, so a
  // server clock that differs from ours (the emulator's --clock-start) cannot make it look stale.
  int64_t received_at_millis = 0;
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

// Creates the provider for settings.flow, and registers the configured secrets (client secret,
// refresh token, passphrase) with RegisterSecret. `transport` and `clock` must outlive it.
//
// With a state_dir, the provider works with the connection's token store (token_store.h):
//  - it starts from the stored access token when there is one granted with the same credentials
//    (secret, key, scopes; renewing it first if the session timeout has passed since it was
//    obtained), so a run need not start with a grant;
//  - refresh_token flow: a stored refresh token wins over settings.refresh_token once a grant
//    rotated it, unless the job's refresh_token has changed since (then the job's is used);
//    authorization_code and device flows renew with the stored refresh token of `sfsync auth login`;
//  - after each grant it saves the session (and a rotated refresh token) atomically, under the
//    store's lock, picking up first a refresh token another process rotated meanwhile. A grant that
//    fails writes nothing. If a rotated refresh token cannot be saved the grant fails (reason
//    "store"): the old one is already dead, so the next run would fail anyway. jwt_bearer and
//    client_credentials only warn when the store cannot be locked or written (nothing to lose).
// Every session is checked for the api scope (CheckApiScope in oauth_token.h).
//
// Errors: kInvalidArgument for missing settings or a login_url that is neither https nor loopback
// http; the private key errors of jwt_assertion.h (reason "job.invalid"); kUnauthenticated reason
// "auth.login_required" when an authorization_code or device job has no stored login yet; the
// token store's errors (reason "store"), e.g. a corrupt file.
StatusOr<std::unique_ptr<TokenProvider>> NewTokenProvider(const OAuthSettings& settings, HttpTransport* transport,
                                                          Clock* clock);

}  // namespace sfsync::salesforce
