#include "connectors/salesforce/http/composite.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "connectors/salesforce/http/api_error.h"

namespace sfsync::salesforce {

bool IsCompositeQuery(const SubRequest& request) {
  const std::string& url = request.url;
  return url.find("/query?") != std::string::npos || url.find("/queryAll?") != std::string::npos ||
         url.find("/query/") != std::string::npos || url.find("/composite/sobjects") != std::string::npos;
}

StatusOr<std::vector<SubResponse>> CallComposite(RestClient* client, const std::vector<SubRequest>& requests) {
  if (requests.empty() || requests.size() > kCompositeMaxSubrequests) {
    return InvalidArgumentError(fmt::format("a composite call takes 1 to {} subrequests, not {}",
                                            kCompositeMaxSubrequests, requests.size()));
  }
  size_t queries = 0;
  nlohmann::json body;
  body["allOrNone"] = false;
  nlohmann::json& list = body["compositeRequest"] = nlohmann::json::array();
  for (const SubRequest& r : requests) {
    queries += IsCompositeQuery(r);
    nlohmann::json sub = {{"method", r.method}, {"url", r.url}, {"referenceId", r.reference_id}};
    if (!r.headers.empty()) {
      nlohmann::json headers = nlohmann::json::object();
      for (const auto& [name, value] : r.headers) headers[name] = value;
      sub["httpHeaders"] = std::move(headers);
    }
    list.push_back(std::move(sub));
  }
  if (queries > kCompositeMaxQueries) {
    return InvalidArgumentError(
        fmt::format("a composite call takes at most {} queries, not {}", kCompositeMaxQueries, queries));
  }
  SFSYNC_ASSIGN_OR_RETURN(HttpResponse response, client->Call("POST", client->DataPath() + "/composite", body.dump()));
  nlohmann::json answer = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (answer.is_discarded() || !answer.is_object() || !answer.contains("compositeResponse") ||
      !answer["compositeResponse"].is_array()) {
    return DataLossError("malformed response: a composite answer without a compositeResponse array");
  }
  const nlohmann::json& subs = answer["compositeResponse"];
  if (subs.size() != requests.size()) {
    return DataLossError(fmt::format("malformed response: {} composite answers for {} subrequests", subs.size(),
                                     requests.size()));
  }
  std::vector<SubResponse> out;
  out.reserve(subs.size());
  for (size_t i = 0; i < subs.size(); ++i) {
    const nlohmann::json& s = subs[i];
    if (!s.is_object() || !s.contains("httpStatusCode") || !s["httpStatusCode"].is_number_integer() ||
        !s.contains("referenceId") || s["referenceId"] != requests[i].reference_id) {
      return DataLossError(fmt::format("malformed response: composite answer {} is not the answer to '{}'", i + 1,
                                       requests[i].reference_id));
    }
    SubResponse r;
    r.status = s["httpStatusCode"].get<int>();
    if (s.contains("body") && !s["body"].is_null()) r.body = s["body"].dump();
    if (s.contains("httpHeaders") && s["httpHeaders"].is_object()) {
      for (const auto& [name, value] : s["httpHeaders"].items()) {
        if (value.is_string()) r.headers.emplace_back(name, value.get<std::string>());
      }
    }
    out.push_back(std::move(r));
  }
  return out;
}

Status SubResponseError(const SubResponse& sub) {
  HttpResponse response;
  response.status = sub.status;
  response.body = sub.body;
  response.headers = sub.headers;
  response.headers.emplace_back("Content-Type", "application/json");
  return ErrorFromResponse(response);
}

}  // namespace sfsync::salesforce
