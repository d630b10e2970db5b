// SerializedStore: one Store shared by the threads of a parallel run (objects synced side by side,
// slices of a load). SQLite has one writer per database; this decorator lets one call at a time
// reach the wrapped store, so writes are applied one after another, each whole, in the order the
// threads arrive (each thread's own pages stay in its order). Reads wait too: they are short.
#pragma once

#include <memory>
#include <mutex>

#include "engine/store/store.h"

namespace sfsync::store {

class SerializedStore : public Store {
 public:
  // `inner` must outlive this store.
  explicit SerializedStore(Store* inner) : inner_(inner) {}

  StatusOr<std::vector<SchemaChange>> EnsureTable(const TableSpec& spec, const SyncState* state_on_backfill) override;
  StatusOr<std::vector<SchemaChange>> PreviewTable(const TableSpec& spec) override;
  StatusOr<SyncState> LoadState(const std::string& table) override;
  Status ApplyPage(const TableSpec& spec, const RowBatch& rows, const std::vector<std::string>& delete_ids,
                   const SyncState& state, const std::vector<std::string>& delete_times) override;
  Status SaveState(const std::string& table, const SyncState& state) override;
  StatusOr<int64_t> ApplyServerDeletes(const TableSpec& spec, const std::vector<ServerDelete>& deletes, const std::string& guard_source, bool mark_only, const SyncState& state) override;
  StatusOr<int64_t> PurgeFlaggedRows(const TableSpec& spec, const std::string& flag_source, const SyncState& state) override;
  Status SaveDescribe(const std::string& table, const std::string& object, const CachedDescribe& describe) override;
  StatusOr<CachedDescribe> LoadDescribe(const std::string& table, const std::string& object) override;
  StatusOr<int64_t> BeginRun(const std::string& job, int64_t started_millis) override;
  Status RecordObjectRun(int64_t run_id, const ObjectRunStats& stats) override;
  Status FinishRun(const RunRecord& run) override;
  StatusOr<int64_t> PruneRuns(const std::string& job, int64_t keep) override;
  StatusOr<std::vector<RunRecord>> RecentRuns(const std::string& job, int limit) override;
  StatusOr<std::vector<ObjectRunStats>> RunObjects(int64_t run_id) override;
  StatusOr<std::vector<std::string>> ListIds(const std::string& table, const std::string& column, const std::string& lo, const std::string& hi, const std::string& exclude_flag) override;
  StatusOr<int64_t> CountRows(const std::string& table) override;
  StatusOr<std::vector<std::pair<std::string, int64_t>>> CountByMonth(const std::string& table, const std::string& column, const std::string& exclude_flag) override;
  StatusOr<std::vector<std::string>> ListIdsWithoutMonth(const std::string& table, const std::string& column, const std::string& exclude_flag) override;
  StatusOr<RowComparison> CompareRows(const TableSpec& spec, const RowBatch& rows) override;
  Status EnsureCapture(const CaptureSpec& spec) override;
  Status DropCapture(const std::string& table) override;
  Status EnsureHistory(const HistorySpec& spec, bool enabled) override;
  void SetServerClockOffset(int64_t millis) override;
  StatusOr<std::vector<Change>> ListChanges(const std::string& table, const std::vector<std::string>& states, const std::vector<std::string>& insert_columns) override;
  Status MarkSent(const std::string& table, const std::vector<SentChange>& sent, int64_t run_id) override;
  Status RecordOutcomes(const TableSpec& spec, const std::vector<ChangeOutcome>& outcomes, const std::vector<std::pair<std::string, std::string>>& lookups, const RowBatch& restore) override;
  StatusOr<std::vector<Conflict>> ListConflicts(const std::string& table) override;
  Status ResolveConflict(int64_t conflict_id, const std::string& take, const Cell& value) override;
  StatusOr<int64_t> RequeueFailed(const std::string& table) override;
  StatusOr<std::vector<std::tuple<std::string, std::string, int64_t>>> CountChanges() override;

 private:
  std::mutex mu_;
  Store* inner_;
};

}  // namespace sfsync::store
