// Store: where synced rows, watermarks, run history and schema history live.
//
// Invariants this interface exists to keep (ARCHITECTURE.md):
//  1. A watermark never moves past a row that is not committed, and never moves backwards.
//  2. A page of rows and the watermark (sync state) that covers it commit in one transaction.
// The SQLite implementation (sqlite_store.cc) is the only code that includes sqlite3.h; its metadata
// tables and value conversions are documented in engine/store/README.md.
//
// Thread-safety: a Store is not thread-safe; use it from one thread at a time. Several Stores (in one
// process or several) may open the same file; writers take turns (busy timeout, then kUnavailable).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "engine/core/row.h"
#include "engine/core/statusor.h"

namespace sfsync {
class Clock;
}  // namespace sfsync

namespace sfsync::store {

// The reason() of the store's refusals: the database is fine, but what was asked would make it wrong
// (a table sfsync did not create, a watermark moving backwards, a table another job fills, a file
// that is not an sfsync store). Exit code 7, like storage errors, but not sticky: nothing was written.
inline constexpr std::string_view kRefusedReason = "store.refused";
inline Status RefusedError(std::string message) {
  return Status(StatusCode::kFailedPrecondition, std::move(message), std::string(kRefusedReason));
}

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
  std::string name;     // SQL column name, e.g. "Account_Name"; unique in the table, ignoring ASCII case
  std::string source;   // the Salesforce field path it holds, e.g. "Account.Name"; unique in the spec
  ColumnType type = ColumnType::kText;
  std::string sf_type;  // describe type, e.g. "reference"; recorded in the column catalog
  // Describe's precision (total digits) and scale of a double/currency/percent field; 0 when the
  // describe gives none. PostgreSQL declares currency and percent columns numeric(precision, scale).
  int precision = 0;
  int scale = 0;
};

struct TableSpec {
  std::string object;  // "Account"
  std::string table;   // SQL table name, usually the object name; not "_sfsync_*" or "sqlite_*"
  std::vector<ColumnSpec> columns;  // must contain a kText column named "Id" (the primary key)
};

// One change EnsureTable made to bring a table in line with its spec.
struct SchemaChange {
  // kWidenColumn: a column's type made wider in place (PostgreSQL numeric(p,s) when the describe's
  // precision or scale grows); values kept, nothing to read again.
  enum class Kind { kCreateTable, kAddColumn, kRetypeColumn, kRemoveColumn, kRestoreColumn, kWidenColumn };
  Kind kind;
  std::string column;       // empty for kCreateTable
  std::string detail;       // e.g. "TEXT -> REAL; old values kept in Amount__v1"
};

// True when `changes` include one that leaves existing rows without values for a column (added,
// retyped or restored columns): the object's rows must be read again to fill it.
bool NeedsBackfill(const std::vector<SchemaChange>& changes);

// (ts, id) ordered lexicographically; ts is in the storage datetime form, which sorts in time order.
struct Watermark {
  std::string ts;
  std::string id;
  bool empty() const { return ts.empty(); }
  bool operator<(const Watermark& o) const { return ts != o.ts ? ts < o.ts : id < o.id; }
  bool operator==(const Watermark& o) const { return ts == o.ts && id == o.id; }
};

// Which job fills a table, and with what query. A change of any of these can make the stored rows or
// the watermark wrong for the new query; engine/sync/state_reconcile.h decides what each change needs
// (a reload, a full pass, a refusal).
struct TableClaim {
  std::string job;      // the job that fills the table; empty = unclaimed (a state from schema version 1)
  std::string object;   // the sObject whose rows the table holds; empty = unknown (version 1)
  std::string org_id;   // the org the rows came from (00D...); empty = unknown
  std::string fields;   // the select list: canonical field paths joined by ','; empty = unknown
  std::string where;    // the job's condition, verbatim
  std::string deletes;  // soft | hard | ignore; empty = unknown
  std::string mode;     // incremental | full; empty = unknown
  bool operator==(const TableClaim&) const = default;
};

// One slice of a sliced load: the rows with CreatedDate in [from, to) (storage datetime text; an
// empty bound is open, and the first slice also holds rows without a CreatedDate), read in Id order.
struct LoadSlice {
  std::string from;
  std::string to;
  std::string after_id;  // last Id committed in this slice; empty before its first page
  bool done = false;
  bool operator==(const LoadSlice&) const = default;
};

struct BulkResume {
  std::string job_id;
  std::string locator;  // Sforce-Locator of the next page to read; empty = from the first page
  bool operator==(const BulkResume&) const = default;
};

// The sync state of one synced table (keyed by the table, not the object: two tables may hold the
// same object with different conditions, each with its own watermark).
struct SyncState {
  TableClaim claim;
  std::string cursor_field;  // "SystemModstamp", "LastModifiedDate", "CreatedDate"; empty = full each run
  Watermark watermark;       // every row with (cursor, Id) <= watermark is in the table
  // Initial load in Id order (rows reach SQLite in key order, ~6x faster than timestamp order;
  // BUILD-NOTES.md). While load_in_progress, load_after_id is the last Id committed and load_since is
  // the server time, minus the settle lag, when the load began. When the load completes the watermark
  // becomes (load_since, "") so changes made during the load are read by the next incremental.
  bool load_in_progress = false;
  std::string load_after_id;
  std::string load_since;
  // getDeleted (protocol §5.3) has been applied up to this instant (its latestDateCovered, storage
  // form); empty until the first check.
  std::string deletes_checked_until;
  // Flattened parent fields (Account.Name) go stale when the parent changes, since the child's own
  // stamp does not move. Per relationship path ("Account", "Owner.Profile"): every row whose parent
  // has (parent stamp, child Id) <= this watermark was stored with that parent's current values.
  std::map<std::string, Watermark> parent_watermarks;
  // Non-empty when a full pass (every row read again, local rows the server no longer returns removed
  // or flagged) is owed, saying why: the job's `where` or delete mode changed, the org changed. It
  // stays set until a pass completes, so a crash mid-pass means a new pass.
  std::string full_pass_reason;
  // A REST load split into slices read by parallel cursors (engine/sync/load_slices.h); empty when
  // the load reads in one Id-ordered pass (load_after_id). Committed with the rows each page covers,
  // so a crash resumes every unfinished slice after its own last Id.
  std::vector<LoadSlice> load_slices;
  // The Bulk API 2.0 query job a load or full pass is downloading, and the locator of the next
  // results page not yet committed, so a killed Bulk read resumes the download instead of starting
  // a new job (while the job's results live). Empty job_id: none.
  BulkResume bulk_resume;
  bool operator==(const SyncState&) const = default;
};

// The last describe body of an object, so a run can describe with If-Modified-Since and reuse it
// on 304 (protocol §4.3).
struct CachedDescribe {
  int64_t last_modified_millis = 0;  // the response's Last-Modified; 0 if it had none
  std::string body;                  // the describe JSON as received
};

struct ObjectRunStats {
  std::string object;
  std::string table;   // the table the object fills (the row's key in a run, with run_id)
  std::string status;  // RUNNING (while in progress) | SUCCESS | PARTIAL | FAILED | SKIPPED
  int64_t rows_read = 0;
  int64_t rows_written = 0;
  int64_t rows_deleted = 0;
  int64_t api_calls = 0;
  std::string watermark_before;  // the committed watermark, "ts|id" ("ts" alone when no row is at ts); empty = none
  std::string watermark_after;
  std::string error;  // redacted one-line reason, empty on success (the store redacts it again)
  int64_t started_millis = 0;
  int64_t finished_millis = 0;
};

struct RunRecord {
  int64_t run_id = 0;
  std::string job;
  std::string status;  // RUNNING | SUCCESS | PARTIAL | FAILED | SKIPPED (not run: error says why)
  int64_t started_millis = 0;
  int64_t finished_millis = 0;
  int64_t api_calls = 0;
  std::string error;
};

// ---- Push-back types (Store's push-back calls) ----

// The capture triggers of one table (capture.h builds them).
struct CaptureSpec {
  std::string table;
  std::string stamp_column;  // the SQL column holding SystemModstamp (the change's base stamp); empty: none
  struct Column {
    std::string name;        // SQL column name
    bool updateable = false; // an edit is captured (else refused with why_not)
    bool createable = false; // may be set on a new row (else a non-null value is refused with why_not)
    std::string why_not;     // e.g. "a formula field"; shown when an edit is refused
  };
  std::vector<Column> columns;  // not Id; table columns not listed refuse edits ("not synced any more")
};

// History mode (engine/store/README.md, "History"): the table's row versions kept in
// `<table>__history`.
struct HistorySpec {
  std::string table;
  std::string stamp_column;  // the SQL column holding SystemModstamp (or the cursor field); empty: none
};

// One captured change (a row of _sfsync_outbox with its columns).
struct Change {
  int64_t change_id = 0;
  std::string table;
  std::string id;     // the row's Id; a local Id (not from Salesforce) for an insert not yet pushed
  std::string op;     // insert | update | delete
  std::string state;  // PENDING | SENT | DONE | FAILED | CONFLICT
  std::string base_stamp;  // the row's SystemModstamp when it was first edited (storage form)
  std::string insert_key;  // inserts: the external-id key it was (or will be) sent with
  bool remote_deleted = false;  // a pull saw the server delete the row
  int64_t attempts = 0;
  std::string status_code;  // the last outcome's Salesforce statusCode, message and fields
  std::string message;
  std::string error_fields;
  struct Column {
    std::string name;  // SQL column name
    Cell base;         // value before the first local edit (null for inserts)
    Cell local;        // value in the row now
    bool remote_set = false;  // a pull set the server's value aside:
    Cell remote;
  };
  std::vector<Column> columns;
};

struct SentChange {
  int64_t change_id = 0;
  std::string insert_key;  // inserts: the key to send; stored with the change and in key_column
  std::string key_column;  // the SQL column of the external-id field; empty: none
};

struct Conflict {
  int64_t conflict_id = 0;
  int64_t change_id = 0;
  std::string table;
  std::string id;
  std::string kind;    // field | deleted_remotely | edited_remotely
  std::string column;  // field conflicts: the SQL column
  Cell base, local, remote;
  std::string detected_at;
};

struct ChangeOutcome {
  int64_t change_id = 0;
  std::string state;  // DONE | FAILED | CONFLICT | PENDING (retry later) | SENT (unknown: resend)
  std::string status_code, message, error_fields;
  std::string server_id;  // inserts: the Id Salesforce gave the record
  std::vector<Conflict> conflicts;  // new conflicts to keep (change_id, table, id filled by the store)
  // Columns whose server value the row takes (remote_wins), and columns dropped from the change.
  std::vector<std::pair<std::string, Cell>> take_remote;
  bool restore = false;  // a refused delete: put the row back
};

class Store {
 public:
  virtual ~Store() = default;

  // Creates spec.table or evolves it to match spec: missing columns are added; a column whose type
  // changed is renamed to "<name>__v<N>" (data kept) and a new column of the new type is added;
  // columns no longer in the spec stay, marked removed in the catalog (and are restored, with the
  // values they had, if they come back). Every change is appended to _sfsync_schema_history and
  // returned, so the caller can backfill added, retyped and restored columns (they hold NULL or stale
  // values until it does). A change of a column's source or sf_type alone only updates the catalog
  // (history kind "update_column"; not returned: the SQL column is unchanged). Calling it again with
  // the same spec changes and records nothing. All of it is one transaction.
  // Errors: kInvalidArgument for a bad spec (no Id, duplicate names or sources, reserved table name);
  // kFailedPrecondition with reason "store.refused" if the table exists but was not created by sfsync,
  // or was altered behind its back (a catalogued column is missing).
  //
  // `state_on_backfill`, when given, is stored as spec.table's sync state in the same transaction
  // if any change needs a backfill (kAddColumn, kRetypeColumn, kRestoreColumn): the caller's intent
  // to re-read the object commits with the schema change, so a crash between the two cannot leave a
  // new column empty for good.
  virtual StatusOr<std::vector<SchemaChange>> EnsureTable(const TableSpec& spec,
                                                          const SyncState* state_on_backfill = nullptr) = 0;

  // The changes EnsureTable(spec) would make now, made and rolled back in one transaction: nothing
  // changes (`sfsync plan`). Same errors as EnsureTable.
  virtual StatusOr<std::vector<SchemaChange>> PreviewTable(const TableSpec& spec) = 0;

  // The sync state of `table` (names compare ASCII-case-insensitively, as SQLite's do); a default
  // SyncState when the table was never synced.
  virtual StatusOr<SyncState> LoadState(const std::string& table) = 0;

  // In one transaction: upsert every row of `rows` by Id (rows.columns are column *sources* from
  // spec, in any order; each must exist in spec), delete the rows whose Id is in `delete_ids`, and
  // store `state` as spec.table's. Fails with kFailedPrecondition, reason "store.refused" (nothing
  // written), if state.watermark is behind the stored watermark. The first storage error is sticky:
  // every later write returns it (see below).
  //
  // REQUIRES: EnsureTable(spec) succeeded (in this Store or an earlier one on the same file).
  // rows.columns must include the Id column's source, and every row a non-empty text Id; a batch
  // that breaks this, or names a source not in spec, fails with kInvalidArgument before anything is
  // written. Columns absent from rows.columns keep their stored values on update (a backfill page
  // may carry just Id and the new column). Deletes run after the upserts. Values are converted to
  // each column's type; a value that cannot be converted is stored as given (README.md).
  //
  // Storage errors (any error whose reason() is "store": SQLite failed) are sticky: every later
  // EnsureTable, ApplyPage and SaveState returns the first one without touching the database, so a
  // caller cannot commit a later page's watermark over a page that failed. Reads and the run-history
  // calls still run, so the failure can be recorded. Validation errors and the watermark check are
  // not sticky (nothing was written, the store is intact).
  //
  // `delete_times`, when not empty, holds for each of delete_ids when the server deleted it (storage
  // datetime form; a queryAll row's SystemModstamp): history mode dates the deletes by them.
  virtual Status ApplyPage(const TableSpec& spec, const RowBatch& rows, const std::vector<std::string>& delete_ids,
                           const SyncState& state, const std::vector<std::string>& delete_times = {}) = 0;

  // Replaces the table's sync state on its own; no monotonicity check: this is how a reload that
  // restarts the watermark (a new cursor field, another org) is committed before its first page.
  virtual Status SaveState(const std::string& table, const SyncState& state) = 0;

  // Applies deletes the server reported without row data (getDeleted, audits), in one transaction
  // with `state`. For each (id, deleted_at): when `guard_source` is set, the row is touched only if
  // its stored `guard_source` value (the cursor field, storage form) is not after deleted_at, so a
  // row stored after an undelete is never removed by the older delete; an empty guard_source
  // touches it unconditionally. `mark_only` sets the IsDeleted column to 1 (deletes: soft) instead
  // of deleting the row; rows not stored are never created. kInvalidArgument if the spec lacks the
  // IsDeleted or guard column. Same watermark check and sticky error as ApplyPage. Returns the
  // number of rows deleted or newly marked.
  struct ServerDelete {
    std::string id;
    std::string deleted_at;  // storage datetime form; ignored without a guard
  };
  virtual StatusOr<int64_t> ApplyServerDeletes(const TableSpec& spec, const std::vector<ServerDelete>& deletes,
                                               const std::string& guard_source, bool mark_only,
                                               const SyncState& state) = 0;

  // Deletes every row whose `flag_source` column (a boolean, e.g. IsDeleted) is 1, in one transaction
  // with `state` (when `deletes: soft` becomes `hard`). Returns the number of rows deleted.
  // kInvalidArgument if the spec has no such column. Same watermark check and sticky error as ApplyPage.
  virtual StatusOr<int64_t> PurgeFlaggedRows(const TableSpec& spec, const std::string& flag_source,
                                             const SyncState& state) = 0;

  // The describe cache (_sfsync_describes), per table: each table keeps the describes its own job
  // planned it with (the object's and its parents'), since jobs on one file may use other orgs or
  // API versions.
  virtual Status SaveDescribe(const std::string& table, const std::string& object, const CachedDescribe& describe) = 0;
  // kNotFound when nothing is cached for (`table`, `object`).
  virtual StatusOr<CachedDescribe> LoadDescribe(const std::string& table, const std::string& object) = 0;

  // Run history (_sfsync_runs, _sfsync_run_objects).
  // BeginRun inserts a RUNNING run and returns its id (ids are never reused). Runs of the same job
  // still RUNNING were cut short (the process died; the scheduler's run lock allows one run of a job
  // at a time), so BeginRun first marks them FAILED with error "interrupted".
  virtual StatusOr<int64_t> BeginRun(const std::string& job, int64_t started_millis) = 0;
  // Inserts or replaces the (run_id, stats.table) row, so it may be called as the object progresses.
  // kNotFound if the run does not exist; kInvalidArgument for an unknown status.
  virtual Status RecordObjectRun(int64_t run_id, const ObjectRunStats& stats) = 0;
  // Stores status, finished_millis, api_calls and error of run.run_id (job and started_millis are
  // kept from BeginRun). kNotFound if the run does not exist; kInvalidArgument for an unknown status.
  virtual Status FinishRun(const RunRecord& run) = 0;
  // Removes the runs of `job` older than its newest `keep` (with their per-object rows); returns how
  // many runs were removed. kInvalidArgument when keep < 1.
  virtual StatusOr<int64_t> PruneRuns(const std::string& job, int64_t keep) = 0;
  // The newest `limit` runs of `job` (every job when empty), newest first.
  virtual StatusOr<std::vector<RunRecord>> RecentRuns(const std::string& job, int limit) = 0;
  // The per-object rows of one run, ordered by object, then table.
  virtual StatusOr<std::vector<ObjectRunStats>> RunObjects(int64_t run_id) = 0;

  // Ids currently stored in `table` (sorted), optionally only those whose `column` lies in [lo, hi);
  // an empty lo or hi leaves that side open; rows whose `exclude_flag` column is 1 are left out when
  // it is set (e.g. "IsDeleted"). kNotFound if the table or a named column does not exist.
  virtual StatusOr<std::vector<std::string>> ListIds(const std::string& table, const std::string& column = {},
                                                     const std::string& lo = {}, const std::string& hi = {},
                                                     const std::string& exclude_flag = {}) = 0;
  // kNotFound if the table does not exist.
  virtual StatusOr<int64_t> CountRows(const std::string& table) = 0;
  // Row counts of `table` grouped by the month ("2024-05") of datetime `column` (storage form), for
  // audits; rows whose column is NULL are counted under ""; rows whose `exclude_flag` column is 1 are
  // left out when it is set. kNotFound for a missing table or column.
  // The key is the value's first 7 characters, so a value the store kept as given (not convertible
  // to the storage form, README.md) gives a key that may name no month ("Fri Aug"): IsMonthKey tells
  // them apart, and ListIdsWithoutMonth lists the rows under such keys.
  virtual StatusOr<std::vector<std::pair<std::string, int64_t>>> CountByMonth(
      const std::string& table, const std::string& column, const std::string& exclude_flag = {}) = 0;

  // The Ids (sorted) of the rows CountByMonth counts under a key that is not a month (IsMonthKey is
  // false): `column` NULL, a number, or text not starting with yyyy-MM. Rows whose `exclude_flag`
  // column is 1 are left out when it is set. Read-only. kNotFound for a missing table or column.
  virtual StatusOr<std::vector<std::string>> ListIdsWithoutMonth(const std::string& table, const std::string& column,
                                                                 const std::string& exclude_flag = {}) = 0;

  // What CompareRows found. Columns are named by their SQL names (ColumnSpec::name), in the order of
  // the batch's columns.
  struct RowComparison {
    struct Differing {
      std::string id;
      std::vector<std::string> columns;  // the columns whose stored value differs
    };
    std::vector<std::string> not_stored;  // Ids of rows the table does not hold, in batch order
    std::vector<Differing> differing;     // rows stored with other values, in batch order
  };
  // Compares rows as the server has them with the stored rows of the same Ids, for audits: each
  // value is converted exactly as ApplyPage would store it (cell_conversion.h) and compared by
  // SQLite with the stored one (`IS`, under the column's affinity), so a value equals the stored
  // one exactly when writing it again would change nothing. Only the batch's columns are compared.
  // Read-only. kInvalidArgument for a batch ApplyPage would
  // refuse for the same reasons (a column not in spec, no Id column, a row without a text Id);
  // kNotFound if spec.table does not exist.
  virtual StatusOr<RowComparison> CompareRows(const TableSpec& spec, const RowBatch& rows) = 0;

  // ---- History (engine/store/README.md, "History") ----
  //
  // With `enabled`, creates `<spec.table>__history` if needed (every column of the table, untyped,
  // plus _version, _valid_from, _valid_to, _is_deleted, _run_id), adds the columns the table gained,
  // and (re)installs the triggers that write a version for every change the engine makes to the
  // table, inside the engine's own transaction: pulls, deletes, and push-back's writes alike (local
  // edits are not versions: they are not the org's state until pushed). A new history table starts
  // with one version of every row already in the table. Without `enabled`, removes the triggers (the
  // history table stays; turning history on again closes its open versions and starts over from the
  // table's rows). kNotFound if the table does not exist; RefusedError if `<table>__history` exists
  // and sfsync did not create it, or the store cannot keep history.
  virtual Status EnsureHistory(const HistorySpec& spec, bool enabled) = 0;
  // History dates a change the server gave no time for by this machine's clock plus `millis`: the
  // org's clock (its Date header minus ours), so every version is on the org's time axis. 0 until set.
  virtual void SetServerClockOffset(int64_t millis) = 0;

  // ---- Push-back (engine/store/README.md, "Push-back") ----
  //
  // Local edits are captured by triggers in the database (capture.h), so edits made by any client
  // (the sqlite3 shell, Python, a BI tool) are captured whether or not sfsync runs, and the engine's
  // own writes (every write transaction of this Store) never are. The pull never overwrites a column
  // with a pending local change: ApplyPage keeps the local value, still writes the row's other
  // columns (its stamp included), and sets the server's value aside for the push's conflict check; a
  // row deleted locally is not brought back, and a row edited locally is not deleted by a server
  // delete (the change is flagged remote_deleted instead).

  // Installs (or replaces) the capture triggers of capture.table, in one transaction. Columns of the
  // table the spec does not list, and Id, refuse local edits. kNotFound if the table does not exist.
  virtual Status EnsureCapture(const CaptureSpec& spec) = 0;
  // Removes the table's capture triggers; changes already captured stay in the outbox.
  virtual Status DropCapture(const std::string& table) = 0;

  // The table's changes in any of `states`, oldest first, each with its columns: for an update the
  // changed columns (base, current local value, the server value a pull set aside); for an insert
  // `insert_columns` with their local values. A changed column whose local value equals its base again
  // is left out; an update left with no column is returned with none.
  virtual StatusOr<std::vector<Change>> ListChanges(const std::string& table, const std::vector<std::string>& states,
                                                    const std::vector<std::string>& insert_columns) = 0;
  // Marks changes SENT (attempts + 1, run_id) before their request goes out, and for inserts stores the
  // key they are sent with in the outbox and in the row's `key_column`, in one transaction: a retry
  // after a crash sends the same key.
  virtual Status MarkSent(const std::string& table, const std::vector<SentChange>& sent, int64_t run_id) = 0;
  // Records what became of changes, in one transaction: states, Salesforce's status codes and
  // messages, conflicts (into _sfsync_conflicts), the Ids of inserted records (written to the row and
  // to every (table, column) in `lookups` that holds the local Id), a column taken from the server
  // (written to the row), refused deletes restored (row_before, then `restore` rows upserted).
  virtual Status RecordOutcomes(const TableSpec& spec, const std::vector<ChangeOutcome>& outcomes,
                                const std::vector<std::pair<std::string, std::string>>& lookups,
                                const RowBatch& restore) = 0;
  // Open conflicts (resolved_at NULL) of `table` (every table when empty), oldest first.
  virtual StatusOr<std::vector<Conflict>> ListConflicts(const std::string& table) = 0;
  // Resolves one open conflict: `take` local (send ours: the base becomes the server's value), remote
  // (the row takes the server's value; nothing is sent for the column) or value (the row takes
  // `value`, which is sent). A change whose conflicts are all resolved is PENDING again.
  // kNotFound for an unknown or already resolved conflict.
  virtual Status ResolveConflict(int64_t conflict_id, const std::string& take, const Cell& value) = 0;
  // Sets FAILED changes of `table` (every table when empty) PENDING again (`sfsync push --retry`);
  // returns how many.
  virtual StatusOr<int64_t> RequeueFailed(const std::string& table) = 0;
  // Counts of the outbox by (table, state), for `sfsync status`.
  virtual StatusOr<std::vector<std::tuple<std::string, std::string, int64_t>>> CountChanges() = 0;
};

// True for a CountByMonth key that names a month: yyyy-MM with MM 01 to 12.
bool IsMonthKey(std::string_view key);

struct SqliteStoreOptions {
  Clock* clock = nullptr;          // stamps catalog and schema-history times; SystemClock() when null
  int busy_timeout_millis = 5000;  // how long a write waits for another writer before kUnavailable
  int cache_size_mib = 16;         // page cache per connection (README "Performance": memory)
  std::string vfs = {};            // SQLite VFS name; empty = the default (tests inject faults here)
};

// Opens (creating if needed) the SQLite database at `path` in WAL mode with synchronous=NORMAL (a
// killed process loses nothing committed; a power cut may lose the last commits, never consistency),
// and creates or migrates the _sfsync_* metadata tables. kFailedPrecondition, reason
// "store.refused", and nothing written, if the file is an SQLite database sfsync did not create (it
// has tables but no _sfsync_meta) or was written by a newer sfsync (higher schema version);
// kFailedPrecondition if it cannot be put in WAL mode; kDataLoss (reason "store") if it is not an
// SQLite database at all.
StatusOr<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path, const SqliteStoreOptions& options = {});

// Quotes an SQL identifier: "name" with embedded quotes doubled.
std::string QuoteIdentifier(std::string_view name);

}  // namespace sfsync::store
