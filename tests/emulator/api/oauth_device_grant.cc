// The device flow (protocol §1.8). A device code moves through:
//
//   pending --(admin approve)--> approved --(poll)--> redeemed (erased; tokens issued)
//      |  \--(admin deny)-----> denied   --(poll)--> access_denied
//      \--(--device-code-ttl passes)--> expired_token on the next poll (⚠)
//
// While pending, a poll answers authorization_pending, or slow_down when it comes less than
// --device-interval seconds of emulator time after the previous poll (⚠: the RFC 8628
// behaviour; the required interval does not grow).
#include "tests/emulator/api/oauth_service.h"
#include "tests/emulator/json_writer.h"

namespace sfsync::emulator {
namespace {

std::string UserCode() {
  // Eight capital letters, like Salesforce's sample `RNEBRNVB`.
  std::string random = RandomToken("", 8);
  std::string code;
  for (char c : random) code.push_back(static_cast<char>('A' + static_cast<unsigned char>(c) % 26));
  return code;
}

}  // namespace

HttpResponse OAuthService::DeviceAuthorization(const Params& params) {
  auto client_id = params.find("client_id");
  if (client_id == params.end() || client_id->second != config_.client_id) {
    return OAuthError("invalid_client_id", "client identifier invalid");
  }
  auto scope = params.find("scope");
  std::optional<std::vector<std::string>> scopes = GrantedScopes(scope == params.end() ? "" : scope->second);
  if (!scopes) return OAuthError("invalid_scope", "the requested scope is not allowed");

  std::string device_code = Base64Encode(RandomToken("", 36));
  std::string user_code = UserCode();
  {
    std::lock_guard<std::mutex> lock(mu_);
    int64_t now = clock_->NowMillis();
    std::erase_if(devices_, [&](const auto& entry) { return entry.second.expires_at_ms <= now; });
    devices_[device_code] = DeviceCode{user_code, Grant{"", config_.client_id, *scopes}, DeviceStatus::kPending,
                                       now + config_.device_code_ttl_s * 1000, -1};
  }
  std::string body;
  JsonWriter json(&body);
  json.BeginObject();
  json.Key("device_code");
  json.String(device_code);
  json.Key("user_code");
  json.String(user_code);
  json.Key("verification_uri");
  json.String(login_url() + "/setup/connect");
  json.Key("interval");
  json.Int(config_.device_interval_s);
  json.EndObject();
  HttpResponse response = JsonResponse(200, std::move(body));
  response.headers.Set("Cache-Control", "no-cache, no-store");
  return response;
}

HttpResponse OAuthService::DeviceGrant(const Params& params) {
  if (std::optional<HttpResponse> bad = CheckClient(params, /*secret_required=*/false)) return *bad;
  auto code_param = params.find("code");
  std::optional<Grant> approved;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = code_param == params.end() ? devices_.end() : devices_.find(code_param->second);
    if (it == devices_.end()) return OAuthError("invalid_grant", "invalid device code");
    DeviceCode& device = it->second;
    int64_t now = clock_->NowMillis();
    if (device.expires_at_ms <= now) {
      devices_.erase(it);
      return OAuthError("expired_token", "the device code has expired");
    }
    if (device.status == DeviceStatus::kDenied) {
      devices_.erase(it);
      return OAuthError("access_denied", "end-user denied authorization");
    }
    if (device.status == DeviceStatus::kPending) {
      bool too_soon = config_.device_interval_s > 0 && device.last_poll_ms >= 0 &&
                      now - device.last_poll_ms < config_.device_interval_s * 1000;
      device.last_poll_ms = now;
      if (too_soon) return OAuthError("slow_down", "polling too frequently");
      return OAuthError("authorization_pending", "authorization pending");
    }
    approved = device.grant;
    devices_.erase(it);
  }
  return TokenResponse(IssueTokens(*approved, /*with_refresh=*/true, /*with_id_token=*/true, ""));
}

OAuthService::DeviceDecision OAuthService::DecideDeviceCode(const std::string& user_code, bool approve,
                                                            const std::string& username) {
  std::optional<OrgUser> user;
  if (approve) {
    user = AuthorizeUser(username);
    if (!user || !user->active) return DeviceDecision::kNoSuchUser;
  }
  std::lock_guard<std::mutex> lock(mu_);
  int64_t now = clock_->NowMillis();
  for (auto& [device_code, device] : devices_) {
    if (device.user_code != user_code || device.status != DeviceStatus::kPending || device.expires_at_ms <= now) {
      continue;
    }
    device.status = approve ? DeviceStatus::kApproved : DeviceStatus::kDenied;
    if (approve) device.grant.user_id = user->id;
    return DeviceDecision::kDone;
  }
  return DeviceDecision::kNoSuchCode;
}

std::string OAuthService::DeviceCodesJson() {
  std::lock_guard<std::mutex> lock(mu_);
  int64_t now = clock_->NowMillis();
  std::string body;
  JsonWriter json(&body);
  json.BeginArray();
  for (const auto& [device_code, device] : devices_) {
    if (device.expires_at_ms <= now) continue;
    json.BeginObject();
    json.Key("user_code");
    json.String(device.user_code);
    json.Key("status");
    json.String(device.status == DeviceStatus::kPending    ? "pending"
                : device.status == DeviceStatus::kApproved ? "approved"
                                                           : "denied");
    json.Key("scope");
    json.String(device.grant.ScopeText());
    json.EndObject();
  }
  json.EndArray();
  return body;
}

}  // namespace sfsync::emulator
