// Thin RAII wrappers over libpq: a connection (PgConn), a query result (PgResult) and a transaction
// (PgTransaction). This is the one place a libpq error becomes a Status (reason "store", as SQLite's
// do in sqlite_db.h, so the store's sticky-error rule is the same for both); nothing above it looks
// at SQLSTATEs. Only the PostgreSQL store's files include it.
//
// Not thread-safe: a PgConn belongs to one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/statusor.h"

struct pg_conn;
struct pg_result;

namespace sfsync::store::pg {

// A query parameter: text, or SQL NULL.
using Param = std::optional<std::string>;

class PgResult {
 public:
  PgResult() = default;
  explicit PgResult(pg_result* r);
  PgResult(PgResult&&) noexcept = default;
  PgResult& operator=(PgResult&&) noexcept = default;

  int rows() const;
  int columns() const;
  bool is_null(int row, int col) const;
  std::string text(int row, int col) const;  // "" for NULL
  int64_t int64(int row, int col) const;     // 0 for NULL or not a number
  int64_t affected() const;                  // rows an INSERT/UPDATE/DELETE touched
  pg_result* get() const { return r_.get(); }

 private:
  struct Free {
    void operator()(pg_result* r) const;
  };
  std::unique_ptr<pg_result, Free> r_;
};

class PgConn {
 public:
  // Connects with a libpq URL (postgresql://user@host:port/db?sslmode=...). `password`, when not
  // empty, is passed as the password keyword (never put in the URL); when empty libpq looks in
  // PGPASSWORD and PGPASSFILE / ~/.pgpass. `connect_timeout_seconds` bounds the connection attempt.
  // Errors: kUnavailable (server unreachable, too many connections), kUnauthenticated (password or
  // authentication refused), kFailedPrecondition (no such database, bad URL); reason "store". The
  // message never holds the password.
  static StatusOr<PgConn> Connect(const std::string& url, const std::string& password, int connect_timeout_seconds);

  PgConn() = default;
  PgConn(PgConn&& o) noexcept;
  PgConn& operator=(PgConn&& o) noexcept;
  PgConn(const PgConn&) = delete;
  PgConn& operator=(const PgConn&) = delete;
  ~PgConn();

  // Runs one or more statements without parameters (DDL, SET, BEGIN).
  Status Exec(std::string_view sql);
  // Runs one statement with text parameters ($1, $2, ...) and returns its rows.
  StatusOr<PgResult> Query(std::string_view sql, const std::vector<Param>& params = {});
  // COPY ... FROM STDIN: `copy_sql` starts it, `data` is the whole text-format payload.
  StatusOr<int64_t> CopyIn(std::string_view copy_sql, std::string_view data);

  bool in_transaction() const;
  // The server's version number, e.g. 150018.
  int server_version() const;
  pg_conn* raw() const { return conn_; }

 private:
  explicit PgConn(pg_conn* c) : conn_(c) {}
  Status ErrorOf(pg_result* r, std::string_view what);
  pg_conn* conn_ = nullptr;
};

// BEGIN on construction (check status()); ROLLBACK on destruction unless Commit() succeeded.
// Sets sfsync.applying to '1' for the transaction, so push-back capture triggers skip its writes.
class PgTransaction {
 public:
  explicit PgTransaction(PgConn* conn);
  PgTransaction(const PgTransaction&) = delete;
  PgTransaction& operator=(const PgTransaction&) = delete;
  ~PgTransaction();

  const Status& status() const { return begin_status_; }
  Status Commit();

 private:
  PgConn* conn_;
  Status begin_status_;
  bool open_ = false;
};

// Appends `text` to a COPY text-format field: backslash, tab, newline and carriage return escaped.
void AppendCopyField(std::string* out, std::string_view text);

// A double as the shortest text that reads back to the same value ("NaN", "Infinity" as PostgreSQL
// spells them).
std::string DoubleText(double d);

}  // namespace sfsync::store::pg
