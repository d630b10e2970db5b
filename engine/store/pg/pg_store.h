// The PostgreSQL store: the Store contract (engine/store/store.h) on a PostgreSQL database, for
// warehouse feeds and several readers. Everything sfsync owns lives in one schema (default
// "sfsync"): the synced tables, typed from describe (README.md, "PostgreSQL store"), and the same
// _sfsync_* metadata tables the SQLite store keeps, with the same text forms of the sync state.
//
// The invariants are the SQLite store's: a page's rows and the watermark that covers them commit in
// one transaction; a watermark never moves backwards (checked inside that transaction, under a
// per-table advisory lock, so two writers on one table take turns); after the first storage error
// nothing more is written (sticky).
//
// Push-back works as on SQLite: PL/pgSQL triggers capture edits made in any other session
// (pg_capture.cc), and the outbox logic is the SQLite store's own (outbox.h, over PgSession).
#pragma once

#include <memory>
#include <string>

#include "engine/core/statusor.h"
#include "engine/store/store.h"

namespace sfsync {
class Clock;
}

namespace sfsync::store {

struct PostgresStoreOptions {
  std::string url;       // postgresql://user@host:port/db?sslmode=...  (no password in it)
  std::string schema = "sfsync";
  std::string password;  // empty: libpq's PGPASSWORD / PGPASSFILE / ~/.pgpass
  int connect_timeout_seconds = 10;
  // When set, the store's connection takes a session advisory lock named after it (in this schema)
  // without waiting: one run of a job at a time across every host using the database. The server
  // releases it when the session ends, so a killed or crashed host leaves no stale lock. Held: fails
  // with kFailedPrecondition, reason "run.locked".
  std::string run_lock;
  Clock* clock = nullptr;  // SystemClock() when null
  // False for commands that only read (plan, the daemon's catch-up check): a schema without sfsync's
  // tables is kNotFound, and nothing is created.
  bool create = true;
};

// Connects, creates the schema and the metadata tables if missing (under an advisory lock, so
// several processes may open a new database at once; with options.create false, kNotFound instead). kFailedPrecondition, reason "store.refused",
// and nothing written, if the schema holds tables but no _sfsync_meta (sfsync did not create it).
// Connection errors: see PgConn::Connect.
StatusOr<std::unique_ptr<Store>> OpenPostgresStore(const PostgresStoreOptions& options);

// The PostgreSQL type a column of `type` is declared with: text, bigint, double precision,
// boolean, date, timestamptz, time.
const char* PostgresTypeName(ColumnType type);

// The type a column is declared with: PostgresTypeName(column.type), except numeric(p,s) for a
// currency or percent column whose describe gives its precision and scale.
std::string PostgresColumnType(const ColumnSpec& column);

// The largest magnitude a column declared PostgresColumnType(column) holds (a value is rounded to
// the scale first: numeric(4,2) holds 99.994 but not 99.995); infinity for double precision.
double PostgresRealLimit(const ColumnSpec& column);

}  // namespace sfsync::store
