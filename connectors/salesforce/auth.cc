#include "connectors/salesforce/auth.h"

#include "connectors/salesforce/oauth_flows.h"
#include "connectors/salesforce/oauth_token.h"
#include "engine/core/log.h"

namespace sfsync::salesforce {

StatusOr<std::unique_ptr<TokenProvider>> NewTokenProvider(const OAuthSettings& settings, HttpTransport* transport,
                                                          Clock* clock) {
  RegisterSecret(settings.client_secret);
  RegisterSecret(settings.refresh_token);
  RegisterSecret(settings.private_key_passphrase);
  SFSYNC_RETURN_IF_ERROR(CheckSecureUrl(settings.login_url, "login_url"));
  if (settings.flow == "refresh_token") return NewRefreshTokenProvider(settings, transport, clock);
  if (settings.flow == "jwt_bearer" || settings.flow == "client_credentials" ||
      settings.flow == "authorization_code" || settings.flow == "device") {
    return UnimplementedError("OAuth flow '" + settings.flow + "' is not implemented yet; use refresh_token");
  }
  return InvalidArgumentError("unknown OAuth flow '" + settings.flow +
                              "' (expected jwt_bearer, refresh_token, client_credentials, authorization_code or device)");
}

}  // namespace sfsync::salesforce
