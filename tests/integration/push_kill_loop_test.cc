// The push crash loop, on both stores: local edits, inserts and deletes made with the store's own
// client (the sqlite3 shell, psql); `sfsync push`
// SIGKILLed at a random moment; pushed again to completion. 30 rounds, then the org must hold
// exactly what the model says: every edit once, every insert once (no duplicate from a retried
// insert whose answer was lost to the kill), every delete done, and the outbox settled. The seed is
// printed so a failure can be replayed (SFSYNC_KILL_SEED=...).
#include <doctest/doctest.h>
#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "tests/testing/compare.h"
#include "tests/testing/store_target.h"

namespace sfsync::testing {
namespace {

using nlohmann::json;

TEST_CASE_TEMPLATE("push kill loop: 30 rounds of edits, push SIGKILLed at a random moment, push again", S, OnSqlite,
                   OnPostgres) {
  StoreTarget store(S::kind);
  const char* seed_env = std::getenv("SFSYNC_KILL_SEED");
  const unsigned seed = seed_env ? static_cast<unsigned>(std::stoul(seed_env)) : std::random_device{}();
  MESSAGE("push kill loop seed " << seed);
  std::mt19937 rng(seed);
  Emulator emu({"--rows", "Account=600", "--rows", "Contact=0", "--rows", "Opportunity=0"});
  // Every write answer comes 5-25 ms late, so a push lasts long enough to be killed inside.
  emu.Admin("POST", "/__emulator/faults", {{"spec", "latency:ms=15,jitter=10,path=/services/data/*/composite/*"}});
  TempDir dir;
  const std::string db = dir.File("push.db");
  const std::string job = dir.File("job.yaml");
  WriteFile(job, store.Job(emu, db,
                           "  - name: Account\n"
                           "    fields: [Id, Name, Phone, NumberOfEmployees, SystemModstamp, Sfsync_Key__c]\n"
                           "    push: true\n"
                           "    external_id: Sfsync_Key__c\n"));
  REQUIRE(RunSfsync(job).exit_code == 0);

  std::vector<std::string> seeded;  // deletes pick from these, so no inserted row is deleted
  for (auto& row : store.Open(db)->Query("SELECT \"Id\" FROM \"Account\" ORDER BY \"Id\"")) {
    seeded.push_back(row[0].text);
  }
  std::map<std::string, std::string> phone;  // Id -> the Phone the org must end with
  std::set<std::string> inserted;            // names of rows inserted locally
  std::set<std::string> deleted;             // Ids deleted locally
  int killed_mid_push = 0;
  int64_t last_push_micros = 200000;
  for (int round = 0; round < 30; ++round) {
    CAPTURE(round);
    std::vector<std::string> ids;
    for (auto& row :
         store.Open(db)->Query("SELECT \"Id\" FROM \"Account\" WHERE \"Id\" NOT LIKE 'local-%' ORDER BY \"Id\"")) {
      ids.push_back(row[0].text);
    }
    std::string sql;
    for (int i = 0; i < 40; ++i) {
      const std::string& id = ids[rng() % ids.size()];
      const std::string value = "r" + std::to_string(round) + "-" + std::to_string(i);
      sql += "UPDATE \"Account\" SET \"Phone\" = '" + value + "' WHERE \"Id\" = '" + id + "';";
      phone[id] = value;
    }
    for (int i = 0; i < 5; ++i) {
      const std::string name = "kill loop " + std::to_string(round) + "-" + std::to_string(i);
      sql += "INSERT INTO \"Account\" (\"Name\", \"NumberOfEmployees\") VALUES ('" + name + "', " + std::to_string(i) +
             ");";
      inserted.insert(name);
    }
    const std::string victim = seeded[rng() % seeded.size()];
    if (!phone.count(victim) && !deleted.count(victim)) {
      sql += "DELETE FROM \"Account\" WHERE \"Id\" = '" + victim + "';";
      deleted.insert(victim);
    }
    store.Exec(db, sql);

    auto push = std::make_unique<BackgroundProcess>(
        std::vector<std::string>{SfsyncBinary(), "push", job, "--quiet"}, dir.path(),
        std::map<std::string, std::string>{{"SF_CLIENT_ID", kClientId},
                                           {"SF_CLIENT_SECRET", kClientSecret},
                                           {"SF_REFRESH_TOKEN", kRefreshToken},
                                           {"XDG_STATE_HOME", dir.File("state")}});
    std::this_thread::sleep_for(std::chrono::microseconds(rng() % (last_push_micros * 3 / 2 + 1)));
    if (push->Running()) ++killed_mid_push;
    push->Signal(SIGKILL);
    push->Wait();
    REQUIRE(store.Open(db)->Integrity() == "ok");

    const auto started = std::chrono::steady_clock::now();
    ProcessResult r = RunSfsyncCommand({"push"}, job);
    last_push_micros =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started).count();
    INFO(r.out, r.err);
    REQUIRE(r.exit_code == 0);
    REQUIRE(store.Open(db)->Scalar("SELECT count(*) FROM _sfsync_outbox WHERE state <> 'DONE'") == "0");
  }
  MESSAGE("kills that landed mid-push: " << killed_mid_push << " of 30");
  CHECK(killed_mid_push >= 10);

  // The org holds exactly the model.
  std::map<std::string, int> by_name;
  std::map<std::string, json> live;
  for (const json& a : emu.Records("Account")) {
    by_name[a.at("Name")]++;
    live[a.at("Id")] = a;
  }
  for (const std::string& name : inserted) {
    CAPTURE(name);
    CHECK(by_name[name] == 1);
  }
  for (const auto& [id, value] : phone) {
    CAPTURE(id);
    if (deleted.count(id)) continue;
    REQUIRE(live.count(id));
    CHECK(live[id].at("Phone") == value);
  }
  for (const std::string& id : deleted) CHECK_FALSE(live.count(id));
  // And the mirror, after a pull, equals the org.
  REQUIRE(RunSfsync(job).exit_code == 0);
  auto mirror = store.Open(db);
  CheckTableEqualsEmulator(emu, *mirror, "Account", {}, "include");  // deletes: soft keeps them, marked
  CHECK(mirror->Scalar("SELECT count(*) FROM \"Account\" WHERE \"Id\" LIKE 'local-%'") == "0");
}

}  // namespace
}  // namespace sfsync::testing
