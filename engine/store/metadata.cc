#include "engine/store/metadata.h"

#include <fmt/format.h>

#include <charconv>

#include "engine/core/statusor.h"

namespace sfsync::store {
namespace {

// Version 1. Times in the catalog and history are ISO-8601 UTC text (the storage datetime form);
// run times are epoch milliseconds, as the Store interface passes them.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE _sfsync_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE _sfsync_state (
  object           TEXT PRIMARY KEY,
  cursor_field     TEXT NOT NULL,
  watermark_ts     TEXT NOT NULL,
  watermark_id     TEXT NOT NULL,
  load_in_progress INTEGER NOT NULL,
  load_after_id    TEXT NOT NULL,
  load_since       TEXT NOT NULL,
  deletes_checked_until TEXT NOT NULL DEFAULT '',
  parent_watermarks TEXT NOT NULL DEFAULT '',
  updated_at       TEXT NOT NULL
);
CREATE TABLE _sfsync_describes (
  object               TEXT PRIMARY KEY,
  last_modified_millis INTEGER NOT NULL,
  body                 TEXT NOT NULL,
  fetched_at           TEXT NOT NULL
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
CREATE TABLE _sfsync_run_objects (
  run_id           INTEGER NOT NULL,
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
  PRIMARY KEY (run_id, object)
);
INSERT INTO _sfsync_meta (key, value) VALUES ('schema_version', '1');
)sql";

}  // namespace

Status InitMetadata(Db* db) {
  Transaction txn(db);
  SFSYNC_RETURN_IF_ERROR(txn.status());
  SFSYNC_ASSIGN_OR_RETURN(
      std::string has_meta,
      db->QueryText("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '_sfsync_meta'"));
  if (has_meta == "0") {
    SFSYNC_RETURN_IF_ERROR(db->Exec(kSchemaV1));
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
    return FailedPreconditionError(fmt::format(
        "the database was written by a newer sfsync (metadata schema version {}; this build knows up to {})", version,
        kMetadataSchemaVersion));
  }
  // Migrations from version N to N+1 go here, in order, inside this transaction, each ending with an
  // update of the schema_version row. There are none yet: version 1 is the first.
  return txn.Commit();
}

}  // namespace sfsync::store
