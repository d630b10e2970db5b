#include "tests/emulator/api/oauth_admin.h"

#include <nlohmann/json.hpp>

#include "tests/emulator/api/admin_api.h"
#include "tests/emulator/api/rest_error.h"
#include "tests/emulator/json_writer.h"

namespace sfsync::emulator {
namespace {

HttpResponse DecideDevice(OAuthService* oauth, const HttpRequest& request) {
  nlohmann::json body = nlohmann::json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  auto text = [&](const char* key) {
    return body.is_object() && body.contains(key) && body[key].is_string() ? body[key].get<std::string>() : "";
  };
  std::string user_code = text("user_code");
  std::string action = text("action");
  if (user_code.empty() || (action != "approve" && action != "deny")) {
    return AdminError(400, R"(body must be {"user_code": "...", "action": "approve" or "deny", "username"?: "..."})");
  }
  switch (oauth->DecideDeviceCode(user_code, action == "approve", text("username"))) {
    case OAuthService::DeviceDecision::kDone: {
      HttpResponse response;
      response.status = 204;
      return response;
    }
    case OAuthService::DeviceDecision::kNoSuchCode:
      return AdminError(404, "no pending device code has user_code " + user_code);
    case OAuthService::DeviceDecision::kNoSuchUser:
      break;
  }
  return AdminError(400, "no active user to approve as: '" + text("username") + "'");
}

}  // namespace

void AddOAuthAdminRoutes(AdminApi* admin, OAuthService* oauth) {
  admin->AddRoute("GET", "/__emulator/oauth/device", [oauth](const HttpRequest&, const PathParams&) {
    return JsonResponse(200, oauth->DeviceCodesJson());
  });
  admin->AddRoute("POST", "/__emulator/oauth/device",
                  [oauth](const HttpRequest& request, const PathParams&) { return DecideDevice(oauth, request); });
}

}  // namespace sfsync::emulator
