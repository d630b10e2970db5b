// The crash loop: on an org that changes between rounds, start a run, SIGKILL it at a random moment,
// run again to completion, and check the tables equal the emulator's data and the file is intact.
// 50 rounds, against each store (SQLite, and PostgreSQL on a throw-away cluster). The seed is
// printed so a failure can be replayed (SFSYNC_KILL_SEED=...). On SQLite both objects keep history
// (history: true): after every round each row's open version is the row, versions never overlap,
// and a point-in-time snapshot of sampled moments between rounds is the table as it was then.
#include <doctest/doctest.h>

#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <random>
#include <thread>

#include <functional>
#include <memory>

#include "tests/testing/compare.h"
#include "tests/testing/pg_cluster.h"
#include "tests/testing/pg_reader.h"

namespace sfsync::testing {
namespace {

using nlohmann::json;

// Where the loop's job writes, and how the test reads it back.
struct Target {
  std::string name;
  std::function<std::string(const Emulator&, const TempDir&, const std::string& objects)> job_yaml;
  std::map<std::string, std::string> env;
  std::function<std::unique_ptr<TableSource>()> open;  // nullptr while nothing was written yet
  int rounds = 50;
  bool history = false;  // the objects keep history (SQLite only, for now)
};

// A moment between rounds: the last instant of the org's current second, once it is over (stamps
// have whole seconds).
std::string MomentBetweenRuns(Emulator& emu) {
  const std::string second = emu.Admin("GET", "/__emulator/clock").at("now").get<std::string>().substr(0, 19);
  while (emu.Admin("GET", "/__emulator/clock").at("now").get<std::string>().substr(0, 19) == second) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return second + ".999Z";
}

std::string Rows(TableSource& db, const std::string& table) {
  std::string out;
  for (const auto& row : db.Query("SELECT * FROM \"" + table + "\" ORDER BY \"Id\"")) {
    for (const SqlValue& v : row) out += v.type + ":" + v.text + "|";
    out += "\n";
  }
  return out;
}

// Every row's open version is the row (each column, by IS), no other version is open, and no two
// versions of a row overlap.
void CheckHistory(TableSource& db, const std::string& table) {
  INFO("history of " << table);
  std::string same;
  for (const auto& [name, type] : db.Columns(table)) same += " AND h.\"" + name + "\" IS t.\"" + name + "\"";
  const std::string h = "\"" + table + "__history\"";
  CHECK(db.Scalar("SELECT count(*) FROM \"" + table + "\" t WHERE NOT EXISTS (SELECT 1 FROM " + h +
                  " h WHERE h.\"Id\" = t.\"Id\" AND h._valid_to IS NULL AND h._is_deleted = 0" + same + ")") == "0");
  CHECK(db.Scalar("SELECT count(*) FROM " + h + " WHERE _valid_to IS NULL AND _is_deleted = 0") ==
        std::to_string(db.Count(table)));
  CHECK(db.Scalar("SELECT count(*) FROM " + h + " a JOIN " + h +
                  " b ON a.\"Id\" = b.\"Id\" AND a._version < "
                  "b._version AND (a._valid_to IS NULL OR a._valid_to > b._valid_from)") == "0");
}

void KillLoop(const Target& target) {
  const char* seed_env = std::getenv("SFSYNC_KILL_SEED");
  const unsigned seed = seed_env ? static_cast<unsigned>(std::stoul(seed_env)) : std::random_device{}();
  MESSAGE("kill loop (" << target.name << ") seed " << seed);
  std::mt19937 rng(seed);
  Emulator emu({"--rows", "Account=2500", "--rows", "Contact=3000", "--rows", "Opportunity=0"});
  TempDir dir;
  const bool history = target.history;
  const std::string keep = history ? "    history: true\n" : "";
  WriteFile(
      dir.File("job.yaml"),
      target.job_yaml(emu, dir,
                      "  - name: Account\n"
                      "    fields: [Id, Name, Industry, AnnualRevenue, NumberOfEmployees, Description, CreatedDate,\n"
                      "             SystemModstamp]\n"
                      "    batch_size: 200\n"
                      "    deletes: soft\n" +
                          keep +
                          "  - name: Contact\n"
                          "    fields: [Id, FirstName, LastName, Email, AccountId, Account.Name, SystemModstamp]\n"
                          "    batch_size: 500\n"
                          "    deletes: hard\n" +
                          keep));
  struct Sample {
    std::string at, accounts, contacts;
  };
  std::vector<Sample> samples;  // moments between rounds, and the tables then
  int killed_mid_run = 0;
  int64_t last_run_micros = 300000;
  for (int round = 0; round < target.rounds; ++round) {
    CAPTURE(round);
    // (a) The org changes: updates, inserts, soft deletes and an undelete now and then.
    // Ids to change come from the table, which equals the server after every round.
    std::vector<std::string> accounts, contacts;
    if (round == 0) {
      for (const json& a : emu.Records("Account")) accounts.push_back(a.at("Id"));
      for (const json& c : emu.Records("Contact")) contacts.push_back(c.at("Id"));
    } else {
      auto db = target.open();
      for (auto& row : db->Query("SELECT \"Id\" FROM \"Account\" WHERE NOT \"IsDeleted\"")) accounts.push_back(row[0].text);
      for (auto& row : db->Query("SELECT \"Id\" FROM \"Contact\"")) contacts.push_back(row[0].text);
    }
    for (int i = 0; i < 15; ++i) {
      emu.Update("Account", accounts[rng() % accounts.size()], {{"Name", "r" + std::to_string(round) + "-" + std::to_string(i)},
                                         {"AnnualRevenue", static_cast<double>(rng() % 1000000) / 4.0}});
    }
    emu.Insert("Account", json::array({{{"Name", "new A " + std::to_string(round)}}}));
    emu.Admin("POST", "/__emulator/generate", {{"object", "Account"}, {"count", 200}});
    emu.Insert("Contact", json::array({{{"LastName", "new C " + std::to_string(round)},
                                        {"AccountId", accounts[rng() % accounts.size()]}}}));
    emu.Delete("Contact", contacts[rng() % contacts.size()]);
    emu.Delete("Account", accounts[rng() % accounts.size()]);
    if (round % 5 == 4) {
      json gone = emu.Records("Account", "only");
      if (!gone.empty()) {
        emu.Admin("POST", "/__emulator/records/Account/" + gone[0].at("Id").get<std::string>() + "/undelete");
      }
    }
    emu.AdvanceClock(2);
    // (b) A run killed at a random moment: anywhere in 1.5x the last complete run's duration.
    auto run = StartSfsync(dir.File("job.yaml"), dir.path(), target.env);
    std::this_thread::sleep_for(std::chrono::microseconds(rng() % (last_run_micros * 3 / 2 + 1)));
    if (run->Running()) ++killed_mid_run;
    run->Signal(SIGKILL);
    run->Wait();
    if (auto db = target.open()) REQUIRE(db->Integrity() == "ok");
    // (c) The next run converges to the server's state.
    const auto started = std::chrono::steady_clock::now();
    ProcessResult r = RunSfsync(dir.File("job.yaml"), target.env);
    last_run_micros = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started)
                          .count();
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    auto db = target.open();
    REQUIRE(db != nullptr);
    REQUIRE(db->Integrity() == "ok");
    CheckTableEqualsEmulator(emu, *db, "Account", {}, "include");
    CheckTableEqualsEmulator(emu, *db, "Contact", {{"Account", ById(emu.Records("Account", "include"))}}, "exclude");
    if (history) {
      CheckHistory(*db, "Account");
      CheckHistory(*db, "Contact");
      if (round % 10 == 3) samples.push_back({MomentBetweenRuns(emu), Rows(*db, "Account"), Rows(*db, "Contact")});
    }
  }
  // The tables at each sampled moment, rebuilt from history by `snapshot --at`.
  for (const Sample& s : samples) {
    CAPTURE(s.at);
    ProcessResult snap =
        RunSfsyncCommand({"snapshot"}, dir.File("job.yaml"), {"--at", s.at, "--out", dir.File("at.db")}, target.env);
    INFO(snap.err);
    REQUIRE(snap.exit_code == 0);
    SqliteSource then(dir.File("at.db"));
    CHECK(Rows(then, "Account") == s.accounts);
    CHECK(Rows(then, "Contact") == s.contacts);
  }
  MESSAGE("kills that landed mid-run: " << killed_mid_run << " of " << target.rounds);
  // Most kills land mid-run (about 30 of 50 on an idle machine; fewer when ctest runs tests side by
  // side and process start-up dominates); every round checks convergence either way.
  CHECK(killed_mid_run >= target.rounds * 3 / 10);
  auto sql = target.open();
  CHECK(sql->Scalar("SELECT count(*) FROM _sfsync_runs WHERE status = 'RUNNING'") == "0");
  CHECK(sql->Scalar("SELECT status FROM _sfsync_runs ORDER BY run_id DESC LIMIT 1") == "SUCCESS");
}

TEST_CASE("kill loop: 50 rounds of run, SIGKILL at a random moment, rerun, on a changing org") {
  auto db = std::make_shared<std::string>();
  KillLoop({"sqlite",
            [db](const Emulator& emu, const TempDir& dir, const std::string& objects) {
              *db = dir.File("kill.db");
              return JobYaml(emu, *db, objects);
            },
            {},
            [db]() -> std::unique_ptr<TableSource> {
              if (!FileExists(*db)) return nullptr;
              return std::make_unique<SqliteSource>(*db);
            },
            50,
            /*history=*/true});
}

TEST_CASE("kill loop on PostgreSQL: 50 rounds of run, SIGKILL at a random moment, rerun, on a changing org") {
  PgCluster& pg = PgCluster::Shared();
  const std::string database = pg.CreateDatabase();
  KillLoop({"postgres",
            [&](const Emulator& emu, const TempDir&, const std::string& objects) {
              return UsePostgresStore(JobYaml(emu, "unused.db", objects), pg.Url(database));
            },
            PgEnv(pg),
            [&]() -> std::unique_ptr<TableSource> {
              return std::make_unique<PgReader>(pg.Url(database), pg.password(), "sfsync");
            },
            // Under the sanitizers 15 rounds: they check the engine's paths, which the SQLite loop's
            // 50 sanitized rounds cover too; the plain build runs all 50 (CI's time budget).
            SanitizerSlowdown() > 1 ? 15 : 50});
}

}  // namespace
}  // namespace sfsync::testing
