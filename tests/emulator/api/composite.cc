#include "tests/emulator/api/composite.h"

#include <nlohmann/json.hpp>

#include <map>
#include <set>
#include <string>

#include "tests/emulator/api/composite_references.h"
#include "tests/emulator/api/rest_error.h"

namespace sfsync::emulator {
namespace {

using Json = nlohmann::ordered_json;

Json Halted(const std::string& message) {
  return Json::array({Json{{"errorCode", "PROCESSING_HALTED"}, {"message", message}}});
}

bool IsQueryOrCollections(const std::string& url) {
  return url.find("/query?") != std::string::npos || url.find("/queryAll?") != std::string::npos ||
         url.find("/query/") != std::string::npos || url.find("/composite/sobjects") != std::string::npos;
}

HttpResponse BadRequest(const std::string& code, const std::string& message) {
  return RestErrorResponse({400, code, message});
}

Json Entry(const Json& body, Json headers, int status, const std::string& reference) {
  Json entry;
  entry["body"] = body;
  entry["httpHeaders"] = std::move(headers);
  entry["httpStatusCode"] = status;
  entry["referenceId"] = reference;
  return entry;
}

}  // namespace

HttpResponse RunComposite(const HttpRequest& request, const SubrequestDispatch& dispatch, CompositeLimits limits) {
  Json body = Json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object()) return BadRequest("JSON_PARSER_ERROR", "The request body is not JSON");
  if (!body.contains("compositeRequest") || !body["compositeRequest"].is_array() || body["compositeRequest"].empty()) {
    return BadRequest("INVALID_INPUT", "compositeRequest must be a non-empty array");
  }
  const Json& subs = body["compositeRequest"];
  if (subs.size() > limits.max_subrequests) {
    return BadRequest("LIMIT_EXCEEDED", "Limit Exceeded: a composite request takes at most " +
                                            std::to_string(limits.max_subrequests) + " subrequests");
  }
  const bool all_or_none = body.contains("allOrNone") && body["allOrNone"].is_boolean() && body["allOrNone"].get<bool>();
  size_t queries = 0;
  std::set<std::string> references;
  for (const Json& sub : subs) {
    if (!sub.is_object() || !sub.contains("method") || !sub["method"].is_string() || !sub.contains("url") ||
        !sub["url"].is_string() || !sub.contains("referenceId") || !sub["referenceId"].is_string()) {
      return BadRequest("INVALID_INPUT", "Each subrequest needs a method, a url and a referenceId");
    }
    const std::string url = sub["url"];
    if (!url.starts_with("/services/data/")) {
      return BadRequest("INVALID_INPUT", "The url of subrequest " + sub["referenceId"].get<std::string>() +
                                             " must start with /services/data/: " + url);
    }
    if (!references.insert(sub["referenceId"].get<std::string>()).second) {
      return BadRequest("INVALID_INPUT", "Duplicate referenceId: " + sub["referenceId"].get<std::string>());
    }
    queries += IsQueryOrCollections(url);
  }
  if (queries > limits.max_queries) {
    return BadRequest("LIMIT_EXCEEDED", "Limit Exceeded: a composite request takes at most " +
                                            std::to_string(limits.max_queries) +
                                            " query and sObject Collections subrequests");
  }

  std::map<std::string, Json> answers;  // succeeded subrequests' bodies, by referenceId
  Json out = Json::array();
  bool halted = false;
  for (const Json& sub : subs) {
    const std::string reference = sub["referenceId"];
    if (halted) {
      out.push_back(Entry(Halted("The transaction was rolled back since another operation in the same transaction "
                                 "failed."),
                          Json::object(), 400, reference));
      continue;
    }
    std::string url = sub["url"];
    Json sub_body = sub.contains("body") ? sub["body"] : Json();
    std::string why;
    if (!ResolveReferences(&url, answers, &why) || !ResolveReferences(&sub_body, answers, &why)) {
      out.push_back(Entry(Halted(why), Json::object(), 400, reference));
      halted = all_or_none;
      continue;
    }
    HttpRequest one;
    one.method = sub["method"];
    const size_t question = url.find('?');
    one.path = UrlDecode(url.substr(0, question), false);
    one.query = question == std::string::npos ? "" : url.substr(question + 1);
    if (auto auth = request.headers.Get("Authorization")) one.headers.Set("Authorization", std::string(*auth));
    if (sub.contains("httpHeaders") && sub["httpHeaders"].is_object()) {
      for (const auto& [name, value] : sub["httpHeaders"].items()) {
        if (value.is_string()) one.headers.Set(name, value.get<std::string>());
      }
    }
    if (!sub_body.is_null()) {
      one.body = sub_body.dump();
      one.headers.Set("Content-Type", "application/json");
    }
    HttpResponse answer = dispatch(one);
    Json answer_body = answer.body.empty() ? Json() : Json::parse(answer.body, nullptr, false);
    if (answer_body.is_discarded()) answer_body = answer.body;  // not JSON: the text itself
    Json headers = Json::object();
    for (const char* name : {"Location", "Last-Modified", "ETag"}) {
      if (auto value = answer.headers.Get(name)) headers[name] = std::string(*value);
    }
    const bool ok = answer.status < 400;
    if (ok) answers[reference] = answer_body;
    out.push_back(Entry(answer_body, std::move(headers), answer.status, reference));
    if (!ok && all_or_none) halted = true;
  }
  Json result;
  result["compositeResponse"] = std::move(out);
  return JsonResponse(200, result.dump());
}

}  // namespace sfsync::emulator
