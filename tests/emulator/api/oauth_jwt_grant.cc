// The JWT bearer grant (protocol §1.6). The checks run in this order, each with the error the
// §1.6 table gives:
//   1. three base64url segments, JSON header and claims         else "invalid assertion"
//   2. `iss` is the app's client id                             else invalid_client_id
//   3. header `alg` RS256, signature valid for --jwt-cert       else "invalid assertion"
//   4. `aud` is a login host Salesforce accepts                 else "Audience validation failed"
//   5. `exp` (number or numeric string, seconds) in the future  else "expired authorization code"
//      and at most --jwt-max-exp-ahead seconds ahead (⚠)        else "invalid assertion"
//   6. `prn` (wins) or `sub` names a user of the org, active,
//      and pre-authorized for the app (--jwt-preauthorized)     else "user hasn't approved this consumer"
// No client secret, and no refresh token in the response.
#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "tests/emulator/api/oauth_service.h"

namespace sfsync::emulator {
namespace {

using Json = nlohmann::json;

std::optional<Json> DecodeSegment(std::string_view segment) {
  std::optional<std::string> text = Base64UrlDecode(segment);
  if (!text) return std::nullopt;
  Json json = Json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) return std::nullopt;
  return json;
}

// `exp` as a JSON number or a numeric string (simple-salesforce sends a string).
std::optional<int64_t> Seconds(const Json& value) {
  if (value.is_number_integer()) return value.get<int64_t>();
  if (value.is_number_float()) return static_cast<int64_t>(value.get<double>());
  if (!value.is_string()) return std::nullopt;
  const std::string& text = value.get_ref<const std::string&>();
  int64_t seconds = 0;
  auto parsed = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (parsed.ec != std::errc() || parsed.ptr != text.data() + text.size()) return std::nullopt;
  return seconds;
}

std::string StringClaim(const Json& claims, const char* name) {
  auto it = claims.find(name);
  return it != claims.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

HttpResponse OAuthService::JwtBearerGrant(const Params& params) {
  auto assertion_param = params.find("assertion");
  const std::string assertion = assertion_param == params.end() ? "" : assertion_param->second;
  HttpResponse invalid_assertion = OAuthError("invalid_grant", "invalid assertion");

  size_t first_dot = assertion.find('.');
  size_t second_dot = first_dot == std::string::npos ? first_dot : assertion.find('.', first_dot + 1);
  if (second_dot == std::string::npos || assertion.find('.', second_dot + 1) != std::string::npos) {
    return invalid_assertion;
  }
  std::optional<Json> header = DecodeSegment(assertion.substr(0, first_dot));
  std::optional<Json> claims = DecodeSegment(assertion.substr(first_dot + 1, second_dot - first_dot - 1));
  std::optional<std::string> signature = Base64UrlDecode(assertion.substr(second_dot + 1));
  if (!header || !claims || !signature) return invalid_assertion;

  if (StringClaim(*claims, "iss") != config_.client_id) {
    return OAuthError("invalid_client_id", "client identifier invalid");
  }
  if (StringClaim(*header, "alg") != "RS256" || !jwt_verifier_ ||
      !jwt_verifier_->Verify(assertion.substr(0, second_dot), *signature)) {
    return invalid_assertion;
  }

  std::string audience = StringClaim(*claims, "aud");
  std::vector<std::string> audiences = {"https://login.salesforce.com", "https://test.salesforce.com", login_url(),
                                        my_domain_url()};
  if (std::find(audiences.begin(), audiences.end(), audience) == audiences.end()) {
    return OAuthError("invalid_grant", "Audience validation failed");
  }

  std::optional<int64_t> exp = claims->contains("exp") ? Seconds((*claims)["exp"]) : std::nullopt;
  if (!exp) return invalid_assertion;
  int64_t now_s = clock_->NowMillis() / 1000;
  if (*exp <= now_s) return OAuthError("invalid_grant", "expired authorization code");
  if (config_.jwt_max_exp_ahead_s > 0 && *exp > now_s + config_.jwt_max_exp_ahead_s) return invalid_assertion;

  std::string username = StringClaim(*claims, "prn");
  if (username.empty()) username = StringClaim(*claims, "sub");
  std::optional<OrgUser> user = FindUserByUsername(org_, username);
  bool preauthorized =
      user && (config_.jwt_preauthorized.empty()
                   ? user->id == config_.user_id
                   : std::any_of(config_.jwt_preauthorized.begin(), config_.jwt_preauthorized.end(),
                                 [&](const std::string& name) { return EqualsIgnoreCase(name, user->username); }));
  if (!preauthorized || !user->active) {
    return OAuthError("invalid_grant", "user hasn't approved this consumer");
  }

  Grant grant{user->id, config_.client_id, {}};
  for (const std::string& scope : config_.app_scopes) {
    if (scope != "refresh_token" && scope != "offline_access") grant.scopes.push_back(scope);
  }
  Issued issued = IssueTokens(grant, /*with_refresh=*/false, /*with_id_token=*/false, "");
  issued.signed_response = false;  // §1.6 samples carry neither signature nor issued_at (⚠)
  return TokenResponse(issued);
}

}  // namespace sfsync::emulator
