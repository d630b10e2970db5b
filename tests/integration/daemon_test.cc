// `sfsync daemon` end to end: the real binary runs jobs on `* * * * *` against the real emulator,
// with the hidden --tick-seconds 1 so a cron minute passes every second; the tests read run
// history from the jobs' databases and the one-line-per-run output.
#include <doctest/doctest.h>
#include <signal.h>

#include <chrono>
#include <functional>
#include <sstream>
#include <thread>

#include "tests/testing/emulator.h"
#include "tests/testing/sqlite_db.h"

namespace sfsync::testing {
namespace {

// A job named `name` syncing the `objects_yaml` objects into `db`, on `schedule` (none when empty).
std::string DaemonJob(const Emulator& emu, const std::string& name, const std::string& db,
                      const std::string& objects_yaml, const std::string& schedule) {
  std::string yaml = JobYaml(emu, db, objects_yaml,
                             "settle_lag_seconds: 0\n" + (schedule.empty() ? "" : "schedule: \"" + schedule + "\"\n"));
  yaml.replace(yaml.find("name: it\n"), 9, "name: " + name + "\n");
  return yaml;
}

constexpr char kAccounts[] = "  - name: Account\n    fields: [Id, Name, SystemModstamp]\n";
constexpr char kContacts[] = "  - name: Contact\n    fields: [Id, LastName, SystemModstamp]\n";
constexpr char kOpportunities[] = "  - name: Opportunity\n    fields: [Id, Name]\n";

// The number `sql` counts in `db`; 0 while the database or its tables do not exist yet.
int64_t CountIn(const std::string& db, const std::string& sql) {
  if (!FileExists(db)) return 0;
  try {
    return std::stoll(SqliteDb(db).Scalar(sql));
  } catch (const std::exception&) {
    return 0;
  }
}

// Runs recorded in `db` with `status`.
int64_t Runs(const std::string& db, const std::string& status) {
  return CountIn(db, "SELECT count(*) FROM _sfsync_runs WHERE status = '" + status + "'");
}

// Polls `done` every 20 ms; false when `seconds` pass first or the daemon exits.
bool WaitFor(const std::function<bool()>& done, BackgroundProcess& daemon, int seconds = 15) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (!done()) {
    if (!daemon.Running() || std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::unique_ptr<BackgroundProcess> StartDaemon(const std::vector<std::string>& args, const std::string& log_dir,
                                               const std::map<std::string, std::string>& env = {}) {
  std::vector<std::string> argv = {SfsyncBinary(), "daemon"};
  argv.insert(argv.end(), args.begin(), args.end());
  std::map<std::string, std::string> all = TestAuthEnv();
  for (const auto& [k, v] : env) all[k] = v;
  return std::make_unique<BackgroundProcess>(argv, log_dir, all);
}

TEST_CASE("two every-minute jobs run on their schedule, one at a time, and SIGTERM stops the daemon with exit 0") {
  Emulator emu({"--size", "40"});
  TempDir jobs;
  TempDir logs;
  WriteFile(jobs.File("accounts.yaml"), DaemonJob(emu, "accounts", jobs.File("accounts.db"), kAccounts, "* * * * *"));
  WriteFile(jobs.File("contacts.yaml"), DaemonJob(emu, "contacts", jobs.File("contacts.db"), kContacts, "* * * * *"));
  WriteFile(jobs.File("manual.yaml"), DaemonJob(emu, "manual", jobs.File("manual.db"), kOpportunities, ""));
  auto daemon = StartDaemon({jobs.path(), "--tick-seconds", "1"}, logs.path());

  // a) Both jobs run, from the directory of job files.
  REQUIRE(WaitFor(
      [&] { return Runs(jobs.File("accounts.db"), "SUCCESS") >= 1 && Runs(jobs.File("contacts.db"), "SUCCESS") >= 1; },
      *daemon));
  // b) They keep running, minute after minute: a record added now arrives with a later run.
  emu.AdvanceClock(5);
  emu.Insert("Account", nlohmann::json::array({{{"Name", "Arrived Later"}}}));
  REQUIRE(WaitFor(
      [&] {
        return CountIn(jobs.File("accounts.db"), "SELECT count(*) FROM Account WHERE Name = 'Arrived Later'") == 1;
      },
      *daemon));
  REQUIRE(WaitFor([&] { return Runs(jobs.File("contacts.db"), "SUCCESS") >= 2; }, *daemon));

  // c) SIGTERM (between two minutes, most likely): the daemon exits 0.
  daemon->Signal(SIGTERM);
  CHECK(daemon->Wait() == 0);
  CHECK(daemon->Stderr().find("daemon: stopped") != std::string::npos);
  CHECK(Runs(jobs.File("accounts.db"), "SUCCESS") >= 2);
  // d) The job without a schedule never ran.
  CHECK(!FileExists(jobs.File("manual.db")));
  CHECK(daemon->Stderr().find("job manual (" + jobs.File("manual.yaml") + "): no schedule") != std::string::npos);

  // e) One line per start and finish; with one run slot, each start is followed by its finish. Every
  //    run succeeded, but the last one if the signal came in the middle of it.
  const std::vector<std::string> lines = Lines(daemon->Stdout());
  REQUIRE(lines.size() >= 8);
  CHECK(lines.size() % 2 == 0);
  int accounts_succeeded = 0;
  for (size_t i = 0; i + 1 < lines.size(); i += 2) {
    CAPTURE(lines[i]);
    CAPTURE(lines[i + 1]);
    const std::string job = lines[i].substr(lines[i].find("job="), lines[i].find(" due=") - lines[i].find("job="));
    CHECK(lines[i].find(" start " + job + " due=") != std::string::npos);
    CHECK(lines[i + 1].find(" finish " + job + " status=") != std::string::npos);
    const bool success = lines[i + 1].find(" status=SUCCESS rows=") != std::string::npos &&
                         lines[i + 1].find(" exit=0") != std::string::npos;
    CHECK((success || i + 2 == lines.size()));
    accounts_succeeded += success && job == "job=accounts";
  }
  CHECK(accounts_succeeded == Runs(jobs.File("accounts.db"), "SUCCESS"));
  CHECK(lines[1].find("job=accounts status=SUCCESS rows=40 seconds=") != std::string::npos);  // the first full load
}

TEST_CASE("SIGTERM during a long run lets it stop after its current page, recorded PARTIAL, and exits 0") {
  Emulator emu({"--rows", "Account=30000", "--rows", "Contact=0", "--rows", "Opportunity=0"});
  TempDir jobs;
  const std::string db = jobs.File("big.db");
  WriteFile(jobs.File("big.yaml"),
            DaemonJob(emu, "big", db,
                      "  - name: Account\n    fields: [Id, Name, SystemModstamp]\n    batch_size: 200\n", "* * * * *"));
  auto daemon = StartDaemon({jobs.File("big.yaml"), "--tick-seconds", "1"}, jobs.path());
  REQUIRE(WaitFor([&] { return CountIn(db, "SELECT count(*) FROM Account") >= 400; }, *daemon));
  daemon->Signal(SIGTERM);
  CHECK(daemon->Wait() == 0);
  SqliteDb sql(db);
  const int64_t rows = sql.Count("Account");
  CHECK(rows < 30000);
  CHECK(rows % 200 == 0);  // whole pages only
  CHECK(sql.Scalar("SELECT status FROM _sfsync_runs ORDER BY run_id DESC LIMIT 1") == "PARTIAL");
  CHECK(daemon->Stdout().find("finish job=big status=PARTIAL rows=") != std::string::npos);
}

TEST_CASE("an edited job file is read again: a job moved to every minute starts running") {
  Emulator emu({"--size", "10"});
  TempDir jobs;
  WriteFile(jobs.File("a.yaml"), DaemonJob(emu, "a", jobs.File("a.db"), kAccounts, "@yearly"));
  auto daemon = StartDaemon({jobs.File("a.yaml"), "--tick-seconds", "1"}, jobs.path());
  REQUIRE(WaitFor([&] { return daemon->Stderr().find("next run at") != std::string::npos; }, *daemon));
  WriteFile(jobs.File("a.yaml"), DaemonJob(emu, "a", jobs.File("a.db"), kAccounts, "* * * * *"));
  REQUIRE(WaitFor([&] { return Runs(jobs.File("a.db"), "SUCCESS") >= 1; }, *daemon));
  daemon->Signal(SIGTERM);
  CHECK(daemon->Wait() == 0);
  CHECK(daemon->Stderr().find("job a (" + jobs.File("a.yaml") + "): reloaded with schedule '* * * * *'") !=
        std::string::npos);
}

TEST_CASE("--once runs every scheduled job once and exits with the worst exit code") {
  Emulator emu({"--size", "20"});
  TempDir jobs;
  WriteFile(jobs.File("accounts.yaml"), DaemonJob(emu, "accounts", jobs.File("accounts.db"), kAccounts, "@daily"));
  std::string bad = DaemonJob(emu, "bad", jobs.File("bad.db"), kContacts, "@hourly");
  bad.replace(bad.find("${SF_CLIENT_SECRET}"), 19, "${WRONG_SECRET}");
  WriteFile(jobs.File("bad.yaml"), bad);
  const std::map<std::string, std::string> env = {{"WRONG_SECRET", "not-the-secret"}};

  // a) All good: exit 0, one run each.
  ProcessResult good = RunProcess({SfsyncBinary(), "daemon", "--once", jobs.File("accounts.yaml")}, TestAuthEnv());
  CHECK(good.exit_code == 0);
  CHECK(Runs(jobs.File("accounts.db"), "SUCCESS") == 1);

  // b) A job that fails as `sfsync run` would: the same exit code, and the good job still ran.
  ProcessResult alone = RunSfsync(jobs.File("bad.yaml"), env);
  REQUIRE(alone.exit_code != 0);
  std::map<std::string, std::string> all = TestAuthEnv();
  all.insert(env.begin(), env.end());
  ProcessResult both =
      RunProcess({SfsyncBinary(), "daemon", "--once", jobs.File("bad.yaml"), jobs.File("accounts.yaml")}, all);
  CHECK(both.exit_code == alone.exit_code);
  CHECK(Runs(jobs.File("accounts.db"), "SUCCESS") == 2);
  CHECK(both.out.find("finish job=bad status=FAILED rows=0 seconds=") != std::string::npos);
  CHECK(both.out.find("exit=" + std::to_string(alone.exit_code)) != std::string::npos);
  CHECK(both.err.find("job bad: run failed (exit " + std::to_string(alone.exit_code) + ")") != std::string::npos);
  // The engine's own lines of a run name its job.
  CHECK(both.err.find("INFO [accounts] Account: syncing") != std::string::npos);
}

TEST_CASE("--once also runs jobs without a schedule, in after: order, and records a dependant skipped") {
  Emulator emu({"--size", "10"});
  TempDir jobs;
  std::string report = DaemonJob(emu, "report", jobs.File("report.db"), kOpportunities, "");
  report.insert(report.find("connection:"), "after: [accounts]\n");
  WriteFile(jobs.File("a-report.yaml"), report);
  WriteFile(jobs.File("b-accounts.yaml"), DaemonJob(emu, "accounts", jobs.File("accounts.db"), kAccounts, ""));
  ProcessResult ok = RunProcess({SfsyncBinary(), "daemon", "--once", jobs.path()}, TestAuthEnv());
  CHECK(ok.exit_code == 0);
  const std::vector<std::string> lines = Lines(ok.out);
  REQUIRE(lines.size() == 4);
  CHECK(lines[0].find("start job=accounts") != std::string::npos);
  CHECK(lines[2].find("start job=report") != std::string::npos);

  // accounts fails (a wrong secret): report is not run but recorded SKIPPED with why; exit 4.
  std::string bad = DaemonJob(emu, "accounts", jobs.File("accounts.db"), kAccounts, "");
  bad.replace(bad.find("${SF_CLIENT_SECRET}"), 19, "${WRONG_SECRET}");
  WriteFile(jobs.File("b-accounts.yaml"), bad);
  std::map<std::string, std::string> env = TestAuthEnv();
  env["WRONG_SECRET"] = "nope-nope";
  ProcessResult failed = RunProcess({SfsyncBinary(), "daemon", "--once", jobs.path(), "--status-file",
                                     jobs.File("status.json")}, env);
  CHECK(failed.exit_code != 0);
  CHECK(failed.out.find("skip job=report due=") != std::string::npos);
  CHECK(failed.out.find("start job=report") == std::string::npos);
  CHECK(SqliteDb(jobs.File("report.db")).Scalar("SELECT status || ': ' || error FROM _sfsync_runs ORDER BY run_id DESC LIMIT 1") ==
        "SKIPPED: job accounts, which it runs after, did not succeed (FAILED)");
  const nlohmann::json status = nlohmann::json::parse(ReadFile(jobs.File("status.json")));
  REQUIRE(status.at("jobs").size() == 2);
  CHECK(status.at("jobs").at(0).at("name") == "report");
  CHECK(status.at("jobs").at(0).at("last_run").at("status") == "SKIPPED");
  CHECK(status.at("jobs").at(1).at("last_run").at("status") == "FAILED");
}

TEST_CASE("SIGHUP reloads the job files (a job added to the directory starts) and the status file follows") {
  Emulator emu({"--size", "5"});
  TempDir jobs;
  WriteFile(jobs.File("a.yaml"), DaemonJob(emu, "a", jobs.File("a.db"), kAccounts, "* * * * *"));
  auto daemon = StartDaemon({jobs.path(), "--tick-seconds", "1", "--status-file", jobs.File("status.json")}, jobs.path());
  REQUIRE(WaitFor([&] { return Runs(jobs.File("a.db"), "SUCCESS") >= 1; }, *daemon));
  WriteFile(jobs.File("b.yaml"), DaemonJob(emu, "b", jobs.File("b.db"), kContacts, "* * * * *"));
  daemon->Signal(SIGHUP);
  REQUIRE(WaitFor([&] { return Runs(jobs.File("b.db"), "SUCCESS") >= 1; }, *daemon));
  CHECK(daemon->Running());  // SIGHUP does not end it
  REQUIRE(WaitFor([&] {
    try {
      const nlohmann::json st = nlohmann::json::parse(ReadFile(jobs.File("status.json")));
      return st.at("jobs").size() == 2 && !st.at("jobs").at(1).at("last_run").is_null();
    } catch (const std::exception&) {
      return false;
    }
  }, *daemon));
  daemon->Signal(SIGTERM);
  CHECK(daemon->Wait() == 0);
  CHECK(daemon->Stderr().find("daemon: job files reloaded (SIGHUP): 2 job(s), 1 added, 0 removed") != std::string::npos);
  const nlohmann::json st = nlohmann::json::parse(ReadFile(jobs.File("status.json")));
  CHECK(st.at("pid").get<int64_t>() == daemon->pid());
  CHECK(st.at("jobs").at(0).at("schedule") == "* * * * *");
  CHECK(st.at("jobs").at(0).at("last_run").at("status") == "SUCCESS");
}

TEST_CASE("an invalid job file keeps the daemon from starting: exit 3, every problem printed, nothing run") {
  Emulator emu({"--size", "5"});
  TempDir jobs;
  WriteFile(jobs.File("good.yaml"), DaemonJob(emu, "good", jobs.File("good.db"), kAccounts, "* * * * *"));
  WriteFile(jobs.File("bad.yaml"), DaemonJob(emu, "bad", jobs.File("bad.db"), kAccounts, "0 24 * * *"));
  ProcessResult r = RunProcess({SfsyncBinary(), "daemon", jobs.path()}, TestAuthEnv());
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("sfsync: " + jobs.File("bad.yaml") + ":") != std::string::npos);
  CHECK(r.err.find("hour field '24'") != std::string::npos);
  CHECK(r.out.empty());
  CHECK(!FileExists(jobs.File("good.db")));

  ProcessResult none = RunProcess({SfsyncBinary(), "daemon", jobs.File("good.yaml"), "--max-parallel", "0"});
  CHECK(none.exit_code == 2);
}

TEST_CASE("two jobs that would fill one table of one database keep the daemon from starting: exit 3, nothing run") {
  Emulator emu({"--size", "5"});
  TempDir jobs;
  WriteFile(jobs.File("a.yaml"), DaemonJob(emu, "a", jobs.File("shared.db"), kAccounts, "* * * * *"));
  WriteFile(jobs.File("b.yaml"), DaemonJob(emu, "b", jobs.File("shared.db"), kAccounts, "@daily"));
  // --once: were the conflict missed, the jobs would run and the test end rather than hang.
  ProcessResult r = RunProcess({SfsyncBinary(), "daemon", "--once", jobs.path()}, TestAuthEnv());
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("sfsync: " + jobs.File("b.yaml") + ":16:11: objects[0]: table Account in database ") !=
        std::string::npos);
  CHECK(r.err.find("is also filled by " + jobs.File("a.yaml") + ":16:11 (job a, objects[0])") != std::string::npos);
  CHECK(r.out.empty());
  CHECK(!FileExists(jobs.File("shared.db")));
}

}  // namespace
}  // namespace sfsync::testing
