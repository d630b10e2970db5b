#include "engine/core/exit_codes.h"

#include <string_view>

namespace sfsync {

int ExitCodeFor(const Status& status) {
  const std::string& reason = status.reason();
  // Reasons set by the auth layer (connectors/salesforce/auth/oauth_errors.h) take precedence.
  struct ReasonCode {
    std::string_view reason;
    int code;
  };
  static constexpr ReasonCode kByReason[] = {
      {"auth.invalid_client_id", kExitAuthInvalidClient},
      {"auth.invalid_client_secret", kExitAuthInvalidSecret},
      {"auth.redirect_uri_mismatch", kExitAuthRedirectMismatch},
      {"auth.scope", kExitAuthScope},
      {"auth.not_approved", kExitAuthNotApproved},
      {"auth.grant_expired", kExitAuthGrantExpired},
      {"auth.jwt_signature", kExitAuthJwtSignature},
      {"auth.jwt_audience", kExitAuthJwtAudience},
      {"auth.clock_skew", kExitAuthClockSkew},
      {"auth.domain", kExitAuthDomain},
      {"job.invalid", kExitInvalidJob},
      {"push.config", kExitInvalidJob},
      {"usage", kExitUsage},
      {"run.partial", kExitPartial},
      {"run.locked", kExitLocked},
      {"store", kExitStore},
      {"store.refused", kExitStore},
      {"tls", kExitTls},
      {"REQUEST_LIMIT_EXCEEDED", kExitLimit},
  };
  if (status.ok()) return kExitOk;
  for (const auto& [r, code] : kByReason) {
    if (reason == r) return code;
  }
  switch (status.code()) {
    case StatusCode::kOk: return kExitOk;
    case StatusCode::kCancelled: return kExitInterrupted;
    case StatusCode::kUnauthenticated: return kExitAuth;
    case StatusCode::kPermissionDenied: return kExitApi;
    case StatusCode::kResourceExhausted: return kExitLimit;
    case StatusCode::kUnavailable:
    case StatusCode::kDeadlineExceeded:
    case StatusCode::kDataLoss: return kExitUnavailable;
    case StatusCode::kInvalidArgument:
    case StatusCode::kNotFound:
    case StatusCode::kFailedPrecondition:
    case StatusCode::kAborted:
    case StatusCode::kOutOfRange: return kExitApi;
    default: return kExitInternal;
  }
}

}  // namespace sfsync
