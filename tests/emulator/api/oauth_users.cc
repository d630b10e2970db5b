#include "tests/emulator/api/oauth_users.h"

#include <map>

#include "tests/emulator/salesforce_id.h"

namespace sfsync::emulator {
namespace {

std::string Text(sqlite3_stmt* statement, int column) {
  const unsigned char* text = sqlite3_column_text(statement, column);
  return text == nullptr ? "" : reinterpret_cast<const char*>(text);
}

// REQUIRES: org->mu held.
std::optional<OrgUser> FindUser(Org* org, std::string_view where_column, std::string_view value) {
  std::string sql =
      "SELECT \"Id\", \"Username\", \"FirstName\", \"LastName\", \"Email\", \"TimeZoneSidKey\", "
      "\"IsActive\", \"LastModifiedDate\" FROM \"User\" WHERE " +
      QuoteIdentifier(where_column) + " = ?" + (where_column == "Username" ? " COLLATE NOCASE" : "");
  Statement select(org->store->db(), sql);
  if (!select.ok()) return std::nullopt;
  select.Bind(1, std::string(value));
  if (select.Step() != SQLITE_ROW) return std::nullopt;
  sqlite3_stmt* row = select.get();
  OrgUser user;
  user.id = Text(row, 0);
  user.username = Text(row, 1);
  user.first_name = Text(row, 2);
  user.last_name = Text(row, 3);
  user.email = Text(row, 4);
  user.time_zone = Text(row, 5);
  user.active = sqlite3_column_int64(row, 6) != 0;
  user.last_modified_ms = sqlite3_column_int64(row, 7);
  return user;
}

}  // namespace

std::string OrgUser::DisplayName() const { return first_name.empty() ? last_name : first_name + " " + last_name; }

int64_t OrgUser::UtcOffsetMillis() const {
  // Standard (not daylight-saving) offsets of the zones the User picklist offers.
  static const std::map<std::string, int64_t, std::less<>> kOffsets = {
      {"America/Los_Angeles", -8 * 3600'000LL},
      {"America/New_York", -5 * 3600'000LL},
      {"Europe/London", 0},
      {"Europe/Berlin", 3600'000LL},
      {"Asia/Kolkata", 5 * 3600'000LL + 1800'000LL},
      {"Asia/Tokyo", 9 * 3600'000LL},
  };
  auto it = kOffsets.find(time_zone);
  return it == kOffsets.end() ? 0 : it->second;
}

std::optional<OrgUser> FindUserByUsername(Org* org, std::string_view username) {
  std::lock_guard<std::mutex> lock(org->mu);
  return FindUser(org, "Username", username);
}

std::optional<OrgUser> FindUserById(Org* org, std::string_view id) {
  std::optional<std::string> normalized = NormalizeId(id);
  if (!normalized) return std::nullopt;
  std::lock_guard<std::mutex> lock(org->mu);
  return FindUser(org, "Id", *normalized);
}

}  // namespace sfsync::emulator
