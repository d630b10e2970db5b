// Converting Salesforce error responses into Status, once, at the edge (STYLE.md rule 2).
#pragma once

#include "connectors/salesforce/http_transport.h"
#include "engine/core/status.h"

namespace sfsync::salesforce {

// Builds the Status for a non-success REST response (protocol §3):
//  - body `[{"message","errorCode","fields"?}]` (or a bare object): reason = errorCode, message =
//    message with Salesforce's multi-line SOQL excerpt collapsed onto one line;
//  - HTML or other non-JSON body (CDN/maintenance pages): the HTTP status and reason phrase only.
// Code mapping: 401 -> kUnauthenticated; 403 REQUEST_LIMIT_EXCEEDED -> kResourceExhausted;
// other 403 -> kPermissionDenied; 404 -> kNotFound; 400 INVALID_QUERY_LOCATOR -> kAborted;
// 400 QUERY_TIMEOUT -> kDeadlineExceeded; other 4xx -> kInvalidArgument; 412 -> kFailedPrecondition;
// 5xx, 406, 420, 429 -> kUnavailable.
Status ErrorFromResponse(const HttpResponse& response);

// True for statuses whose call may simply be sent again after a pause.
bool IsRetriable(const Status& status);

}  // namespace sfsync::salesforce
