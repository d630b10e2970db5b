#include "engine/store/pg/pg_status.h"

#include <fmt/format.h>

#include <cstdlib>

#include "engine/store/pg/pg_conn.h"
#include "engine/store/pg/pg_store_internal.h"
#include "engine/store/store.h"

namespace sfsync::store {

namespace pg {

StatusOr<PgConn> ConnectToSchema(const PostgresStoreOptions& options) {
  if (options.schema.empty()) return InvalidArgumentError("store.schema is empty");
  SFSYNC_ASSIGN_OR_RETURN(PgConn conn, PgConn::Connect(options.url, options.password, options.connect_timeout_seconds));
  SFSYNC_ASSIGN_OR_RETURN(PgResult meta, conn.Query("SELECT count(*) FROM information_schema.tables WHERE "
                                                    "table_schema = $1 AND table_name = '_sfsync_meta'",
                                                    {options.schema}));
  if (meta.int64(0, 0) == 0) {
    return NotFoundError(fmt::format("PostgreSQL schema {} holds no sfsync tables yet", QuoteIdentifier(options.schema)));
  }
  SFSYNC_RETURN_IF_ERROR(conn.Exec(fmt::format("SET search_path TO {}", QuoteIdentifier(options.schema))));
  SFSYNC_ASSIGN_OR_RETURN(PgResult version, conn.Query("SELECT value FROM _sfsync_meta WHERE key = 'schema_version'"));
  if (version.rows() == 0 || version.text(0, 0) != pg::kSchemaVersion) {
    return RefusedError(fmt::format("schema {} was written by another sfsync version (schema version {}, this one "
                                    "reads {})",
                                    QuoteIdentifier(options.schema), version.rows() == 0 ? "none" : version.text(0, 0),
                                    pg::kSchemaVersion));
  }
  return conn;
}

}  // namespace pg

namespace {

using pg::ConnectToSchema;

using pg::PgConn;
using pg::PgResult;

constexpr const char* kSeenKey = "status.schema_seen";

Status ReadTables(PgConn* conn, const std::string& job, DatabaseStatus* out) {
  SFSYNC_ASSIGN_OR_RETURN(PgResult r, conn->Query("SELECT table_name, object, job, mode, cursor_field, watermark_ts, "
                                                  "watermark_id, load_in_progress, full_pass_reason FROM _sfsync_state "
                                                  "WHERE $1 = '' OR job = $1 ORDER BY table_name",
                                                  {job}));
  for (int i = 0; i < r.rows(); ++i) {
    TableStatus t;
    t.table = r.text(i, 0);
    t.object = r.text(i, 1);
    t.job = r.text(i, 2);
    t.mode = r.text(i, 3);
    t.cursor_field = r.text(i, 4);
    t.watermark = Watermark{r.text(i, 5), r.text(i, 6)};
    t.load_in_progress = r.text(i, 7) == "t";
    t.full_pass_reason = r.text(i, 8);
    out->tables.push_back(std::move(t));
  }
  return Status::Ok();
}

Status ReadTableDetails(PgConn* conn, const std::string& schema, int64_t seen, TableStatus* t) {
  // The table may be gone (dropped by hand): no rows, not an error.
  SFSYNC_ASSIGN_OR_RETURN(PgResult exists, conn->Query("SELECT count(*) FROM information_schema.tables WHERE "
                                                       "table_schema = $1 AND table_name = $2",
                                                       {schema, t->table}));
  if (exists.int64(0, 0) > 0) {
    SFSYNC_ASSIGN_OR_RETURN(PgResult count, conn->Query("SELECT count(*) FROM " + QuoteIdentifier(t->table)));
    t->rows = count.int64(0, 0);
  }
  SFSYNC_ASSIGN_OR_RETURN(
      PgResult last, conn->Query("SELECT o.run_id, o.object, o.status, o.rows_read, o.rows_written, o.rows_deleted, "
                                 "o.api_calls, o.watermark_before, o.watermark_after, o.error, o.started_millis, "
                                 "o.finished_millis FROM _sfsync_run_objects o JOIN _sfsync_runs r USING (run_id) "
                                 "WHERE o.table_name = $1 AND r.job = $2 ORDER BY o.run_id DESC LIMIT 1",
                                 {t->table, t->job}));
  if (last.rows() > 0) {
    t->last_run_id = last.int64(0, 0);
    ObjectRunStats& s = t->last_run;
    s.object = last.text(0, 1);
    s.table = t->table;
    s.status = last.text(0, 2);
    s.rows_read = last.int64(0, 3);
    s.rows_written = last.int64(0, 4);
    s.rows_deleted = last.int64(0, 5);
    s.api_calls = last.int64(0, 6);
    s.watermark_before = last.text(0, 7);
    s.watermark_after = last.text(0, 8);
    s.error = last.text(0, 9);
    s.started_millis = last.int64(0, 10);
    s.finished_millis = last.int64(0, 11);
  }
  SFSYNC_ASSIGN_OR_RETURN(PgResult push,
                          conn->Query("SELECT (SELECT count(*) FROM _sfsync_outbox WHERE table_name = $1 AND state IN "
                                      "('PENDING', 'SENT')), (SELECT count(*) FROM _sfsync_outbox WHERE table_name = $1 "
                                      "AND state = 'FAILED'), (SELECT count(*) FROM _sfsync_conflicts WHERE "
                                      "table_name = $1 AND resolved_at IS NULL)",
                                      {t->table}));
  t->pending_changes = push.int64(0, 0);
  t->failed_changes = push.int64(0, 1);
  t->conflicts = push.int64(0, 2);
  SFSYNC_ASSIGN_OR_RETURN(PgResult changes,
                          conn->Query("SELECT seq, change, coalesce(column_name, ''), detail, at FROM "
                                      "_sfsync_schema_history WHERE table_name = $1 AND seq > $2::bigint ORDER BY seq",
                                      {t->table, std::to_string(seen)}));
  for (int i = 0; i < changes.rows(); ++i) {
    t->new_schema_changes.push_back(SchemaChangeRecord{changes.int64(i, 0), changes.text(i, 1), changes.text(i, 2),
                                                       changes.text(i, 3), changes.text(i, 4)});
  }
  return Status::Ok();
}

Status ReadRuns(PgConn* conn, const std::string& job, int limit, DatabaseStatus* out) {
  SFSYNC_ASSIGN_OR_RETURN(PgResult r,
                          conn->Query("SELECT run_id, job, status, started_millis, coalesce(finished_millis, 0), "
                                      "api_calls, error FROM _sfsync_runs WHERE $1 = '' OR job = $1 "
                                      "ORDER BY run_id DESC LIMIT $2::bigint",
                                      {job, std::to_string(limit)}));
  for (int i = 0; i < r.rows(); ++i) {
    out->runs.push_back(RunRecord{r.int64(i, 0), r.text(i, 1), r.text(i, 2), r.int64(i, 3), r.int64(i, 4),
                                  r.int64(i, 5), r.text(i, 6)});
  }
  return Status::Ok();
}

}  // namespace

StatusOr<DatabaseStatus> ReadPostgresStatus(const PostgresStoreOptions& options, const std::string& job, int runs) {
  SFSYNC_ASSIGN_OR_RETURN(PgConn conn, ConnectToSchema(options));
  DatabaseStatus out;
  out.path = fmt::format("{} (schema {})", options.url, options.schema);
  // One snapshot: the tables, their runs and the history agree even while a sync commits pages.
  SFSYNC_RETURN_IF_ERROR(conn.Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
  SFSYNC_ASSIGN_OR_RETURN(PgResult seen_row, conn.Query("SELECT value FROM _sfsync_meta WHERE key = $1", {kSeenKey}));
  const int64_t seen = seen_row.rows() > 0 ? std::strtoll(seen_row.text(0, 0).c_str(), nullptr, 10) : 0;
  SFSYNC_RETURN_IF_ERROR(ReadTables(&conn, job, &out));
  for (TableStatus& t : out.tables) SFSYNC_RETURN_IF_ERROR(ReadTableDetails(&conn, options.schema, seen, &t));
  SFSYNC_RETURN_IF_ERROR(ReadRuns(&conn, job, runs, &out));
  SFSYNC_ASSIGN_OR_RETURN(PgResult max_seq, conn.Query("SELECT coalesce(max(seq), 0) FROM _sfsync_schema_history"));
  out.schema_seq = max_seq.int64(0, 0);
  SFSYNC_RETURN_IF_ERROR(conn.Exec("COMMIT"));
  return out;
}

Status MarkPostgresSchemaChangesSeen(const PostgresStoreOptions& options, int64_t seq) {
  SFSYNC_ASSIGN_OR_RETURN(PgConn conn, ConnectToSchema(options));
  return conn
      .Query("INSERT INTO _sfsync_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = "
             "EXCLUDED.value",
             {std::string(kSeenKey), std::to_string(seq)})
      .status();
}

}  // namespace sfsync::store
