#include "tests/emulator/api/admin_api.h"

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "tests/emulator/api/admin_rules_api.h"
#include "tests/emulator/api/admin_schema_api.h"
#include "tests/emulator/api/field_input.h"
#include "tests/emulator/api/record_saver.h"
#include "tests/emulator/api/rest_error.h"
#include "tests/emulator/json_writer.h"
#include "tests/emulator/salesforce_id.h"
#include "tests/emulator/time_util.h"

namespace sfsync::emulator {
namespace {

using Json = nlohmann::ordered_json;

// Record URLs in admin listings use this API version.
constexpr std::string_view kAdminApiVersion = "v60.0";
constexpr int64_t kMaxGenerateCount = 10'000'000;

}  // namespace

HttpResponse AdminError(int status, std::string message) {
  std::string body;
  JsonWriter json(&body);
  json.BeginObject();
  json.Key("message");
  json.String(message);
  json.EndObject();
  return JsonResponse(status, std::move(body));
}

namespace {

HttpResponse NoContent() {
  HttpResponse response;
  response.status = 204;
  return response;
}

std::optional<Json> ParseJson(std::string_view body) {
  Json json = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return std::nullopt;
  return json;
}

// Converts an admin JSON value to the stored form of `field` (Salesforce's JSON encodings,
// protocol §2.4). Returns an error message, or empty on success.
std::string ToValue(const FieldDef& field, const Json& json, Value* value) {
  if (json.is_null() && !field.nillable) return "field '" + field.name + "' cannot be null";
  switch (ConvertInput(field, json, value)) {
    case InputProblem::kNone: return "";
    case InputProblem::kCompound:
      return "field '" + field.name + "' is compound and read-only; set its component fields";
    case InputProblem::kMalformedId:
      return "field '" + field.name + "' expects a 15- or 18-character Id, got " + json.dump();
    case InputProblem::kWrongType: break;
  }
  return "field '" + field.name + "' (" + std::string(TypeName(field.type)) + ") cannot hold " +
         json.dump();
}

// Looks up `key` on `object` as a field an admin body may set and converts `value` to its stored
// form. Returns an error message, or empty with *field and *converted set.
std::string SettableField(const ObjectDef& object, const std::string& key, const Json& value, const FieldDef** field,
                          Value* converted) {
  *field = object.FindField(key);
  if (*field == nullptr) return "no field '" + key + "' on " + object.name;
  if ((*field)->type == FieldType::kId) return "Id is assigned by the emulator and cannot be set";
  if ((*field)->calculated()) return "formula field '" + (*field)->name + "' is computed";
  if ((*field)->derived_full_name) {
    return "field 'Name' of " + object.name + " is derived from FirstName and LastName";
  }
  std::string problem = ToValue(**field, value, converted);
  if (auto* number = std::get_if<double>(converted); problem.empty() && number != nullptr) {
    *number = RoundToScale(**field, *number);
  }
  return problem;
}

std::string NowJson(int64_t now_ms) {
  std::string body;
  JsonWriter json(&body);
  json.BeginObject();
  json.Key("now");
  json.String(FormatDateTime(now_ms));
  json.EndObject();
  return body;
}

}  // namespace

AdminApi::AdminApi(Org* org, EmulatorClock* clock, OAuthService* oauth, const Stats* stats)
    : org_(org), clock_(clock), oauth_(oauth), stats_(stats) {
  router_.Add("GET", "/__emulator/health",
              [](const HttpRequest&, const PathParams&) { return JsonResponse(200, "{\"ok\":true}"); });
  router_.Add("POST", "/__emulator/records/{object}",
              [this](const HttpRequest& r, const PathParams& p) { return InsertRecords(r, p); });
  router_.Add("GET", "/__emulator/records/{object}",
              [this](const HttpRequest& r, const PathParams& p) { return ListRecords(r, p); });
  router_.Add("PATCH", "/__emulator/records/{object}/{id}",
              [this](const HttpRequest& r, const PathParams& p) { return PatchRecord(r, p); });
  router_.Add("DELETE", "/__emulator/records/{object}/{id}",
              [this](const HttpRequest& r, const PathParams& p) { return DeleteRecord(r, p); });
  router_.Add("POST", "/__emulator/records/{object}/{id}/undelete",
              [this](const HttpRequest&, const PathParams& p) { return Undelete(p); });
  router_.Add("POST", "/__emulator/generate",
              [this](const HttpRequest& r, const PathParams&) { return Generate(r); });
  router_.Add("GET", "/__emulator/clock",
              [this](const HttpRequest& r, const PathParams&) { return Clock(r); });
  router_.Add("POST", "/__emulator/clock",
              [this](const HttpRequest& r, const PathParams&) { return Clock(r); });
  router_.Add("GET", "/__emulator/stats",
              [this](const HttpRequest&, const PathParams&) { return StatsJson(); });
  router_.Add("POST", "/__emulator/sessions/expire", [this](const HttpRequest&, const PathParams&) {
    oauth_->ExpireAllSessions();
    return NoContent();
  });
  router_.Add("GET", "/__emulator/writes", [this](const HttpRequest& r, const PathParams&) {
    std::string after = ParseForm(r.query)["after"];
    return JsonResponse(200, org_->writes.Json(after.empty() ? 0 : std::atoll(after.c_str())));
  });
  router_.Add("DELETE", "/__emulator/writes", [this](const HttpRequest&, const PathParams&) {
    org_->writes.Clear();
    return NoContent();
  });
  AddSchemaAdminRoutes(&router_, org_, clock_);
  AddRulesAdminRoutes(&router_, org_, clock_);
}

void AdminApi::AddRoute(std::string method, std::string_view pattern, Router::Handler handler) {
  router_.Add(std::move(method), pattern, std::move(handler));
}

HttpResponse AdminApi::Handle(const HttpRequest& request) {
  Router::Match match = router_.Find(request.method, request.path);
  if (match.handler != nullptr) return (*match.handler)(request, match.params);
  if (!match.allowed_methods.empty()) {
    return AdminError(405, "method " + request.method + " not allowed on " + request.path);
  }
  return AdminError(404, "no admin endpoint " + request.path);
}

HttpResponse AdminApi::InsertRecords(const HttpRequest& request, const PathParams& params) {
  std::optional<Json> body = ParseJson(request.body);
  if (!body || !body->is_array()) return AdminError(400, "body must be a JSON array of records");
  std::lock_guard<std::mutex> lock(org_->mu);
  const ObjectDef* object = org_->schema->Find(params.at("object"));
  if (object == nullptr) return AdminError(404, "unknown object " + params.at("object"));
  OrgStore& store = *org_->store;
  std::string error;
  if (!store.BeginBulk(&error)) return AdminError(500, error);
  auto fail = [&](int status, std::string message) {
    std::string ignored;
    Exec(store.db(), "ROLLBACK", &ignored);
    return AdminError(status, std::move(message));
  };

  int64_t now = clock_->NowMillisFloorSecond();
  const std::string& actor = org_->seeder->integration_user_id();
  const auto& columns = object->columns();
  std::vector<std::string> ids;
  for (const Json& record : *body) {
    if (!record.is_object()) return fail(400, "each record must be a JSON object");
    std::vector<Value> row(columns.size());
    std::string id = store.AllocateId(*object);
    // Server-filled fields first; values in the body override them.
    for (size_t i = 0; i < columns.size(); ++i) {
      const FieldDef& f = *columns[i];
      if (f.name == "Id") row[i] = id;
      if (f.type == FieldType::kBoolean) row[i] = int64_t{0};
      if (f.name == "CreatedDate" || f.name == "LastModifiedDate" || f.name == "SystemModstamp") {
        row[i] = now;
      }
      if (f.name == "CreatedById" || f.name == "LastModifiedById" || f.name == "OwnerId") {
        row[i] = actor;
      }
    }
    for (const auto& [key, value] : record.items()) {
      const FieldDef* field = nullptr;
      Value converted;
      if (std::string message = SettableField(*object, key, value, &field, &converted); !message.empty()) {
        return fail(400, std::move(message));
      }
      row[static_cast<size_t>(object->ColumnIndex(field->name))] = std::move(converted);
    }
    std::vector<std::string> missing;
    for (size_t i = 0; i < columns.size(); ++i) {
      if (!columns[i]->nillable && !columns[i]->derived_full_name && !columns[i]->auto_number &&
          std::holds_alternative<std::monostate>(row[i])) {
        missing.push_back(columns[i]->name);
      }
    }
    if (!missing.empty()) {
      std::string list;
      for (const std::string& name : missing) list += (list.empty() ? "" : ", ") + name;
      return fail(400, "Required fields are missing: [" + list + "]");
    }
    if (!store.Insert(*object, std::move(row), &error)) return fail(400, error);
    ids.push_back(id);
  }
  if (!store.CommitBulk(&error)) return fail(500, error);
  std::string out;
  JsonWriter json(&out);
  json.BeginObject();
  json.Key("ids");
  json.BeginArray();
  for (const std::string& id : ids) json.String(id);
  json.EndArray();
  json.EndObject();
  return JsonResponse(201, std::move(out));
}

HttpResponse AdminApi::Generate(const HttpRequest& request) {
  std::optional<Json> body = ParseJson(request.body);
  if (!body || !body->is_object() || !body->contains("object") || !(*body)["object"].is_string() ||
      !body->contains("count") || !(*body)["count"].is_number_integer()) {
    return AdminError(400, "body must be {\"object\": name, \"count\": n, \"SystemModstamp\"?: datetime}");
  }
  int64_t count = (*body)["count"].get<int64_t>();
  if (count < 1 || count > kMaxGenerateCount) {
    return AdminError(400, "count must be between 1 and " + std::to_string(kMaxGenerateCount));
  }
  int64_t stamp = clock_->NowMillisFloorSecond();
  if (body->contains("SystemModstamp")) {
    const Json& value = (*body)["SystemModstamp"];
    if (!value.is_string() || !ParseDateTime(value.get<std::string>(), &stamp)) {
      return AdminError(400, "SystemModstamp must be an ISO-8601 datetime");
    }
  }
  std::lock_guard<std::mutex> lock(org_->mu);
  const ObjectDef* object = org_->schema->Find((*body)["object"].get<std::string>());
  if (object == nullptr) return AdminError(404, "unknown object " + (*body)["object"].get<std::string>());
  Seeder::Batch batch;
  std::string error;
  if (!org_->seeder->Generate(*object, count, stamp, &batch, &error)) return AdminError(400, error);
  std::string out;
  JsonWriter json(&out);
  json.BeginObject();
  json.Key("ids_first");
  json.String(batch.first_id);
  json.Key("ids_last");
  json.String(batch.last_id);
  json.Key("count");
  json.Int(batch.count);
  json.EndObject();
  return JsonResponse(201, std::move(out));
}

HttpResponse AdminApi::PatchRecord(const HttpRequest& request, const PathParams& params) {
  std::optional<Json> body = ParseJson(request.body);
  if (!body || !body->is_object()) return AdminError(400, "body must be a JSON object");
  std::lock_guard<std::mutex> lock(org_->mu);
  const ObjectDef* object = org_->schema->Find(params.at("object"));
  if (object == nullptr) return AdminError(404, "unknown object " + params.at("object"));
  std::optional<std::string> id = NormalizeId(params.at("id"));
  if (!id || org_->store->Lookup(*object, *id) == OrgStore::RowState::kMissing) {
    return AdminError(404, "no " + object->name + " with Id " + params.at("id"));
  }
  std::vector<std::pair<const FieldDef*, Value>> changes;
  bool stamps_given = false;
  for (const auto& [key, value] : body->items()) {
    const FieldDef* field = nullptr;
    Value converted;
    if (std::string message = SettableField(*object, key, value, &field, &converted); !message.empty()) {
      return AdminError(400, std::move(message));
    }
    stamps_given |= field->name == "SystemModstamp" || field->name == "LastModifiedDate";
    changes.emplace_back(field, std::move(converted));
  }
  if (!stamps_given) {
    int64_t now = clock_->NowMillisFloorSecond();
    changes.emplace_back(object->FindField("SystemModstamp"), now);
    changes.emplace_back(object->FindField("LastModifiedDate"), now);
  }
  std::string error;
  if (!org_->store->Update(*object, *id, changes, &error)) return AdminError(400, error);
  return NoContent();
}

HttpResponse AdminApi::DeleteRecord(const HttpRequest& request, const PathParams& params) {
  std::map<std::string, std::string> query = ParseForm(request.query);
  bool hard = query.contains("hard") && query["hard"] == "true";
  std::lock_guard<std::mutex> lock(org_->mu);
  const ObjectDef* object = org_->schema->Find(params.at("object"));
  if (object == nullptr) return AdminError(404, "unknown object " + params.at("object"));
  std::optional<std::string> id = NormalizeId(params.at("id"));
  OrgStore::RowState state = id ? org_->store->Lookup(*object, *id) : OrgStore::RowState::kMissing;
  if (state == OrgStore::RowState::kMissing) {
    return AdminError(404, "no " + object->name + " with Id " + params.at("id"));
  }
  if (hard) {
    org_->store->HardDelete(*object, *id, clock_->NowMillisFloorSecond());
    return NoContent();
  }
  if (!object->has_is_deleted()) return AdminError(400, object->name + " records cannot be soft-deleted");
  if (state == OrgStore::RowState::kDeleted) return AdminError(404, "entity is deleted: " + *id);
  org_->store->SetDeleted(*object, *id, true, clock_->NowMillisFloorSecond());
  return NoContent();
}

HttpResponse AdminApi::Undelete(const PathParams& params) {
  std::lock_guard<std::mutex> lock(org_->mu);
  const ObjectDef* object = org_->schema->Find(params.at("object"));
  if (object == nullptr) return AdminError(404, "unknown object " + params.at("object"));
  std::optional<std::string> id = NormalizeId(params.at("id"));
  OrgStore::RowState state = id ? org_->store->Lookup(*object, *id) : OrgStore::RowState::kMissing;
  if (state == OrgStore::RowState::kMissing) {
    return AdminError(404, "no " + object->name + " with Id " + params.at("id"));
  }
  if (state == OrgStore::RowState::kLive) return AdminError(400, "record is not deleted: " + *id);
  org_->store->SetDeleted(*object, *id, false, clock_->NowMillisFloorSecond());
  return NoContent();
}

HttpResponse AdminApi::ListRecords(const HttpRequest& request, const PathParams& params) {
  std::map<std::string, std::string> query = ParseForm(request.query);
  std::string deleted = query.contains("deleted") ? query["deleted"] : "exclude";
  if (deleted != "exclude" && deleted != "include" && deleted != "only") {
    return AdminError(400, "deleted must be exclude, include or only");
  }
  std::lock_guard<std::mutex> lock(org_->mu);
  const ObjectDef* object = org_->schema->Find(params.at("object"));
  if (object == nullptr) return AdminError(404, "unknown object " + params.at("object"));
  SoqlQuery select = SelectAllFields(*object);
  if (deleted == "only") {
    if (!object->has_is_deleted()) return JsonResponse(200, "[]");
    Condition is_deleted;
    is_deleted.left.field.parts = {"IsDeleted"};
    Literal true_literal;
    true_literal.kind = LiteralKind::kTrue;
    is_deleted.values.push_back(true_literal);
    select.where = std::move(is_deleted);
  }
  QueryService::Result result =
      org_->queries->AllRecords(select, /*include_deleted=*/deleted != "exclude", kAdminApiVersion);
  if (const RestError* error = std::get_if<RestError>(&result)) {
    return AdminError(error->status, error->message);
  }
  return JsonResponse(200, std::move(std::get<std::string>(result)));
}

HttpResponse AdminApi::Clock(const HttpRequest& request) {
  if (request.method == "POST") {
    std::optional<Json> body = ParseJson(request.body);
    if (!body || !body->is_object() || !body->contains("advance_seconds") ||
        !(*body)["advance_seconds"].is_number() || (*body)["advance_seconds"].get<double>() < 0) {
      return AdminError(400, "body must be {\"advance_seconds\": N} with N >= 0");
    }
    clock_->Advance(static_cast<int64_t>((*body)["advance_seconds"].get<double>() * 1000.0));
  }
  return JsonResponse(200, NowJson(clock_->NowMillis()));
}

HttpResponse AdminApi::StatsJson() const {
  std::string body;
  JsonWriter json(&body);
  json.BeginObject();
  json.Key("api_calls");
  json.Int(stats_->api_calls.load());
  json.Key("token_requests");
  json.Int(stats_->token_requests.load());
  json.Key("query_requests");
  json.Int(stats_->query_requests.load());
  json.Key("query_more_requests");
  json.Int(stats_->query_more_requests.load());
  json.Key("describe_requests");
  json.Int(stats_->describe_requests.load());
  json.Key("faults_injected");
  json.Int(stats_->faults_injected.load());
  json.EndObject();
  return JsonResponse(200, std::move(body));
}

}  // namespace sfsync::emulator
