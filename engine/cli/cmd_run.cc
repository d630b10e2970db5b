#include <cstdio>

#include "connectors/salesforce/http/http_transport.h"
#include "engine/cli/commands.h"
#include "engine/core/exit_codes.h"
#include "engine/core/log.h"
#include "engine/push/push_job.h"
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
  push::RunAndPushReport both = push::RunJobAndPush(job, transport.get(), SystemClock(), options);
  const sync::RunReport& report = both.run;
  if (!flags.quiet) {
    std::fputs(Redact(sync::FormatRunSummary(report)).c_str(), stdout);
    // The push's table only when it had something to do (or did not finish): a pull with no local
    // edits stays a pull's summary.
    if (both.push && (both.push->status != "SUCCESS" || push::PushedAnything(*both.push))) {
      std::fputs(Redact(push::FormatPushSummary(*both.push)).c_str(), stdout);
    }
  }
  std::fflush(stdout);
  if (!report.error.ok()) {
    PrintError(report.error.message());
  } else if (both.push && !both.push->error.ok()) {
    PrintError("push: " + both.push->error.message());
  } else if (both.push && both.push->status != "SUCCESS") {
    PrintError("push left changes failed, in conflict or waiting: see sfsync push --errors and sfsync conflicts list");
  }
  return push::ExitCodeForRunAndPush(both);
}

}  // namespace sfsync::cli
