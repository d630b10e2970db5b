#include "connectors/salesforce/oauth_token.h"

#include <nlohmann/json.hpp>

#include "connectors/salesforce/api_error.h"
#include "connectors/salesforce/oauth_errors.h"
#include "engine/core/log.h"
#include "engine/core/url.h"

namespace sfsync::salesforce {
namespace {

std::string_view TrimTrailingSlashes(std::string_view url) {
  while (!url.empty() && url.back() == '/') url.remove_suffix(1);
  return url;
}

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

std::string JsonText(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// issued_at is a string of epoch milliseconds (§1.3); accept a number too.
int64_t IssuedAtMillis(const nlohmann::json& object, int64_t fallback) {
  auto it = object.find("issued_at");
  if (it == object.end()) return fallback;
  if (it->is_number_integer()) return it->get<int64_t>();
  if (!it->is_string()) return fallback;
  const std::string& text = it->get_ref<const std::string&>();
  if (text.empty() || text.size() > 18) return fallback;
  int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return fallback;
    value = value * 10 + (c - '0');
  }
  return value;
}

}  // namespace

std::string FormEncode(const FormFields& fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out += '&';
    out += UrlEncode(name);
    out += '=';
    out += UrlEncode(value);
  }
  return out;
}

Status CheckSecureUrl(std::string_view url, std::string_view what) {
  const std::string_view host = UrlHost(url);
  if (StartsWith(url, "https://") && !host.empty()) return Status::Ok();
  if (StartsWith(url, "http://") && IsLoopbackHost(host)) return Status::Ok();
  return InvalidArgumentError(std::string(what) + " must be an https:// URL (plain http only to a loopback host), got '" +
                              std::string(url.substr(0, 100)) + "'");
}

StatusOr<Session> ParseTokenResponse(std::string_view body, int64_t now_millis) {
  nlohmann::json json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) return DataLossError("token response is not a JSON object");
  Session session;
  session.access_token = JsonText(json, "access_token");
  session.refresh_token = JsonText(json, "refresh_token");
  RegisterSecret(session.access_token);
  RegisterSecret(session.refresh_token);
  RegisterSecret(JsonText(json, "id_token"));
  if (session.access_token.empty()) return DataLossError("token response has no access_token");
  session.instance_url = std::string(TrimTrailingSlashes(JsonText(json, "instance_url")));
  if (session.instance_url.empty()) return DataLossError("token response has no instance_url");
  Status url_ok = CheckSecureUrl(session.instance_url, "instance_url in the token response");
  if (!url_ok.ok()) return DataLossError(url_ok.message());
  session.id_url = JsonText(json, "id");
  session.scope = JsonText(json, "scope");
  session.issued_at_millis = IssuedAtMillis(json, now_millis);
  return session;
}

StatusOr<Session> RequestToken(HttpTransport* transport, Clock* clock, std::string_view login_url,
                               std::string_view flow, const FormFields& form) {
  SFSYNC_RETURN_IF_ERROR(CheckSecureUrl(login_url, "login_url"));
  HttpRequest request;
  request.method = "POST";
  request.url = std::string(TrimTrailingSlashes(login_url)) + "/services/oauth2/token";
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}};
  request.body = FormEncode(form);
  const auto started = clock->Monotonic();
  StatusOr<HttpResponse> response = transport->Send(request);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(clock->Monotonic() - started).count();
  if (!response.ok()) {
    SFSYNC_LOG(kDebug, "POST {} ({} grant) failed after {} ms: {}", request.url, flow, ms,
               response.status().ToString());
    return response.status().Annotate("token endpoint " + request.url);
  }
  SFSYNC_LOG(kDebug, "POST {} ({} grant) -> {} ({} ms)", request.url, flow, response->status, ms);
  if (response->status != 200) return OAuthErrorStatus(response->status, response->body, flow);
  return ParseTokenResponse(response->body, clock->NowMillis());
}

}  // namespace sfsync::salesforce
