// The sync's promises under stress: equal-timestamp storms with crashes and updates between pages,
// late-committed rows inside the settle lag, SIGTERM mid-run, and deletes in both modes.
#include <doctest/doctest.h>

#include <signal.h>

#include <chrono>
#include <set>
#include <thread>

#include "engine/core/time_format.h"
#include "tests/testing/compare.h"
#include "tests/testing/store_target.h"

namespace sfsync::testing {
namespace {

using nlohmann::json;

std::string EmulatorNowMinus(Emulator& emu, int seconds) {
  const std::string now = emu.Admin("GET", "/__emulator/clock").at("now");
  return FormatIsoUtc(*ParseDateTime(now) - seconds * 1000LL);
}

TEST_CASE_TEMPLATE("equal-timestamp storm: thousands of rows share one SystemModstamp, a crash and updates between pages",
                   S, OnSqlite, OnPostgres) {
  for (int batch : {200, 2000}) {
    CAPTURE(batch);
    Emulator emu({"--rows", "Account=100", "--rows", "Contact=0", "--rows", "Opportunity=0"});
    TempDir dir;
    const StoreTarget store(S::kind);
    const std::string db = dir.File("storm.db");
    // The test moves the emulator's clock 10 minutes ahead of this machine's: past the default
    // tolerance, after which sfsync would (rightly) use the earlier clock.
    WriteFile(dir.File("job.yaml"),
              store.Job(emu, db,
                      "  - name: Account\n    fields: [Id, Name, AnnualRevenue, SystemModstamp]\n    batch_size: " +
                          std::to_string(batch) + "\n",
                      "settle_lag_seconds: 0\nmax_clock_skew_seconds: 3600\n"));
    // (a) The initial load.
    REQUIRE(RunSfsync(dir.File("job.yaml")).exit_code == 0);
    // (b) 6000 rows stamped with one instant, after the watermark.
    emu.AdvanceClock(600);
    const std::string storm = EmulatorNowMinus(emu, 300);
    emu.Admin("POST", "/__emulator/generate", {{"object", "Account"}, {"count", 6000}, {"SystemModstamp", storm}});
    // (c) Kill the incremental run once some pages of the storm are committed.
    auto run = StartSfsync(dir.File("job.yaml"), dir.path(), {}, {"--log-level", "debug"});
    const bool mid_run = store.WaitForRows(db, "Account", 100 + 2 * batch, run.get());
    run->Signal(SIGKILL);
    run->Wait();
    const int64_t committed = store.Open(db)->Count("Account") - 100;
    MESSAGE("batch " << batch << ": killed mid-run: " << mid_run << ", committed " << committed);
    INFO("committed before the kill: " << committed);
    CHECK(store.Open(db)->Integrity() == "ok");
    // (d) Updates land on rows already committed and on rows not read yet.
    json storm_rows = emu.Records("Account");
    std::unique_ptr<TableSource> sql = store.Open(db);
    int updated_committed = 0;
    for (size_t i = 0; i < storm_rows.size(); i += 97) {
      const std::string id = storm_rows[i].at("Id");
      const bool stored = sql->Scalar("SELECT count(*) FROM \"Account\" WHERE \"Id\" = '" + id + "'") == "1";
      emu.Update("Account", id, {{"Name", "updated " + std::to_string(i)}});
      updated_committed += stored;
    }
    emu.AdvanceClock(5);
    // (e) The next run reads every storm row not yet committed exactly once, plus the updated ones.
    ProcessResult r = RunSfsync(dir.File("job.yaml"));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    if (mid_run) CHECK(store.LastRunRowsRead(db, "Account") == 6000 - committed + updated_committed);
    CheckTableEqualsEmulator(emu, *store.Open(db), "Account");
    CHECK(store.Open(db)->Scalar("SELECT count(DISTINCT \"Id\") FROM \"Account\"") == "6100");
    // (f) And then nothing is left to read.
    REQUIRE(RunSfsync(dir.File("job.yaml")).exit_code == 0);
    CHECK(store.LastRunRowsRead(db, "Account") == 0);
  }
}

TEST_CASE("late-committed rows stamped inside the settle lag arrive on the next run") {
  Emulator emu({"--rows", "Account=50", "--rows", "Contact=0", "--rows", "Opportunity=0"});
  TempDir dir;
  const std::string db = dir.File("late.db");
  WriteFile(dir.File("job.yaml"), JobYaml(emu, db, "  - name: Account\n    fields: [Id, Name, SystemModstamp]\n",
                                          "settle_lag_seconds: 60\n"));
  REQUIRE(RunSfsync(dir.File("job.yaml")).exit_code == 0);
  emu.AdvanceClock(120);
  REQUIRE(RunSfsync(dir.File("job.yaml")).exit_code == 0);
  const std::string watermark = SqliteDb(db).Scalar("SELECT watermark_ts FROM _sfsync_state WHERE object = 'Account'");
  // A transaction that began 30 s ago commits now: its row is stamped before "now", inside the lag.
  const std::string late = EmulatorNowMinus(emu, 30);
  CHECK(late > watermark);
  emu.Insert("Account", json::array({{{"Name", "late commit"}, {"SystemModstamp", late}}}));
  REQUIRE(RunSfsync(dir.File("job.yaml")).exit_code == 0);
  CHECK(SqliteDb(db).Scalar("SELECT count(*) FROM Account WHERE Name = 'late commit'") == "1");
  CheckTableEqualsEmulator(emu, db, "Account");
}

TEST_CASE("SIGTERM mid-run finishes the current page, records the run PARTIAL and exits 10") {
  Emulator emu({"--rows", "Account=30000", "--rows", "Contact=0", "--rows", "Opportunity=0"});
  TempDir dir;
  const std::string db = dir.File("term.db");
  // One request at a time: objects run one after another, so Opportunity has not started.
  WriteFile(dir.File("job.yaml"), WithConnection(JobYaml(emu, db,
                                                         "  - name: Account\n    fields: [Id, Name, SystemModstamp]\n"
                                                         "    batch_size: 200\n"
                                                         "  - name: Opportunity\n    fields: [Id, Name]\n"),
                                                 "max_concurrent_requests: 1"));
  auto run = StartSfsync(dir.File("job.yaml"), dir.path());
  REQUIRE(WaitForRows(db, "Account", 400, run.get()));
  run->Signal(SIGTERM);
  CHECK(run->Wait() == 10);
  CHECK(run->Stderr().find("interrupted") != std::string::npos);
  SqliteDb sql(db);
  const int64_t rows = sql.Count("Account");
  CHECK(rows < 30000);
  CHECK(rows % 200 == 0);  // whole pages only
  CHECK(sql.Scalar("SELECT status FROM _sfsync_runs ORDER BY run_id DESC LIMIT 1") == "PARTIAL");
  CHECK(sql.Scalar("SELECT status FROM _sfsync_run_objects WHERE object = 'Account'") == "PARTIAL");
  CHECK(sql.Scalar("SELECT status FROM _sfsync_run_objects WHERE object = 'Opportunity'") == "SKIPPED");
  CHECK(sql.Scalar("SELECT load_after_id FROM _sfsync_state WHERE object = 'Account'") ==
        sql.Scalar("SELECT max(Id) FROM Account"));
  // The next run resumes after the last committed page and completes.
  ProcessResult r = RunSfsync(dir.File("job.yaml"));
  REQUIRE(r.exit_code == 0);
  CHECK(LastRunRowsRead(db, "Account") == 30000 - rows);
  CHECK(SqliteDb(db).Count("Account") == 30000);
}

TEST_CASE_TEMPLATE("soft deletes and undeletes through queryAll, in soft and hard delete modes", S, OnSqlite,
                   OnPostgres) {
  const StoreTarget store(S::kind);
  Emulator emu({"--rows", "Account=40", "--rows", "Contact=40", "--rows", "Opportunity=0"});
  TempDir dir;
  const std::string db = dir.File("del.db");
  WriteFile(dir.File("job.yaml"), store.Job(emu, db,
                                          "  - name: Account\n    fields: [Id, Name, SystemModstamp]\n"
                                          "    deletes: soft\n"
                                          "  - name: Contact\n    fields: [Id, LastName, SystemModstamp]\n"
                                          "    deletes: hard\n"));
  REQUIRE(RunSfsync(dir.File("job.yaml")).exit_code == 0);
  json accounts = emu.Records("Account");
  json contacts = emu.Records("Contact");
  emu.Delete("Account", accounts[0].at("Id"));
  emu.Delete("Account", accounts[1].at("Id"));
  emu.Delete("Contact", contacts[0].at("Id"));
  emu.Delete("Contact", contacts[1].at("Id"));
  emu.AdvanceClock(5);
  REQUIRE(RunSfsync(dir.File("job.yaml")).exit_code == 0);
  std::unique_ptr<TableSource> sql = store.Open(db);
  CHECK(sql->Scalar("SELECT count(*) FROM \"Account\" WHERE \"IsDeleted\" = " + store.True()) == "2");
  CHECK(sql->Count("Account") == 40);
  CHECK(sql->Count("Contact") == 38);
  CheckTableEqualsEmulator(emu, *sql, "Account", {}, "include");
  CheckTableEqualsEmulator(emu, *sql, "Contact", {}, "exclude");

  emu.Admin("POST", "/__emulator/records/Account/" + accounts[1].at("Id").get<std::string>() + "/undelete");
  emu.Admin("POST", "/__emulator/records/Contact/" + contacts[1].at("Id").get<std::string>() + "/undelete");
  emu.AdvanceClock(5);
  REQUIRE(RunSfsync(dir.File("job.yaml")).exit_code == 0);
  CHECK(sql->Scalar("SELECT count(*) FROM \"Account\" WHERE \"IsDeleted\" = " + store.True()) == "1");
  CHECK(sql->Count("Contact") == 39);
  CheckTableEqualsEmulator(emu, *sql, "Account", {}, "include");
  CheckTableEqualsEmulator(emu, *sql, "Contact", {}, "exclude");
}

TEST_CASE_TEMPLATE("a parent's change reaches the flattened parent fields of its children", S, OnSqlite, OnPostgres) {
  const StoreTarget store(S::kind);
  Emulator emu({"--rows", "Account=30", "--rows", "Contact=90", "--rows", "Opportunity=0"});
  TempDir dir;
  const std::string db = dir.File("parents.db");
  WriteFile(dir.File("job.yaml"),
            store.Job(emu, db, "  - name: Contact\n    fields: [Id, LastName, AccountId, Account.Name, SystemModstamp]\n"));
  REQUIRE(RunSfsync(dir.File("job.yaml")).exit_code == 0);
  emu.AdvanceClock(5);
  json accounts = emu.Records("Account");
  std::set<std::string> renamed;
  for (size_t i : {size_t{2}, size_t{11}, size_t{20}}) {
    renamed.insert(accounts[i].at("Id").get<std::string>());
    emu.Update("Account", accounts[i].at("Id"), {{"Name", "Renamed parent " + std::to_string(i)}});
  }
  emu.AdvanceClock(5);
  REQUIRE(RunSfsync(dir.File("job.yaml")).exit_code == 0);
  int64_t children = 0;
  for (const json& c : emu.Records("Contact")) children += c.at("AccountId").is_string() && renamed.count(c.at("AccountId"));
  CHECK(children > 0);
  CHECK(store.LastRunRowsRead(db, "Contact") == children);
  CheckTableEqualsEmulator(emu, *store.Open(db), "Contact", {{"Account", ById(emu.Records("Account"))}});
  // Nothing changed since: nothing is read again.
  REQUIRE(RunSfsync(dir.File("job.yaml")).exit_code == 0);
  CHECK(store.LastRunRowsRead(db, "Contact") == 0);
}

}  // namespace
}  // namespace sfsync::testing
