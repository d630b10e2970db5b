#include "connectors/salesforce/auth/session_cache.h"

#include "engine/core/log.h"

namespace sfsync::salesforce {

SessionCache::SessionCache(Grant grant, Clock* clock, int64_t session_timeout_seconds, std::optional<Session> initial)
    : grant_(std::move(grant)),
      clock_(clock),
      session_timeout_millis_(session_timeout_seconds * 1000),
      session_(std::move(initial)) {}

bool SessionCache::Expired(const Session& session) {
  return session_timeout_millis_ > 0 && clock_->NowMillis() - session.received_at_millis >= session_timeout_millis_;
}

StatusOr<Session> SessionCache::Current() {
  std::lock_guard<std::mutex> lock(mu_);
  if (session_ && !Expired(*session_)) return *session_;
  if (session_) SFSYNC_LOG(kDebug, "session older than the session timeout: renewing it before use");
  StatusOr<Session> fresh = grant_();
  if (!fresh.ok()) return fresh.status();
  session_ = *fresh;
  return *session_;
}

StatusOr<Session> SessionCache::Renew(const std::string& rejected_access_token) {
  std::lock_guard<std::mutex> lock(mu_);
  if (session_ && session_->access_token != rejected_access_token) return *session_;
  SFSYNC_LOG(kDebug, "session rejected by Salesforce: renewing it");
  StatusOr<Session> fresh = grant_();
  if (!fresh.ok()) {
    session_.reset();
    return fresh.status();
  }
  session_ = *fresh;
  return *session_;
}

}  // namespace sfsync::salesforce
