#include <cstdio>

#include "engine/cli/commands.h"
#include "engine/config/job_loader.h"
#include "engine/config/job_set_checks.h"
#include "engine/core/exit_codes.h"

namespace sfsync::cli {

int ValidateCommand(const CommonFlags& common, const std::vector<std::string>& job_paths) {
  if (!SetUpLogging(common)) return kExitUsage;
  int exit_code = kExitOk;
  std::vector<std::string> valid_paths;
  std::vector<config::Job> valid_jobs;
  for (const std::string& path : job_paths) {
    auto job = config::LoadJobFile(path, config::ProcessEnv());
    if (!job.ok()) {
      PrintErrorLines(job.status().message());
      if (exit_code == kExitOk) exit_code = ExitCodeFor(job.status());
      continue;
    }
    std::printf("%s: ok (job %s, %zu objects)\n", path.c_str(), job->name.c_str(), job->objects.size());
    valid_paths.push_back(path);
    valid_jobs.push_back(std::move(*job));
  }
  // The files that are valid alone must also fit together (a table or job name in one database).
  std::vector<config::JobInSet> set;
  for (size_t i = 0; i < valid_jobs.size(); ++i) set.push_back(config::JobInSet{valid_paths[i], &valid_jobs[i]});
  if (Status conflicts = config::CheckJobSet(set); !conflicts.ok()) {
    PrintErrorLines(conflicts.message());
    if (exit_code == kExitOk) exit_code = ExitCodeFor(conflicts);
  }
  return exit_code;
}

}  // namespace sfsync::cli
