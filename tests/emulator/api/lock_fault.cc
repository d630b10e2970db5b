#include "tests/emulator/api/lock_fault.h"

#include <nlohmann/json.hpp>

#include "tests/emulator/api/rest_error.h"
#include "tests/emulator/api/router.h"
#include "tests/emulator/org/schema.h"
#include "tests/emulator/salesforce_id.h"

namespace sfsync::emulator {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view kCode = "UNABLE_TO_LOCK_ROW";

bool EndsWith(std::string_view text, std::string_view tail) {
  return text.size() >= tail.size() && text.substr(text.size() - tail.size()) == tail;
}

// The record a lock failure names: its own Id, else the first lookup value in its body.
std::string LockedId(const Json& record) {
  if (!record.is_object()) return "";
  for (const char* key : {"id", "Id"}) {
    if (record.contains(key) && record[key].is_string()) return record[key];
  }
  for (const auto& [key, value] : record.items()) {
    if (!value.is_string() || !(EndsWith(key, "Id") || EndsWith(key, "__c"))) continue;
    if (std::optional<std::string> id = NormalizeId(value.get<std::string>())) return *id;
  }
  return "";
}

Json IdOrNull(const std::string& id) { return id.empty() ? Json() : Json(id); }

HttpResponse SingleRecord(const std::string& id) {
  Json error;
  error["message"] = LockedRowMessage(id);
  error["errorCode"] = kCode;
  error["fields"] = Json::array();
  return JsonResponse(400, Json::array({error}).dump());
}

HttpResponse PerRecord(const std::vector<std::string>& ids, bool with_created) {
  Json results = Json::array();
  for (const std::string& id : ids) {
    Json error;
    error["statusCode"] = kCode;
    error["message"] = LockedRowMessage(id);
    error["fields"] = Json::array();
    Json result;
    result["success"] = false;
    result["errors"] = Json::array({error});
    if (with_created) result["created"] = false;
    results.push_back(std::move(result));
  }
  return JsonResponse(200, results.dump());
}

// Every graph fails at its first node; the others are halted as in a rolled-back graph.
std::optional<HttpResponse> LockedGraphs(const Json& body, WriteEntry* log) {
  if (!body.is_object() || !body.contains("graphs") || !body["graphs"].is_array()) return std::nullopt;
  Json graphs = Json::array();
  for (const Json& graph : body["graphs"]) {
    if (!graph.is_object() || !graph.contains("compositeRequest") || !graph["compositeRequest"].is_array()) {
      return std::nullopt;
    }
    Json nodes = Json::array();
    for (const Json& node : graph["compositeRequest"]) {
      if (!node.is_object()) return std::nullopt;
      Json error;
      if (nodes.empty()) {
        std::string id = node.contains("body") ? LockedId(node["body"]) : "";
        error["message"] = LockedRowMessage(id);
        error["errorCode"] = kCode;
        error["fields"] = Json::array();
      } else {
        error["errorCode"] = "PROCESSING_HALTED";
        error["message"] = "The transaction was rolled back since another operation in the same transaction failed.";
      }
      Json entry;
      entry["body"] = Json::array({error});
      entry["httpHeaders"] = Json::object();
      entry["httpStatusCode"] = 400;
      entry["referenceId"] = node.value("referenceId", "");
      nodes.push_back(std::move(entry));
      log->records.push_back(node.contains("body") ? node["body"] : Json::object());
      log->ids.push_back(nullptr);
    }
    Json out;
    out["graphId"] = graph.value("graphId", "");
    out["graphResponse"]["compositeResponse"] = std::move(nodes);
    out["isSuccessful"] = false;
    graphs.push_back(std::move(out));
  }
  Json answer;
  answer["graphs"] = std::move(graphs);
  return JsonResponse(200, answer.dump());
}

}  // namespace

std::string LockedRowMessage(const std::string& id) {
  std::string message = "unable to obtain exclusive access to this record";
  if (!id.empty()) message += " or 1 records: " + id;
  return message;
}

std::optional<HttpResponse> LockedRowsResponse(const HttpRequest& request, WriteEntry* log) {
  // services / data / vXX.X / ...
  std::vector<std::string> s = PathSegments(request.path);
  const std::string& method = request.method;
  if (s.size() < 5 || s[0] != "services" || s[1] != "data") return std::nullopt;
  Json body = request.body.empty() ? Json() : Json::parse(request.body, nullptr, /*allow_exceptions=*/false);

  if (s[3] == "sobjects") {
    bool create = s.size() == 5 && method == "POST";
    bool update_or_delete = s.size() == 6 && (method == "PATCH" || method == "DELETE");
    bool upsert = s.size() == 7 && method == "PATCH";
    if (!create && !update_or_delete && !upsert) return std::nullopt;
    if (method != "DELETE" && !body.is_object()) return std::nullopt;
    log->object = s[4];
    if (method != "DELETE") log->records.push_back(body);
    std::string own = update_or_delete ? s[5] : upsert && ToLower(s[5]) == "id" ? s[6] : "";
    log->ids.push_back(IdOrNull(own));
    return SingleRecord(own.empty() ? LockedId(body) : own);
  }

  if (s.size() == 5 && s[3] == "composite" && s[4] == "graph" && method == "POST") return LockedGraphs(body, log);
  if (s[3] != "composite" || s[4] != "sobjects") return std::nullopt;
  bool upsert = s.size() == 7 && method == "PATCH";
  if (s.size() != 5 && !upsert) return std::nullopt;
  std::vector<std::string> ids;
  if (method == "DELETE") {
    std::string list = ParseForm(request.query)["ids"];
    for (size_t start = 0; start <= list.size();) {
      size_t comma = std::min(list.find(',', start), list.size());
      if (comma > start) ids.push_back(list.substr(start, comma - start));
      start = comma + 1;
    }
    if (ids.empty()) return std::nullopt;
    for (const std::string& id : ids) log->ids.push_back(id);
    return PerRecord(ids, false);
  }
  if (method != "POST" && method != "PATCH") return std::nullopt;
  if (!body.is_object() || !body.contains("records") || !body["records"].is_array() || body["records"].empty()) {
    return std::nullopt;
  }
  log->records = body["records"];
  const Json& first = body["records"][0];
  log->object = upsert ? s[5]
                : first.is_object() && first.contains("attributes") && first["attributes"].is_object()
                    ? first["attributes"].value("type", "")
                    : "";
  for (const Json& record : body["records"]) {
    ids.push_back(LockedId(record));
    bool names_itself = record.is_object() && (record.contains("id") || record.contains("Id"));
    log->ids.push_back(names_itself ? IdOrNull(ids.back()) : Json());
  }
  return PerRecord(ids, upsert);
}

}  // namespace sfsync::emulator
