#include "engine/sync/job_store.h"

#include <algorithm>

#include "engine/store/pg/pg_store.h"

namespace sfsync::sync {

store::PostgresStoreOptions PostgresOptionsFor(const config::Job& job) {
  store::PostgresStoreOptions options;
  options.url = job.store.postgres_url;
  options.schema = job.store.postgres_schema;
  options.password = job.store.postgres_password;
  options.connect_timeout_seconds = static_cast<int>(std::min<int64_t>(job.connection.timeout_seconds, 60));
  return options;
}

StatusOr<std::unique_ptr<store::Store>> OpenPostgresUnlocked(const config::Job& job) {
  store::PostgresStoreOptions options = PostgresOptionsFor(job);
  options.create = false;
  return store::OpenPostgresStore(options);
}

StatusOr<JobStore> OpenJobStore(const config::Job& job) {
  JobStore out;
  if (job.store.is_postgres()) {
    store::PostgresStoreOptions options = PostgresOptionsFor(job);
    options.run_lock = job.name;
    SFSYNC_ASSIGN_OR_RETURN(out.store, store::OpenPostgresStore(options));
    return out;
  }
  SFSYNC_ASSIGN_OR_RETURN(out.lock, RunLock::Acquire(job.store.sqlite_path + ".lock"));
  SFSYNC_ASSIGN_OR_RETURN(out.store, store::OpenSqliteStore(job.store.sqlite_path));
  return out;
}

std::string StoreName(const config::StoreConfig& store) {
  if (store.is_postgres()) return store.postgres_url + " (schema " + store.postgres_schema + ")";
  return store.sqlite_path;
}

}  // namespace sfsync::sync
