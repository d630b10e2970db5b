#include "engine/store/status_reader.h"

#include <fmt/format.h>

#include "engine/store/sqlite_db.h"

namespace sfsync::store {
namespace {

constexpr const char* kSeenKey = "status.schema_seen";
constexpr int kBusyMillis = 1000;

StatusOr<int64_t> SeenSeq(Db* db) {
  SFSYNC_ASSIGN_OR_RETURN(Statement q, db->Prepare("SELECT value FROM _sfsync_meta WHERE key = ?1"));
  q.BindText(1, kSeenKey);
  SFSYNC_ASSIGN_OR_RETURN(bool row, q.Step());
  return row ? std::stoll("0" + q.ColumnText(0)) : 0;
}

Status ReadTables(Db* db, const std::string& job, DatabaseStatus* out) {
  SFSYNC_ASSIGN_OR_RETURN(Statement q, db->Prepare("SELECT table_name, object, job, mode, cursor_field, watermark_ts, "
                                                   "watermark_id, load_in_progress, full_pass_reason FROM _sfsync_state "
                                                   "WHERE ?1 = '' OR job = ?1 ORDER BY table_name"));
  q.BindText(1, job);
  while (true) {
    SFSYNC_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    TableStatus t;
    t.table = q.ColumnText(0);
    t.object = q.ColumnText(1);
    t.job = q.ColumnText(2);
    t.mode = q.ColumnText(3);
    t.cursor_field = q.ColumnText(4);
    t.watermark = Watermark{q.ColumnText(5), q.ColumnText(6)};
    t.load_in_progress = q.ColumnInt(7) != 0;
    t.full_pass_reason = q.ColumnText(8);
    out->tables.push_back(std::move(t));
  }
  return Status::Ok();
}

Status ReadTableDetails(Db* db, int64_t seen, TableStatus* t) {
  {
    // The table may be gone (dropped by hand): no rows, not an error.
    SFSYNC_ASSIGN_OR_RETURN(Statement exists,
                            db->Prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1 COLLATE NOCASE"));
    exists.BindText(1, t->table);
    SFSYNC_ASSIGN_OR_RETURN(bool found, exists.Step());
    if (found) {
      std::string quoted = "\"";
      for (char c : t->table) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
      quoted += '"';
      SFSYNC_ASSIGN_OR_RETURN(Statement count, db->Prepare("SELECT count(*) FROM " + quoted));
      SFSYNC_ASSIGN_OR_RETURN(bool row, count.Step());
      if (row) t->rows = count.ColumnInt(0);
    }
  }
  {
    SFSYNC_ASSIGN_OR_RETURN(
        Statement q, db->Prepare("SELECT o.run_id, o.object, o.status, o.rows_read, o.rows_written, o.rows_deleted, "
                                 "o.api_calls, o.watermark_before, o.watermark_after, o.error, o.started_millis, "
                                 "o.finished_millis FROM _sfsync_run_objects o JOIN _sfsync_runs r USING (run_id) "
                                 "WHERE o.table_name = ?1 AND r.job = ?2 ORDER BY o.run_id DESC LIMIT 1"));
    q.BindText(1, t->table);
    q.BindText(2, t->job);
    SFSYNC_ASSIGN_OR_RETURN(bool row, q.Step());
    if (row) {
      t->last_run_id = q.ColumnInt(0);
      ObjectRunStats& s = t->last_run;
      s.object = q.ColumnText(1);
      s.table = t->table;
      s.status = q.ColumnText(2);
      s.rows_read = q.ColumnInt(3);
      s.rows_written = q.ColumnInt(4);
      s.rows_deleted = q.ColumnInt(5);
      s.api_calls = q.ColumnInt(6);
      s.watermark_before = q.ColumnText(7);
      s.watermark_after = q.ColumnText(8);
      s.error = q.ColumnText(9);
      s.started_millis = q.ColumnInt(10);
      s.finished_millis = q.ColumnInt(11);
    }
  }
  {
    SFSYNC_ASSIGN_OR_RETURN(Statement q,
                            db->Prepare("SELECT coalesce(sum(state IN ('PENDING', 'SENT')), 0), "
                                        "coalesce(sum(state = 'FAILED'), 0) FROM _sfsync_outbox WHERE table_name = ?1"));
    q.BindText(1, t->table);
    SFSYNC_ASSIGN_OR_RETURN(bool row, q.Step());
    if (row) {
      t->pending_changes = q.ColumnInt(0);
      t->failed_changes = q.ColumnInt(1);
    }
  }
  {
    SFSYNC_ASSIGN_OR_RETURN(Statement q, db->Prepare("SELECT count(*) FROM _sfsync_conflicts WHERE table_name = ?1 "
                                                     "AND resolved_at IS NULL"));
    q.BindText(1, t->table);
    SFSYNC_ASSIGN_OR_RETURN(bool row, q.Step());
    if (row) t->conflicts = q.ColumnInt(0);
  }
  {
    SFSYNC_ASSIGN_OR_RETURN(Statement q,
                            db->Prepare("SELECT seq, change, coalesce(column_name, ''), detail, at FROM "
                                        "_sfsync_schema_history WHERE table_name = ?1 COLLATE NOCASE AND seq > ?2 "
                                        "ORDER BY seq"));
    q.BindText(1, t->table);
    q.BindInt(2, seen);
    while (true) {
      SFSYNC_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      t->new_schema_changes.push_back(
          SchemaChangeRecord{q.ColumnInt(0), q.ColumnText(1), q.ColumnText(2), q.ColumnText(3), q.ColumnText(4)});
    }
  }
  return Status::Ok();
}

Status ReadRuns(Db* db, const std::string& job, int limit, DatabaseStatus* out) {
  SFSYNC_ASSIGN_OR_RETURN(Statement q,
                          db->Prepare("SELECT run_id, job, status, started_millis, coalesce(finished_millis, 0), "
                                      "api_calls, error FROM _sfsync_runs WHERE ?1 = '' OR job = ?1 "
                                      "ORDER BY run_id DESC LIMIT ?2"));
  q.BindText(1, job);
  q.BindInt(2, limit);
  while (true) {
    SFSYNC_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    out->runs.push_back(RunRecord{q.ColumnInt(0), q.ColumnText(1), q.ColumnText(2), q.ColumnInt(3), q.ColumnInt(4),
                                  q.ColumnInt(5), q.ColumnText(6)});
  }
  return Status::Ok();
}

}  // namespace

StatusOr<DatabaseStatus> ReadDatabaseStatus(const std::string& path, const std::string& job, int runs) {
  SFSYNC_ASSIGN_OR_RETURN(Db db, Db::Open(path, "", kBusyMillis));
  DatabaseStatus out;
  out.path = path;
  // One read transaction: the tables, their runs and the history agree with each other even while
  // a sync commits pages.
  SFSYNC_RETURN_IF_ERROR(db.Exec("BEGIN"));
  SFSYNC_ASSIGN_OR_RETURN(int64_t seen, SeenSeq(&db));
  SFSYNC_RETURN_IF_ERROR(ReadTables(&db, job, &out));
  for (TableStatus& t : out.tables) SFSYNC_RETURN_IF_ERROR(ReadTableDetails(&db, seen, &t));
  SFSYNC_RETURN_IF_ERROR(ReadRuns(&db, job, runs, &out));
  SFSYNC_ASSIGN_OR_RETURN(std::string max_seq, db.QueryText("SELECT coalesce(max(seq), 0) FROM _sfsync_schema_history"));
  out.schema_seq = std::stoll(max_seq);
  SFSYNC_RETURN_IF_ERROR(db.Exec("COMMIT"));
  return out;
}

Status MarkSchemaChangesSeen(const std::string& path, int64_t seq) {
  SFSYNC_ASSIGN_OR_RETURN(Db db, Db::Open(path, "", kBusyMillis));
  SFSYNC_ASSIGN_OR_RETURN(Statement q, db.Prepare("INSERT INTO _sfsync_meta (key, value) VALUES (?1, ?2) "
                                                  "ON CONFLICT (key) DO UPDATE SET value = excluded.value"));
  q.BindText(1, kSeenKey);
  const std::string value = std::to_string(seq);
  q.BindText(2, value);
  return q.Run();
}

}  // namespace sfsync::store
