// Checks over several jobs, each valid alone, that are meant to live side by side (`sfsync
// validate a.yaml b.yaml ...`, the jobs of `sfsync daemon`). Two jobs conflict when they write the
// same database file and
//  - an object of each fills the same table: each run would overwrite the other's rows and move
//    the other's watermark, so rows would be skipped or mixed; or
//  - they have the same job `name`: their runs would be one job's run history.
// Database files are the same when their absolute paths resolve to the same file (symlinks and
// ".." resolved as far as the path exists, so a database not created yet compares by its
// directory). Table names compare ignoring ASCII case, as SQLite does. The same file named twice
// (same resolved source_path) is one job, not a conflict.
#pragma once

#include <string>
#include <vector>

#include "engine/config/job.h"
#include "engine/core/status.h"

namespace sfsync::config {

struct JobInSet {
  std::string file;          // the job file as the user named it (messages show it)
  const Job* job = nullptr;  // loaded from `file`
};

// OK when no two jobs conflict. Else kInvalidArgument, reason "job.invalid" (exit 3), one line per
// conflict, at the later job of the two in `jobs` order (line:col of its object's table, else
// name, or of its job name) naming the earlier one, e.g. (wrapped here)
//   b.yaml:16:12: objects[0]: table Account in database /srv/demo.db is also filled by a.yaml:14:11
//     (job a, objects[1]): ...; set a different 'table' in one of them, or a different store.sqlite
//   b.yaml:2:7: name: job name nightly is also used by a.yaml:2:7 for the same database /srv/demo.db: ...
// REQUIRES: every `job` is not null.
Status CheckJobSet(const std::vector<JobInSet>& jobs);

// The file a database path names once symlinks and ".." are resolved, as far as the path exists:
// two jobs write the same database exactly when this is equal.
std::string ResolvedDatabasePath(const std::string& path);
// What identifies a job's store: the resolved SQLite path, or the PostgreSQL URL and schema. Jobs
// with equal keys share one database (one at a time in the daemon; names must differ).
std::string StoreKey(const StoreConfig& store);

}  // namespace sfsync::config
