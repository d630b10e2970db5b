#include "tests/emulator/api/composite_references.h"
#include "tests/emulator/api/composite_graph.h"

#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "tests/emulator/api/record_saver.h"
#include "tests/emulator/api/rest_error.h"
#include "tests/emulator/api/sobject_rows.h"
#include "tests/emulator/json_writer.h"
#include "tests/emulator/org/statement.h"

namespace sfsync::emulator {
namespace {

using Json = nlohmann::ordered_json;

constexpr int kGraphVersion = 50;        // composite graph exists from v50.0
constexpr int kUpsertBodyVersion = 46;   // upsert answers with a body from v46.0 (sobject_rows.cc)
constexpr std::string_view kRolledBack =
    "The transaction was rolled back since another operation in the same transaction failed.";

struct NodeResult {
  int status = 200;
  Json body;  // null for 204
  Json headers = Json::object();
  WriteEntry log;
  bool ok() const { return status < 300; }
};

Json Halted(std::string message) {
  Json error;
  error["errorCode"] = "PROCESSING_HALTED";
  error["message"] = std::move(message);
  return Json::array({error});
}

NodeResult Failed(int status, Json body, WriteEntry log) {
  NodeResult result;
  result.status = status;
  result.body = std::move(body);
  result.log = std::move(log);
  return result;
}

// The single-record error array of `errors`, as the sObject rows API answers it.
NodeResult SaveFailed(const std::vector<SaveError>& errors, WriteEntry log) {
  HttpResponse response = SaveErrorResponse(errors);
  return Failed(response.status, Json::parse(response.body), std::move(log));
}

NodeResult RestFailed(const RestError& error, WriteEntry log) {
  HttpResponse response = RestErrorResponse(error);
  return Failed(response.status, Json::parse(response.body), std::move(log));
}

class CompositeGraph {
 public:
  CompositeGraph(Org* org, const EmulatorClock* clock, GraphLimits limits)
      : org_(org), clock_(clock), limits_(limits) {}

  HttpResponse Handle(const HttpRequest& request, const PathParams& params) {
    if (ApiMajorVersion(params.at("version")) < kGraphVersion) return RestErrorResponse(NotFoundError());
    Json body = Json::parse(request.body, nullptr, /*allow_exceptions=*/false);
    if (std::string why = CheckShape(body); !why.empty()) {
      return RestErrorResponse({400, "INVALID_INPUT", why});
    }
    Json graphs = Json::array();
    std::vector<WriteEntry> logs;
    {
      std::lock_guard<std::mutex> lock(org_->mu);
      RecordSaver saver(org_, clock_, SaveSurface::kRow);
      for (const Json& graph : body["graphs"]) graphs.push_back(RunGraph(graph, saver, request.path, &logs));
    }
    for (WriteEntry& log : logs) org_->writes.Add(std::move(log));
    Json answer;
    answer["graphs"] = std::move(graphs);
    return JsonResponse(200, answer.dump());
  }

 private:
  // The request-level checks; empty when the request may run.
  std::string CheckShape(const Json& body) const {
    if (body.is_discarded() || !body.is_object() || !body.contains("graphs") || !body["graphs"].is_array() ||
        body["graphs"].empty()) {
      return "The request body must be {\"graphs\": [...]} with at least one graph";
    }
    std::set<std::string> graph_ids;
    for (const Json& graph : body["graphs"]) {
      if (!graph.is_object() || !graph.contains("graphId") || !graph["graphId"].is_string() ||
          !graph.contains("compositeRequest") || !graph["compositeRequest"].is_array() ||
          graph["compositeRequest"].empty()) {
        return "Each graph needs a graphId and a non-empty compositeRequest";
      }
      if (!graph_ids.insert(graph["graphId"].get<std::string>()).second) {
        return "Duplicate graphId: " + graph["graphId"].get<std::string>();
      }
      if (graph["compositeRequest"].size() > limits_.max_nodes) {
        return "A graph cannot have more than " + std::to_string(limits_.max_nodes) + " nodes";
      }
      std::set<std::string> references;
      for (const Json& node : graph["compositeRequest"]) {
        for (const char* key : {"method", "url", "referenceId"}) {
          if (!node.is_object() || !node.contains(key) || !node[key].is_string()) {
            return std::string("Each subrequest needs a string ") + key;
          }
        }
        if (!references.insert(node["referenceId"].get<std::string>()).second) {
          return "Duplicate referenceId: " + node["referenceId"].get<std::string>();
        }
      }
    }
    return "";
  }

  // One graph in one savepoint: every node, or (on the first failure) none. REQUIRES: the org lock.
  Json RunGraph(const Json& graph, RecordSaver& saver, const std::string& via, std::vector<WriteEntry>* logs) {
    sqlite3* db = org_->store->db();
    std::string ignored;
    Exec(db, "SAVEPOINT graph", &ignored);
    std::map<std::string, Json> answers;
    std::vector<NodeResult> results;
    std::vector<std::string> reference_ids;
    size_t failed = std::string::npos;
    const Json& nodes = graph["compositeRequest"];
    for (size_t i = 0; i < nodes.size(); ++i) {
      const Json& node = nodes[i];
      reference_ids.push_back(node["referenceId"]);
      if (failed != std::string::npos) {
        WriteEntry log;
        log.method = node["method"];
        log.path = node["url"];
        results.push_back(Failed(400, Halted(std::string(kRolledBack)), std::move(log)));
        continue;
      }
      results.push_back(RunNode(node, saver, answers));
      if (results.back().ok()) {
        answers[reference_ids.back()] = results.back().body;
      } else {
        failed = i;
      }
    }
    bool ok = failed == std::string::npos;
    Exec(db, ok ? "RELEASE graph" : "ROLLBACK TO graph; RELEASE graph", &ignored);
    Json composite = Json::array();
    for (size_t i = 0; i < results.size(); ++i) {
      NodeResult& result = results[i];
      if (!ok && i < failed) {
        result.status = 400;
        result.body = Halted(std::string(kRolledBack));
        result.headers = Json::object();
        // A rolled-back create gave no Id after all; an update or delete still names its own.
        if (result.log.method == "POST" || PathSegments(result.log.path).size() == 7) {
          result.log.ids = Json::array({nullptr});
        }
      }
      Json entry;
      entry["body"] = result.body;
      entry["httpHeaders"] = result.headers;
      entry["httpStatusCode"] = result.status;
      entry["referenceId"] = reference_ids[i];
      composite.push_back(std::move(entry));
      result.log.status = result.status;
      result.log.via = via;
      logs->push_back(std::move(result.log));
    }
    Json out;
    out["graphId"] = graph["graphId"];
    out["graphResponse"]["compositeResponse"] = std::move(composite);
    out["isSuccessful"] = ok;
    return out;
  }

  // One sObject rows request. REQUIRES: the org lock.
  NodeResult RunNode(const Json& node, RecordSaver& saver, const std::map<std::string, Json>& answers) {
    WriteEntry log;
    log.method = node["method"];
    std::string url = node["url"];
    std::string why;
    Json body = node.contains("body") ? node["body"] : Json();
    bool resolved = ResolveReferences(&url, answers, &why) && ResolveReferences(&body, answers, &why);
    size_t question = url.find('?');
    std::string query = question == std::string::npos ? "" : url.substr(question + 1);
    log.path = UrlDecode(url.substr(0, question), false);
    if (!body.is_null()) log.records.push_back(body);
    if (!resolved) return Failed(400, Halted(why), std::move(log));

    // services / data / vXX.X / sobjects / Object [/ Id | / Field / Value]
    std::vector<std::string> s = PathSegments(log.path);
    if (s.size() < 5 || s.size() > 7 || s[0] != "services" || s[1] != "data" || s[3] != "sobjects") {
      return RestFailed({400, "INVALID_INPUT", "Composite graph supports sObject rows requests only: " + url},
                        std::move(log));
    }
    const std::string& version = s[2];
    log.object = s[4];
    const ObjectDef* object = org_->schema->Find(s[4]);
    if (object == nullptr) return RestFailed(NotFoundError(), std::move(log));
    const std::string& method = log.method;
    bool writes_body = method == "POST" || method == "PATCH";
    if (writes_body && !body.is_object()) {
      return RestFailed({400, "JSON_PARSER_ERROR", "The request body must be a JSON object of field values"},
                        std::move(log));
    }
    if (writes_body) {
      if (std::optional<RestError> error = RecordSaver::CheckTypes(*object, body)) {
        return RestFailed(*error, std::move(log));
      }
    }
    if (s.size() == 5 && method == "POST") {
      SaveResult result = saver.Create(*object, body);
      log.ids.push_back(result.success() ? Json(result.id) : Json());
      if (!result.success()) return SaveFailed(result.errors, std::move(log));
      return Saved(201, version, *object, result, false, std::move(log));
    }
    if (s.size() == 6 && (method == "PATCH" || method == "DELETE")) {
      log.ids.push_back(s[5]);
      SaveResult result = method == "PATCH" ? saver.Update(*object, s[5], body) : saver.Delete(object, s[5]);
      if (!result.success()) return SaveFailed(result.errors, std::move(log));
      NodeResult done;
      done.status = 204;
      done.log = std::move(log);
      return done;
    }
    if (s.size() == 7 && method == "PATCH") {
      const FieldDef* key = object->FindField(s[5]);
      if (key == nullptr || !(key->external_id || key->id_lookup)) {
        return RestFailed({404, "NOT_FOUND", "Provided external ID field does not exist or is not accessible: " + s[5]},
                          std::move(log));
      }
      for (const auto& [name, value] : body.items()) {
        if (ToLower(name) == "id" || ToLower(name) == ToLower(key->name)) {
          return RestFailed({400, "INVALID_FIELD", "The " + key->name +
                                                       " field should not be specified in the sobject data: the key "
                                                       "comes from the URL"},
                            std::move(log));
        }
      }
      bool update_only = ParseForm(query)["updateOnly"] == "true";
      SaveResult result = saver.Upsert(*object, *key, Json(s[6]), body, update_only);
      log.ids.push_back(result.success() ? Json(result.id) : Json());
      if (!result.matches.empty()) {
        Json urls = Json::array();
        for (const std::string& id : result.matches) {
          urls.push_back("/services/data/" + version + "/sobjects/" + object->name + "/" + id);
        }
        return Failed(300, std::move(urls), std::move(log));
      }
      if (!result.success()) return SaveFailed(result.errors, std::move(log));
      bool with_body = ApiMajorVersion(version) >= kUpsertBodyVersion;
      if (!result.created && !with_body) {
        NodeResult done;
        done.status = 204;
        done.log = std::move(log);
        return done;
      }
      return Saved(result.created ? 201 : 200, version, *object, result, with_body, std::move(log));
    }
    return RestFailed({405, "METHOD_NOT_ALLOWED", "HTTP Method '" + method + "' not allowed in a graph for " + url},
                      std::move(log));
  }

  static NodeResult Saved(int status, const std::string& version, const ObjectDef& object, const SaveResult& result,
                          bool with_created, WriteEntry log) {
    std::string text;
    JsonWriter json(&text);
    WriteSaveResult(&json, result, with_created);
    NodeResult done;
    done.status = status;
    done.body = Json::parse(text);
    done.headers["Location"] = "/services/data/" + version + "/sobjects/" + object.name + "/" + result.id;
    done.log = std::move(log);
    return done;
  }

  Org* org_;
  const EmulatorClock* clock_;
  const GraphLimits limits_;
};

}  // namespace

void AddCompositeGraphRoutes(Router* router, Org* org, const EmulatorClock* clock, GraphLimits limits) {
  auto graph = std::make_shared<CompositeGraph>(org, clock, limits);
  router->Add("POST", "/services/data/{version}/composite/graph",
              [graph](const HttpRequest& r, const PathParams& p) { return graph->Handle(r, p); });
}

}  // namespace sfsync::emulator
