// Scheduler: which job runs when under `sfsync daemon`. It owns the decisions and none of the
// effects: no threads, no sleeping, no runs. The loop in engine/cli/cmd_daemon.cc asks it which
// runs to start, runs them, and reports each end; tests drive it on a ManualClock.
//
// One job file is one job. Its states, and the call behind each transition:
//
//   IDLE --a fire time passes (StartDue)--> DUE --a run slot is free (StartDue)--> RUNNING
//   RUNNING --Finished--> IDLE
//
//  - A fire time that passes while the job is RUNNING is skipped and logged: a run never overlaps
//    another run of its job, and missed fires are not made up.
//  - A fire time that passes while the job is DUE (every slot busy, or the loop woke late) replaces
//    the older one, which is skipped and logged: a job waits for one run at most.
//  - DUE jobs start earliest fire first (then in file order), at most `max_parallel` at a time, and
//    one at a time per database file: a job whose database another running job writes stays DUE
//    until that run ends (a database takes one run at a time; the second would exit 11).
//  - Dependencies (`after: [job, ...]`, job_order.h): a DUE job waits while a prerequisite is DUE
//    or RUNNING for the same fire time or an earlier one; when a prerequisite's run for the same
//    fire time did not succeed, the job is not run but skipped (TakeSkipped: the daemon records it in
//    run history with the reason). A job without a schedule that names prerequisites runs after
//    each of their runs (a chain: it is DUE at the fire time they ran for). Every prerequisite must
//    be one of the daemon's jobs, and after: lists must not form a cycle (Create refuses both; a
//    reload doing it is refused and logged).
//  - catch_up: once (job key): at start, a job whose last run (SchedulerOptions::last_run_started,
//    from run history) is older than a fire time that has passed since, or that never ran, is DUE
//    at once for that fire time; catch_up: skip (default) waits for the next fire time.
//  - SIGHUP (ReloadAll): every job file is read again, changed or not; files new in the daemon's
//    paths (a job added to its directory) are added, and jobs whose file left them stop being
//    scheduled (a run in flight finishes).
//  - A failed run is retried at the job's next fire time, never sooner. The first failure with a
//    given message is logged; identical ones after it are counted, and the count is logged once
//    when the streak ends. "recovered after N failures" is logged once, at the next success.
//  - A job file whose version changes is read again. An invalid version, or one that conflicts with
//    another job (engine/config/job_set_checks.h: a table or a job name shared in one database), is
//    logged once and the last valid one stays scheduled; a run in flight keeps the version it
//    started with. A version refused for a conflict is read again after any other job reloads (so
//    moving a table from one job to another works whichever file is saved first).
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/config/job.h"
#include "engine/core/clock.h"
#include "engine/core/status.h"
#include "engine/core/statusor.h"
#include "engine/scheduler/cron.h"
#include "engine/scheduler/job_files.h"

namespace sfsync::scheduler {

inline constexpr int64_t kNever = std::numeric_limits<int64_t>::max();

struct SchedulerOptions {
  int max_parallel = 1;  // runs at once, each of a different job; at least 1
  bool once = false;     // every job, scheduled or not, is DUE at creation and never fires again
  // When the job's last run started (its run history), for catch_up: once; nullopt when it never
  // ran. Null: no job catches up.
  std::function<std::optional<int64_t>(const config::Job& job)> last_run_started;
};

// A run the scheduler decided not to start because a prerequisite failed (`after:`).
struct SkippedRun {
  config::Job job;
  int64_t due_millis = 0;
  std::string reason;  // "job accounts, which it runs after, did not succeed"
};

// What the daemon's status file shows of one job.
struct JobSnapshot {
  std::string name;
  std::string path;
  std::string schedule;     // empty: none
  int64_t next_fire = kNever;
  bool running = false;
  bool due = false;
  std::string last_status;  // SUCCESS | FAILED | INTERRUPTED | SKIPPED | LOCKED; empty: no run yet
  int64_t last_due = 0;     // the fire time of the last run
  int64_t last_finished = 0;
  std::string last_error;
  int failures = 0;         // consecutive failed runs
};

// A run the scheduler decided to start. The caller runs it and reports its end with Finished.
struct RunTicket {
  int job_id = 0;
  config::Job job;         // the version to run; later reloads do not change it
  int64_t due_millis = 0;  // the fire time this run stands for
};

// Not thread-safe: one thread drives a Scheduler.
class Scheduler {
 public:
  // Loads every file in `paths`. Fails when any is invalid, with every invalid file's messages,
  // one per line (code and reason of the first: "job.invalid" for a job file); when two jobs
  // conflict (config::CheckJobSet's error); or when no job has a schedule (kInvalidArgument,
  // "job.invalid"). Logs a note per job: its next run, or that it has no schedule and is left
  // alone. `files` and `clock` must outlive the scheduler.
  static StatusOr<std::unique_ptr<Scheduler>> Create(const std::vector<std::string>& paths, JobFiles* files,
                                                     Clock* clock, const SchedulerOptions& options);

  // Reads again the job files whose version changed since they were last read, and, once one of
  // them was taken, those whose current version was refused for a conflict.
  void ReloadChanged();

  // SIGHUP: reads every file again, changed or not; adds files of `paths` not scheduled yet and
  // stops scheduling jobs whose file is not in `paths` any more. Logs what it did.
  void ReloadAll(const std::vector<std::string>& paths);

  // The runs skipped since the last call (a prerequisite failed), for the daemon to record.
  std::vector<SkippedRun> TakeSkipped();

  // Every job's state, for the daemon's status file.
  std::vector<JobSnapshot> Snapshot() const;

  // Applies the fire times that have passed (see the rules above) and returns the runs to start
  // now. Each ticket's job is RUNNING until Finished(ticket.job_id, ...).
  std::vector<RunTicket> StartDue();

  // Records the end of a run. kCancelled (stopped by a signal) counts as neither failure nor success
  // (its dependants for that fire time are skipped).
  // REQUIRES: `job_id` came from a ticket of StartDue and has not finished yet.
  void Finished(int job_id, const Status& result);

  // The earliest fire time still to come over every job, RUNNING ones included (so their skipped
  // fires are logged on time); kNever when there is none.
  int64_t NextWakeMillis() const;

  // No job is DUE or RUNNING. With `once`, the scheduler is then done.
  bool Idle() const;
  int running() const { return running_; }

  // Logs the count of every error streak not logged yet (at shutdown).
  void FlushErrorCounts();

  ~Scheduler();

 private:
  struct Entry;

  Scheduler(JobFiles* files, Clock* clock, const SchedulerOptions& options);
  void SkipPassedFires(Entry* e, int64_t now);
  // Returns true when a new version of the job was taken.
  bool Reload(Entry* e, int64_t now);
  // CheckJobSet over every job, with `candidate` in place of the job of `replaced` (if not null).
  Status Conflicts(const Entry* replaced, const config::Job* candidate) const;
  void FlushStreak(Entry* e);
  // after: lists over every job, with `candidate` in place of the job of `replaced` (if not null).
  Status Dependencies(const Entry* replaced, const config::Job* candidate) const;
  // Records the outcome of `e`'s run (or skip) for fire time `due`, and makes its unscheduled
  // dependants DUE for the same fire time.
  void Concluded(Entry* e, int64_t due, const std::string& status, const std::string& error);
  // For a DUE job: "" to start it, "wait" while a prerequisite is still to run, else the reason it
  // is skipped.
  std::string PrerequisiteVerdict(const Entry& e) const;
  void AddEntry(const std::string& path, int64_t now, bool log_added);

  JobFiles* const files_;
  Clock* const clock_;
  const SchedulerOptions options_;
  std::vector<Entry> entries_;  // indexes are job ids; a removed job's entry stays (removed = true)
  std::vector<SkippedRun> skipped_;
  int running_ = 0;
};

// The exit code of a set of runs (`daemon --once`): the worst of `a` and `b`. From best to worst:
// 0, kExitPartial, kExitInterrupted, kExitLocked, then any other failure; between two codes of the
// same rank the first (`a`) stays.
int WorseExitCode(int a, int b);

}  // namespace sfsync::scheduler
