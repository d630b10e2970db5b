// Thin RAII wrappers over the SQLite C API: a connection (Db), a prepared statement (Statement) and
// an IMMEDIATE write transaction (Transaction). This is the one place an sqlite3 result code becomes
// a Status (reason "store"); nothing above it looks at result codes.
//
// Not thread-safe: connections are opened with SQLITE_OPEN_NOMUTEX and belong to one thread at a time.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/row.h"
#include "engine/core/statusor.h"

namespace sfsync::store {

// The reason() of every Status built from an SQLite error; the store's sticky-error rule keys on it.
inline constexpr std::string_view kStoreReason = "store";

// Maps an SQLite result code to a Status (reason "store") saying what the caller should do:
// BUSY/LOCKED -> kUnavailable; FULL/NOMEM -> kResourceExhausted; CORRUPT/NOTADB -> kDataLoss;
// IOERR -> kUnavailable; CANTOPEN/READONLY/PERM/AUTH -> kFailedPrecondition; CONSTRAINT/MISMATCH/
// TOOBIG/RANGE -> kInvalidArgument; anything else -> kInternal. The message is
// "<what>: <sqlite message> (<extended code name>)"; it never contains bound values.
// REQUIRES: rc is an error code. `db` may be null (open failures).
Status SqliteError(sqlite3* db, int rc, std::string_view what);

class Statement {
 public:
  Statement() = default;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement(Statement&& o) noexcept;
  Statement& operator=(Statement&& o) noexcept;
  ~Statement();

  // Parameters are 1-based. A failed bind is remembered and returned by the next Step()/Run().
  // BindText with copy=false requires `text` to stay valid until the statement is stepped or reset.
  void BindNull(int index);
  void BindInt(int index, int64_t value);
  void BindDouble(int index, double value);
  void BindText(int index, std::string_view text, bool copy = false);
  // Binds a Cell by its kind (a bool as 0/1); text is bound without copying, as BindText.
  void BindValue(int index, const Cell& value);

  // Runs one step: true when a row is ready to read, false when done. The statement resets itself
  // when done or on error; a caller that stops reading rows early calls Reset().
  StatusOr<bool> Step();
  // Steps until done (rows, if any, are skipped) and resets.
  Status Run();
  // Steps until done and returns column `index` of every row, as text.
  StatusOr<std::vector<std::string>> TextsOfColumn(int index);
  // Ready to run again; bindings are kept until rebound.
  void Reset();

  int ColumnCount() const;  // columns of the current row
  bool ColumnIsNull(int index) const;
  int64_t ColumnInt(int index) const;
  double ColumnDouble(int index) const;
  std::string ColumnText(int index) const;
  // The column as SQLite stores it: NULL, INTEGER, REAL or TEXT (a BLOB reads as text).
  Cell ColumnValue(int index) const;

  int column_count() const;
  const char* sql() const;

 private:
  friend class Db;
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  void NoteBind(int rc);

  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  int bind_rc_ = SQLITE_OK;
};

class Db {
 public:
  // Opens (creating if needed) `path` read-write through `vfs` (empty = default VFS), with extended
  // result codes and a busy timeout.
  static StatusOr<Db> Open(const std::string& path, const std::string& vfs, int busy_timeout_millis);

  Db() = default;
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  Db(Db&& o) noexcept;
  Db& operator=(Db&& o) noexcept;
  ~Db();  // closes; an open transaction is rolled back by SQLite

  // Runs one or more statements that take no parameters (DDL, pragmas).
  Status Exec(std::string_view sql);
  // Runs a statement returning one text value, e.g. "PRAGMA journal_mode=WAL".
  StatusOr<std::string> QueryText(std::string_view sql);
  StatusOr<Statement> Prepare(std::string_view sql);

  bool in_transaction() const;
  int64_t changes() const;  // rows changed by the last INSERT/UPDATE/DELETE
  int64_t last_insert_rowid() const;
  sqlite3* raw() const { return db_; }

 private:
  explicit Db(sqlite3* db) : db_(db) {}
  sqlite3* db_ = nullptr;
};

// BEGIN IMMEDIATE on construction (check status()); ROLLBACK on destruction unless Commit() succeeded.
// IMMEDIATE takes the write lock up front, so a transaction never fails half-way for lack of it.
class Transaction {
 public:
  explicit Transaction(Db* db);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  const Status& status() const { return begin_status_; }
  // REQUIRES: status().ok(). On failure the transaction is rolled back.
  Status Commit();

 private:
  void Rollback();

  Db* db_;
  Status begin_status_;
  bool open_ = false;
};

}  // namespace sfsync::store
