#include "engine/scheduler/scheduler.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <set>
#include <utility>

#include "engine/config/job_set_checks.h"
#include "engine/core/exit_codes.h"
#include "engine/core/log.h"
#include "engine/core/time_format.h"
#include "engine/scheduler/job_order.h"

namespace sfsync::scheduler {

struct Scheduler::Entry {
  std::string path;
  FileVersion version;                   // of the file last read, valid or not
  config::Job job;                       // the last valid version
  std::optional<CronSchedule> schedule;  // none: the daemon leaves the job alone
  int64_t next_fire = kNever;            // the next fire time not yet applied
  std::optional<int64_t> due;            // DUE: the fire time waiting for a run slot
  bool running = false;
  std::string reload_error;  // the last reload problem logged, so each is logged once
  bool conflicting = false;  // the file's current version was refused for a conflict with another job
  int failures = 0;          // consecutive failed runs
  std::string streak_error;  // the message of the last failure
  int streak_count = 0;      // consecutive failures with that message
  bool removed = false;      // its file left the daemon's paths (SIGHUP): never scheduled again
  int64_t running_due = 0;   // RUNNING: the fire time the run stands for
  std::string last_status;   // SUCCESS | FAILED | INTERRUPTED | SKIPPED | LOCKED; empty: none yet
  int64_t last_due = -1;     // the fire time of the last run or skip
  int64_t last_finished = 0;
  std::string last_error;
};

namespace {

struct LoadedJob {
  config::Job job;
  std::optional<CronSchedule> schedule;
};

StatusOr<LoadedJob> LoadJob(JobFiles* files, const std::string& path) {
  SFSYNC_ASSIGN_OR_RETURN(config::Job job, files->Load(path));
  LoadedJob loaded{std::move(job), std::nullopt};
  if (!loaded.job.schedule.empty()) {
    // The loader has validated the expression already; this only turns it into a schedule.
    StatusOr<CronSchedule> s = ParseCron(loaded.job.schedule);
    if (!s.ok()) {
      return Status(StatusCode::kInvalidArgument, path + ": schedule: " + s.status().message(), "job.invalid");
    }
    loaded.schedule = *s;
  }
  return loaded;
}

std::string FormatFireRange(int count, int64_t first, int64_t last) {
  if (count == 1) return fmt::format("the run due at {}", FormatIsoUtc(first));
  return fmt::format("{} runs due from {} to {}", count, FormatIsoUtc(first), FormatIsoUtc(last));
}

int Rank(int exit_code) {
  switch (exit_code) {
    case kExitOk:
      return 0;
    case kExitPartial:
      return 1;
    case kExitInterrupted:
      return 2;
    case kExitLocked:
      return 3;
    default:
      return 4;
  }
}

}  // namespace

Scheduler::Scheduler(JobFiles* files, Clock* clock, const SchedulerOptions& options)
    : files_(files), clock_(clock), options_(options) {}

Scheduler::~Scheduler() = default;

StatusOr<std::unique_ptr<Scheduler>> Scheduler::Create(const std::vector<std::string>& paths, JobFiles* files,
                                                       Clock* clock, const SchedulerOptions& options) {
  std::unique_ptr<Scheduler> s(new Scheduler(files, clock, options));
  Status first_error;
  std::string messages;
  for (const std::string& path : paths) {
    // Version before content: an edit in between is then seen as a change at the next reload.
    StatusOr<FileVersion> version = files->Version(path);
    StatusOr<LoadedJob> loaded = LoadJob(files, path);
    Status error = !loaded.ok() ? loaded.status() : version.status();
    if (!error.ok()) {
      if (first_error.ok()) first_error = error;
      messages += (messages.empty() ? "" : "\n") + error.message();
      continue;
    }
    Entry e;
    e.path = path;
    e.version = *version;
    e.job = std::move(loaded->job);
    e.schedule = std::move(loaded->schedule);
    s->entries_.push_back(std::move(e));
  }
  if (!first_error.ok()) return Status(first_error.code(), messages, first_error.reason());
  SFSYNC_RETURN_IF_ERROR(s->Conflicts(nullptr, nullptr));
  SFSYNC_RETURN_IF_ERROR(s->Dependencies(nullptr, nullptr));

  const int64_t now = clock->NowMillis();
  int scheduled = 0;
  for (Entry& e : s->entries_) {
    if (options.once) {
      ++scheduled;
      e.due = now;
      SFSYNC_LOG(kInfo, "job {} ({}): running once now", e.job.name, e.path);
      continue;
    }
    if (!e.schedule) {
      if (e.job.after.empty()) {
        SFSYNC_LOG(kInfo, "job {} ({}): no schedule, so the daemon leaves it alone", e.job.name, e.path);
      } else {
        ++scheduled;
        SFSYNC_LOG(kInfo, "job {} ({}): no schedule: runs after each run of {}", e.job.name, e.path,
                   fmt::format("{}", fmt::join(e.job.after, ", ")));
      }
      continue;
    }
    ++scheduled;
    e.next_fire = e.schedule->NextAfter(now);
    SFSYNC_LOG(kInfo, "job {} ({}): schedule '{}', next run at {}", e.job.name, e.path, e.job.schedule,
               FormatIsoUtc(e.next_fire));
    if (e.job.catch_up == "once" && options.last_run_started) {
      // A fire time passed since the last run started (or it never ran): that run is owed once.
      const std::optional<int64_t> last = options.last_run_started(e.job);
      const int64_t missed = last ? e.schedule->NextAfter(*last) : now;
      if (missed <= now) {
        e.due = missed;
        SFSYNC_LOG(kInfo, "job {}: catch_up: once: {}; running it now", e.job.name,
                   last ? fmt::format("the run due at {} was missed (last run started {})", FormatIsoUtc(missed),
                                      FormatIsoUtc(*last))
                        : std::string("it has never run"));
      }
    }
  }
  if (scheduled == 0) {
    return Status(StatusCode::kInvalidArgument,
                  fmt::format("none of the {} job(s) has a schedule: add `schedule:` (cron, UTC) to a job, or "
                              "run jobs with `sfsync run`",
                              s->entries_.size()),
                  "job.invalid");
  }
  return s;
}

void Scheduler::ReloadChanged() {
  const int64_t now = clock_->NowMillis();
  bool changed = false;
  for (Entry& e : entries_) changed |= Reload(&e, now);
  // Ends: each pass that changes something takes one refused version, and there are finitely many.
  while (changed) {
    changed = false;
    for (Entry& e : entries_) {
      if (!e.conflicting) continue;
      e.version = FileVersion{-1, -1};  // read it again, though unchanged
      changed |= Reload(&e, now);
    }
  }
}

Status Scheduler::Conflicts(const Entry* replaced, const config::Job* candidate) const {
  std::vector<config::JobInSet> set;
  for (const Entry& e : entries_) {
    if (!e.removed) set.push_back(config::JobInSet{e.path, &e == replaced ? candidate : &e.job});
  }
  return config::CheckJobSet(set);
}

Status Scheduler::Dependencies(const Entry* replaced, const config::Job* candidate) const {
  std::vector<const config::Job*> jobs;
  for (const Entry& e : entries_) {
    if (!e.removed) jobs.push_back(&e == replaced ? candidate : &e.job);
  }
  return OrderJobs(jobs, /*require_all=*/true).status();
}

void Scheduler::AddEntry(const std::string& path, int64_t now, bool log_added) {
  StatusOr<FileVersion> version = files_->Version(path);
  StatusOr<LoadedJob> loaded = LoadJob(files_, path);
  Status error = !loaded.ok() ? loaded.status() : version.status();
  if (error.ok()) {
    Entry e;
    e.path = path;
    e.version = *version;
    e.job = loaded->job;
    e.removed = true;  // not part of the set until its checks pass
    entries_.push_back(e);
    error = Conflicts(&entries_.back(), &loaded->job);
    entries_.back().removed = false;
    if (error.ok()) error = Dependencies(nullptr, nullptr);
    if (!error.ok()) {
      entries_.pop_back();
    } else {
      Entry& added = entries_.back();
      added.schedule = std::move(loaded->schedule);
      if (added.schedule) added.next_fire = added.schedule->NextAfter(now);
      if (log_added) {
        SFSYNC_LOG(kInfo, "job {} ({}): added{}", added.job.name, path,
                   added.schedule ? ", next run at " + FormatIsoUtc(added.next_fire) : "");
      }
      return;
    }
  }
  SFSYNC_LOG(kError, "{}: not added: {}", path, error.message());
}

void Scheduler::ReloadAll(const std::vector<std::string>& paths) {
  const int64_t now = clock_->NowMillis();
  int removed = 0;
  int added = 0;
  for (Entry& e : entries_) {
    if (e.removed || std::find(paths.begin(), paths.end(), e.path) != paths.end()) continue;
    e.removed = true;
    e.next_fire = kNever;
    e.due.reset();
    ++removed;
    SFSYNC_LOG(kInfo, "job {} ({}): its file is no longer among the daemon's jobs: not scheduled any more{}",
               e.job.name, e.path, e.running ? " (the run in flight finishes)" : "");
  }
  for (Entry& e : entries_) {
    if (!e.removed) e.version = FileVersion{-1, -1};  // read again, changed or not
  }
  ReloadChanged();
  for (const std::string& path : paths) {
    const bool known = std::any_of(entries_.begin(), entries_.end(),
                                   [&](const Entry& e) { return !e.removed && e.path == path; });
    if (known) continue;
    const size_t before = entries_.size();
    AddEntry(path, now, true);
    added += entries_.size() > before;
  }
  int jobs = 0;
  for (const Entry& e : entries_) jobs += !e.removed;
  SFSYNC_LOG(kInfo, "daemon: job files reloaded (SIGHUP): {} job(s), {} added, {} removed", jobs, added, removed);
}

bool Scheduler::Reload(Entry* e, int64_t now) {
  auto log_problem_once = [e](const Status& problem) {
    if (problem.message() != e->reload_error) {
      e->reload_error = problem.message();
      SFSYNC_LOG(kError, "job {}: {} (keeping the last valid version)", e->job.name, problem.message());
    }
    return false;
  };
  if (e->removed) return false;
  StatusOr<FileVersion> version = files_->Version(e->path);
  if (!version.ok()) {
    e->version = FileVersion{-1, -1};  // matches no file: once readable again it is read again
    return log_problem_once(version.status());
  }
  if (*version == e->version) return false;
  e->version = *version;
  e->conflicting = false;
  StatusOr<LoadedJob> loaded = LoadJob(files_, e->path);
  if (!loaded.ok()) return log_problem_once(loaded.status());
  if (Status conflict = Conflicts(e, &loaded->job); !conflict.ok()) {
    e->conflicting = true;
    return log_problem_once(conflict);
  }
  if (Status cycle = Dependencies(e, &loaded->job); !cycle.ok()) return log_problem_once(cycle);
  e->reload_error.clear();

  const bool schedule_changed = loaded->job.schedule != e->job.schedule;
  e->job = std::move(loaded->job);
  e->schedule = std::move(loaded->schedule);
  if (!schedule_changed) {
    SFSYNC_LOG(kInfo, "job {} ({}): reloaded", e->job.name, e->path);
  } else if (!e->schedule) {
    e->next_fire = kNever;
    e->due.reset();
    SFSYNC_LOG(kInfo, "job {} ({}): reloaded without a schedule, so the daemon leaves it alone", e->job.name, e->path);
  } else {
    e->next_fire = e->schedule->NextAfter(now);
    SFSYNC_LOG(kInfo, "job {} ({}): reloaded with schedule '{}', next run at {}", e->job.name, e->path, e->job.schedule,
               FormatIsoUtc(e->next_fire));
  }
  return true;
}

void Scheduler::SkipPassedFires(Entry* e, int64_t now) {
  // Why the fires skipped in this call were skipped is fixed for the whole call: a job that is
  // RUNNING stays so, and one that was DUE before it waited for a slot.
  const char* reason = e->running ? "the previous run was still going"
                       : e->due   ? "no run slot was free before the next fire time"
                                  : "the daemon woke up late (suspended, or the clock changed)";
  int skipped = 0;
  int64_t first = 0;
  int64_t last = 0;
  while (e->next_fire <= now) {
    const int64_t fire = e->next_fire;
    e->next_fire = e->schedule->NextAfter(fire);
    std::optional<int64_t> dropped = fire;
    if (!e->running) {
      dropped = e->due;
      e->due = fire;
    }
    if (!dropped) continue;
    if (skipped++ == 0) first = *dropped;
    last = *dropped;
  }
  if (skipped > 0) {
    SFSYNC_LOG(kWarn, "job {}: skipped {}: {}", e->job.name, FormatFireRange(skipped, first, last), reason);
  }
}

std::vector<RunTicket> Scheduler::StartDue() {
  const int64_t now = clock_->NowMillis();
  std::vector<size_t> due;
  for (size_t i = 0; i < entries_.size(); ++i) {
    Entry& e = entries_[i];
    if (e.schedule) SkipPassedFires(&e, now);
    if (e.due && !e.running) due.push_back(i);
  }
  std::stable_sort(due.begin(), due.end(), [this](size_t a, size_t b) { return *entries_[a].due < *entries_[b].due; });
  // A database takes one run at a time (its run lock, engine/sync/run_lock.h): a job whose database
  // another job is writing waits, DUE, instead of starting only to exit 11.
  std::set<std::string> busy;
  for (const Entry& e : entries_) {
    if (e.running) busy.insert(config::StoreKey(e.job.store));
  }
  std::vector<RunTicket> tickets;
  for (size_t i : due) {
    Entry& e = entries_[i];
    if (!e.due) continue;  // skipped below as a dependant of a skipped job
    const std::string verdict = PrerequisiteVerdict(e);
    if (verdict == "wait") continue;
    if (!verdict.empty()) {
      const int64_t fire = *e.due;
      e.due.reset();
      SFSYNC_LOG(kWarn, "job {}: the run due at {} is skipped: {}", e.job.name, FormatIsoUtc(fire), verdict);
      skipped_.push_back(SkippedRun{e.job, fire, verdict});
      Concluded(&e, fire, "SKIPPED", verdict);
      continue;
    }
    if (running_ >= options_.max_parallel) continue;
    if (!busy.insert(config::StoreKey(e.job.store)).second) continue;
    tickets.push_back(RunTicket{static_cast<int>(i), e.job, *e.due});
    e.running_due = *e.due;
    e.due.reset();
    e.running = true;
    ++running_;
  }
  return tickets;
}

std::string Scheduler::PrerequisiteVerdict(const Entry& e) const {
  for (const std::string& name : e.job.after) {
    for (const Entry& p : entries_) {
      if (p.removed || p.job.name != name) continue;
      if ((p.due && *p.due <= *e.due) || (p.running && p.running_due <= *e.due)) return "wait";
      if (p.last_due == *e.due && p.last_status != "SUCCESS") {
        return fmt::format("job {}, which it runs after, {}", name,
                           p.last_status == "SKIPPED" ? "was skipped" : "did not succeed (" + p.last_status + ")");
      }
    }
  }
  return "";
}

void Scheduler::Concluded(Entry* e, int64_t due, const std::string& status, const std::string& error) {
  e->last_due = due;
  e->last_status = status;
  e->last_error = error;
  e->last_finished = clock_->NowMillis();
  for (Entry& d : entries_) {
    if (d.removed || d.schedule || d.running || d.due) continue;
    if (std::find(d.job.after.begin(), d.job.after.end(), e->job.name) != d.job.after.end()) d.due = due;
  }
}

std::vector<SkippedRun> Scheduler::TakeSkipped() { return std::exchange(skipped_, {}); }

std::vector<JobSnapshot> Scheduler::Snapshot() const {
  std::vector<JobSnapshot> out;
  for (const Entry& e : entries_) {
    if (e.removed) continue;
    out.push_back(JobSnapshot{e.job.name, e.path, e.job.schedule, e.next_fire, e.running, e.due.has_value(),
                              e.last_status, e.last_due < 0 ? 0 : e.last_due, e.last_finished, e.last_error,
                              e.failures});
  }
  return out;
}

void Scheduler::FlushStreak(Entry* e) {
  if (e->streak_count > 1) {
    SFSYNC_LOG(kWarn, "job {}: the same error occurred {} times in a row: {}", e->job.name, e->streak_count,
               e->streak_error);
  }
  e->streak_count = 0;
  e->streak_error.clear();
}

void Scheduler::Finished(int job_id, const Status& result) {
  Entry& e = entries_[static_cast<size_t>(job_id)];
  e.running = false;
  --running_;
  if (ExitCodeFor(result) == kExitLocked) {
    // Another run holds the job: a second sfsync here, or another host sharing its store (a
    // PostgreSQL advisory lock). That run does the work; this attempt is no failure.
    Concluded(&e, e.running_due, "LOCKED", result.message());
    const std::string retry =
        e.next_fire == kNever ? "" : fmt::format("; next attempt at {}", FormatIsoUtc(e.next_fire));
    SFSYNC_LOG(kInfo, "job {}: not run, another run holds it: {}{}", e.job.name, result.message(), retry);
    return;
  }
  Concluded(&e, e.running_due,
            result.ok() ? "SUCCESS" : result.code() == StatusCode::kCancelled ? "INTERRUPTED" : "FAILED",
            result.ok() ? "" : result.message());
  if (result.code() == StatusCode::kCancelled) return;
  if (result.ok()) {
    if (e.failures > 0) {
      FlushStreak(&e);
      SFSYNC_LOG(kInfo, "job {}: recovered after {} failure{}", e.job.name, e.failures, e.failures == 1 ? "" : "s");
      e.failures = 0;
    }
    return;
  }
  ++e.failures;
  if (result.message() == e.streak_error) {
    ++e.streak_count;
    SFSYNC_LOG(kDebug, "job {}: failed again with the same error ({} times)", e.job.name, e.streak_count);
    return;
  }
  FlushStreak(&e);
  e.streak_error = result.message();
  e.streak_count = 1;
  const std::string retry = e.next_fire == kNever ? "" : fmt::format("; next attempt at {}", FormatIsoUtc(e.next_fire));
  SFSYNC_LOG(kError, "job {}: run failed (exit {}): {}{}", e.job.name, ExitCodeFor(result), result.message(), retry);
}

int64_t Scheduler::NextWakeMillis() const {
  int64_t wake = kNever;
  for (const Entry& e : entries_) wake = std::min(wake, e.next_fire);
  return wake;
}

bool Scheduler::Idle() const {
  return running_ == 0 &&
         std::none_of(entries_.begin(), entries_.end(), [](const Entry& e) { return e.due.has_value(); });
}

void Scheduler::FlushErrorCounts() {
  for (Entry& e : entries_) FlushStreak(&e);
}


int WorseExitCode(int a, int b) { return Rank(b) > Rank(a) ? b : a; }

}  // namespace sfsync::scheduler
