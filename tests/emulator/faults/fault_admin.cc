#include "tests/emulator/faults/fault_admin.h"

#include <nlohmann/json.hpp>

#include "tests/emulator/api/admin_api.h"
#include "tests/emulator/api/rest_error.h"
#include "tests/emulator/json_writer.h"

namespace sfsync::emulator {
namespace {

HttpResponse AddFaults(FaultInjector* faults, const HttpRequest& request) {
  nlohmann::json body = nlohmann::json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  std::vector<std::string> texts;
  if (body.is_object() && body.contains("spec") && body["spec"].is_string()) {
    texts.push_back(body["spec"].get<std::string>());
  } else if (body.is_object() && body.contains("specs") && body["specs"].is_array()) {
    for (const nlohmann::json& spec : body["specs"]) {
      if (!spec.is_string()) return AdminError(400, "specs must be strings");
      texts.push_back(spec.get<std::string>());
    }
  } else {
    return AdminError(400, R"(body must be {"spec": "KIND:key=value,..."} or {"specs": [...]})");
  }
  std::vector<FaultSpec> specs;
  for (const std::string& text : texts) {
    std::string error;
    std::optional<FaultSpec> spec = ParseFaultSpec(text, &error);
    if (!spec) return AdminError(400, "fault '" + text + "': " + error);
    specs.push_back(std::move(*spec));
  }
  for (FaultSpec& spec : specs) faults->Add(std::move(spec));
  return JsonResponse(201, faults->Json());
}

}  // namespace

void AddFaultAdminRoutes(AdminApi* admin, FaultInjector* faults) {
  admin->AddRoute("GET", "/__emulator/faults",
                  [faults](const HttpRequest&, const PathParams&) { return JsonResponse(200, faults->Json()); });
  admin->AddRoute("POST", "/__emulator/faults",
                  [faults](const HttpRequest& request, const PathParams&) { return AddFaults(faults, request); });
  admin->AddRoute("DELETE", "/__emulator/faults", [faults](const HttpRequest&, const PathParams&) {
    faults->Clear();
    HttpResponse response;
    response.status = 204;
    return response;
  });
}

}  // namespace sfsync::emulator
