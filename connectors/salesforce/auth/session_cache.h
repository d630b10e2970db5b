// SessionCache: the TokenProvider behaviour every OAuth flow shares; a flow supplies only its grant.
//
// State: no session (or the `initial` one) -> (grant) -> session -> (received_at + session_timeout passed, by the Clock)
// -> Current() grants again. Renew(rejected) grants again only while the cached token is still the
// rejected one; otherwise another caller already renewed it and the newer session is returned.
// A failed Renew forgets the rejected session, so the next Current() asks for a new one.
//
// The grant runs under the cache's mutex: concurrent callers wait for the one grant in flight and
// share its result, and the grant function never runs concurrently with itself.
#pragma once

#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "connectors/salesforce/auth/auth.h"
#include "engine/core/clock.h"
#include "engine/core/statusor.h"

namespace sfsync::salesforce {

class SessionCache : public TokenProvider {
 public:
  // Obtains a new session from the token endpoint. Calls are serialized by the cache.
  using Grant = std::function<StatusOr<Session>()>;

  // `clock` must outlive the cache. session_timeout_seconds <= 0 disables proactive renewal.
  // `initial`, when given, is served until it expires or is rejected (a session from the token store).
  SessionCache(Grant grant, Clock* clock, int64_t session_timeout_seconds,
               std::optional<Session> initial = std::nullopt);

  StatusOr<Session> Current() override;
  StatusOr<Session> Renew(const std::string& rejected_access_token) override;

 private:
  bool Expired(const Session& session);

  const Grant grant_;
  Clock* const clock_;
  const int64_t session_timeout_millis_;
  std::mutex mu_;
  std::optional<Session> session_;  // guarded by mu_
};

}  // namespace sfsync::salesforce
