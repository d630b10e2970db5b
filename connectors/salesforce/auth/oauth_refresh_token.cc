// The refresh-token grant (protocol §1.5), also how the authorization_code and device flows renew.
#include "connectors/salesforce/auth/oauth_flows.h"
#include "connectors/salesforce/auth/oauth_token.h"

namespace sfsync::salesforce {

StatusOr<Session> RefreshTokenGrant(const OAuthSettings& settings, HttpTransport* transport, Clock* clock,
                                    const std::string& refresh_token) {
  FormFields form = {
      {"grant_type", "refresh_token"}, {"refresh_token", refresh_token}, {"client_id", settings.client_id}};
  // Optional when the app does not require a secret for the refresh flow.
  if (!settings.client_secret.empty()) form.emplace_back("client_secret", settings.client_secret);
  return RequestToken(transport, clock, settings.login_url, settings.flow, form);
}

}  // namespace sfsync::salesforce
