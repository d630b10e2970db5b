// PgStore's class, shared by its source files (pg_store.cc: open, pages, state, reads;
// pg_schema.cc: EnsureTable; pg_runs.cc: run history; pg_capture.cc: push-back). Not part of the store's contract.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine/core/clock.h"
#include "engine/store/pg/pg_conn.h"
#include "engine/store/pg/pg_session.h"
#include "engine/store/pg/pg_store.h"
#include "engine/store/store_common.h"

namespace sfsync::store::pg {

// The version of the metadata layout, in _sfsync_meta (key schema_version).
inline constexpr const char* kSchemaVersion = "pg1";

class PgStore final : public Store {
 public:
  PgStore(PgConn conn, std::string schema, Clock* clock)
      : conn_(std::move(conn)), schema_(std::move(schema)), clock_(clock), session_(&conn_, schema_, clock) {}

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
  void SetServerClockOffset(int64_t /*millis: no history yet*/) override {}
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

  // "schema"."table"
  std::string Qualified(const std::string& table) const;
  PgConn* conn() { return &conn_; }
  const std::string& schema() const { return schema_; }
  std::string Now() const;

 private:
  Status Remember(Status status);
  // Serializes writers of one table across connections until the transaction ends.
  Status LockTable(const std::string& table);
  StatusOr<SyncState> ReadState(const std::string& table);
  Status WriteState(const std::string& table, const SyncState& state);
  Status CheckWatermarkForward(const std::string& table, const SyncState& state);
  Status WritePage(const TableSpec& spec, const PagePlan& plan, const RowBatch& rows,
                   const std::vector<std::string>& delete_ids, const SyncState& state);
  StatusOr<bool> TableExists(const std::string& table);
  // The column's PostgreSQL type name (information_schema data_type); kNotFound when missing.
  StatusOr<std::string> ColumnTypeOf(const std::string& table, const std::string& column);
  struct Staged {
    std::string table;        // the temporary staging table holding the rows
    std::string list;         // its quoted column list, in the page's order
    std::string created_key;  // set when this call created it (known to the store once committed)
  };
  // The COPY text of `rows`, converted as ApplyPage stores them, a repeated Id's earlier rows left
  // out; their Ids, in order, appended to `ids` when not null.
  // Rows marked in `leave_out` (when not empty) are left out too.
  static std::string CopyData(const PagePlan& plan, const RowBatch& rows, std::vector<std::string>* ids,
                              const std::vector<bool>& leave_out = {});
  // The quoted column list of a page, in its order.
  static std::string ColumnList(const PagePlan& plan);
  // COPYs `data` (CopyData's) into the staging table of the page's shape.
  // REQUIRES: a transaction is open.
  StatusOr<Staged> StageRows(const PagePlan& plan, const std::string& data);
  // Stages `data` (CopyData's) and upserts it into `table` with one INSERT ... ON CONFLICT.
  Status UpsertStaged(const std::string& table, const PagePlan& plan, const std::string& data, Staged* staged);
  // The start of each engine write to `table`, inside its transaction: the table's advisory lock;
  // for a table with capture triggers, a lock that holds clients' writes off until the commit; then
  // the capture log folded into the outbox (pg_capture.cc).
  Status BeginEngineWrite(const std::string& table);
  // outbox::Fold in a transaction of its own.
  Status Fold();
  StatusOr<std::vector<SchemaChange>> Evolve(const TableSpec& spec, const SyncState* state_on_backfill, bool commit);

  PgConn conn_;
  std::string schema_;
  Clock* clock_;
  Status sticky_ = Status::Ok();
  PgSession session_;
  // Staging tables made on this connection (temporary, emptied at each commit), by column list.
  std::map<std::string, std::string> stages_;
};

// Connects for a reader (status, export): search_path set to the schema, its version checked;
// kNotFound when the schema holds no _sfsync_meta (pg_status.cc).
StatusOr<PgConn> ConnectToSchema(const PostgresStoreOptions& options);

// A PostgreSQL text[] literal of `items` ({"a","b"}), for = ANY($1).
std::string TextArray(const std::vector<std::string>& items);

}  // namespace sfsync::store::pg
