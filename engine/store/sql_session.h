// The seam the push-back bookkeeping (outbox.h) runs on: one SQL connection of a store, inside a
// transaction its store opened, with the few places where SQLite and PostgreSQL spell things
// differently named here instead of being spelled twice. SqliteSession (sqlite_session.h) and
// PgSession (pg/pg_session.h) implement it.
//
// Values cross it in the storage form of the SQLite store (cell_conversion.h): a checkbox is the
// integer 0 or 1, a datetime is the text yyyy-MM-ddTHH:mm:ss.SSSZ, a number is an integer or a
// double, everything else is text. That is the form the pusher compares and sends (push/values.h),
// so the same outbox logic serves both stores.
//
// SQL passed in uses ?1, ?2, ... for parameters; table names come from Table() (quoted, and
// qualified by the schema on PostgreSQL). The metadata tables (_sfsync_*) are named bare: each
// session resolves them in its store (PostgreSQL's search_path is the store's schema).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/row.h"
#include "engine/core/statusor.h"

namespace sfsync::store {

using SqlRows = std::vector<std::vector<Cell>>;

class SqlSession {
 public:
  virtual ~SqlSession() = default;

  // Runs one statement with parameters ?1..?N bound to `params` and returns its rows.
  virtual StatusOr<SqlRows> Query(std::string_view sql, const std::vector<Cell>& params = {}) = 0;
  // Runs one statement; returns how many rows it inserted, updated or deleted.
  virtual StatusOr<int64_t> Run(std::string_view sql, const std::vector<Cell>& params = {}) = 0;

  // A synced table's name as SQL: quoted (and schema-qualified where the store has schemas).
  virtual std::string Table(const std::string& table) const = 0;
  // The table's columns, in declaration order.
  virtual StatusOr<std::vector<std::string>> Columns(const std::string& table) = 0;
  // A select-list expression reading `column` of `table` (aliased or not: `qualifier` is prefixed
  // when not empty) in the storage form.
  virtual StatusOr<std::string> Read(const std::string& table, const std::string& column,
                                     const std::string& qualifier = {}) = 0;
  // A value read from an untyped outbox column (a base, a remote value, a conflict's values) in the
  // storage form of `table`.`column`: SQLite keeps the kind, PostgreSQL keeps text and retypes it.
  virtual StatusOr<Cell> Retype(const std::string& table, const std::string& column, Cell value) = 0;

  // `expr IN (the texts of the array parameter ?n)`, and that parameter's value for `items`.
  virtual std::string InTextArray(std::string_view expr, int n) const = 0;
  virtual Cell TextArrayParam(const std::vector<std::string>& items) const = 0;
  // A FROM item with columns (key, value): the members of the JSON object `json`, each value in
  // the storage form's text or number (a row_before of the capture log).
  virtual std::string JsonMembers(std::string_view json) const = 0;
  // An expression for member `column` of the JSON object `json`, as a value of `table`.`column`
  // (to insert into it).
  virtual StatusOr<std::string> JsonMember(std::string_view json, const std::string& table,
                                           const std::string& column) = 0;
  // An ISO 8601 UTC timestamp for the bookkeeping columns (created_at, updated_at, ...).
  virtual std::string Now() const = 0;
};

}  // namespace sfsync::store
