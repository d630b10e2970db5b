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
      // A job can carry several errors, one per line; print each.
      const std::string& m = job.status().message();
      size_t start = 0;
      while (start <= m.size()) {
        size_t nl = m.find('\n', start);
        std::string line = m.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
        if (!line.empty()) PrintError(line);
        if (nl == std::string::npos) break;
        start = nl + 1;
      }
      if (exit_code == kExitOk) exit_code = ExitCodeFor(job.status());
      continue;
    }
    std::printf("%s: ok (job %s, %zu objects)\n", path.c_str(), job->name.c_str(), job->objects.size());
  }
  return exit_code;
}

}  // namespace sfsync::cli
