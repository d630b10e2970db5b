#include <cstdio>

#include "engine/cli/commands.h"
#include "engine/config/job_loader.h"
#include "engine/core/exit_codes.h"

namespace sfsync::cli {

int ValidateCommand(const CommonFlags& common, const std::vector<std::string>& job_paths) {
  if (!SetUpLogging(common)) return kExitUsage;
  int exit_code = kExitOk;
  for (const std::string& path : job_paths) {
    auto job = config::LoadJobFile(path, config::ProcessEnv());
    if (!job.ok()) {
      PrintErrorLines(job.status().message());
      if (exit_code == kExitOk) exit_code = ExitCodeFor(job.status());
      continue;
    }
    std::printf("%s: ok (job %s, %zu objects)\n", path.c_str(), job->name.c_str(), job->objects.size());
  }
  return exit_code;
}

}  // namespace sfsync::cli
