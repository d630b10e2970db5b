// Sync state belongs to the table it fills: a new table of a synced object is loaded, two jobs on
// one database keep their own watermarks, a table is claimed by one job, and a change of the query
// that filled a table (where, delete mode, cursor field, org) reloads it instead of leaving it wrong.
#include <doctest/doctest.h>

#include "tests/testing/compare.h"
#include "tests/testing/store_target.h"

namespace sfsync::testing {
namespace {

using nlohmann::json;

// Emulator records of `object` whose `field` equals (or, with `equal` false, differs from) `value`.
json Where(const json& records, const std::string& field, const std::string& value, bool equal = true) {
  json out = json::array();
  for (const json& r : records) {
    const bool match = r.at(field).is_string() && r.at(field).get<std::string>() == value;
    if (match == equal) out.push_back(r);
  }
  return out;
}

std::string JobNamed(const std::string& name, const Emulator& emu, const std::string& db, const std::string& objects,
                     const StoreTarget& store = StoreTarget(StoreKind::kSqlite)) {
  std::string yaml = store.Job(emu, db, objects);
  return yaml.replace(yaml.find("name: it\n"), 9, "name: " + name + "\n");
}

TEST_CASE_TEMPLATE("regression: adding table: to a synced object loads the new table instead of reading 0 rows", S,
                   OnSqlite, OnPostgres) {
  const StoreTarget store(S::kind);
  Emulator emu({"--rows", "Account=120", "--rows", "Contact=0", "--rows", "Opportunity=0"});
  TempDir dir;
  const std::string db = dir.File("copy.db");
  WriteFile(dir.File("job.yaml"), store.Job(emu, db, "  - name: Account\n    fields: [Id, Name, SystemModstamp]\n"));
  REQUIRE(RunSfsync(dir.File("job.yaml")).exit_code == 0);
  WriteFile(dir.File("job.yaml"),
            store.Job(emu, db, "  - name: Account\n    table: AccountCopy\n    fields: [Id, Name, SystemModstamp]\n"));
  ProcessResult r = RunSfsync(dir.File("job.yaml"));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(store.LastRunRowsRead(db, "AccountCopy") == 120);
  CheckTableEqualsRecords(emu.Records("Account"), *store.Open(db), "AccountCopy");
  std::unique_ptr<TableSource> sql = store.Open(db);
  CHECK(sql->Scalar("SELECT count(*) FROM _sfsync_state") == "2");
  CHECK(sql->Scalar("SELECT object || ' ' || job FROM _sfsync_state WHERE table_name = 'AccountCopy'") ==
        "Account it");
  // The next run of the new table is incremental.
  REQUIRE(RunSfsync(dir.File("job.yaml")).exit_code == 0);
  CHECK(store.LastRunRowsRead(db, "AccountCopy") == 0);
}

TEST_CASE_TEMPLATE("regression: two jobs on one database, each with its own table and where, keep their own watermarks",
                   S, OnSqlite, OnPostgres) {
  const StoreTarget store(S::kind);
  Emulator emu({"--rows", "Account=200", "--rows", "Contact=0", "--rows", "Opportunity=0"});
  TempDir dir;
  const std::string db = dir.File("shared.db");
  WriteFile(dir.File("energy.yaml"), JobNamed("energy", emu, db,
                                              "  - name: Account\n    table: EnergyAccounts\n"
                                              "    fields: [Id, Name, Industry, SystemModstamp]\n"
                                              "    where: \"Industry = 'Energy'\"\n", store));
  WriteFile(dir.File("rest.yaml"), JobNamed("rest", emu, db,
                                            "  - name: Account\n    table: OtherAccounts\n"
                                            "    fields: [Id, Name, Industry, SystemModstamp]\n"
                                            "    where: \"Industry != 'Energy'\"\n", store));
  ProcessResult validate = RunProcess({SfsyncBinary(), "validate", dir.File("energy.yaml"), dir.File("rest.yaml")},
                                       TestAuthEnv());
  INFO(validate.err);
  CHECK(validate.exit_code == 0);
  for (int round = 0; round < 3; ++round) {
    CAPTURE(round);
    // Changes on both sides of the condition between runs, and runs that interleave.
    json accounts = emu.Records("Account");
    for (size_t i = static_cast<size_t>(round); i < accounts.size(); i += 17) {
      emu.Update("Account", accounts[i].at("Id"), {{"Name", "round " + std::to_string(round) + " " + std::to_string(i)}});
    }
    emu.AdvanceClock(2);
    REQUIRE(RunSfsync(dir.File("energy.yaml")).exit_code == 0);
    emu.Update("Account", accounts[round].at("Id"), {{"Name", "between the two runs"}});
    emu.AdvanceClock(2);
    REQUIRE(RunSfsync(dir.File("rest.yaml")).exit_code == 0);
  }
  REQUIRE(RunSfsync(dir.File("energy.yaml")).exit_code == 0);
  const json all = emu.Records("Account");
  REQUIRE(Where(all, "Industry", "Energy").size() > 0);
  CheckTableEqualsRecords(Where(all, "Industry", "Energy"), *store.Open(db), "EnergyAccounts");
  CheckTableEqualsRecords(Where(all, "Industry", "Energy", false), *store.Open(db), "OtherAccounts");
}

TEST_CASE_TEMPLATE("a table another job fills is refused (exit 7), and --take-over hands it to the new job", S, OnSqlite,
                   OnPostgres) {
  const StoreTarget store(S::kind);
  Emulator emu({"--rows", "Account=40", "--rows", "Contact=0", "--rows", "Opportunity=0"});
  TempDir dir;
  const std::string db = dir.File("claim.db");
  const std::string objects = "  - name: Account\n    fields: [Id, Name, SystemModstamp]\n";
  WriteFile(dir.File("old.yaml"), JobNamed("old-name", emu, db, objects, store));
  WriteFile(dir.File("new.yaml"), JobNamed("new-name", emu, db, objects, store));
  REQUIRE(RunSfsync(dir.File("old.yaml")).exit_code == 0);
  ProcessResult refused = RunSfsync(dir.File("new.yaml"));
  CHECK(refused.exit_code == 7);
  CHECK(refused.err.find("table Account is filled by job 'old-name'") != std::string::npos);
  CHECK(refused.err.find("--take-over") != std::string::npos);
  CHECK(store.Open(db)->Scalar("SELECT job FROM _sfsync_state WHERE table_name = 'Account'") == "old-name");

  emu.Update("Account", emu.Records("Account")[0].at("Id"), {{"Name", "changed before the take-over"}});
  emu.AdvanceClock(2);
  ProcessResult taken = RunSfsync(dir.File("new.yaml"), {}, {"--take-over"});
  INFO(taken.err);
  REQUIRE(taken.exit_code == 0);
  CHECK(store.Open(db)->Scalar("SELECT job FROM _sfsync_state WHERE table_name = 'Account'") == "new-name");
  CHECK(store.LastRunRowsRead(db, "Account") == 1);  // same query: the watermark carries over
  CheckTableEqualsEmulator(emu, *store.Open(db), "Account");
  // Now the old job is the one refused.
  CHECK(RunSfsync(dir.File("old.yaml")).exit_code == 7);
}

TEST_CASE("a table holding another object's rows is refused with exit 7 and left as it was") {
  Emulator emu({"--rows", "Account=20", "--rows", "Contact=20", "--rows", "Opportunity=0"});
  TempDir dir;
  const std::string db = dir.File("object.db");
  WriteFile(dir.File("job.yaml"), JobYaml(emu, db, "  - name: Account\n    table: Things\n    fields: [Id, Name]\n"));
  REQUIRE(RunSfsync(dir.File("job.yaml")).exit_code == 0);
  WriteFile(dir.File("job.yaml"), JobYaml(emu, db, "  - name: Contact\n    table: Things\n    fields: [Id, LastName]\n"));
  ProcessResult r = RunSfsync(dir.File("job.yaml"));
  CHECK(r.exit_code == 7);
  CHECK(r.err.find("table Things holds Account rows and cannot be filled with Contact") != std::string::npos);
  CheckTableEqualsRecords(emu.Records("Account"), db, "Things");
}

TEST_CASE_TEMPLATE("a changed where reads the rows that now match and removes the rows that no longer do", S, OnSqlite,
                   OnPostgres) {
  const StoreTarget store(S::kind);
  Emulator emu({"--rows", "Account=150", "--rows", "Contact=0", "--rows", "Opportunity=0"});
  TempDir dir;
  const std::string db = dir.File("where.db");
  auto job = [&](const std::string& industry) {
    return store.Job(emu, db, "  - name: Account\n    fields: [Id, Name, Industry, SystemModstamp]\n    deletes: hard\n"
                            "    where: \"Industry = '" + industry + "'\"\n");
  };
  WriteFile(dir.File("job.yaml"), job("Energy"));
  REQUIRE(RunSfsync(dir.File("job.yaml")).exit_code == 0);
  CheckTableEqualsRecords(Where(emu.Records("Account"), "Industry", "Energy"), *store.Open(db), "Account");
  // Rows of the new condition are all older than the watermark: only a full read finds them.
  WriteFile(dir.File("job.yaml"), job("Banking"));
  ProcessResult r = RunSfsync(dir.File("job.yaml"));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("the where condition changed") != std::string::npos);
  const json banking = Where(emu.Records("Account"), "Industry", "Banking");
  REQUIRE(banking.size() > 0);
  CheckTableEqualsRecords(banking, *store.Open(db), "Account");
  CHECK(store.Open(db)->Scalar("SELECT full_pass_reason FROM _sfsync_state") == "");
  // And the run after is incremental again.
  REQUIRE(RunSfsync(dir.File("job.yaml")).exit_code == 0);
  CHECK(store.LastRunRowsRead(db, "Account") == 0);
}

TEST_CASE("regression: a changed cursor field reloads cleanly instead of wedging on a backwards watermark") {
  Emulator emu({"--rows", "Account=80", "--rows", "Contact=0", "--rows", "Opportunity=0"});
  TempDir dir;
  const std::string db = dir.File("cursor.db");
  auto job = [&](const std::string& cursor) {
    return JobYaml(emu, db, "  - name: Account\n    fields: [Id, Name, SystemModstamp, LastModifiedDate]\n" +
                                (cursor.empty() ? "" : "    cursor_field: " + cursor + "\n"));
  };
  WriteFile(dir.File("job.yaml"), job(""));
  REQUIRE(RunSfsync(dir.File("job.yaml")).exit_code == 0);
  emu.AdvanceClock(2);
  REQUIRE(RunSfsync(dir.File("job.yaml")).exit_code == 0);
  for (const std::string cursor : {"LastModifiedDate", "CreatedDate", "SystemModstamp"}) {
    CAPTURE(cursor);
    emu.Update("Account", emu.Records("Account")[5].at("Id"), {{"Name", "renamed before " + cursor}});
    emu.AdvanceClock(2);
    WriteFile(dir.File("job.yaml"), job(cursor));
    ProcessResult reload = RunSfsync(dir.File("job.yaml"));
    INFO(reload.err);
    REQUIRE(reload.exit_code == 0);
    CHECK(reload.err.find("the cursor field changed") != std::string::npos);
    CHECK(LastRunRowsRead(db, "Account") == 80);
    CHECK(SqliteDb(db).Scalar("SELECT cursor_field FROM _sfsync_state") == cursor);
    // Every later run succeeds and is incremental (before the fix: exit 5 forever).
    emu.AdvanceClock(2);
    for (int i = 0; i < 2; ++i) {
      ProcessResult next = RunSfsync(dir.File("job.yaml"));
      INFO(next.err);
      REQUIRE(next.exit_code == 0);
      CHECK(LastRunRowsRead(db, "Account") == 0);
    }
    CheckTableEqualsEmulator(emu, db, "Account");
  }
}

TEST_CASE("switching deletes from soft to hard removes the rows already flagged as deleted") {
  Emulator emu({"--rows", "Account=30", "--rows", "Contact=0", "--rows", "Opportunity=0"});
  TempDir dir;
  const std::string db = dir.File("modes.db");
  auto job = [&](const std::string& deletes) {
    return JobYaml(emu, db, "  - name: Account\n    fields: [Id, Name, SystemModstamp]\n    deletes: " + deletes + "\n");
  };
  WriteFile(dir.File("job.yaml"), job("soft"));
  REQUIRE(RunSfsync(dir.File("job.yaml")).exit_code == 0);
  json accounts = emu.Records("Account");
  emu.Delete("Account", accounts[0].at("Id"));
  emu.Delete("Account", accounts[1].at("Id"));
  emu.AdvanceClock(2);
  REQUIRE(RunSfsync(dir.File("job.yaml")).exit_code == 0);
  CHECK(SqliteDb(db).Scalar("SELECT count(*) FROM Account WHERE IsDeleted = 1") == "2");
  WriteFile(dir.File("job.yaml"), job("hard"));
  ProcessResult hard = RunSfsync(dir.File("job.yaml"));
  INFO(hard.err);
  REQUIRE(hard.exit_code == 0);
  CHECK(SqliteDb(db).Count("Account") == 28);
  CheckTableEqualsEmulator(emu, db, "Account");
  // And back to soft: a full pass brings the recycle bin's rows back, flagged.
  WriteFile(dir.File("job.yaml"), job("soft"));
  REQUIRE(RunSfsync(dir.File("job.yaml")).exit_code == 0);
  CHECK(SqliteDb(db).Scalar("SELECT count(*) FROM Account WHERE IsDeleted = 1") == "2");
  CheckTableEqualsEmulator(emu, db, "Account", {}, "include");
}

TEST_CASE("a table synced from another org is read again and the other org's rows are removed") {
  Emulator first({"--rows", "Account=30", "--rows", "Contact=0", "--rows", "Opportunity=0", "--seed", "1"});
  Emulator second({"--rows", "Account=25", "--rows", "Contact=0", "--rows", "Opportunity=0", "--seed", "2"});
  TempDir dir;
  const std::string db = dir.File("orgs.db");
  const std::string objects = "  - name: Account\n    fields: [Id, Name, SystemModstamp]\n    deletes: hard\n";
  WriteFile(dir.File("job.yaml"), JobYaml(first, db, objects));
  REQUIRE(RunSfsync(dir.File("job.yaml")).exit_code == 0);
  WriteFile(dir.File("job.yaml"), JobYaml(second, db, objects));
  ProcessResult r = RunSfsync(dir.File("job.yaml"));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("came from org") != std::string::npos);
  CheckTableEqualsEmulator(second, db, "Account");
}

}  // namespace
}  // namespace sfsync::testing
