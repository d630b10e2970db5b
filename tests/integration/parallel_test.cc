// Parallel reads (README "Parallel reads"): objects side by side under one request cap, and a load
// held back by network latency read in CreatedDate slices, each resuming on its own. The latency is
// the emulator's (a fault rule on query pages), over real sockets.
#include <doctest/doctest.h>

#include <signal.h>

#include <chrono>
#include <random>
#include <thread>

#include "engine/core/clock.h"
#include "engine/core/time_format.h"
#include "tests/testing/compare.h"

namespace sfsync::testing {
namespace {

using nlohmann::json;

constexpr char kQueryLatency[] = "latency:ms=40,path=/services/data/*/query*";

std::string SlicedJob(const Emulator& emu, const std::string& db, const std::string& more_objects = "") {
  return WithConnection(JobYaml(emu, db,
                                "  - name: Account\n"
                                "    fields: [Id, Name, Industry, CreatedDate, SystemModstamp]\n"
                                "    batch_size: 200\n"
                                "    min_rows_per_slice: 2000\n" +
                                    more_objects),
                        "max_concurrent_requests: 6");
}

TEST_CASE("a load held back by latency goes on in parallel slices and reads exactly the emulator's rows, once") {
  Emulator emu({"--rows", "Account=30000", "--rows", "Contact=0", "--rows", "Opportunity=0"});
  emu.Admin("POST", "/__emulator/faults", {{"spec", kQueryLatency}});
  TempDir dir;
  const std::string db = dir.File("p.db");
  WriteFile(dir.File("job.yaml"), SlicedJob(emu, db));
  ProcessResult r = RunSfsync(dir.File("job.yaml"));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("reading the other") != std::string::npos);
  CHECK(r.err.find("slices of CreatedDate") != std::string::npos);
  CheckTableEqualsEmulator(emu, db, "Account", {}, "include");
  CHECK(LastRunRowsRead(db, "Account") == 30000);  // no row read by two slices
  SqliteDb sql(db);
  CHECK(sql.Scalar("SELECT load_in_progress || '|' || load_slices FROM _sfsync_state") == "0|");
  CHECK_FALSE(sql.Scalar("SELECT watermark_ts FROM _sfsync_state").empty());
}

TEST_CASE("one slice failing lets the others finish, keeps the watermark unset, and the next run reads only the rest") {
  Emulator emu({"--rows", "Account=30000", "--rows", "Contact=0", "--rows", "Opportunity=0"});
  emu.Admin("POST", "/__emulator/faults", {{"spec", kQueryLatency}});
  // One continuation page well into the slices never advances: that slice's cursor is stuck.
  emu.Admin("POST", "/__emulator/faults", {{"spec", "stuck_locator:path=/services/data/*/query/*,nth=40"}});
  TempDir dir;
  const std::string db = dir.File("p.db");
  WriteFile(dir.File("job.yaml"), SlicedJob(emu, db));
  ProcessResult failed = RunSfsync(dir.File("job.yaml"));
  INFO(failed.err);
  CHECK(failed.exit_code != 0);
  CHECK(failed.err.find("slice ") != std::string::npos);
  CHECK(failed.err.find("the other slices go on") != std::string::npos);
  SqliteDb sql(db);
  const int64_t stored = sql.Count("Account");
  CHECK(stored > 0);
  CHECK(stored < 30000);
  CHECK(sql.Scalar("SELECT load_in_progress FROM _sfsync_state") == "1");
  CHECK(sql.Scalar("SELECT watermark_ts FROM _sfsync_state") == "");  // not before every slice is done
  const std::string slices = sql.Scalar("SELECT load_slices FROM _sfsync_state");
  CHECK(slices.find("\x1f" "1") != std::string::npos);  // some slices finished
  CHECK(slices.find("\x1f" "0") != std::string::npos);  // the stuck one did not

  emu.Admin("DELETE", "/__emulator/faults");
  ProcessResult resumed = RunSfsync(dir.File("job.yaml"));
  INFO(resumed.err);
  REQUIRE(resumed.exit_code == 0);
  CHECK(LastRunRowsRead(db, "Account") == 30000 - stored);  // finished slices are not read again
  CheckTableEqualsEmulator(emu, db, "Account", {}, "include");
  CHECK(SqliteDb(db).Scalar("SELECT load_slices FROM _sfsync_state") == "");
}

TEST_CASE("parallel kill loop: sliced loads of two objects SIGKILLed at random moments converge exactly") {
  const char* seed_env = std::getenv("SFSYNC_KILL_SEED");
  const unsigned seed = seed_env ? static_cast<unsigned>(std::stoul(seed_env)) : std::random_device{}();
  MESSAGE("parallel kill loop seed " << seed);
  std::mt19937 rng(seed);
  Emulator emu({"--rows", "Account=20000", "--rows", "Contact=8000", "--rows", "Opportunity=0"});
  emu.Admin("POST", "/__emulator/faults", {{"spec", "latency:ms=80,path=/services/data/*/query*"}});
  TempDir dir;
  const std::string db = dir.File("k.db");
  WriteFile(dir.File("job.yaml"), SlicedJob(emu, db,
                                            "  - name: Contact\n"
                                            "    fields: [Id, LastName, AccountId, Account.Name, CreatedDate,\n"
                                            "             SystemModstamp]\n"
                                            "    batch_size: 200\n"
                                            "    min_rows_per_slice: 1000\n"
                                            "    deletes: hard\n"));
  json accounts = emu.Records("Account");
  int rounds = 0, sliced_states = 0;
  for (; rounds < 25; ++rounds) {
    CAPTURE(rounds);
    // The org changes under the load: renamed accounts (stamps after the load began), a deleted contact.
    for (int i = 0; i < 5; ++i) {
      emu.Update("Account", accounts[rng() % accounts.size()].at("Id"), {{"Name", "k" + std::to_string(rounds * 10 + i)}});
    }
    emu.AdvanceClock(1);
    auto run = StartSfsync(dir.File("job.yaml"), dir.path());
    // The load is bound by the 80 ms page latency, not by CPU: under the sanitizers sfsync is slower
    // to start but not much slower to load, so the kill window grows by half, not 3x (3x let a run
    // finish within 3-4 kills, too few of them inside a slice).
    const int scale_percent = SanitizerSlowdown() > 1 ? 150 : 100;
    std::this_thread::sleep_for(std::chrono::milliseconds((200 + rng() % 600) * scale_percent / 100));
    run->Signal(SIGKILL);
    const int code = run->Wait();
    if (!FileExists(db)) continue;
    SqliteDb sql(db);
    REQUIRE(sql.Scalar("PRAGMA integrity_check") == "ok");
    if (sql.Scalar("SELECT count(*) FROM _sfsync_state WHERE load_slices <> ''") != "0") ++sliced_states;
    if (code == 0 && sql.Scalar("SELECT count(*) FROM _sfsync_state WHERE load_in_progress = 0") == "2") break;
  }
  MESSAGE("rounds before a run finished: " << rounds << "; kills that left slices in flight: " << sliced_states);
  CHECK(sliced_states >= 3);
  emu.Admin("DELETE", "/__emulator/faults");
  emu.AdvanceClock(120);
  ProcessResult r = RunSfsync(dir.File("job.yaml"));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CheckTableEqualsEmulator(emu, db, "Account", {}, "include");
  CheckTableEqualsEmulator(emu, db, "Contact", {{"Account", ById(emu.Records("Account", "include"))}}, "exclude");
}

TEST_CASE("memory stays bounded: 200,000 rows through REST in under 100 MB of peak RSS") {
  Emulator emu({"--rows", "Account=200000", "--rows", "Contact=0", "--rows", "Opportunity=0"});
  TempDir dir;
  const std::string db = dir.File("m.db");
  WriteFile(dir.File("job.yaml"), JobYaml(emu, db,
                                          "  - name: Account\n"
                                          "    fields: [Id, Name, Type, Industry, AnnualRevenue, NumberOfEmployees, Phone,\n"
                                          "             Website, BillingCity, BillingState, BillingCountry, CreatedDate,\n"
                                          "             SystemModstamp]\n"));
  ProcessResult r = RunSfsync(dir.File("job.yaml"));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(SqliteDb(db).Count("Account") == 200000);
  const int64_t peak = LoggedPeakRssKib(r.err);
  MESSAGE("peak RSS " << peak / 1024 << " MiB");
  CHECK(peak > 0);
  CHECK(peak < MemoryBoundKib(100 * 1024));  // about 55 MiB on the development machine; 170 MiB before
}

}  // namespace
}  // namespace sfsync::testing

namespace sfsync::testing {
namespace {

// Seven objects; Contact flattens its Account's name (a parent cursor in the probe).
std::string SevenObjectJob(const Emulator& emu, const std::string& db) {
  std::string objects;
  for (const char* o : {"Account", "Opportunity", "Lead", "Case", "Task", "Event"}) {
    objects += std::string("  - name: ") + o + "\n    fields: [Id, CreatedDate, SystemModstamp]\n";
  }
  objects += "  - name: Contact\n    fields: [Id, LastName, Account.Name, SystemModstamp]\n    deletes: hard\n";
  return JobYaml(emu, db, objects);
}

int64_t LastRunCalls(const std::string& db) {
  return std::stoll(SqliteDb(db).Scalar("SELECT api_calls FROM _sfsync_runs ORDER BY run_id DESC LIMIT 1"));
}

TEST_CASE("a run with nothing new costs one composite call per five objects") {
  Emulator emu({"--rows", "Account=300", "--rows", "Contact=300", "--rows", "Opportunity=200", "--rows", "Lead=200",
                "--rows", "Case=200", "--rows", "Task=200", "--rows", "Event=200"});
  TempDir dir;
  const std::string db = dir.File("q.db");
  WriteFile(dir.File("job.yaml"), SevenObjectJob(emu, db));
  REQUIRE(RunSfsync(dir.File("job.yaml")).exit_code == 0);
  for (int run = 0; run < 2; ++run) {
    ProcessResult quiet = RunSfsync(dir.File("job.yaml"));
    INFO(quiet.err);
    REQUIRE(quiet.exit_code == 0);
    CHECK(quiet.err.find("quiet check: 7 of 7 objects have nothing new to read") != std::string::npos);
    CHECK(LastRunCalls(db) == 2);  // ceil(7 / 5)
  }
}

TEST_CASE("the composite check sees every kind of change and its getDeleted answer is applied as a separate one") {
  // The org's clock starts 10 minutes behind this machine's, so this machine sees a delete window of
  // over two minutes at once and the check asks getDeleted (the org clamps the window to its now).
  const std::string start = FormatIsoUtc(SystemClock()->NowMillis() - 600000);
  Emulator emu({"--clock-start", start, "--rows", "Account=300", "--rows", "Contact=300", "--rows", "Opportunity=200",
                "--rows", "Lead=200", "--rows", "Case=200", "--rows", "Task=200", "--rows", "Event=200"});
  TempDir dir;
  const std::string db = dir.File("q.db");
  WriteFile(dir.File("job.yaml"), SevenObjectJob(emu, db));
  REQUIRE(RunSfsync(dir.File("job.yaml")).exit_code == 0);

  // A changed row (Lead), a renamed parent (Account, and Contact.Account_Name), a hard delete (Contact).
  const json contacts = emu.Records("Contact");
  const std::string account_id = contacts.at(0).at("AccountId");
  emu.Update("Lead", emu.Records("Lead").at(0).at("Id"), {{"LastName", "changed"}});
  emu.Update("Account", account_id, {{"Name", "renamed parent"}});
  emu.Delete("Contact", contacts.at(1).at("Id"), /*hard=*/true);
  emu.AdvanceClock(70);  // past the settle lag
  ProcessResult changed = RunSfsync(dir.File("job.yaml"));
  INFO(changed.err);
  REQUIRE(changed.exit_code == 0);
  CHECK(changed.err.find("quiet check: 4 of 7 objects") != std::string::npos);  // Lead, Account, Contact read
  // 2 composite calls; the incremental reads of Lead, Account and Contact and Contact's parent
  // refresh; no getDeleted of its own: the check's answers were used.
  CHECK(LastRunCalls(db) == 6);
  CheckTableEqualsEmulator(emu, db, "Lead");
  CheckTableEqualsEmulator(emu, db, "Account");
  CheckTableEqualsEmulator(emu, db, "Contact", {{"Account", ById(emu.Records("Account"))}});
  CHECK(SqliteDb(db).Scalar("SELECT count(*) FROM Contact WHERE Account_Name = 'renamed parent'") != "0");
}

}  // namespace
}  // namespace sfsync::testing
