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
  bool once = false;     // every scheduled job is DUE at creation and never fires again
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

  // Applies the fire times that have passed (see the rules above) and returns the runs to start
  // now. Each ticket's job is RUNNING until Finished(ticket.job_id, ...).
  std::vector<RunTicket> StartDue();

  // Records the end of a run. kCancelled (stopped by a signal) counts as neither failure nor success.
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

  JobFiles* const files_;
  Clock* const clock_;
  const SchedulerOptions options_;
  std::vector<Entry> entries_;
  int running_ = 0;
};

// The exit code of a set of runs (`daemon --once`): the worst of `a` and `b`. From best to worst:
// 0, kExitPartial, kExitInterrupted, kExitLocked, then any other failure; between two codes of the
// same rank the first (`a`) stays.
int WorseExitCode(int a, int b);

}  // namespace sfsync::scheduler
