// PgStore's run history: the SQLite store's rules (run_history.cc), the same tables and statuses.
#include <fmt/format.h>

#include <string_view>

#include "engine/core/log.h"
#include "engine/store/pg/pg_store_internal.h"

namespace sfsync::store::pg {

StatusOr<int64_t> PgStore::BeginRun(const std::string& job, int64_t started_millis) {
  StatusOr<int64_t> run_id = [&]() -> StatusOr<int64_t> {
    PgTransaction txn(&conn_);
    SFSYNC_RETURN_IF_ERROR(txn.status());
    SFSYNC_RETURN_IF_ERROR(conn_.Query("UPDATE _sfsync_runs SET status = 'FAILED', error = 'interrupted: the process "
                                       "ended before the run finished' WHERE job = $1 AND status = 'RUNNING'",
                                       {job})
                               .status());
    SFSYNC_ASSIGN_OR_RETURN(PgResult r, conn_.Query("INSERT INTO _sfsync_runs (job, status, started_millis) "
                                                    "VALUES ($1, 'RUNNING', $2) RETURNING run_id",
                                                    {job, std::to_string(started_millis)}));
    const int64_t id = r.int64(0, 0);
    SFSYNC_RETURN_IF_ERROR(txn.Commit());
    return id;
  }();
  if (!run_id.ok()) Remember(run_id.status()).IgnoreError();
  return run_id;
}

Status PgStore::RecordObjectRun(int64_t run_id, const ObjectRunStats& stats) {
  SFSYNC_RETURN_IF_ERROR(CheckRunStatus(stats.status));
  auto n = [](int64_t v) { return Param(std::to_string(v)); };
  StatusOr<PgResult> r = conn_.Query("INSERT INTO _sfsync_run_objects (run_id, object, status, rows_read, rows_written, "
                          "rows_deleted, api_calls, watermark_before, watermark_after, error, started_millis, "
                          "finished_millis, table_name) SELECT $1::bigint, $2, $3, $4::bigint, $5::bigint, $6::bigint, "
                          "$7::bigint, $8, $9, $10, $11::bigint, $12::bigint, $13 FROM _sfsync_runs WHERE run_id = $1 "
                          "ON CONFLICT (run_id, table_name) DO UPDATE SET object = EXCLUDED.object, "
                          "status = EXCLUDED.status, rows_read = EXCLUDED.rows_read, "
                          "rows_written = EXCLUDED.rows_written, rows_deleted = EXCLUDED.rows_deleted, "
                          "api_calls = EXCLUDED.api_calls, watermark_before = EXCLUDED.watermark_before, "
                          "watermark_after = EXCLUDED.watermark_after, error = EXCLUDED.error, "
                          "started_millis = EXCLUDED.started_millis, finished_millis = EXCLUDED.finished_millis",
                          {n(run_id), stats.object, stats.status, n(stats.rows_read), n(stats.rows_written),
                           n(stats.rows_deleted), n(stats.api_calls), stats.watermark_before, stats.watermark_after,
                           Redact(stats.error), n(stats.started_millis), n(stats.finished_millis),
                           stats.table.empty() ? stats.object : stats.table})
                   ;
  if (!r.ok()) return Remember(r.status());
  if (r->affected() == 0) return NotFoundError(fmt::format("no run {}", run_id));
  return Status::Ok();
}

Status PgStore::FinishRun(const RunRecord& run) {
  SFSYNC_RETURN_IF_ERROR(CheckRunStatus(run.status));
  StatusOr<PgResult> r = conn_.Query(
      "UPDATE _sfsync_runs SET status = $2, finished_millis = $3, api_calls = $4, error = $5 WHERE run_id = $1",
      {std::to_string(run.run_id), run.status, std::to_string(run.finished_millis), std::to_string(run.api_calls),
       Redact(run.error)});
  if (!r.ok()) return Remember(r.status());
  if (r->affected() == 0) return NotFoundError(fmt::format("no run {}", run.run_id));
  return Status::Ok();
}

StatusOr<int64_t> PgStore::PruneRuns(const std::string& job, int64_t keep) {
  if (keep < 1) return InvalidArgumentError(fmt::format("PruneRuns: keep {} is below 1", keep));
  StatusOr<int64_t> removed = [&]() -> StatusOr<int64_t> {
    PgTransaction txn(&conn_);
    SFSYNC_RETURN_IF_ERROR(txn.status());
    constexpr const char* kOld = "SELECT run_id FROM _sfsync_runs WHERE job = $1 ORDER BY run_id DESC OFFSET $2";
    SFSYNC_RETURN_IF_ERROR(conn_.Query(fmt::format("DELETE FROM _sfsync_run_objects WHERE run_id IN ({})", kOld),
                                       {job, std::to_string(keep)})
                               .status());
    SFSYNC_ASSIGN_OR_RETURN(PgResult runs, conn_.Query(fmt::format("DELETE FROM _sfsync_runs WHERE run_id IN ({})", kOld),
                                                       {job, std::to_string(keep)}));
    SFSYNC_RETURN_IF_ERROR(txn.Commit());
    return runs.affected();
  }();
  if (!removed.ok()) return Remember(removed.status());
  return removed;
}

StatusOr<std::vector<RunRecord>> PgStore::RecentRuns(const std::string& job, int limit) {
  if (limit < 0) return InvalidArgumentError(fmt::format("RecentRuns: limit {} is negative", limit));
  SFSYNC_ASSIGN_OR_RETURN(PgResult r, conn_.Query("SELECT run_id, job, status, started_millis, "
                                                  "coalesce(finished_millis, 0), api_calls, error FROM _sfsync_runs "
                                                  "WHERE $1 = '' OR job = $1 ORDER BY run_id DESC LIMIT $2",
                                                  {job, std::to_string(limit)}));
  std::vector<RunRecord> runs;
  for (int i = 0; i < r.rows(); ++i) {
    runs.push_back(RunRecord{r.int64(i, 0), r.text(i, 1), r.text(i, 2), r.int64(i, 3), r.int64(i, 4), r.int64(i, 5),
                             r.text(i, 6)});
  }
  return runs;
}

StatusOr<std::vector<ObjectRunStats>> PgStore::RunObjects(int64_t run_id) {
  SFSYNC_ASSIGN_OR_RETURN(PgResult r, conn_.Query("SELECT object, table_name, status, rows_read, rows_written, "
                                                  "rows_deleted, api_calls, watermark_before, watermark_after, error, "
                                                  "started_millis, finished_millis FROM _sfsync_run_objects "
                                                  "WHERE run_id = $1 ORDER BY object, table_name",
                                                  {std::to_string(run_id)}));
  std::vector<ObjectRunStats> objects;
  for (int i = 0; i < r.rows(); ++i) {
    objects.push_back(ObjectRunStats{r.text(i, 0), r.text(i, 1), r.text(i, 2), r.int64(i, 3), r.int64(i, 4),
                                     r.int64(i, 5), r.int64(i, 6), r.text(i, 7), r.text(i, 8), r.text(i, 9),
                                     r.int64(i, 10), r.int64(i, 11)});
  }
  return objects;
}

}  // namespace sfsync::store::pg
