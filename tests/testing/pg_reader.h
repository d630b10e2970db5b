// Reads a PostgreSQL schema sfsync wrote, for tests (table_source.h): values normalized to the
// SQLite store's forms by their column types (boolean -> integer 0/1, bigint -> integer,
// double precision -> real, timestamptz -> text yyyy-MM-ddTHH:mm:ss.SSSZ, time -> text
// HH:mm:ss.SSSZ, date and text -> text, NULL -> null).
#pragma once

#include <string>

#include "tests/testing/table_source.h"

struct pg_conn;

namespace sfsync::testing {

class PgReader final : public TableSource {
 public:
  // Throws std::runtime_error if it cannot connect.
  PgReader(const std::string& url, const std::string& password, const std::string& schema);
  ~PgReader() override;
  PgReader(const PgReader&) = delete;
  PgReader& operator=(const PgReader&) = delete;

  std::vector<std::vector<SqlValue>> Query(const std::string& sql) override;
  std::string Scalar(const std::string& sql) override;
  int64_t Count(const std::string& table) override;
  std::vector<std::pair<std::string, std::string>> Columns(const std::string& table) override;
  std::string Integrity() override;  // "ok" when every table has its primary key and no NULL Id

 private:
  pg_conn* conn_ = nullptr;
  std::string schema_;
};

}  // namespace sfsync::testing
