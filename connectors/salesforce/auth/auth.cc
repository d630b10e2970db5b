// NewTokenProvider: a flow's grant (oauth_flows.h) + the token store (token_store.h) + SessionCache
// (session_cache.h). The grant SessionCache calls, per new session:
//
//   lock the store -> [refresh flows] adopt a refresh token another process rotated meanwhile ->
//   grant -> check the api scope -> [refresh flows] keep a rotated refresh token -> save -> unlock
//
// SessionCache serializes grants within the process; the store's lock serializes them across
// processes sharing one connection, so a rotated refresh token is never sent twice (which would
// revoke the whole token family, §1.5). A store that cannot be locked stops the refresh flows (they
// must not lose a rotation); the others only lose the cache.
#include "connectors/salesforce/auth/auth.h"

#include <functional>
#include <optional>

#include "connectors/salesforce/auth/oauth_flows.h"
#include "connectors/salesforce/auth/oauth_token.h"
#include "connectors/salesforce/auth/session_cache.h"
#include "connectors/salesforce/auth/token_store.h"
#include "engine/core/log.h"

namespace sfsync::salesforce {
namespace {

bool RenewsWithRefreshToken(const std::string& flow) {
  return flow == "refresh_token" || flow == "authorization_code" || flow == "device";
}

class StoredGrant {
 public:
  using FlowGrant = std::function<StatusOr<Session>()>;

  // `flow_grant` is used by flows without a refresh token; refresh flows start from `refresh_token`.
  StoredGrant(const OAuthSettings& settings, HttpTransport* transport, Clock* clock, FlowGrant flow_grant,
              std::string refresh_token)
      : settings_(settings),
        transport_(transport),
        clock_(clock),
        flow_grant_(std::move(flow_grant)),
        refresh_token_(std::move(refresh_token)) {
    if (!settings_.state_dir.empty()) store_.emplace(settings_);
    if (settings_.flow == "refresh_token") origin_ = Sha256Hex(settings_.refresh_token);
  }

  // The stored record; none when (refresh_token flow) it descends from another refresh_token than
  // the job's, i.e. the job's token was changed since.
  static StatusOr<std::optional<StoredTokens>> LoadUsable(const TokenStore& store, const OAuthSettings& settings) {
    SFSYNC_ASSIGN_OR_RETURN(std::optional<StoredTokens> stored, store.Load());
    if (stored && settings.flow == "refresh_token" &&
        stored->refresh_token_origin != Sha256Hex(settings.refresh_token)) {
      SFSYNC_LOG(kDebug, "the job's refresh_token changed since {} was written: starting from the job's", store.path());
      return std::optional<StoredTokens>();
    }
    return stored;
  }

  StatusOr<Session> operator()() {
    std::unique_ptr<TokenStoreLock> lock;
    bool use_store = store_.has_value();
    if (use_store) {
      StatusOr<std::unique_ptr<TokenStoreLock>> locked = store_->Lock();
      if (!locked.ok() && RenewsWithRefreshToken(settings_.flow)) return locked.status();
      if (!locked.ok()) {
        // Flows without a refresh token lose nothing but the cache (a read-only home under cron).
        SFSYNC_LOG(kWarn, "{}; the session is not cached", locked.status().message());
        use_store = false;
      } else {
        lock = std::move(*locked);
      }
    }
    if (use_store && RenewsWithRefreshToken(settings_.flow)) {
      SFSYNC_ASSIGN_OR_RETURN(std::optional<StoredTokens> stored, LoadUsable(*store_, settings_));
      if (stored && !stored->refresh_token.empty() && stored->refresh_token != refresh_token_) {
        SFSYNC_LOG(kInfo, "using the refresh token another sfsync process stored in {}", store_->path());
        refresh_token_ = stored->refresh_token;
      }
    }
    StatusOr<Session> granted = RenewsWithRefreshToken(settings_.flow)
                                    ? RefreshTokenGrant(settings_, transport_, clock_, refresh_token_)
                                    : flow_grant_();
    if (!granted.ok()) return granted.status();
    Session session = std::move(*granted);
    SFSYNC_RETURN_IF_ERROR(CheckApiScope(session));
    // With rotation on, the answer carries a new refresh token and the old one is dead already.
    const bool rotated = !session.refresh_token.empty() && session.refresh_token != refresh_token_ &&
                         RenewsWithRefreshToken(settings_.flow);
    if (rotated) {
      refresh_token_ = session.refresh_token;
      SFSYNC_LOG(kInfo, "Salesforce rotated the refresh token; using the new one from now on");
    }
    if (!use_store) return session;
    StoredTokens tokens;
    if (RenewsWithRefreshToken(settings_.flow)) {
      tokens.refresh_token = refresh_token_;
      tokens.refresh_token_origin = origin_;
    }
    tokens.session = session;
    tokens.session.refresh_token.clear();
    tokens.credentials = CredentialsFingerprint(settings_);
    tokens.updated_at_millis = clock_->NowMillis();
    if (Status saved = store_->Save(tokens); !saved.ok()) {
      if (rotated) {
        return saved.Annotate(
            "Salesforce rotated the refresh token but it could not be saved, and the old one no "
            "longer works; fix the state directory, then run `sfsync auth login JOB.yaml` (or "
            "set a new refresh_token)");
      }
      SFSYNC_LOG(kWarn, "{} (the session is used anyway; the next run gets a new one)", saved.message());
    }
    return session;
  }

 private:
  const OAuthSettings settings_;
  HttpTransport* const transport_;
  Clock* const clock_;
  const FlowGrant flow_grant_;
  std::optional<TokenStore> store_;
  std::string refresh_token_;
  std::string origin_;  // refresh_token flow: Sha256Hex of the job's refresh_token
};

}  // namespace

StatusOr<std::unique_ptr<TokenProvider>> NewTokenProvider(const OAuthSettings& settings, HttpTransport* transport,
                                                          Clock* clock) {
  RegisterSecret(settings.client_secret);
  RegisterSecret(settings.refresh_token);
  RegisterSecret(settings.private_key_passphrase);
  SFSYNC_RETURN_IF_ERROR(CheckSecureUrl(settings.login_url, "login_url"));
  if (settings.client_id.empty()) return InvalidArgumentError(settings.flow + " flow: client_id is required");

  StoredGrant::FlowGrant flow_grant;
  if (settings.flow == "jwt_bearer") {
    SFSYNC_ASSIGN_OR_RETURN(JwtBearerGrant jwt, JwtBearerGrant::Create(settings, transport, clock));
    flow_grant = std::move(jwt);
  } else if (settings.flow == "client_credentials") {
    if (settings.client_secret.empty()) {
      return InvalidArgumentError("client_credentials flow: client_secret is required");
    }
    flow_grant = [settings, transport, clock] { return ClientCredentialsGrant(settings, transport, clock); };
  } else if (!RenewsWithRefreshToken(settings.flow)) {
    return InvalidArgumentError(
        "unknown OAuth flow '" + settings.flow +
        "' (expected jwt_bearer, refresh_token, client_credentials, authorization_code or device)");
  }

  std::optional<StoredTokens> stored;
  if (!settings.state_dir.empty()) {
    SFSYNC_ASSIGN_OR_RETURN(stored, StoredGrant::LoadUsable(TokenStore(settings), settings));
  }
  std::string refresh_token = settings.refresh_token;
  if (stored && !stored->refresh_token.empty()) refresh_token = stored->refresh_token;
  if (RenewsWithRefreshToken(settings.flow) && refresh_token.empty()) {
    if (settings.flow == "refresh_token") {
      return InvalidArgumentError("refresh_token flow: no refresh_token in the job and none stored");
    }
    return Status(StatusCode::kUnauthenticated,
                  "no login stored for this connection yet: run `sfsync auth login JOB.yaml` once (it opens a "
                  "browser; add --device on a machine without one)",
                  "auth.login_required");
  }
  std::optional<Session> initial;
  if (stored && !stored->session.access_token.empty() && stored->credentials == CredentialsFingerprint(settings)) {
    initial = stored->session;
  }
  std::unique_ptr<TokenProvider> provider = std::make_unique<SessionCache>(
      StoredGrant(settings, transport, clock, std::move(flow_grant), std::move(refresh_token)), clock,
      settings.session_timeout_seconds, std::move(initial));
  return provider;
}

}  // namespace sfsync::salesforce
