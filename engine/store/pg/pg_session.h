// SqlSession (sql_session.h) over the PostgreSQL store's connection, and the storage-form
// expressions its capture triggers share with it. ?N parameters become $N, sent as text of no
// declared type (PostgreSQL types each from where it is used: a column, a comparison); results
// come back typed by their column's type (integers, double/numeric, boolean as 0/1, the rest text).
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "engine/core/clock.h"
#include "engine/store/pg/pg_conn.h"
#include "engine/store/sql_session.h"

namespace sfsync::store::pg {

// `expr`, a value of a column of PostgreSQL type `type` (format_type's spelling), in the SQLite
// store's storage form: a boolean as 0/1, a timestamptz as yyyy-MM-ddTHH:mm:ss.SSSZ text, a time as
// HH:mm:ss.SSSZ text, a date as yyyy-MM-dd text; numbers and text as they are.
std::string StorageExpr(const std::string& type, const std::string& expr);

class PgSession final : public SqlSession {
 public:
  PgSession(PgConn* conn, std::string schema, Clock* clock) : conn_(conn), schema_(std::move(schema)), clock_(clock) {}

  StatusOr<SqlRows> Query(std::string_view sql, const std::vector<Cell>& params) override;
  StatusOr<int64_t> Run(std::string_view sql, const std::vector<Cell>& params) override;
  std::string Table(const std::string& table) const override;
  StatusOr<std::vector<std::string>> Columns(const std::string& table) override;
  StatusOr<std::string> Read(const std::string& table, const std::string& column,
                             const std::string& qualifier) override;
  StatusOr<Cell> Retype(const std::string& table, const std::string& column, Cell value) override;
  std::string InTextArray(std::string_view expr, int n) const override;
  Cell TextArrayParam(const std::vector<std::string>& items) const override;
  std::string JsonMembers(std::string_view json) const override;
  StatusOr<std::string> JsonMember(std::string_view json, const std::string& table, const std::string& column) override;
  std::string Now() const override;

  // The table's columns with their types (format_type), in order; kNotFound for no such table.
  // Cached until Forget().
  StatusOr<std::vector<std::pair<std::string, std::string>>> ColumnTypes(const std::string& table);
  // Drops the cached column types (call when a table's shape may have changed).
  void Forget() { types_.clear(); }

 private:
  StatusOr<std::string> TypeOf(const std::string& table, const std::string& column);

  PgConn* conn_;
  std::string schema_;
  Clock* clock_;
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> types_;
};

}  // namespace sfsync::store::pg
