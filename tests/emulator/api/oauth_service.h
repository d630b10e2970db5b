// The OAuth token endpoint (stage 1: the refresh-token grant) and the access-token store
// every REST call authenticates against (protocol §1.3, §1.5, §1.10, §1.13).
//
// Access tokens look like Salesforce's (`{orgId15}!A...`) and expire --session-timeout
// seconds after issue on the emulator clock (absolute, not extended by activity ⚠).
// Thread-safe.
#ifndef SFSYNC_TESTS_EMULATOR_API_OAUTH_SERVICE_H_
#define SFSYNC_TESTS_EMULATOR_API_OAUTH_SERVICE_H_

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "tests/emulator/clock.h"
#include "tests/emulator/net/http_message.h"

namespace sfsync::emulator {

struct OAuthConfig {
  std::string client_id;
  std::string client_secret;
  std::string refresh_token;    // the one refresh token the org starts with
  bool rotate_refresh_tokens = false;
  int64_t session_timeout_ms = 7200 * 1000LL;
  std::string org_id;           // 18 characters
  std::string user_id;          // the integration user, 18 characters
  std::string scope = "refresh_token api id";
};

class OAuthService {
 public:
  // `clock` must outlive the service.
  OAuthService(OAuthConfig config, const EmulatorClock* clock);

  // instance_url and the host of the identity URL; set once the server knows its port.
  void SetBaseUrl(std::string base_url);

  // POST /services/oauth2/token. Parameters come from the form body, the query string, or
  // (client credentials) `Authorization: Basic`.
  HttpResponse Token(const HttpRequest& request);

  // True when the Authorization header carries a live access token (`Bearer` or the older
  // `OAuth` scheme).
  bool Authenticate(std::optional<std::string_view> authorization);

  // Invalidates every access token issued so far (refresh tokens stay valid).
  void ExpireAllSessions();

 private:
  HttpResponse Error(std::string_view error, std::string_view description) const;
  std::string NewSecret(std::string_view prefix, size_t length) const;

  const OAuthConfig config_;
  const EmulatorClock* clock_;
  std::mutex mu_;
  std::string base_url_;
  std::set<std::string> refresh_tokens_;
  std::map<std::string, int64_t> access_tokens_;  // token -> expiry (epoch ms)
};

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_API_OAUTH_SERVICE_H_
