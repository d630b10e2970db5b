// Store: where synced rows, watermarks, run history and schema history live.
//
// Invariants this interface exists to keep (ARCHITECTURE.md):
//  1. A watermark never moves past a row that is not committed, and never moves backwards.
//  2. A page of rows and the watermark (sync state) that covers it commit in one transaction.
// The SQLite implementation (sqlite_store.cc) is the only code that includes sqlite3.h.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/core/row.h"
#include "engine/core/statusor.h"

namespace sfsync::store {

// Column types; the mapping from Salesforce describe types lives in one place (engine/sync/type_map.h).
enum class ColumnType {
  kText,      // TEXT
  kInteger,   // INTEGER
  kReal,      // REAL
  kBoolean,   // INTEGER 0/1
  kDate,      // TEXT yyyy-MM-dd
  kDateTime,  // TEXT yyyy-MM-ddTHH:mm:ss.SSSZ (normalized from +0000, see time_format.h)
  kTime,      // TEXT HH:mm:ss.SSSZ
};

const char* ColumnTypeName(ColumnType type);  // "TEXT", "INTEGER", ... (the SQL declared type)

struct ColumnSpec {
  std::string name;     // SQL column name, e.g. "Account_Name"
  std::string source;   // the Salesforce field path it holds, e.g. "Account.Name"
  ColumnType type = ColumnType::kText;
  std::string sf_type;  // describe type, e.g. "reference"; recorded in the column catalog
};

struct TableSpec {
  std::string object;  // "Account"
  std::string table;   // SQL table name, usually the object name
  std::vector<ColumnSpec> columns;  // must contain a column named "Id" (the primary key)
};

// One change EnsureTable made to bring a table in line with its spec.
struct SchemaChange {
  enum class Kind { kCreateTable, kAddColumn, kRetypeColumn, kRemoveColumn, kRestoreColumn };
  Kind kind;
  std::string column;       // empty for kCreateTable
  std::string detail;       // e.g. "TEXT -> REAL; old values kept in Amount__v1"
};

// (ts, id) ordered lexicographically; ts is in the storage datetime form, which sorts in time order.
struct Watermark {
  std::string ts;
  std::string id;
  bool empty() const { return ts.empty(); }
  bool operator<(const Watermark& o) const { return ts != o.ts ? ts < o.ts : id < o.id; }
  bool operator==(const Watermark& o) const { return ts == o.ts && id == o.id; }
};

struct SyncState {
  std::string cursor_field;  // "SystemModstamp", "LastModifiedDate", "CreatedDate"; empty = full each run
  Watermark watermark;       // every row with (cursor, Id) <= watermark is in the table
  // Initial load in Id order (rows reach SQLite in key order, ~6x faster than timestamp order;
  // BUILD-NOTES.md). While load_in_progress, load_after_id is the last Id committed and load_since is
  // the server time, minus the settle lag, when the load began. When the load completes the watermark
  // becomes (load_since, "") so changes made during the load are read by the next incremental.
  bool load_in_progress = false;
  std::string load_after_id;
  std::string load_since;
};

struct ObjectRunStats {
  std::string object;
  std::string status;  // SUCCESS | PARTIAL | FAILED | SKIPPED
  int64_t rows_read = 0;
  int64_t rows_written = 0;
  int64_t rows_deleted = 0;
  int64_t api_calls = 0;
  std::string watermark_before;  // "ts|id" or empty
  std::string watermark_after;
  std::string error;  // redacted one-line reason, empty on success
  int64_t started_millis = 0;
  int64_t finished_millis = 0;
};

struct RunRecord {
  int64_t run_id = 0;
  std::string job;
  std::string status;  // RUNNING | SUCCESS | PARTIAL | FAILED
  int64_t started_millis = 0;
  int64_t finished_millis = 0;
  int64_t api_calls = 0;
  std::string error;
};

class Store {
 public:
  virtual ~Store() = default;

  // Creates spec.table or evolves it to match spec: missing columns are added; a column whose type
  // changed is renamed to "<name>__v<N>" (data kept) and a new column of the new type is added;
  // columns no longer in the spec stay, marked removed in the catalog. Every change is appended to
  // _sfsync_schema_history and returned, so the caller can backfill added columns.
  virtual StatusOr<std::vector<SchemaChange>> EnsureTable(const TableSpec& spec) = 0;

  // The object's sync state; a default SyncState when the object was never synced.
  virtual StatusOr<SyncState> LoadState(const std::string& object) = 0;

  // In one transaction: upsert every row of `rows` by Id (rows.columns are column *sources* from
  // spec, in any order; each must exist in spec), delete the rows whose Id is in `delete_ids`, and
  // store `state`. Fails with kFailedPrecondition (nothing written) if state.watermark is behind the
  // stored watermark. The first storage error is sticky: every later call returns it.
  virtual Status ApplyPage(const TableSpec& spec, const RowBatch& rows, const std::vector<std::string>& delete_ids,
                           const SyncState& state) = 0;

  // Replaces the object's sync state on its own (e.g. to start a full resync).
  virtual Status SaveState(const std::string& object, const SyncState& state) = 0;

  // Run history (_sfsync_runs, _sfsync_run_objects).
  virtual StatusOr<int64_t> BeginRun(const std::string& job, int64_t started_millis) = 0;
  virtual Status RecordObjectRun(int64_t run_id, const ObjectRunStats& stats) = 0;
  virtual Status FinishRun(const RunRecord& run) = 0;
  virtual StatusOr<std::vector<RunRecord>> RecentRuns(const std::string& job, int limit) = 0;

  // Ids currently stored in `table` (sorted), optionally only those whose `column` lies in [lo, hi).
  virtual StatusOr<std::vector<std::string>> ListIds(const std::string& table, const std::string& column = {},
                                                     const std::string& lo = {}, const std::string& hi = {}) = 0;
  virtual StatusOr<int64_t> CountRows(const std::string& table) = 0;
};

// Opens (creating if needed) the SQLite database at `path` in WAL mode with synchronous=NORMAL.
StatusOr<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path);

// Quotes an SQL identifier: "name" with embedded quotes doubled.
std::string QuoteIdentifier(std::string_view name);

}  // namespace sfsync::store
