// What `sfsync status` shows, read from a database sfsync writes: per table its sync state, rows,
// last run, push-back backlog and the schema changes not looked at yet; the last runs. Read-only
// but for one marker (MarkSchemaChangesSeen). No connection to Salesforce.
//
// REQUIRES: the database was opened once with OpenSqliteStore (which refuses files sfsync did not
// create and brings the metadata to this version).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/core/statusor.h"
#include "engine/store/store.h"

namespace sfsync::store {

struct SchemaChangeRecord {
  int64_t seq = 0;
  std::string change;  // create_table, add_column, retype_column, remove_column, restore_column
  std::string column;
  std::string detail;
  std::string at;  // ISO
};

struct TableStatus {
  std::string table;
  std::string object;
  std::string job;
  std::string mode;          // incremental | full
  std::string cursor_field;
  Watermark watermark;       // empty: never completed a load
  bool load_in_progress = false;
  std::string full_pass_reason;  // a full pass owed, and why
  int64_t rows = 0;          // rows in the table now
  ObjectRunStats last_run;   // status empty: never run
  int64_t last_run_id = 0;
  int64_t pending_changes = 0;  // push-back: PENDING or SENT
  int64_t failed_changes = 0;   // push-back: FAILED
  int64_t conflicts = 0;        // open conflicts
  std::vector<SchemaChangeRecord> new_schema_changes;  // since the last MarkSchemaChangesSeen
};

struct DatabaseStatus {
  std::string path;
  std::vector<TableStatus> tables;  // in table-name order
  std::vector<RunRecord> runs;      // newest first
  int64_t schema_seq = 0;           // the newest schema change's seq (for MarkSchemaChangesSeen)
};

// Reads the status of the tables filled by `job` (every job when empty) and its newest `runs` runs.
StatusOr<DatabaseStatus> ReadDatabaseStatus(const std::string& path, const std::string& job, int runs);

// Records that schema changes up to `seq` were shown (key status.schema_seen in _sfsync_meta), so
// the next status shows only newer ones. Waits at most a second for a running sync's write lock.
Status MarkSchemaChangesSeen(const std::string& path, int64_t seq);

}  // namespace sfsync::store
