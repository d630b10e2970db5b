// Opens a job's store together with its run lock (one run of a job at a time):
//  - SQLite: a lock file beside the database (RunLock), released by the kernel when the process dies;
//  - PostgreSQL: a session advisory lock held by the store's own connection, released by the server
//    when the session ends, so runs on several hosts sharing one database take turns too.
#pragma once

#include <memory>
#include <string>

#include "engine/config/job.h"
#include "engine/core/statusor.h"
#include "engine/store/pg/pg_store.h"
#include "engine/store/store.h"
#include "engine/sync/run_lock.h"

namespace sfsync::sync {

struct JobStore {
  std::unique_ptr<RunLock> lock;        // SQLite only
  std::unique_ptr<store::Store> store;  // holds the PostgreSQL lock itself
};

StatusOr<JobStore> OpenJobStore(const config::Job& job);

// The job's PostgreSQL store without the run lock, for commands that only read (plan, the daemon's
// catch-up check): kNotFound, nothing created, when the schema holds no sfsync tables yet.
// REQUIRES: job.store.is_postgres().
StatusOr<std::unique_ptr<store::Store>> OpenPostgresUnlocked(const config::Job& job);

// The PostgreSQL connection settings of a job (no run lock). REQUIRES: job.store.is_postgres().
store::PostgresStoreOptions PostgresOptionsFor(const config::Job& job);

// How messages name the store: the SQLite file, or "postgresql://host/db (schema s)".
std::string StoreName(const config::StoreConfig& store);

}  // namespace sfsync::sync
