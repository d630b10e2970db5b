#include "engine/store/metadata.h"

#include <fmt/format.h>

#include <charconv>

#include "engine/core/statusor.h"
#include "engine/store/store.h"

namespace sfsync::store {
namespace {

// Version 2 (version 1 keyed sync state, describes and run rows by object; see MigrateToV2). Times
// in the catalog and history are ISO-8601 UTC text (the storage datetime form); run times are epoch
// milliseconds, as the Store interface passes them. Table names compare ASCII-case-insensitively, as
// SQLite's identifiers do.
constexpr const char* kStateTableV2 = R"sql(
CREATE TABLE _sfsync_state (
  table_name       TEXT PRIMARY KEY COLLATE NOCASE,
  object           TEXT NOT NULL,
  job              TEXT NOT NULL,
  org_id           TEXT NOT NULL,
  fields           TEXT NOT NULL,
  where_clause     TEXT NOT NULL,
  deletes          TEXT NOT NULL,
  mode             TEXT NOT NULL,
  cursor_field     TEXT NOT NULL,
  watermark_ts     TEXT NOT NULL,
  watermark_id     TEXT NOT NULL,
  load_in_progress INTEGER NOT NULL,
  load_after_id    TEXT NOT NULL,
  load_since       TEXT NOT NULL,
  deletes_checked_until TEXT NOT NULL DEFAULT '',
  parent_watermarks TEXT NOT NULL DEFAULT '',
  full_pass_reason TEXT NOT NULL DEFAULT '',
  updated_at       TEXT NOT NULL
);
)sql";

constexpr const char* kDescribesTableV2 = R"sql(
CREATE TABLE _sfsync_describes (
  table_name           TEXT NOT NULL COLLATE NOCASE,
  object               TEXT NOT NULL,
  last_modified_millis INTEGER NOT NULL,
  body                 TEXT NOT NULL,
  fetched_at           TEXT NOT NULL,
  PRIMARY KEY (table_name, object)
);
)sql";

constexpr const char* kRunObjectsTableV2 = R"sql(
CREATE TABLE _sfsync_run_objects (
  run_id           INTEGER NOT NULL,
  table_name       TEXT NOT NULL COLLATE NOCASE,
  object           TEXT NOT NULL,
  status           TEXT NOT NULL,
  rows_read        INTEGER NOT NULL,
  rows_written     INTEGER NOT NULL,
  rows_deleted     INTEGER NOT NULL,
  api_calls        INTEGER NOT NULL,
  watermark_before TEXT NOT NULL,
  watermark_after  TEXT NOT NULL,
  error            TEXT NOT NULL,
  started_millis   INTEGER NOT NULL,
  finished_millis  INTEGER NOT NULL,
  PRIMARY KEY (run_id, table_name)
);
)sql";

constexpr const char* kOtherTables = R"sql(
CREATE TABLE _sfsync_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE _sfsync_columns (
  table_name    TEXT NOT NULL COLLATE NOCASE,
  column_name   TEXT NOT NULL COLLATE NOCASE,
  source        TEXT NOT NULL,
  declared_type TEXT NOT NULL,
  value_type    TEXT NOT NULL,
  sf_type       TEXT NOT NULL,
  status        TEXT NOT NULL CHECK (status IN ('active', 'removed')),
  added_at      TEXT NOT NULL,
  removed_at    TEXT,
  PRIMARY KEY (table_name, column_name)
);
CREATE TABLE _sfsync_schema_history (
  seq         INTEGER PRIMARY KEY,
  object      TEXT NOT NULL,
  table_name  TEXT NOT NULL,
  change      TEXT NOT NULL,
  column_name TEXT,
  detail      TEXT NOT NULL,
  at          TEXT NOT NULL
);
CREATE TABLE _sfsync_runs (
  run_id          INTEGER PRIMARY KEY AUTOINCREMENT,
  job             TEXT NOT NULL,
  status          TEXT NOT NULL,
  started_millis  INTEGER NOT NULL,
  finished_millis INTEGER,
  api_calls       INTEGER NOT NULL DEFAULT 0,
  error           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX _sfsync_runs_by_job ON _sfsync_runs (job, run_id);
)sql";

// Version 1 -> 2: sync state, describes and run rows become per table.
//  - A state row moves to the table its object was created in (the create_table rows of the schema
//    history, for tables that still exist). Its job and query shape are unknown: the first run adopts
//    its own. An object whose one state served several tables (the bug version 2 fixes) leaves each
//    of them a state with no watermark and a full pass owed, so each is read again and swept.
//  - The describe cache is dropped (it is a cache; the next run describes once without
//    If-Modified-Since).
//  - Run rows keep their object as their table name.
constexpr const char* kSetAsideV1 = R"sql(
ALTER TABLE _sfsync_state RENAME TO _sfsync_state_v1;
ALTER TABLE _sfsync_run_objects RENAME TO _sfsync_run_objects_v1;
DROP TABLE _sfsync_describes;
)sql";
constexpr const char* kMigrateToV2 = R"sql(
CREATE TEMP TABLE _sfsync_v1_tables AS
  SELECT h.object AS object, min(h.table_name) AS table_name
  FROM _sfsync_schema_history h
  WHERE h.change = 'create_table'
    AND EXISTS (SELECT 1 FROM sqlite_master m WHERE m.type = 'table' AND m.name = h.table_name COLLATE NOCASE)
  GROUP BY h.object, lower(h.table_name);
INSERT INTO _sfsync_state (table_name, object, job, org_id, fields, where_clause, deletes, mode, cursor_field,
                           watermark_ts, watermark_id, load_in_progress, load_after_id, load_since,
                           deletes_checked_until, parent_watermarks, full_pass_reason, updated_at)
  SELECT t.table_name, s.object, '', '', '', '', '', '', s.cursor_field,
         CASE WHEN n.tables = 1 THEN s.watermark_ts ELSE '' END,
         CASE WHEN n.tables = 1 THEN s.watermark_id ELSE '' END,
         CASE WHEN n.tables = 1 THEN s.load_in_progress ELSE 0 END,
         CASE WHEN n.tables = 1 THEN s.load_after_id ELSE '' END,
         CASE WHEN n.tables = 1 THEN s.load_since ELSE '' END,
         s.deletes_checked_until,
         CASE WHEN n.tables = 1 THEN s.parent_watermarks ELSE '' END,
         CASE WHEN n.tables = 1 THEN ''
              ELSE 'upgrade: one sync state of ' || s.object || ' served ' || n.tables || ' tables' END,
         s.updated_at
  FROM _sfsync_state_v1 s
  JOIN _sfsync_v1_tables t ON t.object = s.object
  JOIN (SELECT object, count(*) AS tables FROM _sfsync_v1_tables GROUP BY object) n ON n.object = s.object;
DROP TABLE _sfsync_state_v1;
DROP TABLE _sfsync_v1_tables;
INSERT INTO _sfsync_run_objects (run_id, table_name, object, status, rows_read, rows_written, rows_deleted, api_calls,
                                 watermark_before, watermark_after, error, started_millis, finished_millis)
  SELECT run_id, object, object, status, rows_read, rows_written, rows_deleted, api_calls, watermark_before,
         watermark_after, error, started_millis, finished_millis
  FROM _sfsync_run_objects_v1;
DROP TABLE _sfsync_run_objects_v1;
UPDATE _sfsync_meta SET value = '2' WHERE key = 'schema_version';
)sql";

// Version 3: change push-back (engine/store/README.md, "Push-back"). _sfsync_ctx.applying is 1
// only inside the engine's own write transactions, so capture triggers (capture.h) skip the engine's
// writes for every connection without any function registered on one of them; it is never committed
// as 1. The triggers append raw edits to _sfsync_capture (one cheap append per changed column); the
// engine folds them, in order, into _sfsync_outbox at the start of each of its transactions that
// reads the outbox. The outbox holds one change per row and push: the open one (PENDING, FAILED,
// CONFLICT) merges later edits; a SENT one is in flight, and an edit made meanwhile opens a new change.
constexpr const char* kPushTablesV3 = R"sql(
CREATE TABLE _sfsync_ctx (
  k        INTEGER PRIMARY KEY CHECK (k = 1),
  applying INTEGER NOT NULL DEFAULT 0
);
INSERT INTO _sfsync_ctx (k, applying) VALUES (1, 0);
CREATE TABLE _sfsync_capture (
  seq         INTEGER PRIMARY KEY,
  table_name  TEXT NOT NULL,
  "Id"        TEXT NOT NULL,
  op          TEXT NOT NULL,
  column_name TEXT,
  base,
  base_stamp  TEXT,
  row_before  TEXT
);
CREATE TABLE _sfsync_capture_tables (
  table_name   TEXT PRIMARY KEY COLLATE NOCASE,
  stamp_column TEXT NOT NULL
);
CREATE TABLE _sfsync_outbox (
  change_id      INTEGER PRIMARY KEY AUTOINCREMENT,
  table_name     TEXT NOT NULL COLLATE NOCASE,
  "Id"           TEXT NOT NULL,
  op             TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
  state          TEXT NOT NULL CHECK (state IN ('PENDING', 'SENT', 'DONE', 'FAILED', 'CONFLICT')),
  base_stamp     TEXT,
  row_before     TEXT,
  insert_key     TEXT NOT NULL DEFAULT '',
  remote_deleted INTEGER NOT NULL DEFAULT 0,
  attempts       INTEGER NOT NULL DEFAULT 0,
  status_code    TEXT NOT NULL DEFAULT '',
  message        TEXT NOT NULL DEFAULT '',
  error_fields   TEXT NOT NULL DEFAULT '',
  server_id      TEXT NOT NULL DEFAULT '',
  run_id         INTEGER,
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL
);
CREATE UNIQUE INDEX _sfsync_outbox_open ON _sfsync_outbox (table_name, "Id")
  WHERE state IN ('PENDING', 'FAILED', 'CONFLICT');
CREATE INDEX _sfsync_outbox_by_state ON _sfsync_outbox (table_name, state, "Id");
CREATE TABLE _sfsync_outbox_columns (
  change_id   INTEGER NOT NULL,
  column_name TEXT NOT NULL COLLATE NOCASE,
  base,
  remote,
  remote_set  INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (change_id, column_name)
) WITHOUT ROWID;
CREATE TABLE _sfsync_conflicts (
  conflict_id  INTEGER PRIMARY KEY AUTOINCREMENT,
  change_id    INTEGER NOT NULL,
  table_name   TEXT NOT NULL COLLATE NOCASE,
  "Id"         TEXT NOT NULL,
  kind         TEXT NOT NULL CHECK (kind IN ('field', 'deleted_remotely', 'edited_remotely')),
  column_name  TEXT NOT NULL DEFAULT '',
  base,
  local,
  remote,
  detected_at  TEXT NOT NULL,
  resolution   TEXT NOT NULL DEFAULT '' CHECK (resolution IN ('', 'local', 'remote', 'value')),
  resolved_value,
  resolved_at  TEXT
);
CREATE INDEX _sfsync_conflicts_open ON _sfsync_conflicts (table_name, "Id") WHERE resolved_at IS NULL;
)sql";

constexpr const char* kMigrateToV3 = "UPDATE _sfsync_meta SET value = '3' WHERE key = 'schema_version';";

// Version 4: resume points of sliced REST loads and of Bulk downloads (store.h LoadSlice, BulkResume).
constexpr const char* kStateColumnsV4 = R"sql(
ALTER TABLE _sfsync_state ADD COLUMN load_slices TEXT NOT NULL DEFAULT '';
ALTER TABLE _sfsync_state ADD COLUMN bulk_resume TEXT NOT NULL DEFAULT '';
)sql";
constexpr const char* kMigrateToV4 = "UPDATE _sfsync_meta SET value = '4' WHERE key = 'schema_version';";

// Version 5: history mode (engine/store/README.md, "History"). The engine's write transactions also
// set _sfsync_ctx.at (their time, storage form) and run_id (the run writing), and deletes the server
// dated set delete_at, for the history triggers (history.h) to date and attribute the versions they
// write. _sfsync_history_tables lists the tables whose versions are kept, and where.
constexpr const char* kHistoryV5 = R"sql(
ALTER TABLE _sfsync_ctx ADD COLUMN at TEXT;
ALTER TABLE _sfsync_ctx ADD COLUMN run_id INTEGER;
ALTER TABLE _sfsync_ctx ADD COLUMN delete_at TEXT;
CREATE TABLE _sfsync_history_tables (
  table_name    TEXT PRIMARY KEY COLLATE NOCASE,
  history_table TEXT NOT NULL COLLATE NOCASE,
  stamp_column  TEXT NOT NULL,
  enabled       INTEGER NOT NULL DEFAULT 1,
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL
);
)sql";
constexpr const char* kMigrateToV5 = "UPDATE _sfsync_meta SET value = '5' WHERE key = 'schema_version';";

}  // namespace

Status InitMetadata(Db* db) {
  Transaction txn(db);
  SFSYNC_RETURN_IF_ERROR(txn.status());
  SFSYNC_ASSIGN_OR_RETURN(
      std::string has_meta,
      db->QueryText("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '_sfsync_meta'"));
  if (has_meta == "0") {
    for (const char* ddl : {kOtherTables, kStateTableV2, kDescribesTableV2, kRunObjectsTableV2, kPushTablesV3,
                            kStateColumnsV4, kHistoryV5}) {
      SFSYNC_RETURN_IF_ERROR(db->Exec(ddl));
    }
    SFSYNC_RETURN_IF_ERROR(db->Exec(
        fmt::format("INSERT INTO _sfsync_meta (key, value) VALUES ('schema_version', '{}')", kMetadataSchemaVersion)));
    return txn.Commit();
  }
  StatusOr<std::string> stored = db->QueryText("SELECT value FROM _sfsync_meta WHERE key = 'schema_version'");
  if (!stored.ok())
    return DataLossError("_sfsync_meta has no readable schema_version row: " + stored.status().message());
  int version = 0;
  const char* end = stored->data() + stored->size();
  if (auto [ptr, ec] = std::from_chars(stored->data(), end, version); ec != std::errc() || ptr != end || version < 1) {
    return DataLossError(fmt::format("_sfsync_meta.schema_version is '{}', not a version number", *stored));
  }
  if (version > kMetadataSchemaVersion) {
    return RefusedError(fmt::format(
        "the database was written by a newer sfsync (metadata schema version {}; this build knows up to {})", version,
        kMetadataSchemaVersion));
  }
  // Migrations from version N to N+1, in order, inside this transaction, each ending with an update of
  // the schema_version row.
  if (version < 2) {
    for (const char* sql : {kSetAsideV1, kStateTableV2, kDescribesTableV2, kRunObjectsTableV2, kMigrateToV2}) {
      SFSYNC_RETURN_IF_ERROR(db->Exec(sql));
    }
  }
  if (version < 3) {
    for (const char* sql : {kPushTablesV3, kMigrateToV3}) SFSYNC_RETURN_IF_ERROR(db->Exec(sql));
  }
  if (version < 4) {
    for (const char* sql : {kStateColumnsV4, kMigrateToV4}) SFSYNC_RETURN_IF_ERROR(db->Exec(sql));
  }
  if (version < 5) {
    for (const char* sql : {kHistoryV5, kMigrateToV5}) SFSYNC_RETURN_IF_ERROR(db->Exec(sql));
  }
  return txn.Commit();
}

}  // namespace sfsync::store
