// Run history: one _sfsync_runs row per run, one _sfsync_run_objects row per object of a run.
//
// A run's status moves RUNNING -> SUCCESS | PARTIAL | FAILED (FinishRun). A run whose process died
// stays RUNNING until the next BeginRun of the same job marks it FAILED "interrupted", so history
// never shows a dead run as still going. Error texts pass through Redact() once more before they are
// stored: a secret must never reach the local database (ARCHITECTURE.md, invariant 5).
#include <fmt/format.h>

#include <string_view>

#include "engine/core/log.h"
#include "engine/store/sqlite_store.h"
#include "engine/store/store_common.h"

namespace sfsync::store {

StatusOr<int64_t> SqliteStore::BeginRun(const std::string& job, int64_t started_millis) {
  StatusOr<int64_t> run_id = [&]() -> StatusOr<int64_t> {
    Transaction txn(&db_);
    SFSYNC_RETURN_IF_ERROR(txn.status());
    SFSYNC_ASSIGN_OR_RETURN(Statement * interrupt, Cached("UPDATE _sfsync_runs SET status = 'FAILED', error = "
                                                          "'interrupted: the process ended before the run finished' "
                                                          "WHERE job = ?1 AND status = 'RUNNING'"));
    interrupt->BindText(1, job);
    SFSYNC_RETURN_IF_ERROR(interrupt->Run());
    SFSYNC_ASSIGN_OR_RETURN(
        Statement * insert,
        Cached("INSERT INTO _sfsync_runs (job, status, started_millis) VALUES (?1, 'RUNNING', ?2)"));
    insert->BindText(1, job);
    insert->BindInt(2, started_millis);
    SFSYNC_RETURN_IF_ERROR(insert->Run());
    const int64_t id = db_.last_insert_rowid();
    SFSYNC_RETURN_IF_ERROR(txn.Commit());
    return id;
  }();
  if (!run_id.ok()) {
    Remember(run_id.status()).IgnoreError();
  } else {
    run_id_ = *run_id;
  }
  return run_id;
}

Status SqliteStore::RecordObjectRun(int64_t run_id, const ObjectRunStats& stats) {
  SFSYNC_RETURN_IF_ERROR(CheckRunStatus(stats.status));
  SFSYNC_ASSIGN_OR_RETURN(Statement * insert,
                          Cached("INSERT OR REPLACE INTO _sfsync_run_objects (run_id, object, status, rows_read, "
                                 "rows_written, rows_deleted, api_calls, watermark_before, watermark_after, error, "
                                 "started_millis, finished_millis, table_name) "
                                 "SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13 "
                                 "FROM _sfsync_runs WHERE run_id = ?1"));
  const std::string error = Redact(stats.error);
  insert->BindInt(1, run_id);
  insert->BindText(2, stats.object);
  insert->BindText(13, stats.table.empty() ? stats.object : stats.table);
  insert->BindText(3, stats.status);
  insert->BindInt(4, stats.rows_read);
  insert->BindInt(5, stats.rows_written);
  insert->BindInt(6, stats.rows_deleted);
  insert->BindInt(7, stats.api_calls);
  insert->BindText(8, stats.watermark_before);
  insert->BindText(9, stats.watermark_after);
  insert->BindText(10, error);
  insert->BindInt(11, stats.started_millis);
  insert->BindInt(12, stats.finished_millis);
  SFSYNC_RETURN_IF_ERROR(Remember(insert->Run()));
  if (db_.changes() == 0) return NotFoundError(fmt::format("no run {}", run_id));
  return Status::Ok();
}

Status SqliteStore::FinishRun(const RunRecord& run) {
  SFSYNC_RETURN_IF_ERROR(CheckRunStatus(run.status));
  SFSYNC_ASSIGN_OR_RETURN(Statement * update,
                          Cached("UPDATE _sfsync_runs SET status = ?2, finished_millis = ?3, api_calls = ?4, "
                                 "error = ?5 WHERE run_id = ?1"));
  const std::string error = Redact(run.error);
  update->BindInt(1, run.run_id);
  update->BindText(2, run.status);
  update->BindInt(3, run.finished_millis);
  update->BindInt(4, run.api_calls);
  update->BindText(5, error);
  SFSYNC_RETURN_IF_ERROR(Remember(update->Run()));
  if (db_.changes() == 0) return NotFoundError(fmt::format("no run {}", run.run_id));
  return Status::Ok();
}

StatusOr<int64_t> SqliteStore::PruneRuns(const std::string& job, int64_t keep) {
  if (keep < 1) return InvalidArgumentError(fmt::format("PruneRuns: keep {} is below 1", keep));
  Transaction txn(&db_);
  SFSYNC_RETURN_IF_ERROR(Remember(txn.status()));
  constexpr const char* kOld =
      "SELECT run_id FROM _sfsync_runs WHERE job = ?1 ORDER BY run_id DESC LIMIT -1 OFFSET ?2";
  SFSYNC_ASSIGN_OR_RETURN(Statement * objects,
                          Cached(fmt::format("DELETE FROM _sfsync_run_objects WHERE run_id IN ({})", kOld)));
  objects->BindText(1, job);
  objects->BindInt(2, keep);
  SFSYNC_RETURN_IF_ERROR(Remember(objects->Run()));
  SFSYNC_ASSIGN_OR_RETURN(Statement * runs, Cached(fmt::format("DELETE FROM _sfsync_runs WHERE run_id IN ({})", kOld)));
  runs->BindText(1, job);
  runs->BindInt(2, keep);
  SFSYNC_RETURN_IF_ERROR(Remember(runs->Run()));
  const int64_t removed = db_.changes();
  SFSYNC_RETURN_IF_ERROR(Remember(txn.Commit()));
  return removed;
}

StatusOr<std::vector<RunRecord>> SqliteStore::RecentRuns(const std::string& job, int limit) {
  if (limit < 0) return InvalidArgumentError(fmt::format("RecentRuns: limit {} is negative", limit));
  SFSYNC_ASSIGN_OR_RETURN(Statement * query,
                          Cached("SELECT run_id, job, status, started_millis, coalesce(finished_millis, 0), "
                                 "api_calls, error FROM _sfsync_runs WHERE ?1 = '' OR job = ?1 "
                                 "ORDER BY run_id DESC LIMIT ?2"));
  query->BindText(1, job);
  query->BindInt(2, limit);
  std::vector<RunRecord> runs;
  while (true) {
    SFSYNC_ASSIGN_OR_RETURN(bool row, query->Step());
    if (!row) break;
    runs.push_back(RunRecord{query->ColumnInt(0), query->ColumnText(1), query->ColumnText(2), query->ColumnInt(3),
                             query->ColumnInt(4), query->ColumnInt(5), query->ColumnText(6)});
  }
  return runs;
}

StatusOr<std::vector<ObjectRunStats>> SqliteStore::RunObjects(int64_t run_id) {
  SFSYNC_ASSIGN_OR_RETURN(Statement * query,
                          Cached("SELECT object, table_name, status, rows_read, rows_written, rows_deleted, api_calls, "
                                 "watermark_before, watermark_after, error, started_millis, finished_millis "
                                 "FROM _sfsync_run_objects WHERE run_id = ?1 ORDER BY object, table_name"));
  query->BindInt(1, run_id);
  std::vector<ObjectRunStats> objects;
  while (true) {
    SFSYNC_ASSIGN_OR_RETURN(bool row, query->Step());
    if (!row) break;
    objects.push_back(ObjectRunStats{query->ColumnText(0), query->ColumnText(1), query->ColumnText(2),
                                     query->ColumnInt(3), query->ColumnInt(4), query->ColumnInt(5),
                                     query->ColumnInt(6), query->ColumnText(7), query->ColumnText(8),
                                     query->ColumnText(9), query->ColumnInt(10), query->ColumnInt(11)});
  }
  return objects;
}

}  // namespace sfsync::store
