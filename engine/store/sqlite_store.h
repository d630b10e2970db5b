// SqliteStore: the Store on one SQLite connection. Internal to engine/store; everyone else uses
// OpenSqliteStore() from store.h.
//
// Its methods live in four files, one job each:
//   sqlite_store.cc      open, ApplyPage (the hot path), sync state, ListIds, CountRows
//   schema_evolution.cc  EnsureTable and the column catalog
//   run_history.cc       _sfsync_runs and _sfsync_run_objects
//   audit_reads.cc       the audit's reads: ListIdsWithoutMonth, CompareRows
//   sqlite_pushback.cc   push-back: the capture triggers (capture.h), and the outbox calls, which
//                        run outbox.h's logic (shared with the PostgreSQL store) on a SqliteSession
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/core/clock.h"
#include "engine/store/sqlite_db.h"
#include "engine/store/sqlite_session.h"
#include "engine/store/store.h"

namespace sfsync::store {

// The engine's own write transaction: BEGIN IMMEDIATE, then _sfsync_ctx.applying = 1, so capture
// triggers (capture.h) skip what it writes, with its time (`at`, storage form) and run (0: none) for
// the history triggers (history.h). Commit() sets applying back to 0 before COMMIT, so no
// connection ever sees it committed as 1; a rollback undoes it as well.
class EngineWrite {
 public:
  EngineWrite(Db* db, const std::string& at, int64_t run_id);
  const Status& status() const { return status_; }
  Status Commit();

 private:
  Db* db_;
  Transaction txn_;
  Status status_;
};

class SqliteStore final : public Store {
 public:
  SqliteStore(Db db, Clock* clock) : db_(std::move(db)), clock_(clock), session_(&db_, &statements_, clock) {}

  StatusOr<std::vector<SchemaChange>> EnsureTable(const TableSpec& spec, const SyncState* state_on_backfill) override;
  StatusOr<std::vector<SchemaChange>> PreviewTable(const TableSpec& spec) override;
  StatusOr<SyncState> LoadState(const std::string& table) override;
  Status ApplyPage(const TableSpec& spec, const RowBatch& rows, const std::vector<std::string>& delete_ids,
                   const SyncState& state, const std::vector<std::string>& delete_times) override;
  Status SaveState(const std::string& table, const SyncState& state) override;
  StatusOr<int64_t> ApplyServerDeletes(const TableSpec& spec, const std::vector<ServerDelete>& deletes,
                                       const std::string& guard_source, bool mark_only,
                                       const SyncState& state) override;
  StatusOr<int64_t> PurgeFlaggedRows(const TableSpec& spec, const std::string& flag_source,
                                     const SyncState& state) override;
  Status SaveDescribe(const std::string& table, const std::string& object, const CachedDescribe& describe) override;
  StatusOr<CachedDescribe> LoadDescribe(const std::string& table, const std::string& object) override;

  StatusOr<int64_t> BeginRun(const std::string& job, int64_t started_millis) override;
  Status RecordObjectRun(int64_t run_id, const ObjectRunStats& stats) override;
  Status FinishRun(const RunRecord& run) override;
  StatusOr<int64_t> PruneRuns(const std::string& job, int64_t keep) override;
  StatusOr<std::vector<RunRecord>> RecentRuns(const std::string& job, int limit) override;
  StatusOr<std::vector<ObjectRunStats>> RunObjects(int64_t run_id) override;

  StatusOr<std::vector<std::string>> ListIds(const std::string& table, const std::string& column, const std::string& lo,
                                             const std::string& hi, const std::string& exclude_flag) override;
  StatusOr<int64_t> CountRows(const std::string& table) override;
  StatusOr<std::vector<std::pair<std::string, int64_t>>> CountByMonth(const std::string& table,
                                                                      const std::string& column,
                                                                      const std::string& exclude_flag) override;
  StatusOr<std::vector<std::string>> ListIdsWithoutMonth(const std::string& table, const std::string& column,
                                                         const std::string& exclude_flag) override;
  StatusOr<RowComparison> CompareRows(const TableSpec& spec, const RowBatch& rows) override;

  Status EnsureCapture(const CaptureSpec& spec) override;
  Status DropCapture(const std::string& table) override;
  Status EnsureHistory(const HistorySpec& spec, bool enabled) override;
  void SetServerClockOffset(int64_t millis) override { server_offset_millis_ = millis; }
  StatusOr<std::vector<Change>> ListChanges(const std::string& table, const std::vector<std::string>& states,
                                            const std::vector<std::string>& insert_columns) override;
  Status MarkSent(const std::string& table, const std::vector<SentChange>& sent, int64_t run_id) override;
  Status RecordOutcomes(const TableSpec& spec, const std::vector<ChangeOutcome>& outcomes,
                        const std::vector<std::pair<std::string, std::string>>& lookups,
                        const RowBatch& restore) override;
  StatusOr<std::vector<Conflict>> ListConflicts(const std::string& table) override;
  Status ResolveConflict(int64_t conflict_id, const std::string& take, const Cell& value) override;
  StatusOr<int64_t> RequeueFailed(const std::string& table) override;
  StatusOr<std::vector<std::tuple<std::string, std::string, int64_t>>> CountChanges() override;

 private:
  // The first storage error (reason "store") becomes sticky; returns `status` unchanged.
  Status Remember(Status status);
  // A statement prepared once per connection and kept; keyed by its SQL text.
  StatusOr<Statement*> Cached(const std::string& sql);
  // The upsert for `table` with these columns, in this order; keyed by table and names, so the SQL
  // is built and prepared only the first time a column set is seen.
  StatusOr<Statement*> UpsertStatement(const std::string& table, const std::vector<const ColumnSpec*>& columns);
  // Drops every cached statement (after a schema change; SQLite would re-prepare them anyway).
  void ForgetStatements();

  // ApplyPage's transaction; `columns` are the spec columns of rows.columns, in order.
  Status WritePage(const TableSpec& spec, const std::vector<const ColumnSpec*>& columns, const RowBatch& rows,
                   const std::vector<std::string>& delete_ids, const SyncState& state,
                   const std::vector<std::string>& delete_times);
  StatusOr<SyncState> ReadState(const std::string& table);
  // RefusedError (nothing to write) if `state` would move the table's watermark backwards. Call
  // inside the write transaction, so no other writer can move the stored one in between.
  Status CheckWatermarkForward(const std::string& table, const SyncState& state);
  Status WriteState(const std::string& table, const SyncState& state);
  StatusOr<bool> TableExists(const std::string& table);
  // outbox::Fold in an engine write of its own.
  Status Fold();
  // History versions of pushed changes Salesforce took (DONE updates and deletes; a pushed insert's
  // version comes from its Id write-back, through the triggers), inside RecordOutcomes' transaction.
  Status VersionPushed(const std::string& table, const std::vector<ChangeOutcome>& outcomes);
  // Drops the table's triggers whose names start with `prefix` (CaptureTriggerPrefix,
  // HistoryTriggerPrefix), inside the caller's transaction.
  Status DropTriggers(const std::string& table, const std::string& prefix);
  // kNotFound unless `table` has `column` (any case).
  Status CheckColumnExists(const std::string& table, const std::string& column);

  std::string Now();
  // The org's clock now (history's time axis), in the storage form.
  std::string ServerNow();

  Db db_;
  Clock* clock_;
  Status sticky_;
  int64_t run_id_ = 0;                // the run BeginRun last started here: history versions name it
  int64_t server_offset_millis_ = 0;  // the org's clock minus ours (SetServerClockOffset)
  std::unordered_map<std::string, Statement> statements_;
  std::unordered_map<std::string, Statement> upserts_;
  // Declared after statements_, whose address it keeps.
  SqliteSession session_;
};

}  // namespace sfsync::store
