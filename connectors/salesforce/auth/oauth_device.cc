#include "connectors/salesforce/auth/oauth_device.h"

#include <nlohmann/json.hpp>

#include "connectors/salesforce/auth/oauth_token.h"
#include "engine/core/log.h"

namespace sfsync::salesforce {
StatusOr<DeviceAuthorization> StartDeviceAuthorization(const OAuthSettings& settings, HttpTransport* transport,
                                                       Clock* clock) {
  FormFields form = {{"response_type", "device_code"}, {"client_id", settings.client_id}};
  if (!settings.scopes.empty()) form.emplace_back("scope", JoinScopes(settings.scopes));
  SFSYNC_ASSIGN_OR_RETURN(std::string body, PostToTokenEndpoint(transport, clock, settings.login_url, "device", form));
  nlohmann::json json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) return DataLossError("device code answer is not a JSON object");
  DeviceAuthorization device;
  auto text = [&](const char* key) {
    auto it = json.find(key);
    return it != json.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  auto seconds = [&](const char* key, int64_t fallback) -> int64_t {
    auto it = json.find(key);
    if (it != json.end() && it->is_number_integer() && it->get<int64_t>() > 0) return it->get<int64_t>();
    if (it != json.end() && it->is_string()) {
      const std::string& s = it->get_ref<const std::string&>();
      if (!s.empty() && s.size() < 9 && s.find_first_not_of("0123456789") == std::string::npos) return std::stoll(s);
    }
    return fallback;
  };
  device.device_code = text("device_code");
  RegisterSecret(device.device_code);
  device.user_code = text("user_code");
  device.verification_uri = text("verification_uri");
  device.interval = std::chrono::seconds(seconds("interval", 5));
  device.expires_in = std::chrono::seconds(seconds("expires_in", 0));
  if (device.device_code.empty() || device.user_code.empty() || device.verification_uri.empty()) {
    return DataLossError("device code answer lacks device_code, user_code or verification_uri");
  }
  return device;
}

StatusOr<Session> PollDeviceToken(const OAuthSettings& settings, HttpTransport* transport, Clock* clock,
                                  const DeviceAuthorization& device, std::chrono::seconds timeout) {
  std::chrono::seconds limit = timeout;
  if (device.expires_in.count() > 0 && device.expires_in < limit) limit = device.expires_in;
  const int64_t deadline = clock->NowMillis() + std::chrono::duration_cast<std::chrono::milliseconds>(limit).count();
  std::chrono::seconds interval = device.interval;
  FormFields form = {{"grant_type", "device"}, {"client_id", settings.client_id}, {"code", device.device_code}};
  if (!settings.client_secret.empty()) form.emplace_back("client_secret", settings.client_secret);
  while (true) {
    clock->SleepFor(interval);
    if (clock->NowMillis() > deadline) {
      return Status(StatusCode::kDeadlineExceeded,
                    "the device login was not approved within " + std::to_string(limit.count()) +
                        " s: run `sfsync auth login --device JOB.yaml` again",
                    "auth.timeout");
    }
    StatusOr<Session> session = RequestToken(transport, clock, settings.login_url, "device", form);
    if (session.ok()) return session;
    const Status& status = session.status();
    if (status.reason() == "slow_down") {
      interval += std::chrono::seconds(5);
      SFSYNC_LOG(kDebug, "device flow: slow_down, polling every {} s from now on", interval.count());
    } else if (status.reason() != "authorization_pending" && status.code() != StatusCode::kUnavailable) {
      return status;
    }
  }
}

}  // namespace sfsync::salesforce
