// Access and refresh tokens: what each one grants, when it dies, and how revocation spreads.
//
// Model (protocol §1.5, §1.11, §1.13):
//   - A *family* is one authorization: a user, a client and the granted scopes. Every
//     authorization-code or device approval starts one; the refresh token the org starts with
//     (--refresh-token) is family 1. JWT and client-credentials grants have no family.
//   - A family has one live refresh token. With rotation, each refresh replaces it and the old
//     one retires; presenting a retired token revokes the whole family (token-theft defence).
//   - Access tokens die --session-timeout after issue (absolute, ⚠), when revoked, when their
//     family is revoked, or when every session is expired through the admin API.
//
// Thread-safe.
#ifndef SFSYNC_TESTS_EMULATOR_API_OAUTH_TOKENS_H_
#define SFSYNC_TESTS_EMULATOR_API_OAUTH_TOKENS_H_

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sfsync::emulator {

// What the user authorized: the identity and scopes a token carries.
struct Grant {
  std::string user_id;
  std::string client_id;
  std::vector<std::string> scopes;  // in the app's order

  bool HasScope(std::string_view scope) const;
  // Salesforce lets `api` or `full` use the REST API.
  bool AllowsRestApi() const { return HasScope("api") || HasScope("full"); }
  // `refresh_token` or `offline_access` yield a refresh token.
  bool AllowsRefreshToken() const { return HasScope("refresh_token") || HasScope("offline_access"); }
  std::string ScopeText() const;  // space-separated
};

struct AccessSession {
  Grant grant;
  int64_t issued_at_ms = 0;
  int64_t expires_at_ms = 0;
};

struct TokenInfo {  // for introspection
  bool is_refresh_token = false;
  Grant grant;
  int64_t issued_at_ms = 0;
  int64_t expires_at_ms = 0;  // 0 for refresh tokens (they do not expire here)
};

class TokenStore {
 public:
  // Access tokens start with `{orgId15}!A` like Salesforce's.
  TokenStore(std::string org_id15, int64_t session_timeout_ms);

  // Starts a family with a fresh refresh token (or `refresh_token` when given); returns it.
  std::string NewFamily(const Grant& grant, int64_t now_ms, std::string refresh_token = "");

  struct Refreshed {
    Grant grant;
    std::string rotated_refresh_token;  // empty unless `rotate`
  };
  // Redeems a refresh token. Unknown or revoked: nullopt. Retired by rotation: revokes the
  // family, nullopt.
  std::optional<Refreshed> UseRefreshToken(const std::string& token, bool rotate, int64_t now_ms);

  std::string NewAccessToken(const Grant& grant, int64_t now_ms);
  // Same, tied to the family of `refresh_token` so revoking that family kills it.
  std::string NewAccessTokenFromRefresh(const Grant& grant, const std::string& refresh_token, int64_t now_ms);

  // A live access token's session; nullopt when unknown, revoked or expired.
  std::optional<AccessSession> FindAccessToken(const std::string& token, int64_t now_ms);
  std::optional<TokenInfo> Inspect(const std::string& token, int64_t now_ms);

  // Revokes an access token, or a refresh token with its whole family. False when unknown.
  bool Revoke(const std::string& token);
  // Kills one access token (fault injection: "the session timed out").
  void KillAccessToken(const std::string& token);
  // Every access token issued so far dies; refresh tokens live on.
  void ExpireAllAccessTokens();

 private:
  struct Family {
    Grant grant;
    int64_t issued_at_ms = 0;
    std::string live_refresh_token;
  };
  struct Access {
    AccessSession session;
    int64_t family = 0;  // 0: none
  };

  // REQUIRES: mu_ held.
  std::string IssueAccess(const Grant& grant, int64_t family, int64_t now_ms);
  void RevokeFamily(int64_t family);

  const std::string org_id15_;
  const int64_t session_timeout_ms_;
  std::mutex mu_;
  int64_t next_family_ = 1;
  std::map<int64_t, Family> families_;
  std::map<std::string, int64_t> refresh_tokens_;  // live token -> family
  std::map<std::string, int64_t> retired_refresh_tokens_;
  std::map<std::string, Access> access_tokens_;
};

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_API_OAUTH_TOKENS_H_
