// The Composite API (POST /services/data/vXX.X/composite): several REST requests in one call, each
// answered on its own, counted as one API call against the org's daily limit.
//
// Limits (Salesforce REST API guide, "Composite"): at most 25 subrequests, of which at most 5 may be
// queries (query, queryAll) or sObject Collections calls. Each sub-response carries its own status,
// headers and body; an error in one (allOrNone false) does not fail the others, and the call itself
// answers 200. A subrequest may send headers such as If-Modified-Since (a describe then answers
// 304 with no body).
#pragma once

#include <string>
#include <vector>

#include "connectors/salesforce/http/rest_client.h"

namespace sfsync::salesforce {

inline constexpr size_t kCompositeMaxSubrequests = 25;
inline constexpr size_t kCompositeMaxQueries = 5;

struct SubRequest {
  std::string method = "GET";
  std::string url;           // a path under the instance: "/services/data/v60.0/query?q=..."
  std::string reference_id;  // letters, digits and underscores, starting with a letter; unique in the call
  HttpHeaders headers;       // e.g. If-Modified-Since
};

struct SubResponse {
  int status = 0;
  std::string body;  // the sub-response's JSON as text ("" for a null body: 204, 304)
  HttpHeaders headers;
};

// True for a subrequest that counts against kCompositeMaxQueries.
bool IsCompositeQuery(const SubRequest& request);

// Sends `requests` in one composite call (allOrNone false) and returns one answer per request, in
// order. kInvalidArgument (nothing sent) over the limits above; the call's own errors as
// RestClient::Call returns them; kDataLoss when the answer is not a compositeResponse array of one
// entry per request with the same referenceIds in the same order.
StatusOr<std::vector<SubResponse>> CallComposite(RestClient* client, const std::vector<SubRequest>& requests);

// A failed sub-response as a Status, built like a failed call's (api_error.h).
Status SubResponseError(const SubResponse& response);

}  // namespace sfsync::salesforce
