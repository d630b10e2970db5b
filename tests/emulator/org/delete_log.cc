#include "tests/emulator/org/delete_log.h"

#include <algorithm>

#include "tests/emulator/org/statement.h"

namespace sfsync::emulator {

bool DeleteLog::Create(std::string* error) {
  return Exec(db_,
              "CREATE TABLE \"_delete_log\" (object TEXT NOT NULL, id TEXT NOT NULL, deleted_ms "
              "INTEGER NOT NULL, PRIMARY KEY (object, id)); CREATE INDEX \"_delete_log_by_date\" "
              "ON \"_delete_log\" (object, deleted_ms, id)",
              error);
}

void DeleteLog::Add(std::string_view object, std::string_view id, int64_t deleted_ms) {
  Statement insert(db_, "INSERT OR IGNORE INTO \"_delete_log\" VALUES (?, ?, ?)");
  insert.Bind(1, std::string(object));
  insert.Bind(2, std::string(id));
  insert.Bind(3, deleted_ms);
  insert.Step();
}

void DeleteLog::Remove(std::string_view object, std::string_view id) {
  Statement remove(db_, "DELETE FROM \"_delete_log\" WHERE object = ? AND id = ?");
  remove.Bind(1, std::string(object));
  remove.Bind(2, std::string(id));
  remove.Step();
}

bool DeleteLog::Has(std::string_view object, std::string_view id) const {
  Statement select(db_, "SELECT 1 FROM \"_delete_log\" WHERE object = ? AND id = ?");
  select.Bind(1, std::string(object));
  select.Bind(2, std::string(id));
  return select.Step() == SQLITE_ROW;
}

std::vector<DeleteLog::Entry> DeleteLog::Between(std::string_view object, int64_t start_ms, int64_t end_ms,
                                                 size_t limit) const {
  Statement select(db_,
                   "SELECT id, deleted_ms FROM \"_delete_log\" WHERE object = ? AND deleted_ms >= "
                   "? AND deleted_ms < ? ORDER BY deleted_ms, id LIMIT ?");
  select.Bind(1, std::string(object));
  select.Bind(2, start_ms);
  select.Bind(3, end_ms);
  select.Bind(4, static_cast<int64_t>(limit));
  std::vector<Entry> entries;
  while (select.Step() == SQLITE_ROW) {
    entries.push_back(
        {reinterpret_cast<const char*>(sqlite3_column_text(select.get(), 0)), sqlite3_column_int64(select.get(), 1)});
  }
  return entries;
}

std::optional<int64_t> DeleteLog::Oldest(std::string_view object) const {
  Statement select(db_, "SELECT MIN(deleted_ms) FROM \"_delete_log\" WHERE object = ?");
  select.Bind(1, std::string(object));
  if (select.Step() != SQLITE_ROW || sqlite3_column_type(select.get(), 0) == SQLITE_NULL) {
    return std::nullopt;
  }
  return sqlite3_column_int64(select.get(), 0);
}

int64_t DeleteLog::PurgeBefore(int64_t before_ms) {
  Statement remove(db_, "DELETE FROM \"_delete_log\" WHERE deleted_ms < ?");
  remove.Bind(1, before_ms);
  remove.Step();
  purged_before_ms_ = std::max(purged_before_ms_.value_or(before_ms), before_ms);
  return sqlite3_changes(db_);
}

}  // namespace sfsync::emulator
