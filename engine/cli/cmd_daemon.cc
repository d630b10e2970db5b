// `sfsync daemon`: runs jobs on their cron schedules. engine/scheduler/scheduler.h decides what runs
// when; this file carries it out. The main thread owns the scheduler: it re-reads edited job files,
// starts due runs on worker threads, and waits until the next fire time, a run's end or the next
// poll of the stop flag (a signal handler cannot wake a condition variable), whichever comes first.
// A worker touches only its own run, stdout (one line per start and finish) and the finished queue.
#include <fmt/format.h>

#include <systemd/sd-daemon.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <map>
#include <mutex>
#include <thread>

#include "engine/cli/commands.h"
#include "engine/core/exit_codes.h"
#include "engine/core/log.h"
#include "engine/core/time_format.h"
#include "engine/scheduler/scheduler.h"
#include "engine/sync/job_store.h"
#include "engine/push/push_job.h"
#include "engine/store/store.h"
#include "engine/sync/run.h"

namespace sfsync::cli {
namespace {

using std::chrono::milliseconds;

// How long the loop sleeps at most: the delay before it notices a signal or an edited job file.
constexpr milliseconds kPoll{250};

// --tick-seconds N (tests): wall time from the daemon's start runs 60/N times faster, so a cron
// minute passes every N seconds. Only the scheduler sees this clock; runs keep the real one.
class TickClock : public Clock {
 public:
  explicit TickClock(int tick_seconds)
      : tick_seconds_(tick_seconds),
        start_wall_(SystemClock()->NowMillis()),
        start_(std::chrono::steady_clock::now()) {}
  int64_t NowMillis() override {
    const auto real = std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - start_).count();
    return start_wall_ + real * 60 / tick_seconds_;
  }
  std::chrono::steady_clock::time_point Monotonic() override { return std::chrono::steady_clock::now(); }
  void SleepFor(milliseconds d) override { std::this_thread::sleep_for(RealFor(d)); }
  // The real time `d` of this clock's time takes, rounded up so a sleep never ends early.
  milliseconds RealFor(milliseconds d) const { return milliseconds((d.count() * tick_seconds_ + 59) / 60); }

 private:
  const int tick_seconds_;
  const int64_t start_wall_;
  const std::chrono::steady_clock::time_point start_;
};

// One line on stdout, whole, so lines of parallel runs never interleave within a line.
void PrintRunLine(const std::string& text) {
  const std::string line = FormatIsoUtc(SystemClock()->NowMillis()) + " " + Redact(text) + "\n";
  std::fputs(line.c_str(), stdout);
  std::fflush(stdout);
}

struct FinishedRun {
  int job_id;
  Status error;
  int exit_code;
};

// Runs tickets on threads of their own and queues their ends for the main thread.
class RunPool {
 public:
  explicit RunPool(const std::atomic<bool>* stop) : stop_(stop) {}
  ~RunPool() {
    for (auto& [id, thread] : threads_) thread.join();
  }

  void Start(scheduler::RunTicket ticket) {
    const int id = ticket.job_id;
    threads_.emplace(id, std::thread([this, t = std::move(ticket)] { Run(t); }));
  }

  // Waits up to `timeout` for a run to end; returns the runs that ended (maybe none), their
  // threads joined.
  std::vector<FinishedRun> WaitForFinished(milliseconds timeout) {
    std::vector<FinishedRun> done;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait_for(lock, timeout, [this] { return !finished_.empty(); });
      done.swap(finished_);
    }
    for (const FinishedRun& f : done) {
      auto it = threads_.find(f.job_id);
      it->second.join();
      threads_.erase(it);
    }
    return done;
  }

 private:
  void Run(const scheduler::RunTicket& t) {
    const LogContext context(t.job.name);  // the engine's log lines of this run name the job
    PrintRunLine(fmt::format("start job={} due={}", t.job.name, FormatIsoUtc(t.due_millis)));
    FinishedRun finished{t.job_id, Status::Ok(), kExitOk};
    // An exception here would end the whole daemon (main's catch sees only its own thread): it is
    // this run's internal error instead, and the other jobs go on.
    try {
      std::unique_ptr<salesforce::HttpTransport> transport = TransportFor(t.job);
      sync::RunOptions options;
      options.stop = stop_;
      push::RunAndPushReport both = push::RunJobAndPush(t.job, transport.get(), SystemClock(), options);
      const sync::RunReport& report = both.run;
      int64_t rows = 0;
      for (const store::ObjectRunStats& o : report.objects) rows += o.rows_read;
      finished.error = !report.error.ok() || !both.push ? report.error : both.push->error;
      finished.exit_code = push::ExitCodeForRunAndPush(both);
      // A run another holds (on this host or another sharing the store) is LOCKED, not FAILED.
      PrintRunLine(fmt::format("finish job={} status={} rows={} seconds={:.2f} exit={}", t.job.name,
                               finished.exit_code == kExitLocked ? "LOCKED" : report.status, rows, report.seconds,
                               finished.exit_code));
    } catch (const std::exception& e) {
      finished.error = InternalError(std::string("internal error: ") + e.what());
      finished.exit_code = kExitInternal;
      PrintRunLine(fmt::format("finish job={} status=FAILED exit={} error={}", t.job.name, kExitInternal, e.what()));
    }
    std::lock_guard<std::mutex> lock(mu_);
    finished_.push_back(std::move(finished));
    cv_.notify_one();
  }

  const std::atomic<bool>* const stop_;
  std::map<int, std::thread> threads_;  // by job id; touched by the main thread only
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<FinishedRun> finished_;  // guarded by mu_
};

// The last run of `job` from its run history (when it started), for catch_up: once.
std::optional<int64_t> LastRunStarted(const config::Job& job) {
  if (!job.store.is_postgres() && !std::filesystem::exists(job.store.sqlite_path)) return std::nullopt;
  auto store = job.store.is_postgres() ? sync::OpenPostgresUnlocked(job) : store::OpenSqliteStore(job.store.sqlite_path);
  if (!store.ok()) return std::nullopt;
  auto runs = (*store)->RecentRuns(job.name, 1);
  if (!runs.ok() || runs->empty()) return std::nullopt;
  return runs->front().started_millis;
}

// The status file (--status-file): rewritten whole (temp file, then rename) after every run, so a
// monitor never reads half of it.
void WriteStatusFile(const std::string& path, const scheduler::Scheduler& sched, int64_t started) {
  nlohmann::ordered_json j;
  j["pid"] = static_cast<int64_t>(::getpid());
  j["started"] = FormatIsoUtc(started);
  j["updated"] = FormatIsoUtc(SystemClock()->NowMillis());
  j["jobs"] = nlohmann::ordered_json::array();
  for (const scheduler::JobSnapshot& s : sched.Snapshot()) {
    nlohmann::ordered_json job;
    job["name"] = s.name;
    job["file"] = s.path;
    job["schedule"] = s.schedule;
    job["next_run"] = s.next_fire == scheduler::kNever ? nlohmann::ordered_json(nullptr)
                                                       : nlohmann::ordered_json(FormatIsoUtc(s.next_fire));
    job["state"] = s.running ? "RUNNING" : s.due ? "DUE" : "IDLE";
    if (s.last_status.empty()) {
      job["last_run"] = nullptr;
    } else {
      job["last_run"] = {{"status", s.last_status},
                         {"due", FormatIsoUtc(s.last_due)},
                         {"finished", FormatIsoUtc(s.last_finished)},
                         {"error", s.last_error}};
    }
    job["consecutive_failures"] = s.failures;
    j["jobs"].push_back(std::move(job));
  }
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << Redact(j.dump(2)) << "\n";
    if (!out) {
      SFSYNC_LOG(kWarn, "daemon: cannot write the status file {}", tmp);
      return;
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) SFSYNC_LOG(kWarn, "daemon: cannot replace the status file {}", path);
}

}  // namespace

int DaemonCommand(const CommonFlags& common, const DaemonFlags& flags) {
  if (!SetUpLogging(common, LogLevel::kInfo)) return kExitUsage;
  SetLogJobInText(true);  // parallel runs' lines tell apart
  auto paths = scheduler::ExpandJobPaths(flags.job_paths);
  if (!paths.ok()) {
    PrintErrorLines(paths.status().message());
    return ExitCodeFor(paths.status());
  }
  std::unique_ptr<scheduler::JobFiles> files = scheduler::NewDiskJobFiles(config::ProcessEnv());
  std::unique_ptr<TickClock> tick_clock;
  if (flags.tick_seconds > 0) tick_clock = std::make_unique<TickClock>(flags.tick_seconds);
  Clock* clock = tick_clock ? tick_clock.get() : SystemClock();

  scheduler::SchedulerOptions options;
  options.max_parallel = flags.max_parallel;
  options.once = flags.once;
  options.last_run_started = LastRunStarted;
  auto created = scheduler::Scheduler::Create(*paths, files.get(), clock, options);
  if (!created.ok()) {
    PrintErrorLines(created.status().message());
    return ExitCodeFor(created.status());
  }
  scheduler::Scheduler& sched = **created;
  const int64_t started = SystemClock()->NowMillis();

  const std::atomic<bool>* stop = InstallStopSignalHandlers(
      "sfsync: stopping: no new runs; running ones stop after their current page (signal again to abort)\n");
  std::atomic<bool>* reload = InstallReloadSignalHandler();
  SFSYNC_LOG(kInfo, "daemon: {} job file(s), at most {} run(s) at a time", paths->size(), flags.max_parallel);
  // systemd Type=notify: ready once the jobs are loaded; WATCHDOG=1 at half the watchdog period
  // when WatchdogSec= is set. Without NOTIFY_SOCKET these do nothing.
  sd_notify(0, "READY=1\nSTATUS=scheduling jobs");
  uint64_t watchdog_usec = 0;
  const bool watchdog = sd_watchdog_enabled(0, &watchdog_usec) > 0;
  auto last_watchdog = std::chrono::steady_clock::now();
  if (!flags.status_file.empty()) WriteStatusFile(flags.status_file, sched, started);
  RunPool pool(stop);
  int worst = kExitOk;
  milliseconds wait{0};
  while (true) {
    bool ended = false;
    for (const FinishedRun& f : pool.WaitForFinished(wait)) {
      sched.Finished(f.job_id, f.error);
      worst = scheduler::WorseExitCode(worst, f.exit_code);
      ended = true;
    }
    if (watchdog && std::chrono::steady_clock::now() - last_watchdog >= std::chrono::microseconds(watchdog_usec / 2)) {
      sd_notify(0, "WATCHDOG=1");
      last_watchdog = std::chrono::steady_clock::now();
    }
    wait = kPoll;
    if (stop->load()) {
      if (sched.running() == 0) break;
      continue;
    }
    if (reload->exchange(false)) {
      auto now_paths = scheduler::ExpandJobPaths(flags.job_paths);
      if (now_paths.ok()) {
        sched.ReloadAll(*now_paths);
      } else {
        SFSYNC_LOG(kError, "daemon: SIGHUP: {} (keeping the jobs as they were)", now_paths.status().message());
      }
      ended = true;
    } else if (!flags.once) {
      sched.ReloadChanged();
    }
    for (scheduler::RunTicket& t : sched.StartDue()) pool.Start(std::move(t));
    for (const scheduler::SkippedRun& skipped : sched.TakeSkipped()) {
      PrintRunLine(fmt::format("skip job={} due={} reason=\"{}\"", skipped.job.name, FormatIsoUtc(skipped.due_millis),
                               skipped.reason));
      if (Status s = sync::RecordSkippedRun(skipped.job, SystemClock(), skipped.reason); !s.ok()) {
        SFSYNC_LOG(kWarn, "job {}: recording the skipped run failed: {}", skipped.job.name, s.message());
      }
      worst = scheduler::WorseExitCode(worst, kExitPartial);
      ended = true;
    }
    if (ended && !flags.status_file.empty()) WriteStatusFile(flags.status_file, sched, started);
    if (flags.once && sched.Idle()) break;
    const int64_t wake = sched.NextWakeMillis();
    if (wake != scheduler::kNever) {
      const milliseconds until(std::max<int64_t>(0, wake - clock->NowMillis()));
      wait = std::min(wait, tick_clock ? tick_clock->RealFor(until) : until);
    }
  }
  sd_notify(0, "STOPPING=1");
  sched.FlushErrorCounts();
  if (!flags.status_file.empty()) WriteStatusFile(flags.status_file, sched, started);
  if (!flags.once) {
    SFSYNC_LOG(kInfo, "daemon: stopped");
    return kExitOk;
  }
  // Interrupted, --once leaves jobs not run: like `sfsync run`, that is exit 10 at least.
  return stop->load() ? scheduler::WorseExitCode(worst, kExitInterrupted) : worst;
}

}  // namespace sfsync::cli
