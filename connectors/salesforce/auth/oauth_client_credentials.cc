// The client-credentials grant (protocol §1.7). Salesforce answers it only on the org's My Domain
// ("request not supported on this domain" elsewhere, which oauth_errors.cc explains); the token
// runs as the app's Run As user.
#include "connectors/salesforce/auth/oauth_flows.h"
#include "connectors/salesforce/auth/oauth_token.h"

namespace sfsync::salesforce {

StatusOr<Session> ClientCredentialsGrant(const OAuthSettings& settings, HttpTransport* transport, Clock* clock) {
  return RequestToken(transport, clock, settings.login_url, settings.flow,
                      {{"grant_type", "client_credentials"},
                       {"client_id", settings.client_id},
                       {"client_secret", settings.client_secret}});
}

}  // namespace sfsync::salesforce
