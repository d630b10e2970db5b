#include "engine/store/serialized_store.h"

namespace sfsync::store {

StatusOr<std::vector<SchemaChange>> SerializedStore::PreviewTable(const TableSpec& spec) {
  std::lock_guard<std::mutex> lock(mu_);
  return inner_->PreviewTable(spec);
}

StatusOr<std::vector<SchemaChange>> SerializedStore::EnsureTable(const TableSpec& spec, const SyncState* state_on_backfill) {
  std::lock_guard<std::mutex> lock(mu_);
  return inner_->EnsureTable(spec, state_on_backfill);
}

StatusOr<SyncState> SerializedStore::LoadState(const std::string& table) {
  std::lock_guard<std::mutex> lock(mu_);
  return inner_->LoadState(table);
}

Status SerializedStore::ApplyPage(const TableSpec& spec, const RowBatch& rows,
                                  const std::vector<std::string>& delete_ids, const SyncState& state,
                                  const std::vector<std::string>& delete_times) {
  std::lock_guard<std::mutex> lock(mu_);
  return inner_->ApplyPage(spec, rows, delete_ids, state, delete_times);
}

Status SerializedStore::SaveState(const std::string& table, const SyncState& state) {
  std::lock_guard<std::mutex> lock(mu_);
  return inner_->SaveState(table, state);
}

StatusOr<int64_t> SerializedStore::ApplyServerDeletes(const TableSpec& spec, const std::vector<ServerDelete>& deletes, const std::string& guard_source, bool mark_only, const SyncState& state) {
  std::lock_guard<std::mutex> lock(mu_);
  return inner_->ApplyServerDeletes(spec, deletes, guard_source, mark_only, state);
}

StatusOr<int64_t> SerializedStore::PurgeFlaggedRows(const TableSpec& spec, const std::string& flag_source, const SyncState& state) {
  std::lock_guard<std::mutex> lock(mu_);
  return inner_->PurgeFlaggedRows(spec, flag_source, state);
}

Status SerializedStore::SaveDescribe(const std::string& table, const std::string& object, const CachedDescribe& describe) {
  std::lock_guard<std::mutex> lock(mu_);
  return inner_->SaveDescribe(table, object, describe);
}

StatusOr<CachedDescribe> SerializedStore::LoadDescribe(const std::string& table, const std::string& object) {
  std::lock_guard<std::mutex> lock(mu_);
  return inner_->LoadDescribe(table, object);
}

StatusOr<int64_t> SerializedStore::BeginRun(const std::string& job, int64_t started_millis) {
  std::lock_guard<std::mutex> lock(mu_);
  return inner_->BeginRun(job, started_millis);
}

Status SerializedStore::RecordObjectRun(int64_t run_id, const ObjectRunStats& stats) {
  std::lock_guard<std::mutex> lock(mu_);
  return inner_->RecordObjectRun(run_id, stats);
}

Status SerializedStore::FinishRun(const RunRecord& run) {
  std::lock_guard<std::mutex> lock(mu_);
  return inner_->FinishRun(run);
}

StatusOr<int64_t> SerializedStore::PruneRuns(const std::string& job, int64_t keep) {
  std::lock_guard<std::mutex> lock(mu_);
  return inner_->PruneRuns(job, keep);
}

StatusOr<std::vector<RunRecord>> SerializedStore::RecentRuns(const std::string& job, int limit) {
  std::lock_guard<std::mutex> lock(mu_);
  return inner_->RecentRuns(job, limit);
}

StatusOr<std::vector<ObjectRunStats>> SerializedStore::RunObjects(int64_t run_id) {
  std::lock_guard<std::mutex> lock(mu_);
  return inner_->RunObjects(run_id);
}

StatusOr<std::vector<std::string>> SerializedStore::ListIds(const std::string& table, const std::string& column, const std::string& lo, const std::string& hi, const std::string& exclude_flag) {
  std::lock_guard<std::mutex> lock(mu_);
  return inner_->ListIds(table, column, lo, hi, exclude_flag);
}

StatusOr<int64_t> SerializedStore::CountRows(const std::string& table) {
  std::lock_guard<std::mutex> lock(mu_);
  return inner_->CountRows(table);
}

StatusOr<std::vector<std::pair<std::string, int64_t>>> SerializedStore::CountByMonth(const std::string& table, const std::string& column, const std::string& exclude_flag) {
  std::lock_guard<std::mutex> lock(mu_);
  return inner_->CountByMonth(table, column, exclude_flag);
}

StatusOr<std::vector<std::string>> SerializedStore::ListIdsWithoutMonth(const std::string& table, const std::string& column, const std::string& exclude_flag) {
  std::lock_guard<std::mutex> lock(mu_);
  return inner_->ListIdsWithoutMonth(table, column, exclude_flag);
}

StatusOr<Store::RowComparison> SerializedStore::CompareRows(const TableSpec& spec, const RowBatch& rows) {
  std::lock_guard<std::mutex> lock(mu_);
  return inner_->CompareRows(spec, rows);
}

Status SerializedStore::EnsureCapture(const CaptureSpec& spec) {
  std::lock_guard<std::mutex> lock(mu_);
  return inner_->EnsureCapture(spec);
}

Status SerializedStore::EnsureHistory(const HistorySpec& spec, bool enabled) {
  std::lock_guard<std::mutex> lock(mu_);
  return inner_->EnsureHistory(spec, enabled);
}

void SerializedStore::SetServerClockOffset(int64_t millis) {
  std::lock_guard<std::mutex> lock(mu_);
  inner_->SetServerClockOffset(millis);
}

Status SerializedStore::DropCapture(const std::string& table) {
  std::lock_guard<std::mutex> lock(mu_);
  return inner_->DropCapture(table);
}

StatusOr<std::vector<Change>> SerializedStore::ListChanges(const std::string& table, const std::vector<std::string>& states, const std::vector<std::string>& insert_columns) {
  std::lock_guard<std::mutex> lock(mu_);
  return inner_->ListChanges(table, states, insert_columns);
}

Status SerializedStore::MarkSent(const std::string& table, const std::vector<SentChange>& sent, int64_t run_id) {
  std::lock_guard<std::mutex> lock(mu_);
  return inner_->MarkSent(table, sent, run_id);
}

Status SerializedStore::RecordOutcomes(const TableSpec& spec, const std::vector<ChangeOutcome>& outcomes, const std::vector<std::pair<std::string, std::string>>& lookups, const RowBatch& restore) {
  std::lock_guard<std::mutex> lock(mu_);
  return inner_->RecordOutcomes(spec, outcomes, lookups, restore);
}

StatusOr<std::vector<Conflict>> SerializedStore::ListConflicts(const std::string& table) {
  std::lock_guard<std::mutex> lock(mu_);
  return inner_->ListConflicts(table);
}

Status SerializedStore::ResolveConflict(int64_t conflict_id, const std::string& take, const Cell& value) {
  std::lock_guard<std::mutex> lock(mu_);
  return inner_->ResolveConflict(conflict_id, take, value);
}

StatusOr<int64_t> SerializedStore::RequeueFailed(const std::string& table) {
  std::lock_guard<std::mutex> lock(mu_);
  return inner_->RequeueFailed(table);
}

StatusOr<std::vector<std::tuple<std::string, std::string, int64_t>>> SerializedStore::CountChanges() {
  std::lock_guard<std::mutex> lock(mu_);
  return inner_->CountChanges();
}

}  // namespace sfsync::store
