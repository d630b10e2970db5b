// Identity and token-management endpoints (protocol §1.11, §1.12): userinfo, the identity URL,
// introspection and revocation, plus the device flow's verification page.
//
// userinfo and the identity URL keep the recorded key sets and order (oauth2_userinfo.json,
// id_url_userinfo.json); their `urls` point at the instance (My Domain) with a literal
// `{version}` unless `?version=` fills it. A missing, expired or revoked token there is
// `403 Bad_OAuth_Token` as plain text (⚠), not the REST API's JSON array.
#include "tests/emulator/api/oauth_service.h"
#include "tests/emulator/api/rest_error.h"
#include "tests/emulator/json_writer.h"
#include "tests/emulator/salesforce_id.h"
#include "tests/emulator/time_util.h"

namespace sfsync::emulator {
namespace {

HttpResponse PlainText(int status, std::string text) {
  HttpResponse response;
  response.status = status;
  response.headers.Set("Content-Type", "text/plain;charset=UTF-8");
  response.body = std::move(text);
  return response;
}

// `yyyy-MM-ddTHH:mm:ssZ`: the identity endpoints' datetime form (INDEX.md quirks), not the
// REST API's `.000+0000`.
std::string IsoSecondsZ(int64_t epoch_ms) {
  std::string text = FormatDateTime(epoch_ms);  // 2024-05-01T10:00:00.000+0000
  return text.substr(0, 19) + "Z";
}

void WriteUrls(JsonWriter* json, const std::string& instance, const std::string& org_id15, const std::string& user_id,
               const std::string& version) {
  std::string data = instance + "/services/data/v" + version + "/";
  std::pair<const char*, std::string> urls[] = {
      {"enterprise", instance + "/services/Soap/c/" + version + "/" + org_id15},
      {"metadata", instance + "/services/Soap/m/" + version + "/" + org_id15},
      {"partner", instance + "/services/Soap/u/" + version + "/" + org_id15},
      {"rest", data},
      {"sobjects", data + "sobjects/"},
      {"search", data + "search/"},
      {"query", data + "query/"},
      {"recent", data + "recent/"},
      {"tooling_soap", instance + "/services/Soap/T/" + version + "/" + org_id15},
      {"tooling_rest", data + "tooling/"},
      {"profile", instance + "/" + user_id},
      {"feeds", data + "chatter/feeds"},
      {"groups", data + "chatter/groups"},
      {"users", data + "chatter/users"},
      {"feed_items", data + "chatter/feed-items"},
      {"feed_elements", data + "chatter/feed-elements"},
      {"custom_domain", instance},
  };
  json->BeginObject();
  for (const auto& [key, url] : urls) {
    json->Key(key);
    json->String(url);
  }
  json->EndObject();
}

void WritePhotos(JsonWriter* json, const std::string& instance) {
  json->BeginObject();
  json->Key("picture");
  json->String(instance + "/profilephoto/005/F");
  json->Key("thumbnail");
  json->String(instance + "/profilephoto/005/T");
  json->EndObject();
}

std::string VersionParam(const HttpRequest& request) {
  std::map<std::string, std::string> query = ParseForm(request.query);
  auto it = query.find("version");
  return it == query.end() || it->second.empty() ? "{version}" : it->second;
}

}  // namespace

std::optional<AccessSession> OAuthService::RequestSession(const HttpRequest& request) {
  std::optional<std::string> token = BearerToken(request.headers.Get("Authorization"));
  if (!token) {
    std::map<std::string, std::string> query = ParseForm(request.query);
    if (auto it = query.find("oauth_token"); it != query.end()) token = it->second;
  }
  if (!token) return std::nullopt;
  return tokens_.FindAccessToken(*token, clock_->NowMillis());
}

HttpResponse OAuthService::UserInfo(const HttpRequest& request) {
  std::optional<AccessSession> session = RequestSession(request);
  std::optional<OrgUser> user = session ? FindUserById(org_, session->grant.user_id) : std::nullopt;
  if (!user) return PlainText(403, "Bad_OAuth_Token");
  std::string instance = my_domain_url();
  std::string body;
  JsonWriter json(&body);
  json.BeginObject();
  json.Key("sub");
  json.String(IdentityUrl(user->id));
  json.Key("user_id");
  json.String(user->id);
  json.Key("organization_id");
  json.String(config_.org_id);
  json.Key("preferred_username");
  json.String(user->username);
  json.Key("nickname");
  json.String(user->username.substr(0, user->username.find('@')));
  json.Key("name");
  json.String(user->DisplayName());
  json.Key("email");
  json.String(user->email);
  json.Key("email_verified");
  json.Bool(true);
  json.Key("given_name");
  json.String(user->first_name);
  json.Key("family_name");
  json.String(user->last_name);
  json.Key("zoneinfo");
  json.String(user->time_zone);
  json.Key("photos");
  WritePhotos(&json, instance);
  json.Key("profile");
  json.String(instance + "/" + user->id);
  json.Key("picture");
  json.String(instance + "/profilephoto/005/F");
  json.Key("address");
  json.BeginObject();
  json.EndObject();
  json.Key("is_salesforce_integration_user");
  json.Bool(false);
  json.Key("urls");
  WriteUrls(&json, instance, config_.org_id.substr(0, 15), user->id, VersionParam(request));
  json.Key("active");
  json.Bool(user->active);
  json.Key("user_type");
  json.String("STANDARD");
  json.Key("language");
  json.String("en_US");
  json.Key("locale");
  json.String("en_US");
  json.Key("utcOffset");
  json.Int(user->UtcOffsetMillis());
  json.Key("updated_at");
  json.String(IsoSecondsZ(user->last_modified_ms));
  json.EndObject();
  return JsonResponse(200, std::move(body));
}

HttpResponse OAuthService::Identity(const HttpRequest& request) {
  std::optional<AccessSession> session = RequestSession(request);
  if (!session) return PlainText(403, "Bad_OAuth_Token");
  // /id/{orgId}/{userId}: a token reads its own user's identity only (⚠).
  std::string_view rest = std::string_view(request.path).substr(4);
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  size_t slash = rest.find('/');
  std::optional<std::string> org_id = NormalizeId(rest.substr(0, slash));
  std::optional<std::string> user_id =
      slash == std::string_view::npos ? std::nullopt : NormalizeId(rest.substr(slash + 1));
  if (!org_id || !user_id || *org_id != config_.org_id || *user_id != session->grant.user_id) {
    return PlainText(404, "Bad_Id");
  }
  std::optional<OrgUser> user = FindUserById(org_, *user_id);
  if (!user) return PlainText(404, "Bad_Id");

  std::string instance = my_domain_url();
  std::string body;
  JsonWriter json(&body);
  json.BeginObject();
  json.Key("id");
  json.String(IdentityUrl(user->id));
  json.Key("asserted_user");
  json.Bool(true);
  json.Key("user_id");
  json.String(user->id);
  json.Key("organization_id");
  json.String(config_.org_id);
  json.Key("username");
  json.String(user->username);
  json.Key("nick_name");
  json.String(user->username.substr(0, user->username.find('@')));
  json.Key("display_name");
  json.String(user->DisplayName());
  json.Key("email");
  json.String(user->email);
  json.Key("email_verified");
  json.Bool(true);
  json.Key("first_name");
  json.String(user->first_name);
  json.Key("last_name");
  json.String(user->last_name);
  json.Key("timezone");
  json.String(user->time_zone);
  json.Key("photos");
  WritePhotos(&json, instance);
  for (const char* key : {"addr_street", "addr_city", "addr_state", "addr_country", "addr_zip", "mobile_phone"}) {
    json.Key(key);
    json.Null();
  }
  json.Key("mobile_phone_verified");
  json.Bool(false);
  json.Key("is_lightning_login_user");
  json.Bool(false);
  json.Key("status");
  json.BeginObject();
  json.Key("created_date");
  json.Null();
  json.Key("body");
  json.Null();
  json.EndObject();
  json.Key("urls");
  WriteUrls(&json, instance, config_.org_id.substr(0, 15), user->id, VersionParam(request));
  json.Key("active");
  json.Bool(user->active);
  json.Key("user_type");
  json.String("STANDARD");
  json.Key("language");
  json.String("en_US");
  json.Key("locale");
  json.String("en_US");
  json.Key("utcOffset");
  json.Int(user->UtcOffsetMillis());
  json.Key("last_modified_date");
  json.String(IsoSecondsZ(user->last_modified_ms));
  json.Key("is_app_installed");
  json.Bool(true);
  json.EndObject();
  return JsonResponse(200, std::move(body));
}

HttpResponse OAuthService::Introspect(const HttpRequest& request) {
  if (request.method != "POST") return OAuthError("invalid_request", "must use HTTP POST");
  Params params = TokenParams(request);
  if (std::optional<HttpResponse> bad = CheckClient(params, /*secret_required=*/true)) return *bad;
  auto token = params.find("token");
  std::optional<TokenInfo> info =
      token == params.end() ? std::nullopt : tokens_.Inspect(token->second, clock_->NowMillis());
  std::optional<OrgUser> user = info ? FindUserById(org_, info->grant.user_id) : std::nullopt;
  std::string body;
  JsonWriter json(&body);
  json.BeginObject();
  json.Key("active");
  json.Bool(user.has_value());
  if (user) {
    json.Key("scope");
    json.String(info->grant.ScopeText());
    json.Key("client_id");
    json.String(info->grant.client_id);
    json.Key("username");
    json.String(user->username);
    json.Key("sub");
    json.String(IdentityUrl(user->id));
    json.Key("token_type");
    json.String(info->is_refresh_token ? "refresh_token" : "access_token");
    if (!info->is_refresh_token) {
      json.Key("exp");
      json.Int(info->expires_at_ms / 1000);
    }
    json.Key("iat");
    json.Int(info->issued_at_ms / 1000);
    json.Key("nbf");
    json.Int(info->issued_at_ms / 1000);
  }
  json.EndObject();
  return JsonResponse(200, std::move(body));
}

HttpResponse OAuthService::Revoke(const HttpRequest& request) {
  Params params = ParseForm(request.query);
  if (request.method == "POST") {
    for (auto& [name, value] : ParseForm(request.body)) params.emplace(name, value);
  }
  auto token = params.find("token");
  if (token == params.end() || !tokens_.Revoke(token->second)) {
    // Revoke errors are form-encoded, not JSON (jsforce parses them so, §1.11; codes ⚠).
    HttpResponse response;
    response.status = 400;
    response.headers.Set("Content-Type", "application/x-www-form-urlencoded");
    response.body = "error=invalid_token&error_description=invalid+token";
    return response;
  }
  HttpResponse response;
  response.status = 200;
  return response;
}

HttpResponse OAuthService::DeviceVerificationPage() const {
  HttpResponse response;
  response.headers.Set("Content-Type", "text/html;charset=UTF-8");
  response.body =
      "<html><head><title>Connect a device</title></head><body>\n"
      "<h1>Connect a device</h1>\n"
      "<p>The emulator has no login page. Approve the code shown by your device with:</p>\n"
      "<pre>curl -X POST " +
      login_url() +
      "/__emulator/oauth/device \\\n"
      "  -d '{\"user_code\":\"CODE\",\"action\":\"approve\"}'</pre>\n"
      "</body></html>\n";
  return response;
}

}  // namespace sfsync::emulator
