// The refresh-token flow (protocol §1.5).
#include "connectors/salesforce/oauth_flows.h"
#include "connectors/salesforce/oauth_token.h"
#include "connectors/salesforce/session_cache.h"
#include "engine/core/log.h"

namespace sfsync::salesforce {
namespace {

// The grant function of the flow. SessionCache serializes calls, so refresh_token_ needs no lock.
class RefreshTokenGrant {
 public:
  RefreshTokenGrant(const OAuthSettings& settings, HttpTransport* transport, Clock* clock)
      : settings_(settings), transport_(transport), clock_(clock), refresh_token_(settings.refresh_token) {}

  StatusOr<Session> operator()() {
    FormFields form = {{"grant_type", "refresh_token"},
                       {"refresh_token", refresh_token_},
                       {"client_id", settings_.client_id}};
    // Optional when the app does not require a secret for the refresh flow.
    if (!settings_.client_secret.empty()) form.emplace_back("client_secret", settings_.client_secret);
    SFSYNC_ASSIGN_OR_RETURN(Session session,
                            RequestToken(transport_, clock_, settings_.login_url, settings_.flow, form));
    // With rotation on, the answer carries a new refresh token and the old one is dead already.
    if (!session.refresh_token.empty() && session.refresh_token != refresh_token_) {
      refresh_token_ = session.refresh_token;
      SFSYNC_LOG(kInfo, "Salesforce rotated the refresh token; using the new one from now on");
      if (settings_.on_refresh_token_rotated) settings_.on_refresh_token_rotated(refresh_token_);
    }
    return session;
  }

 private:
  const OAuthSettings settings_;
  HttpTransport* const transport_;
  Clock* const clock_;
  std::string refresh_token_;
};

}  // namespace

StatusOr<std::unique_ptr<TokenProvider>> NewRefreshTokenProvider(const OAuthSettings& settings,
                                                                 HttpTransport* transport, Clock* clock) {
  if (settings.client_id.empty()) return InvalidArgumentError("refresh_token flow: client_id is required");
  if (settings.refresh_token.empty()) {
    return Status(StatusCode::kFailedPrecondition,
                  "refresh_token flow: no refresh token yet: run `sfsync auth login JOB.yaml` first");
  }
  std::unique_ptr<TokenProvider> provider = std::make_unique<SessionCache>(
      RefreshTokenGrant(settings, transport, clock), clock, settings.session_timeout_seconds);
  return provider;
}

}  // namespace sfsync::salesforce
