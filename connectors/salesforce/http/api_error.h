// Converting Salesforce error responses into Status, once, at the edge (STYLE.md rule 2).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "connectors/salesforce/http/http_transport.h"
#include "engine/core/status.h"

namespace sfsync::salesforce {

// Builds the Status for a non-success REST response (protocol §3):
//  - body `[{"message","errorCode","fields"?}]` (or a bare object): reason = errorCode, message =
//    message with Salesforce's multi-line SOQL excerpt collapsed onto one line, then the `fields`
//    named, then "(+N more errors)" when the array held several;
//  - HTML, XML or other non-JSON body (CDN/maintenance pages): "HTTP <status> <reason phrase>" and
//    at most 200 characters of the body's text with tags stripped. Never the whole body.
// Code mapping: 401 -> kUnauthenticated; 403 REQUEST_LIMIT_EXCEEDED -> kResourceExhausted (but the
// concurrent-request variant "ConcurrentPerOrgLongTxn Limit exceeded." -> kUnavailable: it clears
// as soon as running requests finish, §3.3 ⚠); other 403 -> kPermissionDenied; 404 -> kNotFound;
// INVALID_QUERY_LOCATOR -> kAborted; QUERY_TIMEOUT -> kDeadlineExceeded (both whatever the status,
// since the status of QUERY_TIMEOUT is unverified); 412 -> kFailedPrecondition; 5xx, 406, 420,
// 429 -> kUnavailable; other 4xx -> kInvalidArgument; an unexpected 3xx (redirects are not
// followed) -> kFailedPrecondition naming the Location; anything else -> kUnknown.
// 401 "This session is not valid for use with the REST API" gets reason auth.scope and says which
// scope to add (exit code 23), instead of INVALID_SESSION_ID.
Status ErrorFromResponse(const HttpResponse& response);

// True for statuses whose call may simply be sent again after a pause (kUnavailable).
bool IsRetriable(const Status& status);

// True when `status` (from ErrorFromResponse) says the access token expired, so renewing it and
// resending can help: 401 INVALID_SESSION_ID, except the messages that no renewal fixes, such as
// "This session is not valid for use with the REST API" (wrong scope or app settings, §1.13).
bool IsSessionExpired(const Status& status);

// Salesforce's SOQL errors are multi-line: "\nSELECT Idd FROM Account\n       ^\nERROR at
// Row:1:Column:8\nNo such column...". Returns the lines trimmed and joined by single spaces,
// without the caret line.
std::string CollapseLines(std::string_view message);

// At most `max_chars` characters of the text in an HTML/XML/plain body: tags and <script>/<style>
// contents dropped, whitespace runs collapsed, cut at a UTF-8 character boundary ("..." appended).
std::string TextSnippet(std::string_view body, size_t max_chars = 200);

// "Service Unavailable" for 503; "" for codes it does not know.
std::string_view ReasonPhrase(int http_status);

}  // namespace sfsync::salesforce
