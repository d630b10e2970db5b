// Composite: POST /services/data/vXX.X/composite (Salesforce REST API guide, "Composite";
// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_composite.htm)
//
//   {"allOrNone":false,"compositeRequest":[
//      {"method":"GET","url":"/services/data/v60.0/sobjects/Account/describe","referenceId":"d1",
//       "httpHeaders":{"If-Modified-Since":"..."}},
//      {"method":"GET","url":"/services/data/v60.0/query?q=SELECT+Id+FROM+Account+LIMIT+1","referenceId":"q1"}]}
//   -> 200 {"compositeResponse":[{"body":null,"httpHeaders":{...},"httpStatusCode":304,"referenceId":"d1"},
//                               {"body":{"totalSize":1,...},"httpHeaders":{},"httpStatusCode":200,"referenceId":"q1"}]}
//   (fixtures composite_upsert_and_create_request/response.json)
//
// Each subrequest is dispatched to the same handler as the call on its own, with the composite's
// session and its own httpHeaders, in request order; its answer's JSON body (null when empty), its
// Location / Last-Modified / ETag headers and its status make its entry. `@{ref.key}` in a url or
// body string is replaced by `key` of an earlier answer (nested keys with dots, array items with
// [n]: `@{q1.records[0].Id}`); a reference to nothing, or to a subrequest that failed, fails that
// subrequest with 400 PROCESSING_HALTED. allOrNone true: after the first failure, every later
// subrequest is 400 PROCESSING_HALTED (⚠ Salesforce also rolls the earlier writes back; the
// emulator does not, README "Composite").
//
// Request-level 400 (REST error array): bad JSON; no compositeRequest array, or an empty one; more
// than 25 subrequests, or more than 5 queries / sObject Collections calls (errorCode
// LIMIT_EXCEEDED ⚠ unverified wording); a subrequest without method, url or referenceId, a
// repeated referenceId, or a url outside /services/data/. The composite call is one API call; its
// subrequests are not counted again and do not pass through the fault rules.
#ifndef SFSYNC_TESTS_EMULATOR_API_COMPOSITE_H_
#define SFSYNC_TESTS_EMULATOR_API_COMPOSITE_H_

#include <cstddef>
#include <functional>

#include "tests/emulator/net/http_message.h"

namespace sfsync::emulator {

struct CompositeLimits {
  size_t max_subrequests = 25;
  size_t max_queries = 5;  // query, queryAll, nextRecordsUrl pages and sObject Collections calls
};

using SubrequestDispatch = std::function<HttpResponse(const HttpRequest&)>;

// Runs one composite request; `dispatch` answers one subrequest (already authorized and counted).
HttpResponse RunComposite(const HttpRequest& request, const SubrequestDispatch& dispatch, CompositeLimits limits = {});

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_API_COMPOSITE_H_
