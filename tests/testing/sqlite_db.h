// Reading a synced database from tests, with the SQLite C API directly (tests check what landed on
// disk, not what the store says it wrote).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "tests/testing/process.h"

struct sqlite3;

namespace sfsync::testing {

struct SqlValue {
  std::string type;  // typeof(): null, integer, real, text, blob
  std::string text;  // the value as text ("" for null)
  bool operator==(const SqlValue& o) const { return type == o.type && text == o.text; }
};

class SqliteDb {
 public:
  explicit SqliteDb(const std::string& path);  // read-only; throws if it cannot open
  ~SqliteDb();
  std::vector<std::vector<SqlValue>> Query(const std::string& sql);
  // The first column of the first row as text; throws if there is no row.
  std::string Scalar(const std::string& sql);
  int64_t Count(const std::string& table);
  // Column name -> declared type, from PRAGMA table_info.
  std::vector<std::pair<std::string, std::string>> Columns(const std::string& table);

 private:
  sqlite3* db_ = nullptr;
};

// Every row of every table, sorted, as one string: to compare a database before and after.
std::string DumpDatabase(const std::string& path);
// Every table `tables_sql` lists (first column), its rows sorted, each value as type:text, through
// `query`: DumpDatabase's form for any store.
std::string DumpTables(const std::function<std::vector<std::vector<SqlValue>>(const std::string&)>& query,
                       const std::string& tables_sql);

// Polls `db` until `table` holds at least `rows` rows: true then; false when `p` ends first or after
// 60 s. A missing file or table counts as no rows yet.
bool WaitForRows(const std::string& db, const std::string& table, int64_t rows, BackgroundProcess* p);

}  // namespace sfsync::testing
