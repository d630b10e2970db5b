#include "tests/emulator/api/admin_schema_api.h"

#include <nlohmann/json.hpp>

#include "tests/emulator/api/admin_api.h"
#include "tests/emulator/api/rest_error.h"
#include "tests/emulator/json_writer.h"
#include "tests/emulator/org/schema_editor.h"
#include "tests/emulator/time_util.h"

namespace sfsync::emulator {
namespace {

using Json = nlohmann::ordered_json;

std::optional<Json> ParseObject(std::string_view body) {
  Json json = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) return std::nullopt;
  return json;
}

HttpResponse Purged(int64_t count) {
  std::string body;
  JsonWriter json(&body);
  json.BeginObject();
  json.Key("purged");
  json.Int(count);
  json.EndObject();
  return JsonResponse(200, std::move(body));
}

// Applies the attributes present in `json` to `field`; returns why they are wrong, or "".
std::string ApplyAttributes(const Json& json, const Schema& schema, FieldDef* field) {
  static const std::set<std::string> kKeys = {"name",      "type",           "label",       "length",
                                              "precision", "scale",          "nillable",    "externalId",
                                              "unique",    "picklistValues", "referenceTo", "relationshipName"};
  for (const auto& [key, value] : json.items()) {
    if (!kKeys.contains(key)) return "unknown field attribute '" + key + "'";
  }
  auto integer = [&](const char* key, int* out) {
    if (!json.contains(key)) return true;
    if (!json[key].is_number_integer() || json[key].get<int64_t>() < 0 || json[key].get<int64_t>() > 131072) {
      return false;
    }
    *out = json[key].get<int>();
    return true;
  };
  auto boolean = [&](const char* key, bool* out) {
    if (!json.contains(key)) return true;
    if (!json[key].is_boolean()) return false;
    *out = json[key].get<bool>();
    return true;
  };
  if (json.contains("type")) {
    std::optional<FieldType> type =
        json["type"].is_string() ? TypeNamed(json["type"].get<std::string>()) : std::nullopt;
    if (!type) return "unknown field type " + json["type"].dump();
    if (*type != field->type) {
      // A new type starts from that type's usual attributes.
      field->type = *type;
      field->length = IsTextual(*type) || *type == FieldType::kTextArea ? 255 : 0;
      field->precision =
          *type == FieldType::kDouble || *type == FieldType::kCurrency || *type == FieldType::kPercent ? 18 : 0;
      field->scale = 0;
      field->extra_type_info = *type == FieldType::kTextArea ? "plaintextarea" : "";
      if (*type != FieldType::kPicklist && *type != FieldType::kMultiPicklist && *type != FieldType::kCombobox) {
        field->picklist_values.clear();
      }
    }
  }
  if (json.contains("label")) {
    if (!json["label"].is_string()) return "label must be a string";
    field->label = json["label"].get<std::string>();
  }
  if (!integer("length", &field->length) || !integer("precision", &field->precision) ||
      !integer("scale", &field->scale)) {
    return "length, precision and scale must be small non-negative integers";
  }
  if (!boolean("nillable", &field->nillable) || !boolean("externalId", &field->external_id) ||
      !boolean("unique", &field->unique)) {
    return "nillable, externalId and unique must be booleans";
  }
  field->id_lookup = field->external_id;
  if (json.contains("picklistValues")) {
    if (!json["picklistValues"].is_array()) return "picklistValues must be an array of strings";
    field->picklist_values.clear();
    for (const Json& v : json["picklistValues"]) {
      if (!v.is_string()) return "picklistValues must be an array of strings";
      field->picklist_values.push_back(v.get<std::string>());
    }
  }
  if (field->type == FieldType::kReference) {
    if (!json.contains("referenceTo") || !json["referenceTo"].is_string() ||
        schema.Find(json["referenceTo"].get<std::string>()) == nullptr) {
      return "a reference field needs referenceTo naming an object of the org";
    }
    field->reference_to = {schema.Find(json["referenceTo"].get<std::string>())->name};
    field->length = 18;
    field->relationship_name = json.value("relationshipName", field->name.substr(0, field->name.size() - 1) + "r");
  }
  if (field->type == FieldType::kBoolean) {
    field->nillable = false;
    field->defaulted_on_create = true;
  }
  return "";
}

class SchemaAdmin {
 public:
  SchemaAdmin(Org* org, EmulatorClock* clock) : org_(org), clock_(clock) {}

  HttpResponse AddField(const HttpRequest& request, const PathParams& params) {
    std::optional<Json> body = ParseObject(request.body);
    if (!body || !body->contains("name") || !(*body)["name"].is_string() || !body->contains("type")) {
      return AdminError(400, "body must be {\"name\": \"X__c\", \"type\": describe type, ...}");
    }
    std::lock_guard<std::mutex> lock(org_->mu);
    const ObjectDef* object = org_->schema->Find(params.at("object"));
    if (object == nullptr) return AdminError(404, "unknown object " + params.at("object"));
    FieldDef field;
    field.name = (*body)["name"].get<std::string>();
    field.label = field.name.substr(0, field.name.size() - std::min<size_t>(field.name.size(), 3));
    field.custom = true;
    field.type = FieldType::kBoolean;  // replaced below; a different start type resets defaults
    if (std::string why = ApplyAttributes(*body, *org_->schema, &field); !why.empty()) {
      return AdminError(400, why);
    }
    if (std::string why = Editor().AddField(*object, std::move(field)); !why.empty()) {
      return AdminError(400, why);
    }
    org_->SchemaChanged(clock_->NowMillis());
    std::string out;
    JsonWriter json(&out);
    json.BeginObject();
    json.Key("name");
    json.String((*body)["name"].get<std::string>());
    json.EndObject();
    return JsonResponse(201, std::move(out));
  }

  HttpResponse ChangeField(const HttpRequest& request, const PathParams& params) {
    std::optional<Json> body = ParseObject(request.body);
    if (!body || !body->contains("type") || body->contains("name")) {
      return AdminError(400, "body must be {\"type\": describe type, ...} (the name cannot change)");
    }
    std::lock_guard<std::mutex> lock(org_->mu);
    const ObjectDef* object = org_->schema->Find(params.at("object"));
    if (object == nullptr) return AdminError(404, "unknown object " + params.at("object"));
    const FieldDef* field = object->FindField(params.at("field"));
    if (field == nullptr) return AdminError(404, "no field " + params.at("field") + " on " + object->name);
    FieldDef changed = *field;
    if (std::string why = ApplyAttributes(*body, *org_->schema, &changed); !why.empty()) {
      return AdminError(400, why);
    }
    std::string name = object->name;
    if (std::string why = Editor().ChangeField(*object, std::move(changed)); !why.empty()) {
      return AdminError(400, why);
    }
    Changed(name);
    return NoContentResponse();
  }

  HttpResponse DropField(const PathParams& params) {
    std::lock_guard<std::mutex> lock(org_->mu);
    const ObjectDef* object = org_->schema->Find(params.at("object"));
    if (object == nullptr) return AdminError(404, "unknown object " + params.at("object"));
    if (object->FindField(params.at("field")) == nullptr) {
      return AdminError(404, "no field " + params.at("field") + " on " + object->name);
    }
    std::string name = object->name;
    if (std::string why = Editor().DropField(*object, params.at("field")); !why.empty()) {
      return AdminError(400, why);
    }
    Changed(name);
    return NoContentResponse();
  }

  HttpResponse PurgeRecycleBin(const PathParams& params) {
    std::lock_guard<std::mutex> lock(org_->mu);
    const ObjectDef* object = org_->schema->Find(params.at("object"));
    if (object == nullptr) return AdminError(404, "unknown object " + params.at("object"));
    if (!object->has_is_deleted()) return AdminError(400, object->name + " records have no recycle bin");
    return Purged(org_->store->PurgeDeleted(*object));
  }

  HttpResponse PurgeDeleteLog(const HttpRequest& request) {
    std::optional<Json> body = ParseObject(request.body);
    int64_t before;
    if (!body || !body->contains("before") || !(*body)["before"].is_string() ||
        !ParseDateTime((*body)["before"].get<std::string>(), &before)) {
      return AdminError(400, "body must be {\"before\": ISO-8601 datetime}");
    }
    std::lock_guard<std::mutex> lock(org_->mu);
    return Purged(org_->store->delete_log().PurgeBefore(before));
  }

 private:
  SchemaEditor Editor() { return SchemaEditor(org_->schema.get(), org_->store.get()); }

  // A field was removed or retyped: open cursors on the object may read a column that no
  // longer means what it did.
  void Changed(const std::string& object) {
    org_->queries->InvalidateCursors(object);
    org_->SchemaChanged(clock_->NowMillis());
  }

  Org* org_;
  EmulatorClock* clock_;
};

}  // namespace

void AddSchemaAdminRoutes(Router* router, Org* org, EmulatorClock* clock) {
  auto admin = std::make_shared<SchemaAdmin>(org, clock);
  router->Add("POST", "/__emulator/schema/{object}/fields",
              [admin](const HttpRequest& r, const PathParams& p) { return admin->AddField(r, p); });
  router->Add("PATCH", "/__emulator/schema/{object}/fields/{field}",
              [admin](const HttpRequest& r, const PathParams& p) { return admin->ChangeField(r, p); });
  router->Add("DELETE", "/__emulator/schema/{object}/fields/{field}",
              [admin](const HttpRequest&, const PathParams& p) { return admin->DropField(p); });
  router->Add("POST", "/__emulator/records/{object}/purge",
              [admin](const HttpRequest&, const PathParams& p) { return admin->PurgeRecycleBin(p); });
  router->Add("POST", "/__emulator/delete-log/purge",
              [admin](const HttpRequest& r, const PathParams&) { return admin->PurgeDeleteLog(r); });
}

}  // namespace sfsync::emulator
