// The device flow (protocol §1.8): ask the token endpoint for a user code, show it, poll until the
// person approves the login on another device.
#pragma once

#include <chrono>
#include <string>

#include "connectors/salesforce/auth/auth.h"

namespace sfsync::salesforce {

struct DeviceAuthorization {
  std::string device_code;  // secret: registered with RegisterSecret
  std::string user_code;    // what the person types at verification_uri
  std::string verification_uri;
  std::chrono::seconds interval{5};    // between polls; Salesforce sends it
  std::chrono::seconds expires_in{0};  // 0 when the answer did not say (⚠ §1.8)
};

// POST response_type=device_code&client_id=...&scope=... Errors as RequestToken's; kDataLoss when
// the answer lacks device_code, user_code or verification_uri.
StatusOr<DeviceAuthorization> StartDeviceAuthorization(const OAuthSettings& settings, HttpTransport* transport,
                                                       Clock* clock);

// Polls grant_type=device&code=... every `interval` (sleeping on `clock`) until the person approves:
// authorization_pending keeps polling, slow_down adds 5 s to the interval for good (RFC 8628 §3.5),
// an unreachable endpoint or 5xx is polled again at the next interval. Gives up with
// kDeadlineExceeded once `timeout` (or the code's expires_in, if shorter) has passed. Any other
// refusal is returned as RequestToken's error (access_denied: auth.not_approved; expired_token:
// auth.grant_expired).
StatusOr<Session> PollDeviceToken(const OAuthSettings& settings, HttpTransport* transport, Clock* clock,
                                  const DeviceAuthorization& device, std::chrono::seconds timeout);

}  // namespace sfsync::salesforce
