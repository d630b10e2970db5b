// `sfsync run JOB... | DIR`: runs jobs once, in dependency order (`after:`), each as one run.
//
// Output, for people at a terminal and for cron alike:
//  - stdout: the summary of each run; the per-object table on a terminal, one line on a pipe (a cron
//    run that changed nothing mails one line), none with -q; --summary table|line chooses.
//  - stderr: live progress lines on a terminal; warnings and errors always; INFO chatter with -v.
//  - the log file (--log-file): INFO and up, the summary and the final error included.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <optional>

#include "connectors/salesforce/http/http_transport.h"
#include "engine/cli/commands.h"
#include "engine/cli/progress_display.h"
#include "engine/config/job_loader.h"
#include "engine/config/job_set_checks.h"
#include "engine/core/exit_codes.h"
#include "engine/core/log.h"
#include "engine/push/push_job.h"
#include "engine/scheduler/job_order.h"
#include "engine/scheduler/job_files.h"
#include "engine/scheduler/scheduler.h"
#include "engine/sync/run.h"

namespace sfsync::cli {
namespace {

// The summary, kept in the log file too (one line for the run, one per object, with fields).
void LogSummaryToFile(const sync::RunReport& r) {
  LogLineToFile(LogLevel::kInfo, sync::FormatRunSummaryLine(r),
                {{"status", r.status}, {"seconds", r.seconds}, {"api_calls", r.api_calls}, {"database", r.database}});
  for (const store::ObjectRunStats& o : r.objects) {
    LogFields fields = {{"status", o.status},           {"rows_read", o.rows_read},     {"rows_written", o.rows_written},
                        {"rows_deleted", o.rows_deleted}, {"api_calls", o.api_calls},   {"watermark", o.watermark_after}};
    if (!o.error.empty()) fields.emplace_back("error", o.error);
    LogTags tags = CurrentLogTags();
    tags.object = o.object;
    const LogContext context(std::move(tags));
    LogLineToFile(LogLevel::kInfo, o.object + ": " + o.status, fields);
  }
}

void PrintSummary(const RunFlags& flags, const push::RunAndPushReport& both) {
  const sync::RunReport& report = both.run;
  if (flags.quiet) return;
  const bool table = flags.summary == "table" || (flags.summary == "auto" && ::isatty(STDOUT_FILENO));
  std::string out = table ? sync::FormatRunSummary(report) : sync::FormatRunSummaryLine(report) + "\n";
  // The push's table only when it had something to do (or did not finish): a pull with no local
  // edits stays a pull's summary.
  if (both.push && (both.push->status != "SUCCESS" || push::PushedAnything(*both.push))) {
    out += table ? push::FormatPushSummary(*both.push)
                 : push::FormatPushSummary(*both.push).substr(0, push::FormatPushSummary(*both.push).find('\n') + 1);
  }
  std::fputs(Redact(out).c_str(), stdout);
  std::fflush(stdout);
}

// Runs one job (already narrowed to --object); returns its exit code.
int RunOne(const config::Job& job, const RunFlags& flags, bool progress_allowed, const std::atomic<bool>* stop) {
  const LogContext log_context(job.name);
  std::unique_ptr<salesforce::HttpTransport> transport = TransportFor(job);
  sync::RunOptions options;
  options.take_over = flags.take_over;
  options.stop = stop;
  if (flags.full) {
    for (const config::ObjectConfig& o : job.objects) options.full.push_back(o.name);
  }
  std::optional<ProgressDisplay> progress;
  if (!flags.quiet && !flags.no_progress && progress_allowed) {
    std::vector<std::string> names;
    for (const config::ObjectConfig& o : job.objects) names.push_back(o.name);
    progress.emplace(names);
    options.progress = &*progress;
  }
  push::RunAndPushReport both = push::RunJobAndPush(job, transport.get(), SystemClock(), options);
  if (progress) progress->Stop();
  const sync::RunReport& report = both.run;
  LogSummaryToFile(report);
  PrintSummary(flags, both);
  const int code = push::ExitCodeForRunAndPush(both);
  if (report.stopped_by.code() == StatusCode::kCancelled) {
    // A deliberate stop is not an error: say what happened and what was kept.
    std::fprintf(stderr, "sfsync: job %s interrupted: what was committed is kept; the run is recorded PARTIAL\n",
                 job.name.c_str());
    LogLineToFile(LogLevel::kWarn, "interrupted by a signal; the run is recorded PARTIAL");
  } else if (!report.error.ok()) {
    PrintError(report.error.message());
  } else if (both.push && !both.push->error.ok()) {
    PrintError("push: " + both.push->error.message());
  } else if (both.push && both.push->status != "SUCCESS") {
    PrintError("push left changes failed, in conflict or waiting: see sfsync push --errors and sfsync conflicts list");
  }
  return code;
}

}  // namespace

int RunCommand(const CommonFlags& common, const RunFlags& flags) {
  if (!SetUpLogging(common)) return kExitUsage;
  auto paths = scheduler::ExpandJobPaths(flags.job_paths);
  if (!paths.ok()) {
    PrintErrorLines(paths.status().message());
    return ExitCodeFor(paths.status());
  }
  // Every job is read and checked before any runs: a typo in the third file fails the command
  // before the first job spends a call.
  std::vector<config::Job> jobs;
  int invalid = kExitOk;
  for (const std::string& path : *paths) {
    auto job = config::LoadJobFile(path, config::ProcessEnv());
    if (!job.ok()) {
      PrintErrorLines(job.status().message());
      if (invalid == kExitOk) invalid = ExitCodeFor(job.status());
      continue;
    }
    jobs.push_back(std::move(*job));
  }
  if (invalid != kExitOk) return invalid;
  std::vector<config::JobInSet> set;
  std::vector<const config::Job*> pointers;
  for (size_t i = 0; i < jobs.size(); ++i) {
    set.push_back(config::JobInSet{(*paths)[i], &jobs[i]});
    pointers.push_back(&jobs[i]);
  }
  if (jobs.size() > 1) {
    if (Status conflicts = config::CheckJobSet(set); !conflicts.ok()) {
      PrintErrorLines(conflicts.message());
      return ExitCodeFor(conflicts);
    }
  }
  auto order = scheduler::OrderJobs(pointers, /*require_all=*/false);
  if (!order.ok()) {
    PrintError(order.status().message());
    return ExitCodeFor(order.status());
  }
  // --object narrows every job to the objects it names; a name no job has is a typo.
  if (!flags.objects.empty()) {
    std::vector<std::string> unmatched_everywhere = flags.objects;
    for (config::Job& job : jobs) {
      const std::vector<std::string> unmatched = SelectObjects(flags.objects, &job);
      std::erase_if(unmatched_everywhere, [&](const std::string& n) {
        return std::find(unmatched.begin(), unmatched.end(), n) == unmatched.end();
      });
    }
    if (!unmatched_everywhere.empty()) {
      std::string names;
      for (const std::string& path : *paths) {
        auto job = config::LoadJobFile(path, config::ProcessEnv());
        if (!job.ok()) continue;
        for (const config::ObjectConfig& o : job->objects) names += (names.empty() ? "" : ", ") + o.name;
      }
      PrintError("--object " + unmatched_everywhere.front() + ": no such object in " +
                 (jobs.size() == 1 ? "the job" : "any job given") + " (objects: " + names + ")");
      return kExitUsage;
    }
  }

  // First SIGINT/SIGTERM: finish (or roll back) the current page, record the run PARTIAL, exit 10.
  const std::atomic<bool>* stop =
      InstallStopSignalHandlers("sfsync: stopping after the current page (signal again to abort)\n");
  SetLogJobInText(jobs.size() > 1);
  const bool progress_allowed = ::isatty(STDERR_FILENO) && common.log_format == "text";
  int worst = kExitOk;
  std::vector<std::string> ran, succeeded;
  for (size_t i : *order) {
    const config::Job& job = jobs[i];
    if (job.objects.empty()) continue;  // --object named none of its objects
    if (stop->load()) break;
    const std::string failed = scheduler::FailedPrerequisite(job, ran, succeeded);
    ran.push_back(job.name);
    if (!failed.empty()) {
      const std::string reason = "skipped: job " + failed + ", which it runs after, did not succeed";
      PrintError("job " + job.name + " " + reason);
      if (Status s = sync::RecordSkippedRun(job, SystemClock(), reason); !s.ok()) {
        PrintError("job " + job.name + ": recording the skipped run failed: " + s.message());
      }
      continue;
    }
    const int code = RunOne(job, flags, progress_allowed, stop);
    if (code == kExitOk) succeeded.push_back(job.name);
    worst = scheduler::WorseExitCode(worst, code);
  }
  if (stop->load()) worst = scheduler::WorseExitCode(worst, kExitInterrupted);
  return worst;
}

}  // namespace sfsync::cli
