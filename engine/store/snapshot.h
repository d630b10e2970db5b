// A whole SQLite store copied into one new file (`sfsync snapshot JOB --out FILE.db`), for analysts:
// consistent while syncs run, self-contained, and saying when and from which runs it was taken.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/core/statusor.h"

namespace sfsync::store {

struct SnapshotInfo {
  std::string taken_at;           // ISO 8601 UTC
  int64_t last_run_id = 0;        // the newest finished run in the store (0: none)
  std::string last_run_finished;  // when it finished
  int64_t tables = 0;             // synced tables copied
  int64_t rows = 0;               // point in time: the rows written
};

// Copies the store at `source` into `out` with SQLite's online backup API in one step, so the copy
// is one committed state of the store even while a sync commits pages (readers never block the
// writer in WAL mode). The copy is written as `out`.partial (0600), made self-contained (rollback
// journal, no -wal file needed; push-back capture triggers removed: edits of a snapshot are not
// pushed), checked with PRAGMA integrity_check, given a `_sfsync_snapshot` table (key, value:
// taken_at, source, job, last_run_id, last_run_finished), and only then renamed to `out`, replacing
// an older file. kFailedPrecondition when `source` does not exist or is not an sfsync store.
StatusOr<SnapshotInfo> SnapshotSqliteStore(const std::string& source, const std::string& out, const std::string& job,
                                           int64_t now_millis);

// A point-in-time snapshot (`sfsync snapshot JOB --at TIME --out FILE.db`): each of `tables` as it
// was at `at` (storage datetime form), rebuilt from its history (history.h) into a new SQLite file:
// one table per synced table, named and typed as the table is now (columns added since hold NULL),
// holding the version of each row valid at `at`; tombstones left out. Read in one transaction of
// the store, so it is consistent while syncs run; written as `out`.partial (0600), checked, renamed.
// `_sfsync_snapshot` records at, taken_at, source, job and the tables. kFailedPrecondition (reason
// "usage") when a table keeps no history; (reason "store.refused") when `source` is missing.
StatusOr<SnapshotInfo> SnapshotSqliteStoreAt(const std::string& source, const std::string& out, const std::string& job,
                                             const std::string& at, const std::vector<std::string>& tables,
                                             int64_t now_millis);

}  // namespace sfsync::store
