#include "tests/emulator/api/collections.h"

#include <functional>
#include <nlohmann/json.hpp>

#include "tests/emulator/api/record_saver.h"
#include "tests/emulator/api/sobject_rows.h"
#include "tests/emulator/json_writer.h"

namespace sfsync::emulator {
namespace {

using Json = nlohmann::ordered_json;

constexpr int kCollectionsVersion = 42;        // sObject Collections exist from v42.0
constexpr int kUpsertCollectionsVersion = 46;  // and upsert through them from v46.0
constexpr size_t kMaxRecords = 200;
constexpr size_t kMaxRetrieveIds = 2000;
constexpr int kMaxChunks = 10;

HttpResponse Error(std::string code, std::string message) {
  return RestErrorResponse({400, std::move(code), std::move(message)});
}

SaveResult PerRecord(std::string code, std::string message) {
  SaveResult result;
  result.errors.push_back(SaveError{400, std::move(code), std::move(message), {}, true});
  return result;
}

// A record without its attributes, which Salesforce's reader wants first (the message is the
// one recorded in composite_sobjects_upsert_response_json_parser_error.json).
SaveResult NoAttributes() {
  return PerRecord("JSON_PARSER_ERROR",
                   "Nested object for polymorphic foreign key must have an attributes field before "
                   "any other fields.");
}

SaveResult UnknownType(const std::string& type) {
  return PerRecord("INVALID_TYPE", "sObject type '" + type +
                                       "' is not supported. If you are attempting to use a custom object, be sure "
                                       "to append the '__c' after the entity name. Please reference your WSDL or "
                                       "the describe call for the appropriate names.");
}

std::optional<std::string> RecordType(const Json& record) {
  if (!record.contains("attributes") || !record["attributes"].is_object() || !record["attributes"].contains("type") ||
      !record["attributes"]["type"].is_string()) {
    return std::nullopt;
  }
  return record["attributes"]["type"].get<std::string>();
}

// Splits "a,b,c".
std::vector<std::string> CommaList(std::string_view text) {
  std::vector<std::string> items;
  while (!text.empty()) {
    size_t comma = text.find(',');
    if (comma != 0) items.emplace_back(text.substr(0, comma));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return items;
}

// The write log's Id of a record: the one it was given, else the one it named, else null.
Json LoggedId(const Json& record, const SaveResult& result) {
  if (result.success()) return result.id;
  for (const char* key : {"id", "Id"}) {
    if (record.is_object() && record.contains(key) && record[key].is_string()) return record[key];
  }
  return nullptr;
}

class Collections {
 public:
  Collections(Org* org, const EmulatorClock* clock) : org_(org), clock_(clock) {}

  HttpResponse Create(const HttpRequest& request, const PathParams& params, WriteEntry* log) {
    std::lock_guard<std::mutex> lock(org_->mu);
    return Write(
        request, params, log, /*chunked=*/true, false,
        [](RecordSaver& saver, const ObjectDef& object, const Json& record) { return saver.Create(object, record); });
  }

  HttpResponse Update(const HttpRequest& request, const PathParams& params, WriteEntry* log) {
    std::lock_guard<std::mutex> lock(org_->mu);
    return Write(request, params, log, /*chunked=*/true, false,
                 [](RecordSaver& saver, const ObjectDef& object, const Json& record) {
                   std::string id;
                   for (const char* key : {"id", "Id"}) {
                     if (record.contains(key) && record[key].is_string()) id = record[key].get<std::string>();
                   }
                   if (id.empty()) return PerRecord("MISSING_ARGUMENT", "Id not specified in an update call");
                   return saver.Update(object, id, record);
                 });
  }

  HttpResponse Upsert(const HttpRequest& request, const PathParams& params, WriteEntry* log) {
    log->object = params.at("object");
    if (ApiMajorVersion(params.at("version")) < kUpsertCollectionsVersion) return RestErrorResponse(NotFoundError());
    std::lock_guard<std::mutex> lock(org_->mu);
    const ObjectDef* target = org_->schema->Find(params.at("object"));
    const FieldDef* key = target == nullptr ? nullptr : target->FindField(params.at("field"));
    if (key == nullptr || !(key->external_id || key->id_lookup)) {
      return RestErrorResponse(
          {404, "NOT_FOUND", "Provided external ID field does not exist or is not accessible: " + params.at("field")});
    }
    const std::string& key_name = key->name;
    return Write(
        request, params, log, /*chunked=*/false, true, [&](RecordSaver& saver, const ObjectDef& type, const Json& record) {
          if (&type != target) return UnknownType(type.name);
          Json body = Json::object();
          Json key_value;
          bool has_key = false;
          for (const auto& [name, value] : record.items()) {
            if (ToLower(name) == ToLower(key_name)) {
              key_value = value;
              has_key = true;
            } else if (name != "attributes") {
              body[name] = value;
            }
          }
          if (!has_key) return PerRecord("MISSING_ARGUMENT", key_name + " not specified");
          SaveResult result = saver.Upsert(*target, *key, key_value, body, false);
          if (!result.matches.empty()) {
            return PerRecord("DUPLICATE_EXTERNAL_ID",
                             key_name + ": more than one record found for external id field: " + result.matches[0] +
                                 ", " + result.matches[1]);
          }
          return result;
        });
  }

  HttpResponse Delete(const HttpRequest& request, const PathParams& params, WriteEntry* log) {
    if (ApiMajorVersion(params.at("version")) < kCollectionsVersion) return RestErrorResponse(NotFoundError());
    std::map<std::string, std::string> query = ParseForm(request.query);
    std::vector<std::string> ids = CommaList(query["ids"]);
    for (const std::string& id : ids) log->ids.push_back(id);
    if (!ids.empty()) log->object = ObjectOfId(ids[0]);
    if (ids.empty()) return Error("MISSING_ARGUMENT", "ids parameter is required");
    if (ids.size() > kMaxRecords) return TooMany();
    bool all_or_none = query["allOrNone"] == "true";
    std::lock_guard<std::mutex> lock(org_->mu);
    RecordSaver saver(org_, clock_, SaveSurface::kCollection);
    std::vector<SaveResult> results =
        Transaction(ids.size(), all_or_none, [&](size_t i) { return saver.Delete(nullptr, ids[i]); });
    return Results(results, false);
  }

  HttpResponse Retrieve(const HttpRequest& request, const PathParams& params) {
    if (ApiMajorVersion(params.at("version")) < kCollectionsVersion) return RestErrorResponse(NotFoundError());
    std::vector<std::string> ids;
    std::string fields;
    if (request.method == "POST") {
      Json body = Json::parse(request.body, nullptr, false);
      if (body.is_discarded() || !body.is_object() || !body.contains("ids") || !body["ids"].is_array() ||
          !body.contains("fields") || !body["fields"].is_array()) {
        return Error("JSON_PARSER_ERROR", "The request body must be {\"ids\": [...], \"fields\": [...]}");
      }
      for (const Json& id : body["ids"]) ids.push_back(id.is_string() ? id.get<std::string>() : id.dump());
      for (const Json& field : body["fields"]) {
        if (!field.is_string()) return Error("JSON_PARSER_ERROR", "fields must be strings");
        fields += (fields.empty() ? "" : ",") + field.get<std::string>();
      }
    } else {
      std::map<std::string, std::string> query = ParseForm(request.query);
      ids = CommaList(query["ids"]);
      fields = query["fields"];
    }
    if (ids.empty() || fields.empty()) return Error("MISSING_ARGUMENT", "ids and fields are required");
    if (ids.size() > kMaxRetrieveIds) return Error("EXCEEDED_ID_LIMIT", "ids cannot be more than 2000");
    std::lock_guard<std::mutex> lock(org_->mu);
    const ObjectDef* object = org_->schema->Find(params.at("object"));
    if (object == nullptr) return RestErrorResponse(NotFoundError());
    QueryService::Result result = org_->queries->RecordsById(SelectFields(*object, fields), ids, params.at("version"));
    if (const RestError* error = std::get_if<RestError>(&result)) return RestErrorResponse(*error);
    return JsonResponse(200, std::move(std::get<std::string>(result)));
  }

 private:
  using RecordOp = std::function<SaveResult(RecordSaver&, const ObjectDef&, const Json&)>;

  // The object whose key prefix `id` has ("" when none).
  std::string ObjectOfId(std::string_view id) {
    std::lock_guard<std::mutex> lock(org_->mu);
    for (const auto& object : org_->schema->objects()) {
      if (id.substr(0, 3) == object->key_prefix) return object->name;
    }
    return "";
  }

  static HttpResponse TooMany() {
    return Error("EXCEEDED_ID_LIMIT", "record limit reached. cannot submit more than 200 records into this call");
  }

  // The shared path of create, update and upsert: request checks, then one transaction.
  // REQUIRES: the org lock.
  HttpResponse Write(const HttpRequest& request, const PathParams& params, WriteEntry* log, bool chunked,
                     bool with_created, const RecordOp& op) {
    if (ApiMajorVersion(params.at("version")) < kCollectionsVersion) return RestErrorResponse(NotFoundError());
    Json body = Json::parse(request.body, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded() || !body.is_object()) {
      return Error("JSON_PARSER_ERROR", "The request body must be a JSON object with a records array");
    }
    if (!body.contains("records") || !body["records"].is_array() || body["records"].empty()) {
      return Error("REQUIRED_FIELD_MISSING", "At least 1 record is required");
    }
    const Json& records = body["records"];
    log->records = records;
    if (log->object.empty()) log->object = RecordType(records[0]).value_or("");
    if (records.size() > kMaxRecords) return TooMany();
    if (body.contains("allOrNone") && !body["allOrNone"].is_boolean()) {
      return Error("JSON_PARSER_ERROR", "allOrNone must be true or false");
    }
    bool all_or_none = body.value("allOrNone", false);
    int chunks = 0;
    std::optional<std::string> previous;
    for (const Json& record : records) {
      if (!record.is_object()) return Error("JSON_PARSER_ERROR", "each record must be a JSON object");
      std::optional<std::string> type = RecordType(record);
      if (chunks == 0 || type != previous) ++chunks;
      previous = type;
      const ObjectDef* object = type ? org_->schema->Find(*type) : nullptr;
      if (object == nullptr) continue;
      if (std::optional<RestError> error = RecordSaver::CheckTypes(*object, record)) return RestErrorResponse(*error);
    }
    if (chunked && chunks > kMaxChunks) {
      return Error("EXCEEDED_MAX_TYPES_LIMIT",
                   "Cannot have more than 10 chunks in a single operation. Please rearrange the data "
                   "to reduce chunking.");
    }
    RecordSaver saver(org_, clock_, SaveSurface::kCollection);
    std::vector<SaveResult> results = Transaction(records.size(), all_or_none, [&](size_t i) {
      std::optional<std::string> type = RecordType(records[i]);
      if (!type) return NoAttributes();
      const ObjectDef* object = org_->schema->Find(*type);
      if (object == nullptr) return UnknownType(*type);
      return op(saver, *object, records[i]);
    });
    for (size_t i = 0; i < results.size(); ++i) log->ids.push_back(LoggedId(records[i], results[i]));
    return Results(results, with_created);
  }

  // Runs `count` record operations in one transaction, each in its own savepoint; with
  // `all_or_none`, one failure rolls them all back.
  std::vector<SaveResult> Transaction(size_t count, bool all_or_none, const std::function<SaveResult(size_t)>& op) {
    sqlite3* db = org_->store->db();
    std::string ignored;
    Exec(db, "SAVEPOINT collection", &ignored);
    std::vector<SaveResult> results;
    bool failed = false;
    for (size_t i = 0; i < count; ++i) {
      Exec(db, "SAVEPOINT record", &ignored);
      results.push_back(op(i));
      bool ok = results.back().success();
      Exec(db, ok ? "RELEASE record" : "ROLLBACK TO record; RELEASE record", &ignored);
      failed |= !ok;
    }
    if (!(all_or_none && failed)) {
      Exec(db, "RELEASE collection", &ignored);
      return results;
    }
    Exec(db, "ROLLBACK TO collection; RELEASE collection", &ignored);
    for (SaveResult& result : results) {
      if (!result.success()) continue;
      result = PerRecord("ALL_OR_NONE_OPERATION_ROLLED_BACK",
                         "Record rolled back because not all records were valid and the request was "
                         "using AllOrNone header");
    }
    return results;
  }

  static HttpResponse Results(const std::vector<SaveResult>& results, bool with_created) {
    std::string body;
    JsonWriter json(&body);
    json.BeginArray();
    for (const SaveResult& result : results) WriteSaveResult(&json, result, with_created);
    json.EndArray();
    return JsonResponse(200, std::move(body));
  }

  Org* org_;
  const EmulatorClock* clock_;
};

}  // namespace

void AddCollectionRoutes(Router* router, Org* org, const EmulatorClock* clock) {
  auto collections = std::make_shared<Collections>(org, clock);
  WriteLog* writes = &org->writes;
  const std::string base = "/services/data/{version}/composite/sobjects";
  router->Add("POST", base, [collections, writes](const HttpRequest& r, const PathParams& p) {
    return LogWrite(writes, r, [&](WriteEntry* log) { return collections->Create(r, p, log); });
  });
  router->Add("PATCH", base, [collections, writes](const HttpRequest& r, const PathParams& p) {
    return LogWrite(writes, r, [&](WriteEntry* log) { return collections->Update(r, p, log); });
  });
  router->Add("DELETE", base, [collections, writes](const HttpRequest& r, const PathParams& p) {
    return LogWrite(writes, r, [&](WriteEntry* log) { return collections->Delete(r, p, log); });
  });
  router->Add("GET", base + "/{object}",
              [collections](const HttpRequest& r, const PathParams& p) { return collections->Retrieve(r, p); });
  router->Add("POST", base + "/{object}",
              [collections](const HttpRequest& r, const PathParams& p) { return collections->Retrieve(r, p); });
  router->Add("PATCH", base + "/{object}/{field}", [collections, writes](const HttpRequest& r, const PathParams& p) {
    return LogWrite(writes, r, [&](WriteEntry* log) { return collections->Upsert(r, p, log); });
  });
}

}  // namespace sfsync::emulator
