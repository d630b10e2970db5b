#include "tests/emulator/api/sobject_rows.h"

#include <charconv>
#include <nlohmann/json.hpp>

#include "tests/emulator/api/field_input.h"
#include "tests/emulator/api/record_saver.h"
#include "tests/emulator/base64.h"
#include "tests/emulator/json_writer.h"
#include "tests/emulator/salesforce_id.h"
#include "tests/emulator/time_util.h"

namespace sfsync::emulator {
namespace {

using Json = nlohmann::ordered_json;

// Upsert answers 200 with a body from this version on, 204 before (protocol §6.2).
constexpr int kUpsertBodyVersion = 46;

std::string RecordUrl(std::string_view version, const ObjectDef& object, std::string_view id) {
  return "/services/data/" + std::string(version) + "/sobjects/" + object.name + "/" + std::string(id);
}

HttpResponse Error(int status, std::string code, std::string message) {
  return RestErrorResponse({status, std::move(code), std::move(message)});
}

HttpResponse NotFound() { return RestErrorResponse(NotFoundError()); }

HttpResponse ExternalIdNotFound(std::string_view field) {
  return Error(404, "NOT_FOUND",
               "Provided external ID field does not exist or is not accessible: " + std::string(field));
}

// 300 Multiple Choices: the URLs of the records a key matched (upsert_external_id_300_*.json).
HttpResponse MultipleChoices(std::string_view version, const ObjectDef& object, const std::vector<std::string>& ids) {
  std::string body;
  JsonWriter json(&body);
  json.BeginArray();
  for (const std::string& id : ids) json.String(RecordUrl(version, object, id));
  json.EndArray();
  return JsonResponse(300, std::move(body));
}

std::optional<Json> ParseBody(const HttpRequest& request) {
  Json json = Json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) return std::nullopt;
  return json;
}

HttpResponse BadBody() {
  return Error(400, "JSON_PARSER_ERROR", "The request body must be a JSON object of field values");
}

class SObjectRows {
 public:
  SObjectRows(Org* org, const EmulatorClock* clock) : org_(org), clock_(clock) {}

  HttpResponse Create(const HttpRequest& request, const PathParams& params, WriteEntry* log) {
    std::lock_guard<std::mutex> lock(org_->mu);
    log->object = params.at("object");
    const ObjectDef* object = org_->schema->Find(params.at("object"));
    if (object == nullptr || !object->createable) return NotFound();
    std::optional<Json> body = ParseBody(request);
    if (!body) return BadBody();
    log->records.push_back(*body);
    if (std::optional<RestError> error = RecordSaver::CheckTypes(*object, *body)) return RestErrorResponse(*error);
    SaveResult result = RecordSaver(org_, clock_, SaveSurface::kRow).Create(*object, *body);
    log->ids.push_back(result.success() ? Json(result.id) : Json());
    if (!result.success()) return SaveErrorResponse(result.errors);
    return Saved(201, params.at("version"), *object, result, /*with_created=*/false);
  }

  HttpResponse Retrieve(const HttpRequest& request, const PathParams& params) {
    std::lock_guard<std::mutex> lock(org_->mu);
    const ObjectDef* object = org_->schema->Find(params.at("object"));
    if (object == nullptr) return NotFound();
    std::optional<std::string> id = NormalizeId(params.at("id"));
    if (!id || id->substr(0, 3) != object->key_prefix) return NotFound();
    return Record(request, params.at("version"), *object, *id);
  }

  HttpResponse Update(const HttpRequest& request, const PathParams& params, WriteEntry* log) {
    std::lock_guard<std::mutex> lock(org_->mu);
    log->object = params.at("object");
    log->ids.push_back(params.at("id"));
    const ObjectDef* object = org_->schema->Find(params.at("object"));
    if (object == nullptr) return NotFound();
    std::optional<Json> body = ParseBody(request);
    if (!body) return BadBody();
    log->records.push_back(*body);
    if (std::optional<std::string_view> since = request.headers.Get("If-Unmodified-Since")) {
      int64_t since_ms;
      if (!ParseHttpDate(*since, &since_ms)) {
        return Error(400, "BAD_REQUEST", "Invalid If-Unmodified-Since header: " + std::string(*since));
      }
      std::optional<std::string> id = NormalizeId(params.at("id"));
      if (std::optional<int64_t> modified = id ? LastModified(*object, *id) : std::nullopt;
          modified && *modified > since_ms) {
        return Error(412, "PRECONDITION_FAILED",
                     "The record was modified after the If-Unmodified-Since date: " + std::string(*since));
      }
    }
    if (std::optional<RestError> error = RecordSaver::CheckTypes(*object, *body)) return RestErrorResponse(*error);
    SaveResult result = RecordSaver(org_, clock_, SaveSurface::kRow).Update(*object, params.at("id"), *body);
    if (!result.success()) return SaveErrorResponse(result.errors);
    return NoContentResponse();
  }

  HttpResponse Delete(const PathParams& params, WriteEntry* log) {
    std::lock_guard<std::mutex> lock(org_->mu);
    log->object = params.at("object");
    log->ids.push_back(params.at("id"));
    const ObjectDef* object = org_->schema->Find(params.at("object"));
    if (object == nullptr) return NotFound();
    SaveResult result = RecordSaver(org_, clock_, SaveSurface::kRow).Delete(object, params.at("id"));
    if (!result.success()) return SaveErrorResponse(result.errors);
    return NoContentResponse();
  }

  HttpResponse Upsert(const HttpRequest& request, const PathParams& params, WriteEntry* log) {
    std::lock_guard<std::mutex> lock(org_->mu);
    log->object = params.at("object");
    const ObjectDef* object = org_->schema->Find(params.at("object"));
    if (object == nullptr) return NotFound();
    const FieldDef* key = KeyField(*object, params.at("field"));
    if (key == nullptr) return ExternalIdNotFound(params.at("field"));
    std::optional<Json> body = ParseBody(request);
    if (!body) return BadBody();
    log->records.push_back(*body);
    for (const auto& [name, value] : body->items()) {
      if (ToLower(name) == "id" || ToLower(name) == ToLower(key->name)) {
        return Error(
            400, "INVALID_FIELD",
            "The " + key->name + " field should not be specified in the sobject data: the key comes from the URL");
      }
    }
    if (std::optional<RestError> error = RecordSaver::CheckTypes(*object, *body)) return RestErrorResponse(*error);
    std::map<std::string, std::string> options = ParseForm(request.query);
    bool update_only = options.contains("updateOnly") && options["updateOnly"] == "true";
    const std::string& version = params.at("version");
    SaveResult result = RecordSaver(org_, clock_, SaveSurface::kRow)
                            .Upsert(*object, *key, Json(params.at("value")), *body, update_only);
    log->ids.push_back(result.success() ? Json(result.id) : Json());
    if (!result.matches.empty()) return MultipleChoices(version, *object, result.matches);
    if (!result.success()) return SaveErrorResponse(result.errors);
    bool with_body = ApiMajorVersion(version) >= kUpsertBodyVersion;
    if (!result.created && !with_body) return NoContentResponse();
    return Saved(result.created ? 201 : 200, version, *object, result, with_body);
  }

  // {Object}/{Id}/{Field}: a blob; {Object}/{Field}/{Value}: a record by external id.
  HttpResponse BlobOrByKey(const HttpRequest& request, const PathParams& params) {
    std::lock_guard<std::mutex> lock(org_->mu);
    const ObjectDef* object = org_->schema->Find(params.at("object"));
    if (object == nullptr) return NotFound();
    std::optional<std::string> id = NormalizeId(params.at("first"));
    const FieldDef* blob = object->FindField(params.at("second"));
    if (id && id->substr(0, 3) == object->key_prefix && blob != nullptr && blob->type == FieldType::kBase64) {
      return Blob(*object, *id, *blob);
    }
    const FieldDef* key = KeyField(*object, params.at("first"));
    if (key == nullptr) return ExternalIdNotFound(params.at("first"));
    std::vector<std::string> ids = ByKey(*object, *key, params.at("second"));
    if (ids.empty()) return NotFound();
    if (ids.size() > 1) return MultipleChoices(params.at("version"), *object, ids);
    return Record(request, params.at("version"), *object, ids[0]);
  }

 private:
  // The fields a key may be: external ids and idLookup fields (Id, Name, Email, ...).
  static const FieldDef* KeyField(const ObjectDef& object, std::string_view name) {
    const FieldDef* field = object.FindField(name);
    return field != nullptr && (field->external_id || field->id_lookup) ? field : nullptr;
  }

  std::vector<std::string> ByKey(const ObjectDef& object, const FieldDef& key, const std::string& value) {
    Value converted;
    if (ConvertInput(key, Json(value), &converted) != InputProblem::kNone) return {};
    return LiveRecordsWithKey(org_->store.get(), object, key, converted, 100);
  }

  std::optional<int64_t> LastModified(const ObjectDef& object, const std::string& id) {
    Statement select(org_->store->db(), "SELECT \"LastModifiedDate\" FROM " + QuoteIdentifier(object.name) +
                                            " WHERE \"Id\" = ? AND \"IsDeleted\" = 0");
    select.Bind(1, id);
    if (select.Step() != SQLITE_ROW) return std::nullopt;
    return sqlite3_column_int64(select.get(), 0);
  }

  HttpResponse Record(const HttpRequest& request, std::string_view version, const ObjectDef& object,
                      const std::string& id) {
    switch (org_->store->Lookup(object, id)) {
      case OrgStore::RowState::kMissing:
        return NotFound();
      case OrgStore::RowState::kDeleted:
        return Error(404, "ENTITY_IS_DELETED", "entity is deleted");
      case OrgStore::RowState::kLive:
        break;
    }
    int64_t modified = *LastModified(object, id);
    int64_t since;
    if (std::optional<std::string_view> header = request.headers.Get("If-Modified-Since");
        header && ParseHttpDate(*header, &since) && modified <= since) {
      HttpResponse not_modified;
      not_modified.status = 304;
      return not_modified;
    }
    std::map<std::string, std::string> options = ParseForm(request.query);
    QueryService::Result result = org_->queries->RecordsById(SelectFields(object, options["fields"]), {id}, version);
    if (const RestError* error = std::get_if<RestError>(&result)) return RestErrorResponse(*error);
    const std::string& records = std::get<std::string>(result);
    HttpResponse response = JsonResponse(200, records.substr(1, records.size() - 2));
    response.headers.Set("Last-Modified", FormatHttpDate(modified));
    return response;
  }

  HttpResponse Blob(const ObjectDef& object, const std::string& id, const FieldDef& field) {
    Statement select(org_->store->db(), "SELECT " + QuoteIdentifier(field.name) + " FROM " +
                                            QuoteIdentifier(object.name) + " WHERE \"Id\" = ? AND \"IsDeleted\" = 0");
    select.Bind(1, id);
    if (select.Step() != SQLITE_ROW || sqlite3_column_type(select.get(), 0) == SQLITE_NULL) return NotFound();
    std::optional<std::string> bytes =
        Base64Decode(reinterpret_cast<const char*>(sqlite3_column_text(select.get(), 0)));
    HttpResponse response;
    response.headers.Set("Content-Type", "application/octetstream");
    response.body = bytes.value_or("");
    return response;
  }

  HttpResponse Saved(int status, std::string_view version, const ObjectDef& object, const SaveResult& result,
                     bool with_created) {
    std::string body;
    JsonWriter json(&body);
    WriteSaveResult(&json, result, with_created);
    HttpResponse response = JsonResponse(status, std::move(body));
    response.headers.Set("Location", RecordUrl(version, object, result.id));
    return response;
  }

  Org* org_;
  const EmulatorClock* clock_;
};

}  // namespace

SoqlQuery SelectFields(const ObjectDef& object, std::string_view fields) {
  if (fields.empty()) return SelectAllFields(object);
  SoqlQuery query;
  query.object = object.name;
  while (!fields.empty()) {
    size_t comma = fields.find(',');
    std::string_view name = fields.substr(0, comma);
    fields = comma == std::string_view::npos ? std::string_view() : fields.substr(comma + 1);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    SelectItem item;
    item.expr.field.text = std::string(name);
    for (size_t dot; (dot = name.find('.')) != std::string_view::npos; name.remove_prefix(dot + 1)) {
      item.expr.field.parts.emplace_back(name.substr(0, dot));
    }
    item.expr.field.parts.emplace_back(name);
    query.select.push_back(std::move(item));
  }
  return query;
}

int ApiMajorVersion(std::string_view version) {
  int major = 0;
  if (version.size() > 1) std::from_chars(version.data() + 1, version.data() + version.size(), major);
  return major;
}

void AddSObjectRowRoutes(Router* router, Org* org, const EmulatorClock* clock) {
  auto rows = std::make_shared<SObjectRows>(org, clock);
  const std::string base = "/services/data/{version}/sobjects/{object}";
  WriteLog* writes = &org->writes;
  router->Add("POST", base, [rows, writes](const HttpRequest& r, const PathParams& p) {
    return LogWrite(writes, r, [&](WriteEntry* log) { return rows->Create(r, p, log); });
  });
  router->Add("GET", base + "/{id}",
              [rows](const HttpRequest& r, const PathParams& p) { return rows->Retrieve(r, p); });
  router->Add("PATCH", base + "/{id}", [rows, writes](const HttpRequest& r, const PathParams& p) {
    return LogWrite(writes, r, [&](WriteEntry* log) { return rows->Update(r, p, log); });
  });
  router->Add("DELETE", base + "/{id}", [rows, writes](const HttpRequest& r, const PathParams& p) {
    return LogWrite(writes, r, [&](WriteEntry* log) { return rows->Delete(p, log); });
  });
  router->Add("PATCH", base + "/{field}/{value}", [rows, writes](const HttpRequest& r, const PathParams& p) {
    return LogWrite(writes, r, [&](WriteEntry* log) { return rows->Upsert(r, p, log); });
  });
  router->Add("GET", base + "/{first}/{second}",
              [rows](const HttpRequest& r, const PathParams& p) { return rows->BlobOrByKey(r, p); });
}

}  // namespace sfsync::emulator
