#include "tests/emulator/api/admin_rules_api.h"

#include <nlohmann/json.hpp>

#include "tests/emulator/api/admin_api.h"
#include "tests/emulator/api/rest_error.h"
#include "tests/emulator/org/schema_editor.h"

namespace sfsync::emulator {
namespace {

using Json = nlohmann::ordered_json;

HttpResponse UnknownObject(const std::string& name) { return AdminError(404, "unknown object " + name); }

HttpResponse AddRule(Org* org, const HttpRequest& request, const PathParams& params) {
  Json body = Json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  std::lock_guard<std::mutex> lock(org->mu);
  const ObjectDef* object = org->schema->Find(params.at("object"));
  if (object == nullptr) return UnknownObject(params.at("object"));
  ValidationRule rule;
  if (std::string why = ParseValidationRule(*object, body, &rule); !why.empty()) return AdminError(400, why);
  Json created;
  created["name"] = rule.name;
  org->rules.Add(object->name, std::move(rule));
  return JsonResponse(201, created.dump());
}

HttpResponse SetRequired(Org* org, EmulatorClock* clock, const HttpRequest& request, const PathParams& params) {
  Json body = Json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object() || !body.contains("field") || !body["field"].is_string() ||
      (body.contains("required") && !body["required"].is_boolean())) {
    return AdminError(400, R"(body must be {"field": "Name", "required": true|false})");
  }
  std::lock_guard<std::mutex> lock(org->mu);
  const ObjectDef* object = org->schema->Find(params.at("object"));
  if (object == nullptr) return UnknownObject(params.at("object"));
  std::string field = body["field"];
  if (object->FindField(field) == nullptr) return AdminError(404, "no field " + field + " on " + object->name);
  SchemaEditor editor(org->schema.get(), org->store.get());
  if (std::string why = editor.SetRequired(*object, field, body.value("required", true)); !why.empty()) {
    return AdminError(400, why);
  }
  org->SchemaChanged(clock->NowMillis());
  return NoContentResponse();
}

}  // namespace

void AddRulesAdminRoutes(Router* router, Org* org, EmulatorClock* clock) {
  router->Add("GET", "/__emulator/rules/{object}", [org](const HttpRequest&, const PathParams& p) {
    std::lock_guard<std::mutex> lock(org->mu);
    const ObjectDef* object = org->schema->Find(p.at("object"));
    if (object == nullptr) return UnknownObject(p.at("object"));
    return JsonResponse(200, org->rules.Json(object->name));
  });
  router->Add("POST", "/__emulator/rules/{object}",
              [org](const HttpRequest& r, const PathParams& p) { return AddRule(org, r, p); });
  router->Add("DELETE", "/__emulator/rules/{object}", [org](const HttpRequest&, const PathParams& p) {
    std::lock_guard<std::mutex> lock(org->mu);
    const ObjectDef* object = org->schema->Find(p.at("object"));
    if (object == nullptr) return UnknownObject(p.at("object"));
    org->rules.Clear(object->name);
    return NoContentResponse();
  });
  router->Add("POST", "/__emulator/schema/{object}/required",
              [org, clock](const HttpRequest& r, const PathParams& p) { return SetRequired(org, clock, r, p); });
}

}  // namespace sfsync::emulator
