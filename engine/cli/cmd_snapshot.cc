// `sfsync snapshot JOB [--at TIME [--object X,Y]] --out FILE.db` (README "Snapshots"): the whole
// store copied into one file, one committed state, while syncs may run; or, with --at, the tables as
// they were at an instant, rebuilt from their history.
#include <fmt/format.h>

#include <cstdio>

#include "engine/cli/commands.h"
#include "engine/config/job_loader.h"
#include "engine/core/ascii.h"
#include "engine/core/clock.h"
#include "engine/core/exit_codes.h"
#include "engine/core/time_format.h"
#include "engine/store/snapshot.h"

namespace sfsync::cli {
namespace {

int PointInTime(const config::Job& job, const SnapshotFlags& flags) {
  StatusOr<int64_t> millis = ParseDateTime(flags.at);
  if (!millis.ok()) {
    PrintError(fmt::format("--at {}: not an ISO 8601 date and time (e.g. 2026-09-30T23:59:59Z): {}", flags.at,
                           millis.status().message()));
    return kExitUsage;
  }
  std::vector<std::string> tables;
  for (const std::string& wanted : flags.objects) {
    const config::ObjectConfig* found = nullptr;
    for (const config::ObjectConfig& o : job.objects) {
      if (EqualsIgnoringAsciiCase(o.name, wanted) || EqualsIgnoringAsciiCase(o.table, wanted)) found = &o;
    }
    if (found == nullptr) {
      PrintError(fmt::format("job {} has no object {}", job.name, wanted));
      return kExitUsage;
    }
    tables.push_back(found->table);
  }
  if (flags.objects.empty()) {
    for (const config::ObjectConfig& o : job.objects) {
      if (o.history) tables.push_back(o.table);
    }
    if (tables.empty()) {
      PrintError(fmt::format("no object of job {} has history: true, so there is nothing to rebuild at {}", job.name,
                             flags.at));
      return kExitUsage;
    }
  }
  const std::string at = FormatIsoUtc(*millis);
  auto info =
      store::SnapshotSqliteStoreAt(job.store.sqlite_path, flags.out, job.name, at, tables, SystemClock()->NowMillis());
  if (!info.ok()) {
    PrintError(info.status().message());
    return info.status().reason() == "usage" ? kExitUsage : ExitCodeFor(info.status());
  }
  std::printf("snapshot of job %s as of %s: %s, %lld tables, %lld rows, taken %s\n", job.name.c_str(), at.c_str(),
              flags.out.c_str(), static_cast<long long>(info->tables), static_cast<long long>(info->rows),
              info->taken_at.c_str());
  return kExitOk;
}

}  // namespace

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
  if (!flags.objects.empty() && flags.at.empty()) {
    PrintError("--object applies only with --at (a snapshot without --at copies the whole store)");
    return kExitUsage;
  }
  if (job->store.is_postgres()) {
    PrintError("snapshot copies an SQLite store; for a PostgreSQL store use pg_dump, or sfsync export per object");
    return kExitUsage;
  }
  if (!flags.at.empty()) return PointInTime(*job, flags);
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
