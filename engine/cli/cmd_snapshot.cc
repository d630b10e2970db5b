// `sfsync snapshot JOB --out FILE.db` (README "Snapshots"): the whole store copied into one file, one
// committed state, while syncs may run.
#include <fmt/format.h>

#include <cstdio>

#include "engine/cli/commands.h"
#include "engine/config/job_loader.h"
#include "engine/core/clock.h"
#include "engine/core/exit_codes.h"
#include "engine/store/snapshot.h"

namespace sfsync::cli {

int SnapshotCommand(const CommonFlags& common, const SnapshotFlags& flags) {
  if (!SetUpLogging(common)) return kExitUsage;
  config::LoadOptions options;  // reads only the database: no Salesforce secret needed
  options.offline = true;
  options.offline_reads_store = true;
  auto job = config::LoadJobFile(flags.job_path, config::ProcessEnv(), options);
  if (!job.ok()) {
    PrintErrorLines(job.status().message());
    return ExitCodeFor(job.status());
  }
  if (job->store.is_postgres()) {
    PrintError(
        "snapshot --out copies an SQLite store; for a PostgreSQL store use pg_dump, or sfsync export per object");
    return kExitUsage;
  }
  auto info = store::SnapshotSqliteStore(job->store.sqlite_path, flags.out, job->name, SystemClock()->NowMillis());
  if (!info.ok()) {
    PrintError(info.status().message());
    return ExitCodeFor(info.status());
  }
  std::printf("snapshot of job %s: %s, %lld tables, taken %s, last run %lld (finished %s)\n", job->name.c_str(),
              flags.out.c_str(), static_cast<long long>(info->tables), info->taken_at.c_str(),
              static_cast<long long>(info->last_run_id),
              info->last_run_finished.empty() ? "-" : info->last_run_finished.c_str());
  return kExitOk;
}

}  // namespace sfsync::cli
