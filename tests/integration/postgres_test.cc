// The real sfsync binary syncing the emulator into a real PostgreSQL server (a throw-away cluster
// this test process starts: tests/testing/pg_cluster.h).
#include <doctest/doctest.h>

#include <unistd.h>

#include <memory>
#include <string>

#include "engine/core/exit_codes.h"
#include "tests/testing/emulator.h"
#include "tests/testing/pg_cluster.h"

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

}  // namespace
}  // namespace sfsync::testing
