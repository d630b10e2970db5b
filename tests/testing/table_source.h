// Where a test reads a job's synced tables from, whichever store the job wrote: an SQLite file
// (SqliteDb) or a PostgreSQL schema (PgReader). Values come back in the SQLite store's forms
// (booleans 0/1, datetimes yyyy-MM-ddTHH:mm:ss.SSSZ, times HH:mm:ss.SSSZ), so one comparison
// (compare.h) checks both stores against the emulator.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "tests/testing/sqlite_db.h"

namespace sfsync::testing {

class TableSource {
 public:
  virtual ~TableSource() = default;
  // SQL in the store's own dialect; table names unqualified (PgReader sets the search path).
  virtual std::vector<std::vector<SqlValue>> Query(const std::string& sql) = 0;
  virtual std::string Scalar(const std::string& sql) = 0;
  virtual int64_t Count(const std::string& table) = 0;
  // The table's column names, in order (the second element is the store's declared type).
  virtual std::vector<std::pair<std::string, std::string>> Columns(const std::string& table) = 0;
  // "ok" when the store's own check finds nothing wrong (SQLite: integrity_check).
  virtual std::string Integrity() = 0;
};

class SqliteSource final : public TableSource {
 public:
  explicit SqliteSource(const std::string& path) : db_(path) {}
  std::vector<std::vector<SqlValue>> Query(const std::string& sql) override { return db_.Query(sql); }
  std::string Scalar(const std::string& sql) override { return db_.Scalar(sql); }
  int64_t Count(const std::string& table) override { return db_.Count(table); }
  std::vector<std::pair<std::string, std::string>> Columns(const std::string& table) override {
    return db_.Columns(table);
  }
  std::string Integrity() override { return db_.Scalar("PRAGMA integrity_check"); }

 private:
  SqliteDb db_;
};

}  // namespace sfsync::testing
