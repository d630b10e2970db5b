// The real sfsync binary syncing the emulator into a real PostgreSQL server (a throw-away cluster
// this test process starts: tests/testing/pg_cluster.h).
#include <doctest/doctest.h>

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <thread>

#include <memory>
#include <string>

#include "engine/core/exit_codes.h"
#include "tests/testing/compare.h"
#include "tests/testing/emulator.h"
#include "tests/testing/pg_cluster.h"
#include "tests/testing/pg_reader.h"
#include "tests/testing/store_target.h"

namespace sfsync::testing {
namespace {

constexpr const char* kAccounts =
    "  - name: Account\n    fields: [Id, Name, NumberOfEmployees, AnnualRevenue, IsDeleted, CreatedDate, "
    "SystemModstamp]\n";

std::string PostgresJob(const Emulator& emu, const PgCluster& pg, const std::string& db, const std::string& objects) {
  return UsePostgresStore(JobYaml(emu, "unused.db", objects), pg.Url(db), "crm");
}

std::string Trim(std::string s) {
  while (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

TEST_CASE("postgres: a job syncs into PostgreSQL, typed, then incrementally with changes and deletes") {
  PgCluster& pg = PgCluster::Shared();
  const std::string db = pg.CreateDatabase();
  Emulator emu({"--size", "40"});
  TempDir dir;
  WriteFile(dir.File("job.yaml"), PostgresJob(emu, pg, db, kAccounts));
  const std::map<std::string, std::string> env = PgEnv(pg);

  ProcessResult first = RunSfsync(dir.File("job.yaml"), env);
  REQUIRE_MESSAGE(first.exit_code == 0, first.err);
  CHECK(first.err.find(pg.password()) == std::string::npos);
  const size_t accounts = emu.Records("Account").size();
  CHECK(Trim(pg.Psql(db, "SELECT count(*) FROM crm.\"Account\"")) == std::to_string(accounts));
  CHECK(Trim(pg.Psql(db, "SELECT data_type FROM information_schema.columns WHERE table_schema = 'crm' AND "
                         "table_name = 'Account' AND column_name = 'SystemModstamp'")) == "timestamp with time zone");
  CHECK(Trim(pg.Psql(db, "SELECT status FROM crm._sfsync_runs ORDER BY run_id DESC LIMIT 1")) == "SUCCESS");

  // An edit and a delete on the server reach the table in the next run, with the watermark.
  const std::string edited = emu.Records("Account").at(0).at("Id").get<std::string>();
  const std::string deleted = emu.Records("Account").at(1).at("Id").get<std::string>();
  emu.AdvanceClock(60);
  emu.Update("Account", edited, {{"Name", "Renamed in the org"}});
  emu.Delete("Account", deleted);
  emu.AdvanceClock(60);
  ProcessResult second = RunSfsync(dir.File("job.yaml"), env);
  REQUIRE_MESSAGE(second.exit_code == 0, second.err);
  CHECK(Trim(pg.Psql(db, "SELECT \"Name\" FROM crm.\"Account\" WHERE \"Id\" = '" + edited + "'")) ==
        "Renamed in the org");
  CHECK(Trim(pg.Psql(db, "SELECT count(*) FROM crm.\"Account\" WHERE \"Id\" = '" + deleted + "' AND NOT \"IsDeleted\"")) ==
        "0");
  CHECK(Trim(pg.Psql(db, "SELECT count(*) FROM crm._sfsync_runs WHERE status = 'SUCCESS'")) == "2");
  CHECK(Trim(pg.Psql(db, "SELECT watermark_ts <> '' FROM crm._sfsync_state WHERE table_name = 'Account'")) == "t");

  // Without the password the run fails cleanly as a storage error (exit 7), naming no secret.
  ProcessResult no_password = RunSfsync(dir.File("job.yaml"), {{"SFSYNC_TEST_PGPASSWORD", "wrong-password-1"}});
  CHECK(no_password.exit_code == kExitStore);
  CHECK(no_password.err.find("password authentication failed") != std::string::npos);
  CHECK(no_password.err.find("wrong-password-1") == std::string::npos);
}

TEST_CASE("postgres: a second run of the same job waits for none: the advisory lock refuses it while the first holds it") {
  PgCluster& pg = PgCluster::Shared();
  const std::string db = pg.CreateDatabase();
  Emulator emu({"--size", "10"});
  TempDir dir;
  WriteFile(dir.File("job.yaml"), PostgresJob(emu, pg, db, kAccounts));
  const std::map<std::string, std::string> env = PgEnv(pg);
  REQUIRE(RunSfsync(dir.File("job.yaml"), env).exit_code == 0);
  // Another session holds the job's lock (as a run on another host would).
  const std::string key = "sfsync run crm it";
  std::unique_ptr<BackgroundProcess> holder = std::make_unique<BackgroundProcess>(
      std::vector<std::string>{"/bin/sh", "-c",
                               "PGPASSWORD='" + pg.password() + "' exec " + PgCluster::BinDir() + "/psql -X -q -d '" +
                                   pg.Url(db) + "' -c \"SELECT pg_advisory_lock(hashtext('" + key +
                                   "'))\" -c '\\! sleep 30'"},
      dir.path());
  bool held = false;
  for (int i = 0; i < 100 && !held; ++i) {
    held = Trim(pg.Psql(db, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted")) == "1";
    if (!held) usleep(100 * 1000);
  }
  REQUIRE(held);
  ProcessResult refused = RunSfsync(dir.File("job.yaml"), env);
  CHECK(refused.exit_code == kExitLocked);
  CHECK(refused.err.find("another sfsync run of it holds its lock") != std::string::npos);
  holder.reset();  // the session (idle, not in a query) ends: the server drops its lock at once
  bool released = false;
  for (int i = 0; i < 100 && !released; ++i) {
    released = Trim(pg.Psql(db, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")) == "0";
    if (!released) usleep(100 * 1000);
  }
  REQUIRE(released);
  CHECK(RunSfsync(dir.File("job.yaml"), env).exit_code == 0);
}

TEST_CASE("postgres: audit finds and repairs what a run cannot see, and what is not supported yet says so") {
  PgCluster& pg = PgCluster::Shared();
  const std::string db = pg.CreateDatabase();
  Emulator emu({"--size", "30"});
  TempDir dir;
  WriteFile(dir.File("job.yaml"), PostgresJob(emu, pg, db, kAccounts));
  REQUIRE(RunSfsync(dir.File("job.yaml"), PgEnv(pg)).exit_code == 0);
  // Behind sfsync's back: a row lost, a value changed.
  const std::string lost = emu.Records("Account").at(3).at("Id").get<std::string>();
  const std::string changed = emu.Records("Account").at(4).at("Id").get<std::string>();
  pg.Psql(db, "DELETE FROM crm.\"Account\" WHERE \"Id\" = '" + lost + "'");
  pg.Psql(db, "UPDATE crm.\"Account\" SET \"Name\" = 'tampered' WHERE \"Id\" = '" + changed + "'");
  ProcessResult dry = RunSfsyncCommand({"audit"}, dir.File("job.yaml"), {"--dry-run", "--deep"}, PgEnv(pg));
  CHECK(dry.exit_code == kExitDrift);
  CHECK(Trim(pg.Psql(db, "SELECT count(*) FROM crm.\"Account\"")) == "29");  // a dry run writes nothing
  ProcessResult audit = RunSfsyncCommand({"audit"}, dir.File("job.yaml"), {"--deep"}, PgEnv(pg));
  CHECK_MESSAGE(audit.exit_code == kExitOk, audit.err);
  PgReader reader(pg.Url(db), pg.password(), "crm");
  CheckTableEqualsEmulator(emu, reader, "Account", {}, "exclude");

  // push: true is refused when such a job is loaded (tests/jobs/bad), so `sfsync push` has nothing to send.
  ProcessResult push = RunSfsyncCommand({"push"}, dir.File("job.yaml"), {}, PgEnv(pg));
  CHECK(push.exit_code == kExitInvalidJob);
  CHECK(push.err.find("pushes no object") != std::string::npos);
}

TEST_CASE("postgres: sslmode=verify-full checks the server's certificate and its name, as libpq defines it") {
  PgCluster pg(/*tls=*/true);
  const std::string db = pg.CreateDatabase();
  Emulator emu({"--size", "5"});
  TempDir dir;
  const std::string port = std::to_string(pg.port());
  auto job = [&](const std::string& host, const std::string& query) {
    return UsePostgresStore(JobYaml(emu, "unused.db", kAccounts),
                            "postgresql://" + pg.user() + "@" + host + ":" + port + "/" + db + "?" + query, "crm");
  };
  // The certificate names localhost and is signed by the cluster's CA: verified, the run goes ahead.
  WriteFile(dir.File("ok.yaml"), job("localhost", "sslmode=verify-full&sslrootcert=" + pg.ca_file()));
  ProcessResult ok = RunSfsync(dir.File("ok.yaml"), PgEnv(pg));
  CHECK_MESSAGE(ok.exit_code == 0, ok.err);
  CHECK(Trim(pg.Psql(db, "SELECT count(*) FROM crm.\"Account\"")) == "5");
  // The same server reached by another name: refused before anything is sent (exit 7).
  WriteFile(dir.File("name.yaml"), job("127.0.0.1", "sslmode=verify-full&sslrootcert=" + pg.ca_file()));
  ProcessResult name = RunSfsync(dir.File("name.yaml"), PgEnv(pg));
  CHECK(name.exit_code == kExitStore);
  CHECK(name.err.find("does not match host name") != std::string::npos);
  // A CA that did not sign it: refused too.
  REQUIRE(RunProcess({"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                      dir.File("other.key"), "-out", dir.File("other-ca.pem"), "-subj", "/CN=another-ca", "-days", "2"})
              .exit_code == 0);
  WriteFile(dir.File("ca.yaml"), job("localhost", "sslmode=verify-full&sslrootcert=" + dir.File("other-ca.pem")));
  ProcessResult ca = RunSfsync(dir.File("ca.yaml"), PgEnv(pg));
  CHECK(ca.exit_code == kExitStore);
  CHECK(ca.err.find("certificate verify failed") != std::string::npos);
}

bool WaitFor(const std::function<bool()>& done, int seconds = 60) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

std::unique_ptr<BackgroundProcess> Daemon(const std::string& jobs, const std::string& log_dir,
                                          const std::map<std::string, std::string>& env) {
  std::map<std::string, std::string> all = TestAuthEnv();
  for (const auto& [k, v] : env) all[k] = v;
  all["XDG_STATE_HOME"] = log_dir + "/state";
  return std::make_unique<BackgroundProcess>(
      std::vector<std::string>{SfsyncBinary(), "daemon", jobs, "--tick-seconds", "1"}, log_dir, all);
}

// Two hosts sharing a PostgreSQL database, or two daemons on one host sharing an SQLite file: the
// same promise, kept by a session advisory lock or a lock file, both released when the holder dies.
TEST_CASE_TEMPLATE("two daemons sharing one store run a job one at a time, and one carries on when the other is killed", S,
                   OnSqlite, OnPostgres) {
  const StoreTarget store(S::kind);
  Emulator emu({"--size", "300"});
  TempDir jobs, data, host_a, host_b;
  const std::string db = data.File("crm.db");
  WriteFile(jobs.File("shared.yaml"), store.Job(emu, db, kAccounts, "settle_lag_seconds: 0\nschedule: \"* * * * *\"\n"));
  // Two hosts: two daemons, each with its own state directory, on the same job and store.
  auto a = Daemon(jobs.path(), host_a.path(), {});
  auto b = Daemon(jobs.path(), host_b.path(), {});
  const std::string succeeded = "SELECT count(*) FROM _sfsync_runs WHERE status = 'SUCCESS'";
  auto count = [&](const std::string& sql) -> int64_t {
    try {
      std::unique_ptr<TableSource> source = store.Open(db);
      return source == nullptr ? 0 : std::stoll(source->Scalar(sql));
    } catch (const std::exception&) {
      return 0;  // nothing there yet
    }
  };
  REQUIRE(WaitFor([&] { return count(succeeded) >= 3; }));

  // The host doing the work dies mid-schedule (SIGKILL: no clean-up, perhaps in the middle of a
  // run). Which one that is depends on timing: both try every tick and one wins the lock each time.
  const bool a_worked = a->Stdout().find("status=SUCCESS") != std::string::npos;
  BackgroundProcess* dead = a_worked ? a.get() : b.get();
  BackgroundProcess* alive = a_worked ? b.get() : a.get();
  INFO("the killed host:\n" << dead->Stdout() << "\nthe other:\n" << alive->Stdout());
  dead->Signal(SIGKILL);
  dead->Wait();
  // The other host keeps the job going: its next runs succeed, and a run left RUNNING by the dead
  // one is marked interrupted.
  const int64_t before = count(succeeded);
  REQUIRE(WaitFor([&] { return count(succeeded) >= before + 3; }));
  alive->Signal(SIGTERM);
  CHECK(alive->Wait() == 0);
  CHECK(alive->Stdout().find("status=SUCCESS") != std::string::npos);
  // An attempt that found the job held by the other host is LOCKED (exit 11), never FAILED.
  CHECK(alive->Stdout().find("status=FAILED") == std::string::npos);
  CHECK(alive->Stderr().find("run failed") == std::string::npos);

  // Never two runs of the job at once: each run started after the one before it finished.
  std::unique_ptr<TableSource> runs = store.Open(db);
  const auto rows = runs->Query("SELECT started_millis, coalesce(finished_millis, 0), status FROM _sfsync_runs "
                               "ORDER BY run_id");
  REQUIRE(rows.size() >= 6);
  for (size_t i = 1; i < rows.size(); ++i) {
    CAPTURE(i);
    if (rows[i - 1][2].text == "FAILED") continue;  // interrupted by the kill: it has no finish time
    CHECK(std::stoll(rows[i][0].text) >= std::stoll(rows[i - 1][1].text));
  }
  CHECK(runs->Scalar("SELECT count(*) FROM _sfsync_runs WHERE status = 'RUNNING'") == "0");
  CHECK(runs->Scalar("SELECT count(*) FROM \"Account\"") == std::to_string(emu.Records("Account").size()));
}

}  // namespace
}  // namespace sfsync::testing
