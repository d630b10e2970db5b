// The org's users as OAuth sees them: who a grant runs as, who a JWT `sub` names, and what
// the identity URL and userinfo describe. Read from the org's User table at call time, so
// users added or changed through the admin API count at once.
#ifndef SFSYNC_TESTS_EMULATOR_API_OAUTH_USERS_H_
#define SFSYNC_TESTS_EMULATOR_API_OAUTH_USERS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "tests/emulator/api/org.h"

namespace sfsync::emulator {

struct OrgUser {
  std::string id;  // 18 characters
  std::string username;
  std::string first_name;
  std::string last_name;
  std::string email;
  std::string time_zone;  // TimeZoneSidKey, e.g. America/Los_Angeles
  bool active = true;
  int64_t last_modified_ms = 0;

  std::string DisplayName() const;
  // The zone's standard offset in milliseconds (Salesforce's `utcOffset`); 0 when unknown.
  int64_t UtcOffsetMillis() const;
};

// Usernames compare case-insensitively, as Salesforce logins do. Both lock `org->mu`.
std::optional<OrgUser> FindUserByUsername(Org* org, std::string_view username);
// `id` may have 15 or 18 characters.
std::optional<OrgUser> FindUserById(Org* org, std::string_view id);

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_API_OAUTH_USERS_H_
