// Token-endpoint errors (protocol §1.10) -> Status, with a reason engine/core/exit_codes.cc knows.
//
// Reasons (each has its own exit code, see exit_codes.h):
//   auth.invalid_client_id      unknown client_id / iss (or an app edited minutes ago)
//   auth.invalid_client_secret  wrong client secret
//   auth.redirect_uri_mismatch  callback URL not registered on the app
//   auth.scope                  scope missing on the app or the token
//   auth.not_approved           user not pre-authorized / never approved the app
//   auth.grant_expired          refresh token (or authorization code) expired, revoked or reused
//   auth.jwt_signature          JWT signature does not match the uploaded certificate
//   auth.jwt_audience           JWT aud is not the login host
//   auth.clock_skew             JWT exp rejected: local clock skewed or assertion stale
//   auth.domain                 client credentials used on login/test instead of My Domain
// Errors without a more specific cause keep the OAuth `error` string as their reason.
#pragma once

#include <string_view>

#include "engine/core/status.h"

namespace sfsync::salesforce {

// Builds the Status for a token-endpoint answer that was not 200. `body` is the response body
// (JSON `{"error","error_description"}` in any key order, or form-encoded); `flow` is
// OAuthSettings::flow, which decides between causes that share one error text (an "expired
// authorization code" is clock skew for jwt_bearer but a stale code for authorization_code).
// Returns kUnauthenticated with a one-line message "<cause> (<error>: <description>): <what to
// change>", or kUnavailable for 5xx/406/420/429 and rate_limit_exceeded (retry later). Never
// includes anything from the request.
Status OAuthErrorStatus(int http_status, std::string_view body, std::string_view flow);

}  // namespace sfsync::salesforce
