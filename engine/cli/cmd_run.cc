#include <cstdio>

#include "connectors/salesforce/http_transport.h"
#include "engine/cli/commands.h"
#include "engine/core/exit_codes.h"
#include "engine/core/log.h"
#include "engine/sync/run.h"

namespace sfsync::cli {

int RunCommand(const CommonFlags& common, const RunFlags& flags) {
  config::Job job;
  if (int rc = LoadJobForCommand(common, flags.job_path, &job); rc != kExitOk) return rc;
  std::unique_ptr<salesforce::HttpTransport> transport = TransportFor(job);

  // First SIGINT/SIGTERM: finish (or roll back) the current page, record the run PARTIAL, exit 10.
  sync::RunOptions options;
  options.take_over = flags.take_over;
  options.stop = InstallStopSignalHandlers("sfsync: stopping after the current page (signal again to abort)\n");
  sync::RunReport report = sync::RunJob(job, transport.get(), SystemClock(), options);
  if (!flags.quiet) std::fputs(Redact(sync::FormatRunSummary(report)).c_str(), stdout);
  std::fflush(stdout);
  if (report.error.ok()) return kExitOk;
  PrintError(report.error.message());
  return sync::ExitCodeForRun(report);
}

}  // namespace sfsync::cli
