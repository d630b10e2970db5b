// `sfsync status JOB.yaml`: the job's recent runs, its changes waiting to be pushed (or failed), and
// open conflicts, read from the database without connecting.
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>

#include "engine/cli/commands.h"
#include "engine/core/exit_codes.h"
#include "engine/core/log.h"
#include "engine/core/time_format.h"
#include "engine/store/store.h"

namespace sfsync::cli {

int StatusCommand(const CommonFlags& common, const std::string& job_path) {
  config::Job job;
  if (int rc = LoadJobForCommand(common, job_path, &job); rc != kExitOk) return rc;
  std::string out = fmt::format("job {}: database {}\n", job.name, job.store.sqlite_path);
  if (!std::filesystem::exists(job.store.sqlite_path)) {
    std::fputs((out + "never run (no database yet)\n").c_str(), stdout);
    return kExitOk;
  }
  auto store = store::OpenSqliteStore(job.store.sqlite_path);
  if (!store.ok()) {
    PrintError(store.status().message());
    return ExitCodeFor(store.status());
  }
  auto runs = (*store)->RecentRuns(job.name, 5);
  auto counts = (*store)->CountChanges();
  auto conflicts = (*store)->ListConflicts("");
  for (const Status& s : {runs.status(), counts.status(), conflicts.status()}) {
    if (!s.ok()) {
      PrintError(s.message());
      return ExitCodeFor(s);
    }
  }
  out += "recent runs:\n";
  if (runs->empty()) out += "  none\n";
  for (const store::RunRecord& r : *runs) {
    out += fmt::format("  run {} {} {} ({} API calls){}\n", r.run_id, FormatIsoUtc(r.started_millis), r.status,
                       r.api_calls, r.error.empty() ? "" : ": " + r.error);
  }
  out += "push-back (changes by table and state):\n";
  bool any = false;
  for (const auto& [table, state, n] : *counts) {
    if (state == "DONE") continue;
    out += fmt::format("  {} {} {}\n", table, state, n);
    any = true;
  }
  if (!any) out += "  nothing waiting\n";
  out += fmt::format("open conflicts: {}{}\n", conflicts->size(),
                     conflicts->empty() ? "" : " (sfsync conflicts list " + job_path + ")");
  std::fputs(Redact(out).c_str(), stdout);
  return kExitOk;
}

}  // namespace sfsync::cli
