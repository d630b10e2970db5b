#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstring>

#include <unistd.h>

#include "connectors/salesforce/http_transport.h"
#include "engine/cli/commands.h"
#include "engine/config/job_loader.h"
#include "engine/core/exit_codes.h"
#include "engine/core/log.h"
#include "engine/sync/run.h"

namespace sfsync::cli {
namespace {

std::atomic<bool> g_stop{false};
static_assert(std::atomic<bool>::is_always_lock_free, "the signal handler needs a lock-free flag");

// First SIGINT/SIGTERM: finish (or roll back) the current page, record the run PARTIAL, exit 10.
// A second one: die at once, which is safe too (every committed page is consistent).
extern "C" void OnStopSignal(int sig) {
  if (g_stop.exchange(true)) {
    std::signal(sig, SIG_DFL);
    std::raise(sig);
    return;
  }
  static const char kMsg[] = "sfsync: stopping after the current page (signal again to abort)\n";
  (void)!::write(STDERR_FILENO, kMsg, sizeof kMsg - 1);
}

void InstallSignalHandlers() {
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_handler = OnStopSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

}  // namespace

int RunCommand(const CommonFlags& common, const RunFlags& flags) {
  if (!SetUpLogging(common)) return kExitUsage;
  auto job = config::LoadJobFile(flags.job_path, config::ProcessEnv());
  if (!job.ok()) {
    PrintError(job.status().message());
    return ExitCodeFor(job.status());
  }
  std::unique_ptr<salesforce::HttpTransport> transport = NewJobTransport(*job);

  InstallSignalHandlers();
  sync::RunOptions options;
  options.stop = &g_stop;
  sync::RunReport report = sync::RunJob(*job, transport.get(), SystemClock(), options);
  if (!flags.quiet) std::fputs(Redact(sync::FormatRunSummary(report)).c_str(), stdout);
  std::fflush(stdout);
  if (report.error.ok()) return kExitOk;
  PrintError(report.error.message());
  return ExitCodeFor(report.error);
}

}  // namespace sfsync::cli
