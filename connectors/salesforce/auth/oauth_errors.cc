#include "connectors/salesforce/auth/oauth_errors.h"

#include <nlohmann/json.hpp>

#include <string>

#include "connectors/salesforce/http/api_error.h"
#include "connectors/salesforce/http/http_transport.h"

namespace sfsync::salesforce {
namespace {

struct OAuthError {
  std::string error;
  std::string description;
};

// JSON object in any key order (§1.10); revoke answers form-encoded (§1.11).
OAuthError ParseOAuthError(std::string_view body) {
  OAuthError out;
  nlohmann::json json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!json.is_discarded()) {
    if (json.is_object()) {
      auto error = json.find("error");
      auto description = json.find("error_description");
      if (error != json.end() && error->is_string()) out.error = error->get<std::string>();
      if (description != json.end() && description->is_string()) out.description = description->get<std::string>();
    }
    return out;
  }
  if (body.find("error=") == std::string_view::npos || body.find('<') != std::string_view::npos) return out;
  while (!body.empty()) {
    size_t amp = body.find('&');
    std::string_view pair = body.substr(0, amp);
    body.remove_prefix(amp == std::string_view::npos ? body.size() : amp + 1);
    size_t eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view key = pair.substr(0, eq);
    if (key == "error") out.error = UrlDecode(pair.substr(eq + 1));
    if (key == "error_description") out.description = UrlDecode(pair.substr(eq + 1));
  }
  return out;
}

bool Contains(const std::string& lower_text, std::string_view needle) {
  return lower_text.find(needle) != std::string::npos;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

struct Diagnosis {
  std::string reason;  // empty: use the OAuth error itself
  std::string cause;
  std::string fix;
  StatusCode code = StatusCode::kUnauthenticated;
};

constexpr std::string_view kLoginAgain = "run `sfsync auth login JOB.yaml` again";

Diagnosis NotApproved(std::string_view flow) {
  if (flow == "jwt_bearer" || flow == "client_credentials") {
    return {"auth.not_approved", "user is not pre-authorized for the app",
            "in the External Client App's policies set Permitted Users to 'Admin approved users are "
            "pre-authorized' and assign the user's profile or a permission set"};
  }
  return {"auth.not_approved", "user has not approved the app",
          std::string(kLoginAgain) + " to approve it, or pre-authorize the user in the app's policies"};
}

Diagnosis RedirectMismatch() {
  return {"auth.redirect_uri_mismatch", "redirect URI not registered on the app",
          "add the callback URL to the External Client App, or set redirect_uri to a registered one"};
}

Diagnosis InvalidGrant(const std::string& d, std::string_view flow) {
  if (Contains(d, "expired access/refresh token")) {
    return {"auth.grant_expired", "refresh token expired or revoked",
            std::string(kLoginAgain) + ", or check the app's refresh token policy"};
  }
  if (Contains(d, "approve")) return NotApproved(flow);
  if (Contains(d, "invalid assertion")) {
    return {"auth.jwt_signature", "JWT assertion rejected",
            "the certificate uploaded to the External Client App must match private_key_file, and "
            "username must be the integration user's Salesforce username"};
  }
  if (Contains(d, "audience")) {
    return {"auth.jwt_audience", "JWT audience rejected",
            "set login_url to https://login.salesforce.com (production), https://test.salesforce.com "
            "(sandbox) or the org's My Domain URL"};
  }
  if (Contains(d, "expired authorization code")) {
    if (flow == "jwt_bearer") {
      return {"auth.clock_skew", "JWT expiry rejected",
              "check this machine's clock is in sync (NTP): Salesforce takes an assertion only until its exp"};
    }
    return {"auth.grant_expired", "authorization code expired or already used",
            std::string(kLoginAgain) + " and finish the login within 15 minutes"};
  }
  if (Contains(d, "not supported on this domain")) {
    return {"auth.domain", "client credentials flow needs the org's My Domain",
            "set login_url to https://YOUR-DOMAIN.my.salesforce.com"};
  }
  if (Contains(d, "redirect_uri")) return RedirectMismatch();
  if (Contains(d, "code verifier")) return {"", "PKCE code verifier rejected", std::string(kLoginAgain)};
  if (Contains(d, "authentication failure")) {
    return {"", "user authentication failed", "check the user's Login History in Setup for the cause"};
  }
  if (Contains(d, "client credentials user")) {
    return {"", "no Run As user for the client credentials flow",
            "set a Run As user in the External Client App's client credentials settings"};
  }
  if (Contains(d, "inactive") || Contains(d, "frozen")) {
    return {"", "user is inactive or frozen", "reactivate or unfreeze the integration user"};
  }
  return {"", "grant rejected", "check the External Client App's OAuth policies and the integration user"};
}

Diagnosis Diagnose(const std::string& error, const std::string& d, std::string_view flow) {
  if (error == "invalid_client_id") {
    return {"auth.invalid_client_id", "unknown client id",
            "set client_id to the External Client App's consumer key (a new or edited app can take a "
            "few minutes to become active)"};
  }
  if (error == "invalid_client") {
    return {"auth.invalid_client_secret", "client credentials rejected",
            "set client_secret to the External Client App's consumer secret"};
  }
  if (error == "redirect_uri_mismatch") return RedirectMismatch();
  if (error == "invalid_scope" || (error != "invalid_grant" && Contains(d, "scope"))) {
    return {"auth.scope", "scope not allowed",
            "add the scopes the job needs (api, refresh_token) to the External Client App's OAuth scopes"};
  }
  if (error == "invalid_app_access") return NotApproved(flow);
  // The browser callback spells it access-denied in the web-server flow (§1.4); RFC 8628 for device.
  if (error == "access_denied" || error == "access-denied") {
    return {"auth.not_approved", "the user denied the app access",
            std::string(kLoginAgain) + " and choose Allow, or pre-authorize the user in the app's policies"};
  }
  if (error == "expired_token") {
    return {"auth.grant_expired", "the device code expired before the login was approved",
            std::string(kLoginAgain) + " and approve it sooner"};
  }
  if (error == "invalid_grant") return InvalidGrant(d, flow);
  if (error == "unsupported_grant_type") {
    return {"", "grant type not enabled",
            "enable the flow (e.g. 'Enable JWT Bearer Flow' or 'Enable Client Credentials Flow') on the "
            "External Client App"};
  }
  if (error == "inactive_user") return {"", "user is inactive or frozen", "reactivate or unfreeze the user"};
  if (error == "inactive_org") return {"", "org is inactive", "check the org's status with its administrator"};
  if (error == "rate_limit_exceeded") {
    return {"", "too many token requests", "wait a few minutes before trying again", StatusCode::kUnavailable};
  }
  return {"", "token request rejected", "check the job's auth settings and the External Client App"};
}

}  // namespace

Status OAuthErrorStatus(int http_status, std::string_view body, std::string_view flow) {
  OAuthError parsed = ParseOAuthError(body);
  if (parsed.error.empty()) {
    std::string message = "token endpoint answered HTTP " + std::to_string(http_status);
    std::string_view phrase = ReasonPhrase(http_status);
    if (!phrase.empty()) message += " " + std::string(phrase);
    std::string snippet = TextSnippet(body);
    if (!snippet.empty()) message += ": " + snippet;
    const bool transient = http_status >= 500 || http_status == 406 || http_status == 420 || http_status == 429;
    if (transient) return UnavailableError(std::move(message));
    return UnauthenticatedError(message + " (check login_url)");
  }
  Diagnosis diagnosis = Diagnose(parsed.error, Lower(parsed.description), flow);
  std::string message = diagnosis.cause + " (" + TextSnippet(parsed.error, 60);
  if (!parsed.description.empty()) message += ": " + TextSnippet(parsed.description, 200);
  message += "): " + diagnosis.fix;
  if (http_status >= 500 && diagnosis.code == StatusCode::kUnauthenticated) diagnosis.code = StatusCode::kUnavailable;
  return Status(diagnosis.code, std::move(message), diagnosis.reason.empty() ? parsed.error : diagnosis.reason);
}

}  // namespace sfsync::salesforce
