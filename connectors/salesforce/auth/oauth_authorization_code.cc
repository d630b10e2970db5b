// The code exchange of the authorization-code flow (protocol §1.4).
#include "connectors/salesforce/auth/oauth_flows.h"
#include "connectors/salesforce/auth/oauth_token.h"
#include "engine/core/log.h"

namespace sfsync::salesforce {

StatusOr<Session> AuthorizationCodeGrant(const OAuthSettings& settings, HttpTransport* transport, Clock* clock,
                                         const std::string& code, const std::string& code_verifier) {
  RegisterSecret(code);
  RegisterSecret(code_verifier);
  FormFields form = {{"grant_type", "authorization_code"},
                     {"code", code},
                     {"client_id", settings.client_id},
                     {"redirect_uri", settings.redirect_uri},
                     {"code_verifier", code_verifier}};
  // Not needed when the app has "Require secret for web server flow" off (a PKCE-only public client).
  if (!settings.client_secret.empty()) form.emplace_back("client_secret", settings.client_secret);
  return RequestToken(transport, clock, settings.login_url, "authorization_code", form);
}

}  // namespace sfsync::salesforce
