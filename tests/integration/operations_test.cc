// Operating sfsync (README "Operations"): what a cron run prints, json logs, the log file, status,
// plan, budgets, several jobs in after: order, --object/--full, validate --offline, progress on a
// terminal, keep_runs, auth logout of a job-file token. The real binary against the emulator.
#include <doctest/doctest.h>
#include <pty.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <map>
#include <sstream>

#include "engine/core/exit_codes.h"
#include "tests/testing/emulator.h"
#include "tests/testing/sqlite_db.h"
#include "tests/testing/store_target.h"

namespace sfsync::testing {
namespace {

using nlohmann::json;

constexpr char kAccounts[] =
    "  - name: Account\n"
    "    fields: [Id, Name, Industry, SystemModstamp]\n";
constexpr char kTwoObjects[] =
    "  - name: Account\n"
    "    fields: [Id, Name, Industry, SystemModstamp]\n"
    "  - name: Contact\n"
    "    fields: [Id, LastName, AccountId, SystemModstamp]\n";

std::map<std::string, std::string> Env(const TempDir& dir) {
  std::map<std::string, std::string> env = TestAuthEnv();
  env["XDG_STATE_HOME"] = dir.path() + "/state";
  return env;
}

// `sfsync ARGS...` as cron would run it: stdout and stderr are pipes.
ProcessResult Cli(const TempDir& dir, std::vector<std::string> args) {
  args.insert(args.begin(), SfsyncBinary());
  return RunProcess(args, Env(dir));
}

std::string Named(std::string yaml, const std::string& name, const std::string& extra = "") {
  yaml.replace(yaml.find("name: it\n"), 9, "name: " + name + "\n" + extra);
  return yaml;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST_CASE("a cron run prints one summary line and nothing else, -q nothing, and -v the INFO lines") {
  Emulator emu({"--size", "30"});
  TempDir dir;
  WriteFile(dir.File("job.yaml"), JobYaml(emu, dir.File("a.db"), kTwoObjects));
  ProcessResult first = Cli(dir, {"run", dir.File("job.yaml")});
  REQUIRE(first.exit_code == 0);
  REQUIRE(Lines(first.out).size() == 1);
  CHECK(first.out.rfind("job it: SUCCESS in ", 0) == 0);
  CHECK(first.out.find("2 objects, 90 rows read (90 written, 0 deleted)") != std::string::npos);
  CHECK(first.err.empty());

  ProcessResult noop = Cli(dir, {"run", dir.File("job.yaml")});
  REQUIRE(noop.exit_code == 0);
  CHECK(Lines(noop.out).size() == 1);
  CHECK(noop.out.find(", 0 rows read") != std::string::npos);
  CHECK(noop.err.empty());

  ProcessResult quiet = Cli(dir, {"run", "-q", dir.File("job.yaml")});
  CHECK(quiet.exit_code == 0);
  CHECK(quiet.out.empty());
  CHECK(quiet.err.empty());

  ProcessResult verbose = Cli(dir, {"run", "-v", "--summary", "table", dir.File("job.yaml")});
  CHECK(verbose.exit_code == 0);
  CHECK(verbose.err.find(" INFO quiet check: 2 of 2 objects have nothing new to read") != std::string::npos);
  CHECK(verbose.out.find("database: " + dir.File("a.db")) != std::string::npos);

  // Errors always reach stderr, whatever the flags.
  WriteFile(dir.File("bad.yaml"), JobYaml(emu, dir.File("bad.db"), "  - name: Account\n    fields: [Id, Nmae]\n"));
  ProcessResult bad = Cli(dir, {"run", "-q", dir.File("bad.yaml")});
  CHECK(bad.exit_code == kExitApi);
  CHECK(bad.out.empty());
  CHECK(bad.err.find("Nmae") != std::string::npos);
}

TEST_CASE("json logs: one object per line with time, level, job, object, run id, message and fields") {
  Emulator emu({"--size", "20"});
  TempDir dir;
  WriteFile(dir.File("job.yaml"), JobYaml(emu, dir.File("a.db"), kTwoObjects));
  ProcessResult r = Cli(dir, {"run", "-v", "--log-format", "json", "--log-file", dir.File("sfsync.log"),
                              dir.File("job.yaml")});
  REQUIRE(r.exit_code == 0);
  int with_object = 0;
  bool done_line = false;
  for (const std::string& line : Lines(r.err)) {
    const json j = json::parse(line);  // throws (fails the test) on a line that is not JSON
    CHECK(j.at("time").get<std::string>().size() == 24);
    CHECK(j.at("level") == "info");
    CHECK(j.at("job") == "it");
    if (j.contains("object")) ++with_object;
    if (j.at("message") == "Account: done") {
      done_line = true;
      CHECK(j.at("run_id") == 1);
      CHECK(j.at("fields").at("rows_read") == 20);
      CHECK(j.at("fields").at("api_calls").is_number());
    }
  }
  CHECK(done_line);
  CHECK(with_object >= 2);
  // The log file holds the same lines, and the summary (which went to stdout) too.
  bool summary = false;
  for (const std::string& line : Lines(ReadFile(dir.File("sfsync.log")))) {
    const json j = json::parse(line);
    if (j.at("message").get<std::string>().rfind("job it: SUCCESS", 0) == 0) {
      summary = true;
      CHECK(j.at("fields").at("status") == "SUCCESS");
    }
  }
  CHECK(summary);
}

TEST_CASE("the log file gets INFO lines, the summary and the final failure, while the console stays quiet") {
  Emulator emu({"--size", "5"});
  TempDir dir;
  WriteFile(dir.File("job.yaml"), JobYaml(emu, dir.File("a.db"), "  - name: Account\n    fields: [Id, Nmae]\n"));
  ProcessResult r = Cli(dir, {"run", "--log-file", dir.File("run.log"), dir.File("job.yaml")});
  CHECK(r.exit_code == kExitApi);
  const std::string log = ReadFile(dir.File("run.log"));
  CHECK(log.find(" INFO authenticated (refresh_token flow)") != std::string::npos);
  CHECK(log.find(" INFO job it: FAILED in ") != std::string::npos);
  CHECK(log.find(" ERROR sfsync: ") != std::string::npos);  // the final line the console printed
  CHECK(r.err.find(" INFO ") == std::string::npos);
}

TEST_CASE("a store error names the database file, on the console and in the log file") {
  Emulator emu({"--size", "5"});
  TempDir dir;
  WriteFile(dir.File("job.yaml"), JobYaml(emu, dir.File("a.db"), kAccounts));
  REQUIRE(Cli(dir, {"run", dir.File("job.yaml")}).exit_code == 0);
  // Someone drops a column sfsync fills: the table is no longer what it made, and it says which file.
  REQUIRE(RunProcess({"/usr/bin/env", "sqlite3", dir.File("a.db"), "ALTER TABLE Account DROP COLUMN Industry"}).exit_code == 0);
  ProcessResult r = Cli(dir, {"run", "--log-file", dir.File("run.log"), dir.File("job.yaml")});
  CHECK(r.exit_code == kExitStore);
  CHECK(r.err.find("database " + dir.File("a.db")) != std::string::npos);
  CHECK(ReadFile(dir.File("run.log")).find("database " + dir.File("a.db")) != std::string::npos);
}

TEST_CASE_TEMPLATE("status shows each object's last run, rows, watermark and lag, the runs, and schema changes once", S,
                   OnSqlite, OnPostgres) {
  const StoreTarget store(S::kind);
  Emulator emu({"--size", "12"});
  TempDir dir;
  WriteFile(dir.File("job.yaml"), store.Job(emu, dir.File("a.db"), kTwoObjects, "settle_lag_seconds: 0\nmax_api_calls: 900\n"));
  ProcessResult never = Cli(dir, {"status", dir.File("job.yaml")});
  CHECK(never.exit_code == 0);
  CHECK(never.out.find(store.postgres() ? "never run (no sfsync tables in its schema yet)" : "never run (no database yet)") !=
        std::string::npos);
  REQUIRE(Cli(dir, {"run", dir.File("job.yaml")}).exit_code == 0);

  ProcessResult text = Cli(dir, {"status", dir.File("job.yaml")});
  REQUIRE(text.exit_code == 0);
  CHECK(text.out.find("job it: database " + store.Name(dir.File("a.db"))) != std::string::npos);
  bool account_line = false;
  for (const std::string& line : Lines(text.out)) {
    account_line |= line.rfind("Account ", 0) == 0 && line.find(" SUCCESS ") != std::string::npos &&
                    line.find(" 12 ") != std::string::npos;
  }
  CHECK(account_line);
  CHECK(text.out.find("(just now)") != std::string::npos);
  CHECK(text.out.find("schema changes since the last look:") != std::string::npos);
  CHECK(text.out.find("Account: create_table") != std::string::npos);
  CHECK(text.out.find("budget: 900 API calls per run (max_api_calls)") != std::string::npos);
  CHECK(text.out.find("run 1     SUCCESS") != std::string::npos);
  // Shown once: the next look lists only newer changes.
  CHECK(Cli(dir, {"status", dir.File("job.yaml")}).out.find("schema changes since the last look") == std::string::npos);

  // An SQLite database alone (no job file, no secrets) shows every job in it; --json parses. A
  // PostgreSQL store is read through its job file, with the database's password and no other secret.
  ProcessResult by_db =
      store.postgres()
          ? RunProcess({SfsyncBinary(), "status", "--json", dir.File("job.yaml")},
                       {{"SF_CLIENT_ID", kClientId}})
          : RunProcess({SfsyncBinary(), "status", "--json", dir.File("a.db")});
  INFO(by_db.err);
  REQUIRE(by_db.exit_code == 0);
  const json j = json::parse(by_db.out);
  REQUIRE(j.at("objects").size() == 2);
  const json& account = j.at("objects").at(0);
  CHECK(account.at("object") == "Account");
  CHECK(account.at("job") == "it");
  CHECK(account.at("rows") == 12);
  CHECK(account.at("last_run").at("status") == "SUCCESS");
  CHECK(account.at("last_run").at("rows_read") == 12);
  CHECK(account.at("watermark").get<std::string>().size() >= 20);
  CHECK(account.at("lag_seconds").get<int64_t>() >= 0);
  CHECK(account.at("push").at("pending") == 0);
  CHECK(j.at("runs").at(0).at("status") == "SUCCESS");
  CHECK(j.at("runs").at(0).at("started").get<std::string>().back() == 'Z');

  if (store.postgres()) {
    // The wrong database password: a storage error (exit 7) that does not show it.
    ProcessResult wrong = RunProcess({SfsyncBinary(), "status", dir.File("job.yaml")},
                                     {{"SF_CLIENT_ID", kClientId}, {"SFSYNC_TEST_PGPASSWORD", "not-the-password-7"}});
    CHECK(wrong.exit_code == kExitStore);
    CHECK(wrong.err.find("not-the-password-7") == std::string::npos);
    return;
  }
  // A file sfsync did not create is refused (exit 7).
  REQUIRE(RunProcess({"/usr/bin/env", "sqlite3", dir.File("other.db"), "CREATE TABLE t (x)"}).exit_code == 0);
  ProcessResult foreign = RunProcess({SfsyncBinary(), "status", dir.File("other.db")});
  CHECK(foreign.exit_code == kExitStore);
  CHECK(foreign.err.find("database " + dir.File("other.db")) != std::string::npos);
}

TEST_CASE_TEMPLATE("plan says per object what a run would do, for a few calls or none, and finds bad fields first", S,
                   OnSqlite, OnPostgres) {
  const StoreTarget store(S::kind);
  Emulator emu({"--size", "40"});
  TempDir dir;
  WriteFile(dir.File("job.yaml"), store.Job(emu, dir.File("a.db"), kTwoObjects, "settle_lag_seconds: 0\nmax_api_calls: 3\n"));
  ProcessResult before = Cli(dir, {"plan", "--json", dir.File("job.yaml")});
  INFO(before.out, before.err);
  REQUIRE(before.exit_code == 0);
  const json first = json::parse(before.out);
  CHECK(first.at("objects").at(0).at("action") == "load");
  CHECK(first.at("objects").at(0).at("expected_rows") == 40);
  CHECK(first.at("objects").at(0).at("api") == "REST");
  CHECK(first.at("objects").at(1).at("expected_rows") == 80);
  CHECK(first.at("objects").at(0).at("schema_changes").at(0).get<std::string>().rfind("create table", 0) == 0);
  CHECK(first.at("budget").at("max_api_calls") == 3);
  CHECK(store.Open(dir.File("a.db")) == nullptr);  // planning wrote nothing
  ProcessResult text = Cli(dir, {"plan", dir.File("job.yaml")});
  CHECK(text.out.find("budget: 3 API calls per run (max_api_calls)") != std::string::npos);

  REQUIRE(Cli(dir, {"run", dir.File("job.yaml"), "--object", "Account"}).exit_code == 0);
  emu.AdvanceClock(5);
  const std::string id = emu.Records("Account").at(0).at("Id");
  emu.Update("Account", id, {{"Industry", "Planned"}});
  emu.AdvanceClock(5);
  const int64_t calls = emu.Stats().at("api_calls");
  ProcessResult after = Cli(dir, {"plan", "--json", dir.File("job.yaml")});
  REQUIRE(after.exit_code == 0);
  const json second = json::parse(after.out);
  CHECK(second.at("objects").at(0).at("action") == "incremental");
  CHECK(second.at("objects").at(0).at("expected_rows") == 1);
  CHECK(second.at("objects").at(1).at("action") == "load");  // --object ran Account only
  // Two conditional describes (304), one COUNT() each, and Contact's Account parent describe.
  CHECK(emu.Stats().at("api_calls").get<int64_t>() - calls == second.at("api_calls_spent").get<int64_t>());
  CHECK(second.at("api_calls_spent").get<int64_t>() <= 6);

  // Offline: no connection at all, from the database and its cached describes.
  const int64_t calls_offline = emu.Stats().at("api_calls");
  // No Salesforce secret in the environment either: only the client id the job names as
  // ${SF_CLIENT_ID} (and a PostgreSQL store's password, inherited from this process).
  ProcessResult offline = RunProcess({SfsyncBinary(), "plan", "--offline", "--json", dir.File("job.yaml")},
                                     {{"SF_CLIENT_ID", kClientId}});
  INFO(offline.err);
  REQUIRE(offline.exit_code == 0);
  const json third = json::parse(offline.out);
  CHECK(third.at("objects").at(0).at("action") == "incremental");
  CHECK(third.at("objects").at(0).at("expected_rows").is_null());
  CHECK(third.at("objects").at(1).at("action") == "unknown");  // Contact was never described
  CHECK(emu.Stats().at("api_calls").get<int64_t>() == calls_offline);

  // A field that does not exist fails the plan, not the run (exit 5), and names it.
  WriteFile(dir.File("typo.yaml"), store.Job(emu, dir.File("t.db"), "  - name: Account\n    fields: [Id, Nmae]\n"));
  ProcessResult typo = Cli(dir, {"plan", dir.File("typo.yaml")});
  CHECK(typo.exit_code == kExitApi);
  CHECK(typo.out.find("FAILS") != std::string::npos);
  CHECK(typo.out.find("Nmae") != std::string::npos);
}

TEST_CASE("budgets stop a run cleanly: PARTIAL, exit 9, the committed pages kept and every call counted") {
  Emulator emu({"--size", "300"});
  TempDir dir;
  // One request at a time, so the order is the job's: two describes, the first Account page (the
  // third call), and every call after it is refused. (With two at once, either object could take it.)
  WriteFile(dir.File("job.yaml"),
            WithConnection(JobYaml(emu, dir.File("a.db"),
                                   "  - name: Account\n    fields: [Id, Name, SystemModstamp]\n    batch_size: 200\n"
                                   "  - name: Contact\n    fields: [Id, LastName, SystemModstamp]\n",
                                   "settle_lag_seconds: 0\nmax_api_calls: 3\n"),
                           "max_concurrent_requests: 1"));
  ProcessResult r = Cli(dir, {"run", dir.File("job.yaml")});
  CHECK(r.exit_code == kExitLimit);
  CHECK(r.out.find("job it: PARTIAL") != std::string::npos);
  CHECK(r.err.find("API call budget is spent: 3 calls (max_api_calls: 3)") != std::string::npos);
  SqliteDb db(dir.File("a.db"));
  CHECK(db.Scalar("SELECT status FROM _sfsync_runs") == "PARTIAL");
  CHECK(db.Scalar("SELECT api_calls FROM _sfsync_runs") == "3");
  CHECK(db.Scalar("SELECT count(*) FROM Account") == "200");  // the page that committed stays

  // The org's daily allowance: a quota of 40 and a job that may use up to 10% of it stops at 4.
  Emulator small({"--size", "1000", "--api-quota", "40"});
  TempDir dir2;
  WriteFile(dir2.File("job.yaml"), JobYaml(small, dir2.File("b.db"),
                                           "  - name: Account\n    fields: [Id, Name, SystemModstamp]\n    batch_size: 200\n",
                                           "settle_lag_seconds: 0\nmax_percent_of_daily: 10\n"));
  ProcessResult pct = Cli(dir2, {"run", dir2.File("job.yaml")});
  CHECK(pct.exit_code == kExitLimit);
  CHECK(pct.err.find("at or over this job's max_percent_of_daily: 10%") != std::string::npos);
  CHECK(small.Stats().at("api_calls").get<int64_t>() <= 5);
}

TEST_CASE("several jobs run in after: order, and a failed prerequisite skips its dependants, recorded with why") {
  Emulator emu({"--size", "10"});
  TempDir dir;
  const std::string jobs = dir.File("jobs");
  std::filesystem::create_directory(jobs);
  WriteFile(jobs + "/1-report.yaml", Named(JobYaml(emu, dir.File("r.db"), kAccounts), "report", "after: [contacts, accounts]\n"));
  WriteFile(jobs + "/2-contacts.yaml",
            Named(JobYaml(emu, dir.File("c.db"), "  - name: Contact\n    fields: [Id, LastName]\n"), "contacts", "after: [accounts]\n"));
  WriteFile(jobs + "/3-accounts.yaml", Named(JobYaml(emu, dir.File("a.db"), kAccounts), "accounts"));
  ProcessResult ok = Cli(dir, {"run", jobs});
  REQUIRE(ok.exit_code == 0);
  const std::vector<std::string> lines = Lines(ok.out);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].rfind("job accounts: SUCCESS", 0) == 0);
  CHECK(lines[1].rfind("job contacts: SUCCESS", 0) == 0);
  CHECK(lines[2].rfind("job report: SUCCESS", 0) == 0);

  // contacts now fails (a field that does not exist): report is skipped, and says why.
  WriteFile(jobs + "/2-contacts.yaml",
            Named(JobYaml(emu, dir.File("c.db"), "  - name: Contact\n    fields: [Id, LastNmae]\n"), "contacts", "after: [accounts]\n"));
  ProcessResult failed = Cli(dir, {"run", jobs});
  CHECK(failed.exit_code == kExitApi);
  CHECK(failed.err.find("job report skipped: job contacts, which it runs after, did not succeed") != std::string::npos);
  SqliteDb report(dir.File("r.db"));
  CHECK(report.Scalar("SELECT status || ': ' || error FROM _sfsync_runs ORDER BY run_id DESC LIMIT 1") ==
        "SKIPPED: skipped: job contacts, which it runs after, did not succeed");

  // A cycle is refused before anything runs; validate sees it too.
  WriteFile(jobs + "/3-accounts.yaml", Named(JobYaml(emu, dir.File("a.db"), kAccounts), "accounts", "after: [report]\n"));
  CHECK(Cli(dir, {"run", jobs}).exit_code == kExitInvalidJob);
  ProcessResult cycle = Cli(dir, {"validate", jobs});
  CHECK(cycle.exit_code == kExitInvalidJob);
  CHECK(cycle.err.find("wait for each other in a cycle") != std::string::npos);
}

TEST_CASE("--object runs only the objects named, --full reads every row again, and a typo is a usage error") {
  Emulator emu({"--size", "15"});
  TempDir dir;
  WriteFile(dir.File("job.yaml"), JobYaml(emu, dir.File("a.db"), kTwoObjects));
  REQUIRE(Cli(dir, {"run", dir.File("job.yaml"), "--object", "contact"}).exit_code == 0);
  SqliteDb db(dir.File("a.db"));
  CHECK(db.Scalar("SELECT group_concat(object) FROM _sfsync_run_objects") == "Contact");
  REQUIRE(Cli(dir, {"run", dir.File("job.yaml")}).exit_code == 0);
  ProcessResult full = Cli(dir, {"run", "-v", dir.File("job.yaml"), "--object", "Account", "--full"});
  REQUIRE(full.exit_code == 0);
  CHECK(full.err.find("Account: reading every row again (asked for with --full)") != std::string::npos);
  CHECK(db.Scalar("SELECT rows_read FROM _sfsync_run_objects WHERE run_id = 3") == "15");
  ProcessResult typo = Cli(dir, {"run", dir.File("job.yaml"), "--object", "Acount"});
  CHECK(typo.exit_code == kExitUsage);
  CHECK(typo.err.find("--object Acount: no such object in the job (objects: Account, Contact)") != std::string::npos);
}

TEST_CASE("validate DIR --offline checks jobs whose secrets are not set, and still refuses plain-text ones") {
  TempDir dir;
  WriteFile(dir.File("a.yaml"), "version: 1\nname: a\nconnection:\n  login_url: https://login.salesforce.com\n"
                                "  auth:\n    flow: refresh_token\n    client_id: abc\n    refresh_token: ${NOT_SET_HERE}\n"
                                "store:\n  sqlite: a.db\nobjects:\n  - name: Account\n    fields: [Id, Name]\n");
  ProcessResult online = RunProcess({SfsyncBinary(), "validate", dir.path()});
  CHECK(online.exit_code == kExitInvalidJob);
  CHECK(online.err.find("NOT_SET_HERE") != std::string::npos);
  ProcessResult offline = RunProcess({SfsyncBinary(), "validate", "--offline", dir.path()});
  CHECK(offline.exit_code == 0);
  CHECK(offline.out.find(dir.File("a.yaml") + ": ok (job a, 1 objects, secrets not read)") != std::string::npos);
  WriteFile(dir.File("b.yaml"), "version: 1\nname: b\nconnection:\n  login_url: https://login.salesforce.com\n"
                                "  auth:\n    flow: refresh_token\n    client_id: abc\n    refresh_token: plain-text-token\n"
                                "store:\n  sqlite: b.db\nobjects:\n  - name: Account\n    fields: [Id, Name]\n");
  ProcessResult plain = RunProcess({SfsyncBinary(), "validate", "--offline", dir.path()});
  CHECK(plain.exit_code == kExitInvalidJob);
  CHECK(plain.err.find("plain-text secret") != std::string::npos);
}

// Runs sfsync with stderr and stdout on a pseudo-terminal; returns what the terminal showed.
std::string RunOnTerminal(const TempDir& dir, const std::vector<std::string>& args) {
  int master = -1;
  winsize size{};
  size.ws_col = 120;
  size.ws_row = 40;
  const pid_t pid = forkpty(&master, nullptr, nullptr, &size);
  REQUIRE(pid >= 0);
  if (pid == 0) {
    for (const auto& [k, v] : Env(dir)) ::setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> argv;
    const std::string binary = SfsyncBinary();
    argv.push_back(const_cast<char*>(binary.c_str()));
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(binary.c_str(), argv.data());
    ::_exit(127);
  }
  std::string shown;
  char buf[4096];
  while (true) {
    const ssize_t n = ::read(master, buf, sizeof buf);
    if (n <= 0) break;  // EIO once the child closed the terminal
    shown.append(buf, static_cast<size_t>(n));
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::close(master);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  return shown;
}

TEST_CASE("on a terminal each object gets a live progress line and the table, and on a pipe neither") {
  Emulator emu({"--size", "2500"});
  TempDir dir;
  WriteFile(dir.File("job.yaml"), JobYaml(emu, dir.File("a.db"), kTwoObjects));
  const std::string shown = RunOnTerminal(dir, {"run", dir.File("job.yaml")});
  CHECK(shown.find("Account  ") != std::string::npos);
  CHECK(shown.find("2,500 rows  SUCCESS in") != std::string::npos);   // the final progress line
  CHECK(shown.find("5,000 rows  SUCCESS in") != std::string::npos);
  CHECK(shown.find("\x1b[") != std::string::npos);                      // redrawn in place
  CHECK(shown.find("object                   status") != std::string::npos);  // the table
  ProcessResult piped = Cli(dir, {"run", dir.File("job.yaml")});
  CHECK(piped.err.empty());
  CHECK(piped.out.find("rows/s") == std::string::npos);
  CHECK(piped.out.find("\x1b[") == std::string::npos);
}

TEST_CASE("SIGINT stops a run without an ERROR line: PARTIAL, exit 10, what committed kept") {
  Emulator emu({"--size", "3000", "--fault", "latency:ms=150,path=/services/data/*/query*"});
  TempDir dir;
  WriteFile(dir.File("job.yaml"), JobYaml(emu, dir.File("a.db"), "  - name: Account\n    fields: [Id, Name]\n    batch_size: 200\n"));
  BackgroundProcess run({SfsyncBinary(), "run", dir.File("job.yaml")}, dir.path(), Env(dir));
  for (int i = 0; i < 100 && !std::filesystem::exists(dir.File("a.db")); ++i) ::usleep(50000);
  ::usleep(400000);
  run.Signal(SIGINT);
  CHECK(run.Wait() == kExitInterrupted);
  INFO(run.Stderr());
  CHECK(run.Stderr().find("ERROR") == std::string::npos);
  CHECK(run.Stderr().find("sfsync: job it interrupted: what was committed is kept; the run is recorded PARTIAL") !=
        std::string::npos);
  SqliteDb db(dir.File("a.db"));
  CHECK(db.Scalar("SELECT status FROM _sfsync_runs") == "PARTIAL");
}

TEST_CASE("keep_runs prunes the run history to the newest N runs of the job") {
  Emulator emu({"--size", "3"});
  TempDir dir;
  WriteFile(dir.File("job.yaml"), JobYaml(emu, dir.File("a.db"), kAccounts, "settle_lag_seconds: 0\nkeep_runs: 2\n"));
  for (int i = 0; i < 4; ++i) REQUIRE(Cli(dir, {"run", dir.File("job.yaml")}).exit_code == 0);
  SqliteDb db(dir.File("a.db"));
  CHECK(db.Scalar("SELECT group_concat(run_id) FROM (SELECT run_id FROM _sfsync_runs ORDER BY run_id)") == "3,4");
  CHECK(db.Scalar("SELECT count(DISTINCT run_id) FROM _sfsync_run_objects") == "2");
}

TEST_CASE("auth logout forgets the session of a job-file refresh token without revoking it, unless --revoke") {
  Emulator emu({"--size", "3"});
  TempDir dir;
  WriteFile(dir.File("job.yaml"), JobYaml(emu, dir.File("a.db"), kAccounts));
  REQUIRE(Cli(dir, {"run", dir.File("job.yaml")}).exit_code == 0);
  ProcessResult logout = Cli(dir, {"auth", "logout", dir.File("job.yaml")});
  CHECK(logout.exit_code == 0);
  CHECK(logout.out.find("forgot the local session") != std::string::npos);
  CHECK(logout.out.find("was not revoked") != std::string::npos);
  CHECK(Cli(dir, {"run", dir.File("job.yaml")}).exit_code == 0);  // the shared token still works
  // Not at a terminal, --revoke needs --yes.
  CHECK(Cli(dir, {"auth", "logout", "--revoke", dir.File("job.yaml")}).exit_code == kExitUsage);
  ProcessResult revoked = Cli(dir, {"auth", "logout", "--revoke", "--yes", dir.File("job.yaml")});
  CHECK(revoked.exit_code == 0);
  CHECK(revoked.out.find("revoked and deleted") != std::string::npos);
  CHECK(Cli(dir, {"run", dir.File("job.yaml")}).exit_code == kExitAuthGrantExpired);
}

// The [Section] key=value pairs of a systemd unit file.
std::map<std::string, std::string> UnitKeys(const std::string& text) {
  std::map<std::string, std::string> keys;
  std::string section;
  for (const std::string& line : Lines(text)) {
    if (line.empty() || line[0] == '#') continue;
    if (line[0] == '[') {
      section = line.substr(1, line.find(']') - 1);
      continue;
    }
    const size_t eq = line.find('=');
    if (eq != std::string::npos) keys[section + "." + line.substr(0, eq)] = line.substr(eq + 1);
  }
  return keys;
}

// The ops examples (jobs/ops) as installed under `root`: /srv/sfsync, /etc/sfsync/demo.env,
// /var/log/sfsync and /run/sfsync become folders of `root`, and the jobs reach `emu`.
std::string Installed(std::string text, const std::string& root) {
  auto replace_all = [&text](const std::string& from, const std::string& to) {
    for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
      text.replace(at, from.size(), to);
    }
  };
  replace_all("/usr/local/bin/sfsync", SfsyncBinary());
  replace_all("/srv/sfsync", root);
  replace_all("/etc/sfsync/demo.env", root + "/demo.env");
  replace_all("/var/log/sfsync", root);
  replace_all("/run/sfsync", root);
  return text;
}

struct OpsInstall {
  Emulator emu{{"--size", "20"}};
  TempDir root;
  OpsInstall() {
    std::filesystem::create_directories(root.File("jobs/ops"));
    for (const char* job : {"accounts.yaml", "contacts.yaml"}) {
      std::string yaml = ReadFile(SourceDir() + "/jobs/ops/" + job);
      yaml.replace(yaml.find("http://127.0.0.1:8383"), 21, emu.url());
      WriteFile(root.File(std::string("jobs/ops/") + job), yaml);
    }
    std::string env;
    for (const auto& [k, v] : TestAuthEnv()) env += k + "=" + v + "\n";
    env += "XDG_STATE_HOME=" + root.File("state") + "\n";
    WriteFile(root.File("demo.env"), env);
  }
  // Runs `command` as a unit would: in `dir`, with the environment file.
  ProcessResult Sh(const std::string& command, const std::string& dir) {
    return RunProcess({"/bin/sh", "-c", "set -a && . " + root.File("demo.env") + " && set +a && cd " + dir + " && " + command});
  }
};

TEST_CASE("the crontab example: its line parses and its command syncs both jobs, one summary line each") {
  OpsInstall ops;
  std::string job_line;
  for (const std::string& line : Lines(ReadFile(SourceDir() + "/jobs/ops/crontab"))) {
    if (line.empty() || line[0] == '#' || line.find("MAILTO=") == 0) continue;
    job_line = line;
  }
  std::istringstream fields(job_line);
  std::string minute, hour, dom, month, dow;
  fields >> minute >> hour >> dom >> month >> dow;
  CHECK(minute == "30");
  CHECK(hour == "2");
  std::string command;
  std::getline(fields, command);
  ProcessResult r = RunProcess({"/bin/sh", "-c", Installed(command, ops.root.path())});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const std::vector<std::string> lines = Lines(r.out);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].rfind("job ops-accounts: SUCCESS", 0) == 0);
  CHECK(lines[1].rfind("job ops-contacts: SUCCESS", 0) == 0);
  CHECK(r.err.empty());
  CHECK(ReadFile(ops.root.File("ops.log")).find("job ops-contacts: SUCCESS in ") != std::string::npos);
}

TEST_CASE("the systemd service and timer examples: the timer starts the service, whose command runs the jobs") {
  OpsInstall ops;
  const auto service = UnitKeys(Installed(ReadFile(SourceDir() + "/jobs/ops/sfsync-ops.service"), ops.root.path()));
  const auto timer = UnitKeys(ReadFile(SourceDir() + "/jobs/ops/sfsync-ops.timer"));
  CHECK(timer.at("Timer.Unit") == "sfsync-ops.service");
  CHECK(timer.at("Timer.OnCalendar") == "*-*-* 02:30:00 Europe/Paris");
  CHECK(service.at("Service.Type") == "oneshot");
  ProcessResult r = ops.Sh(service.at("Service.ExecStart"), service.at("Service.WorkingDirectory"));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(Lines(r.out).size() == 2);
  SqliteDb db(ops.root.File("jobs/ops/ops.db"));  // relative to the job files
  CHECK(db.Scalar("SELECT count(*) FROM Account") == "20");
  CHECK(db.Scalar("SELECT group_concat(job) FROM (SELECT job FROM _sfsync_runs ORDER BY run_id)") ==
        "ops-accounts,ops-contacts");
}

TEST_CASE("the daemon unit example: Type=notify gets READY and STOPPING, and the dependent jobs run in order") {
  OpsInstall ops;
  const auto unit = UnitKeys(Installed(ReadFile(SourceDir() + "/jobs/ops/sfsync-daemon.service"), ops.root.path()));
  CHECK(unit.at("Service.Type") == "notify");
  CHECK(unit.at("Service.ExecReload") == "/bin/kill -HUP $MAINPID");
  // A notify socket, as systemd gives the service.
  const std::string socket_path = ops.root.File("notify.sock");
  const int sock = ::socket(AF_UNIX, SOCK_DGRAM, 0);
  REQUIRE(sock >= 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", socket_path.c_str());
  REQUIRE(::bind(sock, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  ProcessResult r = ops.Sh("NOTIFY_SOCKET=" + socket_path + " " + unit.at("Service.ExecStart") + " --once",
                           unit.at("Service.WorkingDirectory"));
  INFO(r.err);
  CHECK(r.exit_code == 0);
  std::string notified;
  char buf[512];
  while (true) {
    const ssize_t n = ::recv(sock, buf, sizeof buf, MSG_DONTWAIT);
    if (n <= 0) break;
    notified.append(buf, static_cast<size_t>(n)).push_back('\n');
  }
  ::close(sock);
  CHECK(notified.find("READY=1") != std::string::npos);
  CHECK(notified.find("STOPPING=1") != std::string::npos);
  const json status = json::parse(ReadFile(ops.root.File("status.json")));
  REQUIRE(status.at("jobs").size() == 2);
  CHECK(status.at("jobs").at(0).at("name") == "ops-accounts");
  CHECK(status.at("jobs").at(0).at("schedule") == "CRON_TZ=Europe/Paris 30 2 * * *");
  CHECK(status.at("jobs").at(1).at("last_run").at("status") == "SUCCESS");
  const std::vector<std::string> lines = Lines(r.out);
  REQUIRE(lines.size() == 4);
  CHECK(lines[0].find("start job=ops-accounts") != std::string::npos);
  CHECK(lines[2].find("start job=ops-contacts") != std::string::npos);
}

}  // namespace
}  // namespace sfsync::testing
