// History mode end to end (README "History and point in time"): a table's row versions rebuild
// exactly what the org held at each moment between runs, through edits, soft and hard deletes,
// undeletes and a schema change; `snapshot --at` and `export --at` read them; push-back writes
// versions too.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <set>
#include <thread>

#include "tests/integration/push_support.h"
#include "tests/testing/compare.h"
#include "tests/testing/sqlite_db.h"
#include "tests/testing/store_target.h"

namespace sfsync::testing {
namespace {

using nlohmann::json;

struct Moment {
  std::string at;                    // the org's clock between two runs (ISO 8601)
  std::vector<std::string> columns;  // the table's columns then
  std::string rows;                  // the table's rows then, every value typed (Dump)
};

// The rows of `table` in Id order, the given columns, each value as type:text.
std::string Dump(const std::string& db, const std::string& table, const std::vector<std::string>& columns) {
  std::string select;
  for (const std::string& c : columns) select += (select.empty() ? "\"" : ", \"") + c + "\"";
  std::string out;
  for (const auto& row : SqliteDb(db).Query("SELECT " + select + " FROM \"" + table + "\" ORDER BY \"Id\"")) {
    for (const SqlValue& v : row) out += v.type + ":" + v.text + "|";
    out += "\n";
  }
  return out;
}

// A moment between two runs: the last instant of the org's current second, once that second is
// over. Salesforce stamps have whole seconds, so an edit made after this returns is stamped after
// the moment, and everything the last run wrote is dated at or before it.
std::string MomentBetweenRuns(Emulator& emu) {
  const std::string second = emu.Admin("GET", "/__emulator/clock").at("now").get<std::string>().substr(0, 19);
  while (emu.Admin("GET", "/__emulator/clock").at("now").get<std::string>().substr(0, 19) == second) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return second + ".999Z";
}

std::string Sync(const std::string& job) {
  ProcessResult r = RunSfsync(job);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return r.err;
}

void History(const std::string& deletes) {
  Emulator emu({"--rows", "Account=30", "--rows", "Contact=0", "--rows", "Opportunity=0"});
  TempDir dir;
  const StoreTarget store(StoreKind::kSqlite);
  const std::string db = dir.File("h.db");
  const std::string job = dir.File("job.yaml");
  WriteFile(job, store.Job(emu, db,
                           "  - name: Account\n    fields: \"*\"\n    history: true\n    deletes: " + deletes + "\n"));
  std::vector<Moment> moments;
  auto remember = [&] {
    std::vector<std::string> columns;
    for (const auto& [name, type] : SqliteDb(db).Columns("Account")) columns.push_back(name);
    moments.push_back({MomentBetweenRuns(emu), columns, Dump(db, "Account", columns)});
  };

  Sync(job);  // the load
  CheckTableEqualsEmulator(emu, db, "Account", {}, deletes == "soft" ? "include" : "exclude");
  remember();
  const json accounts = emu.Records("Account");
  auto id = [&](size_t i) { return accounts[i].at("Id").get<std::string>(); };

  // Edits, and two records deleted (to the recycle bin).
  emu.Update("Account", id(0), {{"Name", "renamed once"}});
  emu.Update("Account", id(1), {{"NumberOfEmployees", 7}});
  emu.Delete("Account", id(2));
  emu.Delete("Account", id(3));
  // A moment after the edits, before the run that reads them: history dates each change by when
  // the org made it (the stamp; a delete's stamp), not by when sfsync read it, so this moment
  // already shows the state that run brings.
  const std::string before_run = MomentBetweenRuns(emu);
  Sync(job);
  CheckTableEqualsEmulator(emu, db, "Account", {}, deletes == "soft" ? "include" : "exclude");
  remember();
  moments.push_back({before_run, moments.back().columns, moments.back().rows});

  // One comes back; one record is purged for good (getDeleted reports it); another edit.
  emu.Admin("POST", "/__emulator/records/Account/" + id(2) + "/undelete");
  emu.Delete("Account", id(4), /*hard=*/true);
  emu.Update("Account", id(0), {{"Name", "renamed twice"}});
  // sfsync asks getDeleted for windows of two minutes or more: the org's clock moves on for the purge
  // to be seen (and history's own dating must follow the org's clock, not this machine's).
  emu.AdvanceClock(125);
  const std::string log = Sync(job);
  INFO(log);
  CHECK(SqliteDb(db).Scalar("SELECT count(*) FROM \"Account\" WHERE \"Id\" = '" + id(4) + "'") ==
        (deletes == "soft" ? "1" : "0"));
  remember();

  // The org's schema changes: a field is added; existing rows get values without their stamps
  // moving (a backfill reads them again).
  emu.Admin("POST", "/__emulator/schema/Account/fields",
            {{"name", "Score__c"}, {"type", "double"}, {"precision", 18}, {"scale", 2}});
  for (size_t i = 5; i < 8; ++i) {
    emu.Update("Account", id(i),
               {{"Score__c", 2.5 * static_cast<double>(i)},
                {"SystemModstamp", accounts[i].at("SystemModstamp")},
                {"LastModifiedDate", accounts[i].at("LastModifiedDate")}});
  }
  emu.Update("Account", id(5), {{"Name", "after the new field"}});
  Sync(job);
  remember();

  emu.Update("Account", id(0), {{"Name", "renamed a third time"}});
  emu.Delete("Account", id(6));
  Sync(job);
  remember();

  std::set<std::string> states;
  for (const Moment& m : moments) states.insert(m.rows);
  CHECK(states.size() == 5);  // one per run: each moment checks something
  // Every moment rebuilt from history is exactly what the table held then (the org's state, as far
  // as the runs had seen it: a purge shows once getDeleted covers it), each a different state.
  for (size_t m = 0; m < moments.size(); ++m) {
    CAPTURE(m);
    CAPTURE(moments[m].at);
    const std::string out = dir.File("at" + std::to_string(m) + ".db");
    ProcessResult snap = RunSfsyncCommand({"snapshot"}, job, {"--at", moments[m].at, "--out", out});
    INFO(snap.out << snap.err);
    REQUIRE(snap.exit_code == 0);
    CHECK(Dump(out, "Account", moments[m].columns) == moments[m].rows);
    // Columns added later hold nothing at earlier moments.
    for (const auto& [name, type] : SqliteDb(out).Columns("Account")) {
      if (std::find(moments[m].columns.begin(), moments[m].columns.end(), name) != moments[m].columns.end()) continue;
      CHECK(SqliteDb(out).Scalar("SELECT count(*) FROM \"Account\" WHERE \"" + name + "\" IS NOT NULL") == "0");
    }
    SqliteDb file(out);
    CHECK(file.Scalar("PRAGMA integrity_check") == "ok");
    CHECK(file.Scalar("SELECT value FROM _sfsync_snapshot WHERE key = 'at'").substr(0, 19) ==
          moments[m].at.substr(0, 19));
    // export --at gives the same rows.
    ProcessResult exported = RunSfsyncCommand(
        {"export"}, job,
        {"--object", "Account", "--at", moments[m].at, "--format", "jsonl", "--columns", "Id,Name", "--out", "-"});
    REQUIRE(exported.exit_code == 0);
    std::string rows;
    std::istringstream in(exported.out);
    for (std::string line; std::getline(in, line);) {
      const json row = json::parse(line);
      rows += "text:" + row.at("Id").get<std::string>() + "|text:" + row.at("Name").get<std::string>() + "|\n";
    }
    CHECK(rows == Dump(out, "Account", {"Id", "Name"}));
  }

  // The versions themselves: a purged record ends in a tombstone; the current table and the open
  // versions agree; every version names the run that wrote it.
  SqliteDb h(db);
  // The purged record: a tombstone (hard), or a version flagged IsDeleted (soft); dated by getDeleted.
  CHECK(h.Scalar("SELECT count(*) FROM \"Account__history\" WHERE \"Id\" = '" + id(4) + "' AND _valid_to IS NULL AND " +
                 (deletes == "soft" ? "_is_deleted = 0 AND \"IsDeleted\" = 1" : "_is_deleted = 1")) == "1");
  CHECK(h.Scalar("SELECT count(*) FROM \"Account__history\" WHERE _valid_to IS NULL AND _is_deleted = 0") ==
        std::to_string(h.Count("Account")));
  CHECK(h.Scalar("SELECT count(*) FROM \"Account__history\" WHERE _run_id IS NULL OR _run_id NOT IN "
                 "(SELECT run_id FROM _sfsync_runs)") == "0");
  CHECK(h.Scalar("SELECT count(*) FROM \"Account__history\" WHERE \"Id\" = '" + id(0) + "'") == "4");
  // Versions never overlap: each one's end is the next one's start.
  CHECK(h.Scalar("SELECT count(*) FROM \"Account__history\" a JOIN \"Account__history\" b ON a.\"Id\" = b.\"Id\" "
                 "AND a._version < b._version AND (a._valid_to IS NULL OR a._valid_to > b._valid_from)") == "0");
  // A run that changes nothing writes no version.
  const std::string versions = h.Scalar("SELECT count(*) FROM \"Account__history\"");
  Sync(job);
  CHECK(SqliteDb(db).Scalar("SELECT count(*) FROM \"Account__history\"") == versions);
}

TEST_CASE("history rebuilds each moment between runs exactly, deletes: soft") { History("soft"); }
TEST_CASE("history rebuilds each moment between runs exactly, deletes: hard") { History("hard"); }

TEST_CASE("snapshot --at: what it refuses, with exit 2 and nothing written") {
  Emulator emu({"--rows", "Account=5", "--rows", "Contact=5", "--rows", "Opportunity=0"});
  TempDir dir;
  const StoreTarget store(StoreKind::kSqlite);
  const std::string job = dir.File("job.yaml");
  WriteFile(job, store.Job(emu, dir.File("h.db"),
                           "  - name: Account\n    fields: [Id, Name, SystemModstamp]\n    history: true\n"
                           "  - name: Contact\n    fields: [Id, LastName, SystemModstamp]\n"));
  Sync(job);
  const std::string out = dir.File("at.db");
  auto refused = [&](const std::vector<std::string>& args, const std::string& message) {
    CAPTURE(message);
    ProcessResult r = RunSfsyncCommand({"snapshot"}, job, args);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(message) != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(out));
    CHECK_FALSE(std::filesystem::exists(out + ".partial"));
  };
  refused({"--at", "2026-01-01T00:00:00Z", "--object", "Contact", "--out", out}, "table Contact keeps no history");
  refused({"--at", "2026-01-01T00:00:00Z", "--object", "Lead", "--out", out}, "job it has no object Lead");
  refused({"--object", "Account", "--out", out}, "--object applies only with --at");
  refused({"--at", "31/12/2026", "--out", out}, "--at 31/12/2026: not an ISO 8601 date and time");
  // Without --object: every object with history (Account), as of a time before any of it.
  ProcessResult early = RunSfsyncCommand({"snapshot"}, job, {"--at", "2000-01-01T00:00:00Z", "--out", out});
  REQUIRE(early.exit_code == 0);
  CHECK(early.out.find("1 tables, 0 rows") != std::string::npos);
  CHECK(SqliteDb(out).Count("Account") == 0);
}

TEST_CASE("push-back writes versions when Salesforce takes the changes, not when they are made locally") {
  Emulator emu({"--rows", "Account=10", "--rows", "Contact=0", "--rows", "Opportunity=0"});
  AddKeyField(emu, "Account");
  TempDir dir;
  const StoreTarget store(StoreKind::kSqlite);
  const std::string db = dir.File("h.db");
  const std::string job = dir.File("job.yaml");
  WriteFile(job, store.Job(emu, db,
                           "  - name: Account\n"
                           "    fields: [Id, Name, Phone, SystemModstamp, Sfsync_Key__c]\n"
                           "    history: true\n    push: true\n    external_id: Sfsync_Key__c\n    deletes: hard\n"));
  Sync(job);
  const std::string loaded = MomentBetweenRuns(emu);
  const std::string before = Dump(db, "Account", {"Id", "Name", "Phone"});
  SqliteDb read(db);
  const std::string edited = read.Scalar("SELECT \"Id\" FROM \"Account\" ORDER BY \"Id\" LIMIT 1");
  const std::string gone = read.Scalar("SELECT \"Id\" FROM \"Account\" ORDER BY \"Id\" LIMIT 1 OFFSET 1");
  Shell(db, "UPDATE \"Account\" SET \"Phone\" = '+1 555 0199' WHERE \"Id\" = '" + edited + "'");
  Shell(db, "INSERT INTO \"Account\" (\"Name\") VALUES ('Made here')");
  Shell(db, "DELETE FROM \"Account\" WHERE \"Id\" = '" + gone + "'");
  // Local edits are not the org's state: no version yet.
  CHECK(read.Scalar("SELECT count(*) FROM \"Account__history\"") == "10");
  const std::string history = "\"Account__history\"";

  ProcessResult pushed = RunSfsyncCommand({"push"}, job);
  INFO(pushed.out << pushed.err);
  REQUIRE(pushed.exit_code == 0);
  const std::string created = read.Scalar("SELECT \"Id\" FROM \"Account\" WHERE \"Name\" = 'Made here'");
  REQUIRE(created.rfind("001", 0) == 0);  // the Id Salesforce gave it
  // The update: a second version with the pushed value, the first one closed where it begins.
  CHECK(read.Scalar("SELECT count(*) FROM " + history + " WHERE \"Id\" = '" + edited + "'") == "2");
  CHECK(read.Scalar("SELECT \"Phone\" FROM " + history + " WHERE \"Id\" = '" + edited + "' AND _valid_to IS NULL") ==
        "+1 555 0199");
  CHECK(read.Scalar("SELECT count(*) FROM " + history + " a JOIN " + history +
                    " b ON a.\"Id\" = b.\"Id\" AND a._valid_to = b._valid_from WHERE a.\"Id\" = '" + edited + "'") ==
        "1");
  // The insert, under the Id Salesforce gave it; the delete, a tombstone.
  CHECK(read.Scalar("SELECT \"Name\" FROM " + history + " WHERE \"Id\" = '" + created + "' AND _valid_to IS NULL") ==
        "Made here");
  CHECK(read.Scalar("SELECT count(*) FROM " + history + " WHERE \"Id\" LIKE 'local-%'") == "0");
  CHECK(read.Scalar("SELECT _is_deleted FROM " + history + " WHERE \"Id\" = '" + gone + "' AND _valid_to IS NULL") ==
        "1");
  const std::string pushed_at = MomentBetweenRuns(emu);
  const std::string after = Dump(db, "Account", {"Id", "Name", "Phone"});

  // The next pull brings the server's stamps: the rows' open versions are the table's rows.
  Sync(job);
  CHECK(read.Scalar("SELECT count(*) FROM " + history +
                    " h JOIN \"Account\" t ON t.\"Id\" = h.\"Id\" WHERE "
                    "h._valid_to IS NULL AND h.\"Phone\" IS t.\"Phone\" AND h.\"SystemModstamp\" IS "
                    "t.\"SystemModstamp\"") == std::to_string(read.Count("Account")));
  CHECK(read.Count("Account") == 10);
  // Point in time: before the push, and after it.
  for (const auto& [at, rows] : {std::pair{loaded, before}, std::pair{pushed_at, after}}) {
    CAPTURE(at);
    ProcessResult snap = RunSfsyncCommand({"snapshot"}, job, {"--at", at, "--out", dir.File("p.db")});
    INFO(snap.err);
    REQUIRE(snap.exit_code == 0);
    CHECK(Dump(dir.File("p.db"), "Account", {"Id", "Name", "Phone"}) == rows);
  }
  CHECK(before != after);
}

}  // namespace
}  // namespace sfsync::testing
