// SqlSession (sql_session.h) over the SQLite store's connection: statements are prepared once and
// kept in the store's cache (keyed by their text), values keep their SQLite kinds.
#pragma once

#include <string>
#include <unordered_map>

#include "engine/core/clock.h"
#include "engine/store/sql_session.h"
#include "engine/store/sqlite_db.h"

namespace sfsync::store {

class SqliteSession final : public SqlSession {
 public:
  // `cache` is the store's statement cache (emptied by it after schema changes).
  SqliteSession(Db* db, std::unordered_map<std::string, Statement>* cache, Clock* clock)
      : db_(db), cache_(cache), clock_(clock) {}

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

 private:
  StatusOr<Statement*> Prepared(std::string_view sql, const std::vector<Cell>& params);

  Db* db_;
  std::unordered_map<std::string, Statement>* cache_;
  Clock* clock_;
};

}  // namespace sfsync::store
