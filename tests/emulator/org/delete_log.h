// The org's delete log (protocol §5.3): one entry per deleted record, soft or hard, with the
// delete's SystemModstamp as `deletedDate`. getDeleted reads it. Entries outlive the records:
// emptying the recycle bin (a purge) removes rows from queryAll but not from this log; only
// PurgeBefore() drops entries, and `earliestDateAvailable` moves with it. Undeleting a record
// removes its entry (the record exists again; getUpdated reports it).
//
// Lives in the org's SQLite database as the table `_delete_log` (no object name starts with an
// underscore). Not thread-safe: used under the org lock.
#ifndef SFSYNC_TESTS_EMULATOR_ORG_DELETE_LOG_H_
#define SFSYNC_TESTS_EMULATOR_ORG_DELETE_LOG_H_

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sfsync::emulator {

class DeleteLog {
 public:
  struct Entry {
    std::string id;
    int64_t deleted_ms = 0;
  };

  // `db` must outlive the log. Call Create() once before any other method.
  explicit DeleteLog(sqlite3* db) : db_(db) {}
  bool Create(std::string* error);

  // Records a delete; a record already in the log keeps its first entry.
  void Add(std::string_view object, std::string_view id, int64_t deleted_ms);
  void Remove(std::string_view object, std::string_view id);

  bool Has(std::string_view object, std::string_view id) const;

  // Entries of `object` with start_ms <= deletedDate < end_ms, oldest first, at most `limit`.
  std::vector<Entry> Between(std::string_view object, int64_t start_ms, int64_t end_ms, size_t limit) const;
  // deletedDate of the oldest entry of `object`, if any.
  std::optional<int64_t> Oldest(std::string_view object) const;

  // Drops every entry older than `before_ms`; returns how many went.
  int64_t PurgeBefore(int64_t before_ms);
  // The latest `before_ms` PurgeBefore() was given (nullopt: never purged).
  std::optional<int64_t> purged_before_ms() const { return purged_before_ms_; }

 private:
  sqlite3* db_;
  std::optional<int64_t> purged_before_ms_;
};

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_ORG_DELETE_LOG_H_
