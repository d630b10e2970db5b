// The token request every OAuth flow shares (protocol §1.2, §1.3): a form-encoded POST to
// {login_url}/services/oauth2/token and its JSON answer. Each flow only builds its form fields.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "connectors/salesforce/auth.h"
#include "connectors/salesforce/http_transport.h"
#include "engine/core/clock.h"
#include "engine/core/statusor.h"

namespace sfsync::salesforce {

using FormFields = std::vector<std::pair<std::string, std::string>>;

// "a=1&b=x%20y": names and values percent-encoded.
std::string FormEncode(const FormFields& fields);

// OK for an https URL, or for http to a loopback host (127.0.0.0/8, localhost, [::1]: the
// emulator). Anything else is kInvalidArgument naming `what`: tokens never travel in clear text.
Status CheckSecureUrl(std::string_view url, std::string_view what);

// Parses a 200 token response (§1.3). Requires access_token and instance_url (kDataLoss when
// missing or unusable); `issued_at` may be absent (JWT bearer responses lack it) and then
// `now_millis` is used; `signature` is never required; instance_url loses any trailing '/'.
// Every token in the response is registered with RegisterSecret before anything else happens.
StatusOr<Session> ParseTokenResponse(std::string_view body, int64_t now_millis);

// POSTs `form` to {login_url}/services/oauth2/token and returns the new session.
// Errors: kUnavailable when the endpoint cannot be reached or answers 5xx (the caller may retry);
// kUnauthenticated from OAuthErrorStatus (oauth_errors.h) when the grant is refused, `flow`
// choosing between causes; kInvalidArgument for a login_url that is not https or loopback http.
StatusOr<Session> RequestToken(HttpTransport* transport, Clock* clock, std::string_view login_url,
                               std::string_view flow, const FormFields& form);

}  // namespace sfsync::salesforce
