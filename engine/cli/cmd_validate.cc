// `sfsync validate JOB...|DIR [--offline]`: checks job files without running them, alone and
// together (a table or job name shared in one database, after: cycles). --offline is for CI
// linting: secrets need not be set (config::LoadOptions::offline).
#include <cstdio>

#include "engine/cli/commands.h"
#include "engine/config/job_loader.h"
#include "engine/config/job_set_checks.h"
#include "engine/core/exit_codes.h"
#include "engine/scheduler/job_files.h"
#include "engine/scheduler/job_order.h"

namespace sfsync::cli {

int ValidateCommand(const CommonFlags& common, const ValidateFlags& flags) {
  if (!SetUpLogging(common)) return kExitUsage;
  auto paths = scheduler::ExpandJobPaths(flags.job_paths);
  if (!paths.ok()) {
    PrintErrorLines(paths.status().message());
    return ExitCodeFor(paths.status());
  }
  config::LoadOptions options;
  options.offline = flags.offline;
  int exit_code = kExitOk;
  std::vector<std::string> valid_paths;
  std::vector<config::Job> valid_jobs;
  for (const std::string& path : *paths) {
    auto job = config::LoadJobFile(path, config::ProcessEnv(), options);
    if (!job.ok()) {
      PrintErrorLines(job.status().message());
      if (exit_code == kExitOk) exit_code = ExitCodeFor(job.status());
      continue;
    }
    std::printf("%s: ok (job %s, %zu objects%s)\n", path.c_str(), job->name.c_str(), job->objects.size(),
                flags.offline ? ", secrets not read" : "");
    valid_paths.push_back(path);
    valid_jobs.push_back(std::move(*job));
  }
  // The files that are valid alone must also fit together (a table or job name in one database),
  // and their after: lists must not wait for each other in a cycle.
  std::vector<config::JobInSet> set;
  std::vector<const config::Job*> pointers;
  for (size_t i = 0; i < valid_jobs.size(); ++i) {
    set.push_back(config::JobInSet{valid_paths[i], &valid_jobs[i]});
    pointers.push_back(&valid_jobs[i]);
  }
  if (Status conflicts = config::CheckJobSet(set); !conflicts.ok()) {
    PrintErrorLines(conflicts.message());
    if (exit_code == kExitOk) exit_code = ExitCodeFor(conflicts);
  }
  if (auto order = scheduler::OrderJobs(pointers, /*require_all=*/false); !order.ok()) {
    PrintError(order.status().message());
    if (exit_code == kExitOk) exit_code = ExitCodeFor(order.status());
  }
  return exit_code;
}

}  // namespace sfsync::cli
