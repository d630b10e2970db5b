// Scenarios of the daemon's decisions on a ManualClock: a simulated loop (the shape of
// engine/cli/cmd_daemon.cc's) starts what the scheduler says, finishes each run after the duration
// the scenario gives it, and records the starts as "HH:MM:SS job".
#include "engine/scheduler/scheduler.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <map>

#include "engine/core/exit_codes.h"
#include "engine/core/log.h"
#include "engine/core/time_format.h"

namespace sfsync::scheduler {
namespace {

int64_t At(const char* iso) {
  StatusOr<int64_t> t = ParseDateTime(iso);
  REQUIRE(t.ok());
  return *t;
}

std::string Hms(int64_t millis) { return FormatIsoUtc(millis).substr(11, 8); }

size_t Count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

// Log lines go to `text` while this lives.
struct CapturedLog {
  CapturedLog() { CaptureLogForTesting(&text); }
  ~CapturedLog() { CaptureLogForTesting(nullptr); }
  CapturedLog(const CapturedLog&) = delete;
  CapturedLog& operator=(const CapturedLog&) = delete;
  std::string text;
};

// Job files in memory. Every write is a new version.
class FakeJobFiles : public JobFiles {
 public:
  // Job `name` filling `tables` of `database` (default /db/<name>.db, its own). Its name is at 2:7,
  // its objects' names at line 12, 14, ... column 11.
  void Write(const std::string& path, const std::string& name, const std::string& schedule,
             const std::vector<std::string>& tables = {}, const std::string& database = "") {
    config::Job job;
    job.source_path = "/jobs/" + path;
    job.name = name;
    job.name_at = {2, 7};
    job.schedule = schedule;
    job.store.sqlite_path = database.empty() ? "/db/" + name + ".db" : database;
    for (const std::string& table : tables) {
      config::ObjectConfig object;
      object.name = object.table = table;
      object.table_at = {12 + 2 * static_cast<int>(job.objects.size()), 11};
      job.objects.push_back(object);
    }
    files_.insert_or_assign(path, File{++last_version_, job});
  }
  // A file the loader refuses with `message`.
  void WriteInvalid(const std::string& path, const std::string& message) {
    files_.insert_or_assign(path, File{++last_version_, Status(StatusCode::kInvalidArgument, message, "job.invalid")});
  }
  void Remove(const std::string& path) { files_.erase(path); }
  // Changes the job of `path` (a new version), e.g. its after: list or catch_up.
  void Edit(const std::string& path, const std::function<void(config::Job*)>& edit) {
    File& f = files_.at(path);
    config::Job job = *f.content;
    edit(&job);
    files_.insert_or_assign(path, File{++last_version_, job});
  }
  int loads() const { return loads_; }

  StatusOr<FileVersion> Version(const std::string& path) override {
    auto it = files_.find(path);
    if (it == files_.end()) {
      return Status(StatusCode::kInvalidArgument, path + ": cannot read job file: No such file", "job.invalid");
    }
    return FileVersion{it->second.version, 100};
  }
  StatusOr<config::Job> Load(const std::string& path) override {
    ++loads_;
    auto it = files_.find(path);
    if (it == files_.end()) {
      return Status(StatusCode::kInvalidArgument, path + ": cannot read job file: No such file", "job.invalid");
    }
    return it->second.content;
  }

 private:
  struct File {
    int64_t version;
    StatusOr<config::Job> content;
  };
  std::map<std::string, File> files_;
  int64_t last_version_ = 0;
  int loads_ = 0;
};

struct Outcome {
  int seconds = 10;
  Status result;
};

// The daemon loop on a ManualClock: finish runs that have ended, read changed files, start what is
// due, then sleep until the next fire time, the next run end or the next poll, whichever is first.
class Simulation {
 public:
  Simulation(const char* start, std::vector<std::string> paths, SchedulerOptions options = {})
      : clock_(At(start)), paths_(std::move(paths)), options_(options) {}

  FakeJobFiles& files() { return files_; }
  ManualClock& clock() { return clock_; }
  Scheduler& scheduler() { return *scheduler_; }
  const std::string& log() const { return log_.text; }
  const std::vector<RunTicket>& tickets() const { return tickets_; }

  // How each run goes; by default 10 s and success.
  void SetRunner(std::function<Outcome(const RunTicket&)> runner) { runner_ = std::move(runner); }
  // Also wake every `millis` (the real loop polls for signals and file edits).
  void PollEvery(int64_t millis) { poll_millis_ = millis; }

  void Create() {
    auto s = Scheduler::Create(paths_, &files_, &clock_, options_);
    REQUIRE_MESSAGE(s.ok(), s.status().ToString());
    scheduler_ = std::move(*s);
  }

  // Runs the loop until the clock would pass `until`; returns the starts since the last call.
  std::vector<std::string> RunUntil(const char* until) {
    if (!scheduler_) Create();
    const int64_t end = At(until);
    std::vector<std::string> starts;
    for (int wakes = 0;; ++wakes) {
      REQUIRE(wakes < 10000);  // a scheduler that never lets time pass
      const int64_t now = clock_.NowMillis();
      std::sort(running_.begin(), running_.end(), [](const Run& a, const Run& b) { return a.ends < b.ends; });
      while (!running_.empty() && running_.front().ends <= now) {
        scheduler_->Finished(running_.front().job_id, running_.front().result);
        running_.erase(running_.begin());
      }
      scheduler_->ReloadChanged();
      for (RunTicket& t : scheduler_->StartDue()) {
        Outcome o = runner_ ? runner_(t) : Outcome{};
        starts.push_back(Hms(now) + " " + t.job.name);
        running_.push_back(Run{t.job_id, now + o.seconds * 1000LL, o.result});
        tickets_.push_back(std::move(t));
      }
      int64_t next = scheduler_->NextWakeMillis();
      for (const Run& r : running_) next = std::min(next, r.ends);
      if (poll_millis_ > 0) next = std::min(next, now + poll_millis_);
      if (next > end) break;
      clock_.Advance(std::chrono::milliseconds(next - now));
    }
    clock_.Advance(std::chrono::milliseconds(end - clock_.NowMillis()));
    return starts;
  }

 private:
  struct Run {
    int job_id;
    int64_t ends;
    Status result;
  };
  ManualClock clock_;
  FakeJobFiles files_;
  std::vector<std::string> paths_;
  SchedulerOptions options_;
  std::unique_ptr<Scheduler> scheduler_;
  std::function<Outcome(const RunTicket&)> runner_;
  std::vector<Run> running_;
  std::vector<RunTicket> tickets_;
  int64_t poll_millis_ = 0;
  CapturedLog log_;
};

using Starts = std::vector<std::string>;

TEST_CASE("each job fires on its own schedule, earliest first, and a job without a schedule never runs") {
  SchedulerOptions two_slots;
  two_slots.max_parallel = 2;
  Simulation sim("2024-05-01T10:52:30Z", {"a.yaml", "b.yaml", "c.yaml"}, two_slots);
  sim.files().Write("a.yaml", "every5", "*/5 * * * *");
  sim.files().Write("b.yaml", "hourly", "0 * * * *");
  sim.files().Write("c.yaml", "manual", "");
  sim.Create();
  CHECK(FormatIsoUtc(sim.scheduler().NextWakeMillis()) == "2024-05-01T10:55:00.000Z");
  CHECK(sim.log().find("job every5 (a.yaml): schedule '*/5 * * * *', next run at 2024-05-01T10:55:00.000Z") !=
        std::string::npos);
  CHECK(sim.log().find("job manual (c.yaml): no schedule, so the daemon leaves it alone") != std::string::npos);

  CHECK(sim.RunUntil("2024-05-01T11:10:00Z") ==
        Starts{"10:55:00 every5", "11:00:00 every5", "11:00:00 hourly", "11:05:00 every5", "11:10:00 every5"});
  CHECK(sim.tickets()[2].due_millis == At("2024-05-01T11:00:00Z"));
}

TEST_CASE("with one run slot, a job due while another runs starts when the slot frees") {
  Simulation sim("2024-05-01T10:00:30Z", {"a.yaml", "b.yaml"});
  sim.files().Write("a.yaml", "a", "* * * * *");
  sim.files().Write("b.yaml", "b", "* * * * *");
  sim.SetRunner([](const RunTicket& t) { return Outcome{t.job.name == "a" ? 30 : 20, Status()}; });
  CHECK(sim.RunUntil("2024-05-01T10:02:59Z") == Starts{"10:01:00 a", "10:01:30 b", "10:02:00 a", "10:02:30 b"});
  CHECK(sim.tickets()[1].due_millis == At("2024-05-01T10:01:00Z"));  // b ran late for its 10:01 fire
  CHECK(sim.log().find("skipped") == std::string::npos);
}

TEST_CASE("with two run slots, two jobs due together start together") {
  SchedulerOptions two_slots;
  two_slots.max_parallel = 2;
  Simulation sim("2024-05-01T10:00:30Z", {"a.yaml", "b.yaml"}, two_slots);
  sim.files().Write("a.yaml", "a", "* * * * *");
  sim.files().Write("b.yaml", "b", "* * * * *");
  sim.SetRunner([](const RunTicket&) { return Outcome{30, Status()}; });
  CHECK(sim.RunUntil("2024-05-01T10:02:00Z") == Starts{"10:01:00 a", "10:01:00 b", "10:02:00 a", "10:02:00 b"});
}

TEST_CASE("two jobs writing one database take turns even with free slots: the second would only exit 11") {
  SchedulerOptions two_slots;
  two_slots.max_parallel = 2;
  Simulation sim("2024-05-01T10:00:30Z", {"a.yaml", "b.yaml", "c.yaml"}, two_slots);
  sim.files().Write("a.yaml", "a", "* * * * *", {"Account"}, "/db/shared.db");
  sim.files().Write("b.yaml", "b", "* * * * *", {"Contact"}, "/db/shared.db");
  sim.files().Write("c.yaml", "c", "* * * * *");  // its own database: runs beside either
  sim.SetRunner([](const RunTicket&) { return Outcome{20, Status()}; });
  CHECK(sim.RunUntil("2024-05-01T10:01:59Z") == Starts{"10:01:00 a", "10:01:00 c", "10:01:20 b"});
}

TEST_CASE("a run that overlaps its next fire times is not started again: the missed fires are skipped and logged") {
  Simulation sim("2024-05-01T10:00:30Z", {"a.yaml"});
  sim.files().Write("a.yaml", "a", "* * * * *");
  int runs = 0;
  sim.SetRunner([&runs](const RunTicket&) { return Outcome{++runs == 1 ? 150 : 10, Status()}; });
  // a) The first run lasts from 10:01:00 to 10:03:30: the 10:02 and 10:03 fires are dropped, and
  //    the next run is the 10:04 one, not a catch-up run at 10:03:30.
  CHECK(sim.RunUntil("2024-05-01T10:05:00Z") == Starts{"10:01:00 a", "10:04:00 a", "10:05:00 a"});
  // b) Each skip is logged when it happens, with its reason.
  CHECK(sim.log().find("job a: skipped the run due at 2024-05-01T10:02:00.000Z: the previous run was still going") !=
        std::string::npos);
  CHECK(sim.log().find("job a: skipped the run due at 2024-05-01T10:03:00.000Z: the previous run was still going") !=
        std::string::npos);
  CHECK(Count(sim.log(), "skipped") == 2);
}

TEST_CASE("a job waiting for a busy slot past its next fire waits for one run only, and the older fire is logged") {
  Simulation sim("2024-05-01T10:00:30Z", {"a.yaml", "b.yaml"});
  sim.files().Write("a.yaml", "a", "* * * * *");
  sim.files().Write("b.yaml", "b", "* * * * *");
  int runs_of_a = 0;
  sim.SetRunner([&runs_of_a](const RunTicket& t) {
    if (t.job.name == "a" && ++runs_of_a == 1) return Outcome{150, Status()};  // 10:01:00 to 10:03:30
    return Outcome{10, Status()};
  });
  CHECK(sim.RunUntil("2024-05-01T10:04:00Z") == Starts{"10:01:00 a", "10:03:30 b", "10:04:00 a"});
  CHECK(sim.tickets()[1].due_millis == At("2024-05-01T10:03:00Z"));
  CHECK(sim.log().find("job b: skipped the run due at 2024-05-01T10:01:00.000Z: no run slot was free before the "
                       "next fire time") != std::string::npos);
  CHECK(sim.log().find("job b: skipped the run due at 2024-05-01T10:02:00.000Z") != std::string::npos);
}

TEST_CASE("a loop that wakes late runs a job once for the latest fire and logs the others as skipped") {
  Simulation sim("2024-05-01T10:00:30Z", {"a.yaml"});
  sim.files().Write("a.yaml", "a", "*/10 * * * *");
  sim.Create();
  sim.clock().Advance(std::chrono::minutes(45));  // suspended from 10:00:30 to 10:45:30
  std::vector<RunTicket> started = sim.scheduler().StartDue();
  REQUIRE(started.size() == 1);
  CHECK(started[0].due_millis == At("2024-05-01T10:40:00Z"));
  CHECK(sim.log().find("job a: skipped 3 runs due from 2024-05-01T10:10:00.000Z to 2024-05-01T10:30:00.000Z: the "
                       "daemon woke up late") != std::string::npos);
  CHECK(FormatIsoUtc(sim.scheduler().NextWakeMillis()) == "2024-05-01T10:50:00.000Z");
}

TEST_CASE("a failed run is retried at the next fire time, identical errors are logged once with a count") {
  Simulation sim("2024-05-01T09:30:00Z", {"a.yaml"});
  sim.files().Write("a.yaml", "a", "0 * * * *");
  sim.PollEvery(10 * 60 * 1000);  // wakes every 10 minutes too: a retry sooner would show
  const Status unavailable = UnavailableError("Salesforce unavailable after 5 attempts: HTTP 503");
  const Status auth = UnauthenticatedError("invalid_grant: expired access/refresh token");
  std::vector<Status> results = {unavailable, unavailable, unavailable, auth, Status(), Status()};
  size_t next = 0;
  sim.SetRunner([&](const RunTicket&) { return Outcome{5, results[next++]}; });

  // a) One run an hour whatever happened to the previous one.
  CHECK(sim.RunUntil("2024-05-01T15:30:00Z") ==
        Starts{"10:00:00 a", "11:00:00 a", "12:00:00 a", "13:00:00 a", "14:00:00 a", "15:00:00 a"});
  // b) The first failure is logged with its exit code and the next attempt; its two repeats only
  //    as a count, once the error changes.
  const std::string& log = sim.log();
  CHECK(Count(log, "HTTP 503") == 2);
  CHECK(log.find("job a: run failed (exit 6): Salesforce unavailable after 5 attempts: HTTP 503; next attempt at "
                 "2024-05-01T11:00:00.000Z") != std::string::npos);
  CHECK(
      log.find("job a: the same error occurred 3 times in a row: Salesforce unavailable after 5 attempts: HTTP 503") !=
      std::string::npos);
  CHECK(log.find("job a: run failed (exit 4): invalid_grant: expired access/refresh token") != std::string::npos);
  CHECK(log.find("job a: the same error occurred 3 times") < log.find("job a: run failed (exit 4)"));
  // c) Recovery is logged once, counting every failure since the last success.
  CHECK(Count(log, "recovered") == 1);
  CHECK(log.find("job a: recovered after 4 failures") != std::string::npos);
}

TEST_CASE("a run another holds (exit 11: another host sharing the store) is LOCKED, not a failure") {
  Simulation sim("2024-05-01T09:59:00Z", {"a.yaml"});
  sim.files().Write("a.yaml", "a", "* * * * *");
  const Status locked(StatusCode::kFailedPrecondition, "another sfsync run of a holds its lock in PostgreSQL schema s",
                      "run.locked");
  std::vector<Status> results = {locked, locked, Status()};
  size_t next = 0;
  sim.SetRunner([&](const RunTicket&) { return Outcome{5, results[std::min(next++, results.size() - 1)]}; });
  sim.RunUntil("2024-05-01T10:01:30Z");
  std::vector<JobSnapshot> jobs = sim.scheduler().Snapshot();
  REQUIRE(jobs.size() == 1);
  CHECK(jobs[0].last_status == "LOCKED");
  CHECK(jobs[0].failures == 0);
  CHECK(sim.log().find("job a: not run, another run holds it: another sfsync run of a holds its lock") !=
        std::string::npos);
  CHECK(sim.log().find("run failed") == std::string::npos);
  sim.RunUntil("2024-05-01T10:02:30Z");
  CHECK(sim.scheduler().Snapshot()[0].last_status == "SUCCESS");
  CHECK(sim.log().find("recovered") == std::string::npos);  // there was nothing to recover from
}

TEST_CASE("an error streak still going at shutdown has its count logged by FlushErrorCounts") {
  Simulation sim("2024-05-01T09:59:00Z", {"a.yaml"});
  sim.files().Write("a.yaml", "a", "* * * * *");
  sim.SetRunner([](const RunTicket&) { return Outcome{1, DataLossError("truncated page")}; });
  sim.RunUntil("2024-05-01T10:03:30Z");
  CHECK(Count(sim.log(), "truncated page") == 1);
  sim.scheduler().FlushErrorCounts();
  CHECK(sim.log().find("job a: the same error occurred 4 times in a row: truncated page") != std::string::npos);
}

TEST_CASE("a run stopped by a signal counts as neither a failure nor a recovery") {
  Simulation sim("2024-05-01T09:59:00Z", {"a.yaml"});
  sim.files().Write("a.yaml", "a", "* * * * *");
  std::vector<Status> results = {DataLossError("truncated page"), CancelledError("stopped by signal"), Status()};
  size_t next = 0;
  sim.SetRunner([&](const RunTicket&) { return Outcome{1, results[next++]}; });
  sim.RunUntil("2024-05-01T10:02:30Z");
  CHECK(sim.log().find("stopped by signal") == std::string::npos);
  CHECK(sim.log().find("job a: recovered after 1 failure") != std::string::npos);
}

TEST_CASE("an edited job file is read again at the next wake-up, and its new schedule applies from then") {
  Simulation sim("2024-05-01T10:00:30Z", {"a.yaml", "b.yaml"});
  sim.files().Write("a.yaml", "a", "0 * * * *");
  sim.files().Write("b.yaml", "b", "0 0 * * *");
  sim.PollEvery(60 * 1000);
  CHECK(sim.RunUntil("2024-05-01T10:10:00Z").empty());
  // a) Files that did not change are not read again, however often the loop wakes.
  const int loads = sim.files().loads();
  sim.RunUntil("2024-05-01T10:12:00Z");
  CHECK(sim.files().loads() == loads);
  // b) The edit is seen at the next wake-up, and the new schedule takes over.
  sim.files().Write("a.yaml", "a", "*/15 * * * *");
  CHECK(sim.RunUntil("2024-05-01T10:31:00Z") == Starts{"10:15:00 a", "10:30:00 a"});
  CHECK(sim.files().loads() == loads + 1);
  CHECK(sim.log().find("job a (a.yaml): reloaded with schedule '*/15 * * * *', next run at 2024-05-01T10:15:00.000Z") !=
        std::string::npos);
}

TEST_CASE("a job file that becomes invalid keeps its last valid version running and logs the error once") {
  Simulation sim("2024-05-01T10:00:30Z", {"a.yaml"});
  sim.files().Write("a.yaml", "a", "*/10 * * * *");
  sim.PollEvery(60 * 1000);
  sim.RunUntil("2024-05-01T10:05:00Z");
  // a) A broken edit: logged once, however often the loop wakes; the valid version runs on.
  sim.files().WriteInvalid("a.yaml", "a.yaml:7:3: objects[0].feilds: unknown key 'feilds'");
  CHECK(sim.RunUntil("2024-05-01T10:25:00Z") == Starts{"10:10:00 a", "10:20:00 a"});
  CHECK(Count(sim.log(), "unknown key 'feilds'") == 1);
  CHECK(sim.log().find("job a: a.yaml:7:3: objects[0].feilds: unknown key 'feilds' (keeping the last valid "
                       "version)") != std::string::npos);
  // b) Saved again with the same mistake: still logged only once.
  sim.files().WriteInvalid("a.yaml", "a.yaml:7:3: objects[0].feilds: unknown key 'feilds'");
  sim.RunUntil("2024-05-01T10:27:00Z");
  CHECK(Count(sim.log(), "unknown key 'feilds'") == 1);
  // c) Deleted: a new problem, logged once; the job still runs.
  sim.files().Remove("a.yaml");
  CHECK(sim.RunUntil("2024-05-01T10:35:00Z") == Starts{"10:30:00 a"});
  CHECK(Count(sim.log(), "cannot read job file") == 1);
  // d) Fixed: the new version runs from the next fire on.
  sim.files().Write("a.yaml", "a-fixed", "*/10 * * * *");
  CHECK(sim.RunUntil("2024-05-01T10:40:00Z") == Starts{"10:40:00 a-fixed"});
  CHECK(sim.tickets().back().job.name == "a-fixed");
}

TEST_CASE("a run in flight keeps the job version it started with") {
  Simulation sim("2024-05-01T10:00:30Z", {"a.yaml"});
  sim.files().Write("a.yaml", "a", "* * * * *");
  sim.Create();
  sim.clock().Advance(std::chrono::seconds(30));
  std::vector<RunTicket> started = sim.scheduler().StartDue();
  REQUIRE(started.size() == 1);
  sim.files().Write("a.yaml", "renamed", "* * * * *");
  sim.scheduler().ReloadChanged();
  CHECK(started[0].job.name == "a");
  sim.scheduler().Finished(started[0].job_id, Status());
  sim.clock().Advance(std::chrono::minutes(1));
  started = sim.scheduler().StartDue();
  REQUIRE(started.size() == 1);
  CHECK(started[0].job.name == "renamed");
}

TEST_CASE("a job that loses its schedule is left alone, and one that gains one starts running") {
  Simulation sim("2024-05-01T10:00:30Z", {"a.yaml", "b.yaml"});
  sim.files().Write("a.yaml", "a", "*/5 * * * *");
  sim.files().Write("b.yaml", "b", "");
  sim.PollEvery(60 * 1000);
  CHECK(sim.RunUntil("2024-05-01T10:06:00Z") == Starts{"10:05:00 a"});
  sim.files().Write("a.yaml", "a", "");
  sim.files().Write("b.yaml", "b", "*/5 * * * *");
  CHECK(sim.RunUntil("2024-05-01T10:16:00Z") == Starts{"10:10:00 b", "10:15:00 b"});
  CHECK(sim.log().find("job a (a.yaml): reloaded without a schedule") != std::string::npos);
}

TEST_CASE("creation reports every invalid file, and refuses a set of jobs none of which has a schedule") {
  ManualClock clock(At("2024-05-01T10:00:00Z"));
  CapturedLog log;
  FakeJobFiles files;
  files.Write("good.yaml", "good", "* * * * *");
  files.WriteInvalid("bad1.yaml", "bad1.yaml:2:1: name: required\nbad1.yaml:5:3: store: required");
  files.WriteInvalid("bad2.yaml", "bad2.yaml:4:13: schedule: hour field '24': 24 is out of range 0-23");
  auto s = Scheduler::Create({"bad1.yaml", "good.yaml", "bad2.yaml", "missing.yaml"}, &files, &clock, {});
  REQUIRE(!s.ok());
  CHECK(s.status().reason() == "job.invalid");
  CHECK(ExitCodeFor(s.status()) == kExitInvalidJob);
  CHECK(s.status().message() ==
        "bad1.yaml:2:1: name: required\nbad1.yaml:5:3: store: required\n"
        "bad2.yaml:4:13: schedule: hour field '24': 24 is out of range 0-23\n"
        "missing.yaml: cannot read job file: No such file");

  files.Write("manual.yaml", "manual", "");
  auto none = Scheduler::Create({"manual.yaml"}, &files, &clock, {});
  REQUIRE(!none.ok());
  CHECK(ExitCodeFor(none.status()) == kExitInvalidJob);
  CHECK(none.status().message().find("none of the 1 job(s) has a schedule") != std::string::npos);
}

TEST_CASE("creation refuses two jobs that fill one table of one database, naming both files") {
  ManualClock clock(At("2024-05-01T10:00:00Z"));
  FakeJobFiles files;
  files.Write("a.yaml", "a", "* * * * *", {"Account"}, "/db/jobs.db");
  files.Write("b.yaml", "b", "@daily", {"Contact", "account"}, "/db/jobs.db");
  auto s = Scheduler::Create({"a.yaml", "b.yaml"}, &files, &clock, {});
  REQUIRE(!s.ok());
  CHECK(ExitCodeFor(s.status()) == kExitInvalidJob);
  CHECK(s.status().message().find("b.yaml:14:11: objects[1]: table account in database /db/jobs.db is also filled by "
                                  "a.yaml:12:11 (job a, objects[0])") == 0);
}

TEST_CASE("an edit that would share a table keeps the old version, logged once, and applies once the other job lets go") {
  Simulation sim("2024-05-01T10:00:30Z", {"a.yaml", "b.yaml"});
  sim.files().Write("a.yaml", "a", "*/10 * * * *", {"Account"}, "/db/jobs.db");
  sim.files().Write("b.yaml", "b", "*/10 * * * *", {"Contact"}, "/db/jobs.db");
  sim.PollEvery(60 * 1000);
  sim.RunUntil("2024-05-01T10:05:00Z");
  auto last_run_of_b = [&] {
    for (auto t = sim.tickets().rbegin(); t != sim.tickets().rend(); ++t) {
      if (t->job.name == "b") return t->job;
    }
    FAIL("b never ran");
    return config::Job();
  };

  // a) b also takes Account, which a fills: refused, logged once however often the loop wakes, and
  //    b's last valid version runs on.
  sim.files().Write("b.yaml", "b", "*/10 * * * *", {"Contact", "Account"}, "/db/jobs.db");
  sim.RunUntil("2024-05-01T10:25:00Z");
  CHECK(Count(sim.log(), "table Account in database") == 1);
  CHECK(sim.log().find("job b: b.yaml:14:11: objects[1]: table Account in database /db/jobs.db is also filled by "
                       "a.yaml:12:11 (job a, objects[0])") != std::string::npos);
  CHECK(sim.log().find("or a different store.sqlite (keeping the last valid version)") != std::string::npos);
  CHECK(last_run_of_b().objects.size() == 1);

  // b) a lets Account go: a's edit applies, and b's waiting version is read again and applies too.
  sim.files().Write("a.yaml", "a", "*/10 * * * *", {"Opportunity"}, "/db/jobs.db");
  sim.RunUntil("2024-05-01T10:35:00Z");
  CHECK(sim.log().find("job a (a.yaml): reloaded") != std::string::npos);
  CHECK(sim.log().find("job b (b.yaml): reloaded") != std::string::npos);
  CHECK(last_run_of_b().objects.size() == 2);
  CHECK(Count(sim.log(), "table Account in database") == 1);
}

TEST_CASE("once: every job, scheduled or not, is due at creation, runs once within the slots, then the scheduler is idle") {
  SchedulerOptions once;
  once.once = true;
  once.max_parallel = 2;
  Simulation sim("2024-05-01T10:00:30Z", {"a.yaml", "b.yaml", "c.yaml", "d.yaml"}, once);
  sim.files().Write("a.yaml", "a", "0 3 * * *");
  sim.files().Write("b.yaml", "b", "@monthly");
  sim.files().Write("c.yaml", "c", "");
  sim.files().Write("d.yaml", "d", "*/5 * * * *");
  sim.Create();
  CHECK(!sim.scheduler().Idle());
  CHECK(sim.scheduler().NextWakeMillis() == kNever);
  CHECK(sim.RunUntil("2024-05-02T10:00:00Z") == Starts{"10:00:30 a", "10:00:30 b", "10:00:40 c", "10:00:40 d"});
  CHECK(sim.scheduler().Idle());
  CHECK(sim.log().find("job a (a.yaml): running once now") != std::string::npos);
  CHECK(sim.log().find("job c (c.yaml): running once now") != std::string::npos);
}

TEST_CASE("after: a dependant waits for its prerequisites' runs of the same fire time and is skipped when one fails") {
  Simulation sim("2024-05-01T10:00:30Z", {"a.yaml", "b.yaml", "c.yaml", "d.yaml"});
  sim.files().Write("a.yaml", "accounts", "0 * * * *");
  sim.files().Write("b.yaml", "contacts", "0 * * * *");
  sim.files().Edit("b.yaml", [](config::Job* j) { j->after = {"accounts"}; });
  sim.files().Write("c.yaml", "report", "");  // no schedule: runs after each run of contacts
  sim.files().Edit("c.yaml", [](config::Job* j) { j->after = {"contacts"}; });
  sim.files().Write("d.yaml", "other", "0 * * * *");
  bool fail_accounts = false;
  sim.SetRunner([&](const RunTicket& t) {
    return Outcome{10, t.job.name == "accounts" && fail_accounts ? Status(StatusCode::kUnavailable, "down") : Status()};
  });
  sim.Create();
  CHECK(sim.log().find("job report (c.yaml): no schedule: runs after each run of contacts") != std::string::npos);
  // One slot: accounts, then contacts (which waited for it), then the chained report (due for the
  // same fire time, and first in file order) and other.
  CHECK(sim.RunUntil("2024-05-01T11:30:00Z") ==
        Starts{"11:00:00 accounts", "11:00:10 contacts", "11:00:20 report", "11:00:30 other"});
  CHECK(sim.scheduler().TakeSkipped().empty());

  fail_accounts = true;
  CHECK(sim.RunUntil("2024-05-01T12:30:00Z") == Starts{"12:00:00 accounts", "12:00:10 other"});
  const std::vector<SkippedRun> skipped = sim.scheduler().TakeSkipped();
  REQUIRE(skipped.size() == 2);
  CHECK(skipped[0].job.name == "contacts");
  CHECK(skipped[0].due_millis == At("2024-05-01T12:00:00Z"));
  CHECK(skipped[0].reason == "job accounts, which it runs after, did not succeed (FAILED)");
  CHECK(skipped[1].job.name == "report");  // the chain goes on: its prerequisite was skipped
  CHECK(skipped[1].reason == "job contacts, which it runs after, was skipped");
  const std::vector<JobSnapshot> snap = sim.scheduler().Snapshot();
  REQUIRE(snap.size() == 4);
  CHECK(snap[1].last_status == "SKIPPED");
  CHECK(snap[0].last_status == "FAILED");
  CHECK(FormatIsoUtc(snap[0].next_fire) == "2024-05-01T13:00:00.000Z");
}

TEST_CASE("after: an unknown prerequisite or a cycle is refused at creation and on reload") {
  Simulation sim("2024-05-01T10:00:30Z", {"a.yaml", "b.yaml"});
  sim.files().Write("a.yaml", "a", "0 * * * *");
  sim.files().Write("b.yaml", "b", "0 * * * *");
  sim.files().Edit("b.yaml", [](config::Job* j) { j->after = {"nope"}; });
  FakeJobFiles& files = sim.files();
  ManualClock clock(At("2024-05-01T10:00:30Z"));
  StatusOr<std::unique_ptr<Scheduler>> refused = Scheduler::Create({"a.yaml", "b.yaml"}, &files, &clock, {});
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().message().find("runs after job 'nope', which is not among the jobs given") != std::string::npos);
  files.Edit("b.yaml", [](config::Job* j) { j->after = {"a"}; });
  sim.Create();
  files.Edit("a.yaml", [](config::Job* j) { j->after = {"b"}; });
  sim.RunUntil("2024-05-01T10:00:40Z");
  CHECK(sim.log().find("wait for each other in a cycle (keeping the last valid version)") != std::string::npos);
}

TEST_CASE("catch_up once runs a job whose fire time passed while the daemon was down, once, and skip waits") {
  SchedulerOptions options;
  options.last_run_started = [](const config::Job& job) -> std::optional<int64_t> {
    if (job.name == "new") return std::nullopt;        // never ran
    return At("2024-05-01T01:59:00Z");                 // ran before the 02:00 fire, then the daemon was down
  };
  Simulation sim("2024-05-01T10:00:30Z", {"a.yaml", "b.yaml", "c.yaml", "d.yaml"}, options);
  sim.files().Write("a.yaml", "nightly", "0 2 * * *");
  sim.files().Edit("a.yaml", [](config::Job* j) { j->catch_up = "once"; });
  sim.files().Write("b.yaml", "skipper", "0 2 * * *");  // catch_up: skip (the default)
  sim.files().Write("c.yaml", "new", "0 2 * * *");
  sim.files().Edit("c.yaml", [](config::Job* j) { j->catch_up = "once"; });
  sim.files().Write("d.yaml", "fresh", "0 11 * * *");
  sim.files().Edit("d.yaml", [](config::Job* j) { j->catch_up = "once"; });
  sim.Create();
  CHECK(sim.log().find("job nightly: catch_up: once: the run due at 2024-05-01T02:00:00.000Z was missed (last run "
                       "started 2024-05-01T01:59:00.000Z); running it now") != std::string::npos);
  CHECK(sim.log().find("job new: catch_up: once: it has never run; running it now") != std::string::npos);
  // fresh's next fire after its last run (01:59) is 11:00, still to come: nothing owed.
  CHECK(sim.RunUntil("2024-05-01T10:59:00Z") == Starts{"10:00:30 nightly", "10:00:40 new"});
  CHECK(sim.tickets()[0].due_millis == At("2024-05-01T02:00:00Z"));
  CHECK(sim.RunUntil("2024-05-02T02:00:30Z") == Starts{"11:00:00 fresh", "02:00:00 nightly", "02:00:10 skipper", "02:00:20 new"});
}

TEST_CASE("SIGHUP reloads every job file, adds new ones and stops scheduling removed ones") {
  Simulation sim("2024-05-01T10:00:30Z", {"a.yaml", "b.yaml"});
  sim.files().Write("a.yaml", "a", "0 * * * *");
  sim.files().Write("b.yaml", "b", "0 * * * *");
  sim.Create();
  const int loads = sim.files().loads();
  sim.files().Write("c.yaml", "c", "30 * * * *");
  sim.scheduler().ReloadAll({"a.yaml", "c.yaml"});
  CHECK(sim.files().loads() - loads == 2);  // a (unchanged, read again) and the new c
  CHECK(sim.log().find("job b (b.yaml): its file is no longer among the daemon's jobs") != std::string::npos);
  CHECK(sim.log().find("job c (c.yaml): added, next run at 2024-05-01T10:30:00.000Z") != std::string::npos);
  CHECK(sim.log().find("daemon: job files reloaded (SIGHUP): 2 job(s), 1 added, 1 removed") != std::string::npos);
  CHECK(sim.RunUntil("2024-05-01T11:10:00Z") == Starts{"10:30:00 c", "11:00:00 a"});
}

TEST_CASE("the worst exit code: failures over locks over interruptions over partial runs over success") {
  CHECK(WorseExitCode(kExitOk, kExitOk) == kExitOk);
  CHECK(WorseExitCode(kExitOk, kExitPartial) == kExitPartial);
  CHECK(WorseExitCode(kExitPartial, kExitInterrupted) == kExitInterrupted);
  CHECK(WorseExitCode(kExitLocked, kExitInterrupted) == kExitLocked);
  CHECK(WorseExitCode(kExitLocked, kExitAuth) == kExitAuth);
  CHECK(WorseExitCode(kExitAuth, kExitStore) == kExitAuth);  // same rank: the first stays
  CHECK(WorseExitCode(kExitAuthGrantExpired, kExitPartial) == kExitAuthGrantExpired);
}

}  // namespace
}  // namespace sfsync::scheduler
