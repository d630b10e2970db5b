#include "connectors/salesforce/auth/oauth_token.h"

#include <nlohmann/json.hpp>

#include "connectors/salesforce/http/api_error.h"
#include "connectors/salesforce/auth/jwt_assertion.h"
#include "connectors/salesforce/auth/oauth_errors.h"
#include "engine/core/log.h"
#include "engine/core/time_format.h"
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

// Registers every credential in a 200 answer before any of it can reach a log line.
void RegisterResponseSecrets(std::string_view body) {
  nlohmann::json json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) return;
  for (const char* key : {"access_token", "refresh_token", "id_token", "device_code"}) {
    RegisterSecret(JsonText(json, key));
  }
}

// This machine's clock minus the server's, in seconds, from the answer's Date header (0 without
// one). Date has whole seconds and the request took a moment: the skew is known to about a second.
int64_t ClockSkewSeconds(const HttpResponse& response, Clock* clock) {
  const std::string* date = response.Header("Date");
  if (date == nullptr) return 0;
  StatusOr<int64_t> server_millis = ParseHttpDate(*date);
  return server_millis.ok() ? (clock->NowMillis() - *server_millis) / 1000 : 0;
}

// "this machine's clock is 42 s behind the server's (Date header)"
std::string DescribeSkew(int64_t skew_seconds) {
  if (skew_seconds == 0) return "this machine's clock agrees with the server's (Date header) to the second";
  return "this machine's clock is " + std::to_string(skew_seconds < 0 ? -skew_seconds : skew_seconds) + " s " +
         (skew_seconds < 0 ? "behind" : "ahead of") + " the server's (Date header)";
}

// A JWT refused for its exp is a clock problem: say by how much the clocks differ. An assertion
// from a clock far enough ahead has an exp beyond the 3 minutes Salesforce allows, which it reports
// as "invalid assertion", like a bad signature: the measured skew tells the two apart.
Status ExplainRefusal(Status refused, const HttpResponse& response, Clock* clock, std::string_view flow) {
  if (flow != "jwt_bearer" || response.Header("Date") == nullptr) return refused;
  const int64_t skew = ClockSkewSeconds(response, clock);
  if (refused.reason() == "auth.clock_skew") {
    return Status(refused.code(), refused.message() + "; " + DescribeSkew(skew), refused.reason());
  }
  if (refused.reason() == "auth.jwt_signature" && skew > kJwtMaxExpAheadSeconds - kJwtLifetimeSeconds) {
    return Status(refused.code(),
                  "JWT rejected (invalid_grant: invalid assertion) while " + DescribeSkew(skew) +
                      ": by the server's clock the assertion's exp lies more than 3 minutes ahead; check this "
                      "machine's clock is in sync (NTP)",
                  "auth.clock_skew");
  }
  return refused;
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

std::string JoinScopes(const std::vector<std::string>& scopes) {
  std::string out;
  for (const std::string& scope : scopes) out += (out.empty() ? "" : " ") + scope;
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
  session.received_at_millis = now_millis;
  return session;
}

StatusOr<std::string> PostToTokenEndpoint(HttpTransport* transport, Clock* clock, std::string_view login_url,
                                          std::string_view flow, const FormFields& form) {
  SFSYNC_RETURN_IF_ERROR(CheckSecureUrl(login_url, "login_url"));
  HttpRequest request;
  request.method = "POST";
  request.url = std::string(TrimTrailingSlashes(login_url)) + "/services/oauth2/token";
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}};
  request.body = FormEncode(form);
  // The body holds the grant's secrets: this line relies on log.h's redaction of keyed values.
  SFSYNC_LOG(kTrace, "POST {} body: {}", request.url, request.body);
  const auto started = clock->Monotonic();
  StatusOr<HttpResponse> response = transport->Send(request);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(clock->Monotonic() - started).count();
  if (!response.ok()) {
    SFSYNC_LOG(kDebug, "POST {} ({} grant) failed after {} ms: {}", request.url, flow, ms,
               response.status().ToString());
    return response.status().Annotate("token endpoint " + request.url);
  }
  SFSYNC_LOG(kDebug, "POST {} ({} grant) -> {} ({} ms)", request.url, flow, response->status, ms);
  if (response->status == 200) RegisterResponseSecrets(response->body);
  SFSYNC_LOG(kTrace, "token endpoint answer: {}", response->body);
  if (response->status == 200) return std::move(response->body);
  return ExplainRefusal(OAuthErrorStatus(response->status, response->body, flow), *response, clock, flow);
}

StatusOr<Session> RequestToken(HttpTransport* transport, Clock* clock, std::string_view login_url,
                               std::string_view flow, const FormFields& form) {
  SFSYNC_ASSIGN_OR_RETURN(std::string body, PostToTokenEndpoint(transport, clock, login_url, flow, form));
  return ParseTokenResponse(body, clock->NowMillis());
}

Status CheckApiScope(const Session& session) {
  if (session.scope.empty()) return Status::Ok();
  std::string_view scopes = session.scope;
  while (!scopes.empty()) {
    const size_t space = scopes.find(' ');
    const std::string_view scope = scopes.substr(0, space);
    if (scope == "api" || scope == "full") return Status::Ok();
    scopes.remove_prefix(space == std::string_view::npos ? scopes.size() : space + 1);
  }
  return Status(StatusCode::kUnauthenticated,
                "token lacks the api scope (granted: " + TextSnippet(session.scope, 200) +
                    "): add 'Manage user data via APIs (api)' to the External Client App's OAuth scopes, and "
                    "api to the job's scopes",
                "auth.scope");
}

Status RevokeToken(HttpTransport* transport, std::string_view login_url, const std::string& token) {
  SFSYNC_RETURN_IF_ERROR(CheckSecureUrl(login_url, "login_url"));
  HttpRequest request;
  request.method = "POST";
  request.url = std::string(TrimTrailingSlashes(login_url)) + "/services/oauth2/revoke";
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  request.body = FormEncode({{"token", token}});
  StatusOr<HttpResponse> response = transport->Send(request);
  if (!response.ok()) return response.status().Annotate("revoke endpoint " + request.url);
  SFSYNC_LOG(kDebug, "POST {} -> {}", request.url, response->status);
  if (response->status == 200) return Status::Ok();
  if (response->status == 400) {
    SFSYNC_LOG(kInfo, "Salesforce says the token was already invalid: nothing left to revoke");
    return Status::Ok();
  }
  return OAuthErrorStatus(response->status, response->body, "revoke").Annotate("revoking the token");
}

}  // namespace sfsync::salesforce
