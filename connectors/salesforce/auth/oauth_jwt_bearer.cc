// The JWT bearer grant (protocol §1.6).
#include "connectors/salesforce/auth/oauth_flows.h"
#include "connectors/salesforce/auth/oauth_token.h"
#include "engine/core/log.h"

namespace sfsync::salesforce {

StatusOr<JwtBearerGrant> JwtBearerGrant::Create(const OAuthSettings& settings, HttpTransport* transport, Clock* clock) {
  if (settings.username.empty()) return InvalidArgumentError("jwt_bearer flow: username is required");
  SFSYNC_ASSIGN_OR_RETURN(RsaPrivateKey key,
                          RsaPrivateKey::LoadPemFile(settings.private_key_file, settings.private_key_passphrase));
  return JwtBearerGrant(settings, transport, clock, std::move(key));
}

StatusOr<Session> JwtBearerGrant::operator()() const {
  JwtClaims claims;
  claims.issuer = settings_.client_id;
  claims.subject = settings_.username;
  std::string audience = settings_.login_url;
  while (!audience.empty() && audience.back() == '/') audience.pop_back();
  claims.audience = audience;
  claims.expires_at_seconds = clock_->NowMillis() / 1000 + kJwtLifetimeSeconds;
  SFSYNC_ASSIGN_OR_RETURN(std::string assertion, MakeJwtAssertion(claims, key_));
  RegisterSecret(assertion);
  return RequestToken(transport_, clock_, settings_.login_url, settings_.flow,
                      {{"grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"}, {"assertion", assertion}});
}

}  // namespace sfsync::salesforce
