// The token request of each OAuth flow (protocol §1.4-§1.8). Each function sends one request and
// returns the new session, or the error of oauth_token.h's RequestToken; none retries, caches or
// stores anything. NewTokenProvider (auth.h) wraps them with caching, renewal and the token store;
// oauth_login.h drives the interactive ones.
#pragma once

#include <string>

#include "connectors/salesforce/auth/auth.h"
#include "connectors/salesforce/auth/jwt_assertion.h"

namespace sfsync::salesforce {

// grant_type=refresh_token (§1.5). The session's refresh_token is set when the answer rotated it.
StatusOr<Session> RefreshTokenGrant(const OAuthSettings& settings, HttpTransport* transport, Clock* clock,
                                    const std::string& refresh_token);

// grant_type=client_credentials (§1.7): client id and secret in the form, to a My Domain login_url.
StatusOr<Session> ClientCredentialsGrant(const OAuthSettings& settings, HttpTransport* transport, Clock* clock);

// grant_type=authorization_code (§1.4) with the PKCE verifier and the redirect_uri of the authorize
// request; the client secret only when the job has one ("Require secret for web server flow").
StatusOr<Session> AuthorizationCodeGrant(const OAuthSettings& settings, HttpTransport* transport, Clock* clock,
                                         const std::string& code, const std::string& code_verifier);

// grant_type=jwt-bearer (§1.6). Holds the private key, read once; every call signs a new assertion
// (iss client id, sub username, aud login_url, exp now + kJwtLifetimeSeconds by `clock`, see
// jwt_assertion.h), registered
// with RegisterSecret before it is sent. No refresh token exists in this flow.
class JwtBearerGrant {
 public:
  // Reads settings.private_key_file (RsaPrivateKey::LoadPemFile errors). kInvalidArgument when
  // username is empty.
  static StatusOr<JwtBearerGrant> Create(const OAuthSettings& settings, HttpTransport* transport, Clock* clock);

  StatusOr<Session> operator()() const;

 private:
  JwtBearerGrant(const OAuthSettings& settings, HttpTransport* transport, Clock* clock, RsaPrivateKey key)
      : settings_(settings), transport_(transport), clock_(clock), key_(std::move(key)) {}

  OAuthSettings settings_;
  HttpTransport* transport_;
  Clock* clock_;
  RsaPrivateKey key_;
};

}  // namespace sfsync::salesforce
