// The token request every OAuth flow shares (protocol §1.2, §1.3): a form-encoded POST to
// {login_url}/services/oauth2/token and its JSON answer. Each flow only builds its form fields.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "connectors/salesforce/auth/auth.h"
#include "connectors/salesforce/http/http_transport.h"
#include "engine/core/clock.h"
#include "engine/core/statusor.h"

namespace sfsync::salesforce {

using FormFields = std::vector<std::pair<std::string, std::string>>;

// "a=1&b=x%20y": names and values percent-encoded.
std::string FormEncode(const FormFields& fields);

// The job's scopes as OAuth's `scope` parameter: space-separated.
std::string JoinScopes(const std::vector<std::string>& scopes);

// OK for an https URL, or for http to a loopback host (127.0.0.0/8, localhost, [::1]: the
// emulator). Anything else is kInvalidArgument naming `what`: tokens never travel in clear text.
Status CheckSecureUrl(std::string_view url, std::string_view what);

// Parses a 200 token response (§1.3). Requires access_token and instance_url (kDataLoss when
// missing or unusable); `issued_at` may be absent (JWT bearer responses lack it) and then
// `now_millis` is used; received_at_millis is `now_millis`; `signature` is never required; instance_url loses any trailing '/'.
// Every token in the response is registered with RegisterSecret before anything else happens.
StatusOr<Session> ParseTokenResponse(std::string_view body, int64_t now_millis);

// POSTs `form` to {login_url}/services/oauth2/token and returns the new session.
// Errors: kUnavailable when the endpoint cannot be reached or answers 5xx (the caller may retry);
// kUnauthenticated from OAuthErrorStatus (oauth_errors.h) when the grant is refused, `flow`
// choosing between causes; kInvalidArgument for a login_url that is not https or loopback http.
// An auth.clock_skew error also reports the difference between this machine's clock and the
// server's Date header.
StatusOr<Session> RequestToken(HttpTransport* transport, Clock* clock, std::string_view login_url,
                               std::string_view flow, const FormFields& form);

// The POST behind RequestToken, for answers that are not a session (the device-code request, §1.8):
// returns the 200 response's body; any other answer is the error RequestToken would return.
StatusOr<std::string> PostToTokenEndpoint(HttpTransport* transport, Clock* clock, std::string_view login_url,
                                          std::string_view flow, const FormFields& form);

// The REST API needs the `api` (or `full`) scope. When the token response listed its scopes and
// neither is there, returns kUnauthenticated with reason auth.scope saying what to add to the app.
// OK when the response had no `scope` (it is not promised for every grant, §1.6).
Status CheckApiScope(const Session& session);

// POSTs token=... to {login_url}/services/oauth2/revoke (§1.11). OK on 200, and on a 400 (the
// token is already invalid, which is what revoking wants). kUnavailable when the endpoint cannot be
// reached or answers 5xx.
Status RevokeToken(HttpTransport* transport, std::string_view login_url, const std::string& token);

}  // namespace sfsync::salesforce
