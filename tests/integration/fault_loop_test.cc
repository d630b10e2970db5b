// Fail the Nth call (SQLite's discipline, STYLE.md): for N = 1, 2, 3 ... until a run completes with
// nothing injected, fail the Nth HTTP call (through the transport seam: FailNthTransport around the
// real transport, talking to the real emulator) or the Nth SQL statement (through SQLite's own
// hooks: FaultStatements), once (transient: a retry may succeed) or from then on (persistent),
// during a first load, an incremental run, a run that sees deletes, an audit and a push-back.
//
// After each faulted operation:
//   - the database passes PRAGMA integrity_check;
//   - no watermark (nor a load's resume point) moved backwards;
//   - the outcome tells the truth: nothing injected means SUCCESS; a run row in _sfsync_runs says
//     what the report says (or RUNNING, when the database itself had stopped answering, which the
//     next run marks interrupted); SUCCESS means the tables already equal the org;
// and then a clean rerun succeeds and converges: every table equals the emulator's records, every
// local edit reached the org once, nothing is left in the outbox.
//
// The runs are in-process (RunJobAndPush, AuditJob) so that the seams can be reached; the server is
// the real emulator over real sockets. Backoff sleeps are skipped (NoSleepClock), not the retries.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <functional>
#include <map>
#include <memory>
#include <set>

#include "connectors/salesforce/testing/fail_nth_transport.h"
#include "engine/config/job_loader.h"
#include "engine/push/push_job.h"
#include "engine/store/fault_statements.h"
#include "engine/sync/audit.h"
#include "tests/integration/push_support.h"

namespace sfsync::testing {
namespace {

using store::FaultStatements;

// Real time plus what the test moved both clocks by (Advance, with the emulator's); backoff between
// retries does not wait (the retries still happen).
class NoSleepClock : public Clock {
 public:
  int64_t NowMillis() override { return SystemClock()->NowMillis() + offset_millis_; }
  std::chrono::steady_clock::time_point Monotonic() override { return SystemClock()->Monotonic(); }
  void SleepFor(std::chrono::milliseconds) override {}
  void Advance(int seconds) { offset_millis_ += int64_t{1000} * seconds; }

 private:
  std::atomic<int64_t> offset_millis_{0};
};

enum class Seam { kHttp, kSql };

struct Fault {
  Seam seam = Seam::kHttp;
  bool persistent = false;
  int n = 0;  // 0: none
};

std::string Describe(const Fault& f) {
  return fmt::format("{} {} #{}", f.seam == Seam::kHttp ? "HTTP call" : "SQL statement",
                     f.persistent ? "failing from" : "failing once at", f.n);
}

// What an operation reported.
struct Outcome {
  std::string status;  // SUCCESS | PARTIAL | FAILED (audit: SUCCESS or FAILED)
  std::string error;
  int64_t run_id = 0;
  std::string run_status;  // the pull's own status, as _sfsync_runs should record it
  bool injected = false;
  int64_t calls = 0;  // HTTP calls or SQL statements counted at the faulted seam
};

// Per table: watermark and load resume point, to check that neither moves backwards.
using Progress = std::map<std::string, std::tuple<std::string, std::string, std::string>>;

Progress ReadProgress(const std::string& db) {
  Progress p;
  if (!FileExists(db)) return p;
  SqliteDb sql(db);
  if (sql.Query("SELECT 1 FROM sqlite_master WHERE name = '_sfsync_state'").empty()) return p;
  for (auto& r : sql.Query("SELECT table_name, watermark_ts, watermark_id, "
                           "CASE WHEN load_in_progress THEN load_after_id ELSE '' END FROM _sfsync_state")) {
    p[r[0].text] = {r[1].text, r[2].text, r[3].text};
  }
  return p;
}

class FaultLoop {
 public:
  // An org of `accounts` Accounts (pushed) and `contacts` Contacts (pulled only), deletes: hard (so a
  // table must hold exactly the org's live records), synced by an in-process
  // engine into dir/loop.db.
  FaultLoop(int accounts, int contacts)
      : emu_({"--rows", fmt::format("Account={}", accounts), "--rows", fmt::format("Contact={}", contacts), "--rows",
              "Opportunity=0"}) {
    FaultStatements::Install();
    AddKeyField(emu_, "Account");
    AddKeyField(emu_, "Contact");
    const std::string yaml =
        JobYaml(emu_, db_,
                "  - name: Account\n"
                "    fields: [Id, Name, Phone, NumberOfEmployees, CreatedDate, SystemModstamp, Sfsync_Key__c]\n"
                "    batch_size: 200\n"
                "    deletes: hard\n"
                "    push: true\n"
                "    external_id: Sfsync_Key__c\n"
                "  - name: Contact\n"
                "    fields: [Id, LastName, Email, AccountId, Account.Name, CreatedDate, SystemModstamp]\n"
                "    batch_size: 200\n"
                "    deletes: hard\n",
                "settle_lag_seconds: 1\nstate_dir: " + dir_.File("state") + "\n");
    auto env = TestAuthEnv();
    auto job = config::ParseJob(yaml, "loop.yaml", dir_.path(), [env](const std::string& k) -> std::optional<std::string> {
      auto it = env.find(k);
      return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
    });
    REQUIRE(job.ok());
    job_ = *job;
    // Answers come at once: a persistent fault exhausts the retries without waiting out timeouts.
    salesforce::TransportOptions options;
    options.timeout = std::chrono::seconds(30);
    http_ = salesforce::NewCpprestTransport(options);
  }

  Emulator& emu() { return emu_; }
  // Moves the org's clock and this engine's together (a delete is looked for once a minute).
  void AdvanceClocks(int seconds) {
    emu_.AdvanceClock(seconds);
    clock_.Advance(seconds);
  }
  const std::string& db() const { return db_; }

  // A pull and push as `sfsync run` does it.
  Outcome Run(const Fault& fault) {
    return WithFault(fault, [&](salesforce::HttpTransport* http, Outcome* out) {
      push::RunAndPushReport r = push::RunJobAndPush(job_, http, &clock_, {});
      out->status = r.run.status;
      out->error = r.run.error.ToString();
      out->run_id = r.run.run_id;
      out->run_status = r.run.status;
      if (r.push && r.push->status != "SUCCESS") {
        out->status = r.run.status == "SUCCESS" ? "PARTIAL" : r.run.status;
        if (out->error.empty() || r.run.error.ok()) out->error = "push: " + r.push->error.ToString();
      }
    });
  }

  Outcome Audit(const Fault& fault) {
    return WithFault(fault, [&](salesforce::HttpTransport* http, Outcome* out) {
      sync::AuditReport r = sync::AuditJob(job_, http, &clock_, {});
      out->status = r.error.ok() ? "SUCCESS" : "FAILED";
      out->error = r.error.ToString();
    });
  }

  // The checks after a faulted operation that started from `before`.
  void CheckAfterFault(const Fault& fault, const Outcome& out, const Progress& before) {
    CAPTURE(out.status);
    CAPTURE(out.error);
    if (FileExists(db_)) CHECK(SqliteDb(db_).Scalar("PRAGMA integrity_check") == "ok");
    const Progress after = ReadProgress(db_);
    for (const auto& [table, was] : before) {
      CAPTURE(table);
      auto it = after.find(table);
      REQUIRE(it != after.end());
      CHECK(std::get<0>(it->second) + "/" + std::get<1>(it->second) >= std::get<0>(was) + "/" + std::get<1>(was));
      if (!std::get<2>(was).empty() && !std::get<2>(it->second).empty()) {
        CHECK(std::get<2>(it->second) >= std::get<2>(was));
      }
    }
    if (!out.injected) CHECK(out.status == "SUCCESS");
    if (out.injected && fault.persistent) CHECK(out.status != "SUCCESS");
    if (out.run_id > 0) {
      const std::string recorded =
          SqliteDb(db_).Scalar(fmt::format("SELECT status FROM _sfsync_runs WHERE run_id = {}", out.run_id));
      // A statement that failed may have been the one recording the end of the run: the row then
      // still says RUNNING (the next run marks it interrupted), never a status that did not happen.
      const bool store_failed = fault.seam == Seam::kSql && out.injected;
      if (!(store_failed && recorded == "RUNNING")) CHECK(recorded == out.run_status);
    }
    if (out.status == "SUCCESS" && !local_edits_) CheckConverged();
  }

  // A clean rerun: SUCCESS, and everything converged. After local edits, two runs: the push comes
  // after the pull, so the stamps the org gave what was pushed arrive with the next pull.
  void Rerun() {
    for (int i = 0; i < (local_edits_ ? 2 : 1); ++i) {
      const Outcome clean = Run({});
      CAPTURE(clean.error);
      REQUIRE(clean.status == "SUCCESS");
    }
    CheckConverged();
  }
  // The tests edit the table locally (push-back): a SUCCESS is then checked by Rerun.
  void ExpectLocalEdits() { local_edits_ = true; }

  void CheckConverged() {
    CheckTableEqualsEmulator(emu_, db_, "Account");
    CheckTableEqualsEmulator(emu_, db_, "Contact", {{"Account", ById(emu_.Records("Account"))}});
    CHECK(SqliteDb(db_).Scalar("SELECT count(*) FROM _sfsync_outbox WHERE state <> 'DONE'") == "0");
  }

 private:
  Outcome WithFault(const Fault& fault, const std::function<void(salesforce::HttpTransport*, Outcome*)>& op) {
    Outcome out;
    const int n = fault.n > 0 ? fault.n : 1 << 30;
    salesforce::testing::FailNthTransport http(http_.get(), fault.seam == Seam::kHttp ? n : 1 << 30,
                                               fault.persistent);
    if (fault.seam == Seam::kSql) {
      FaultStatements::Arm(fault.persistent ? FaultStatements::Mode::kFailFromNth : FaultStatements::Mode::kFailOnce,
                           n);
    }
    op(&http, &out);
    if (fault.seam == Seam::kSql) {
      out.injected = FaultStatements::injected();
      out.calls = FaultStatements::statements();
      FaultStatements::Disarm();
    } else {
      out.injected = http.injected();
      out.calls = http.calls();
    }
    return out;
  }

  Emulator emu_;
  TempDir dir_;
  std::string db_ = dir_.File("loop.db");
  config::Job job_;
  std::unique_ptr<salesforce::HttpTransport> http_;
  NoSleepClock clock_;
  bool local_edits_ = false;
};

struct LoopFigures {
  int operations = 0;  // faulted operations run
  int injected = 0;    // of which a fault fired
};

// For N = 1, 2, ... : `prepare` (before the faulted operation), the operation under the fault, the
// checks, a clean rerun. Stops at the first N whose operation completes with nothing injected.
// `rerun` replaces the clean rerun (an audit's is an audit).
LoopFigures Loop(FaultLoop& loop, Seam seam, bool persistent, const std::function<void(int)>& prepare,
                 const std::function<Outcome(const Fault&)>& operation, const std::function<void()>& rerun) {
  LoopFigures figures;
  for (int n = 1; n < 5000; ++n) {
    const Fault fault{seam, persistent, n};
    CAPTURE(Describe(fault));
    prepare(n);
    const Progress before = ReadProgress(loop.db());
    const Outcome out = operation(fault);
    ++figures.operations;
    loop.CheckAfterFault(fault, out, before);
    if (!out.injected) return figures;
    ++figures.injected;
    if (rerun) {
      rerun();
    } else {
      loop.Rerun();
    }
  }
  FAIL("the loop never reached a run without an injection");
  return figures;
}

void Report(const char* phase, Seam seam, bool persistent, const LoopFigures& f) {
  MESSAGE(fmt::format("fault loop {}: {} {}: {} operations, {} faults injected", phase,
                      seam == Seam::kHttp ? "HTTP" : "SQL", persistent ? "persistent" : "transient", f.operations,
                      f.injected));
}

// A phase under both modes of one seam.
void BothModes(const char* phase, FaultLoop& loop, Seam seam, const std::function<void(int)>& prepare,
               const std::function<Outcome(const Fault&)>& operation, const std::function<void()>& rerun = {}) {
  for (bool persistent : {false, true}) {
    const LoopFigures f = Loop(loop, seam, persistent, prepare, operation, rerun);
    Report(phase, seam, persistent, f);
  }
}

void RemoveDatabase(const std::string& db) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::remove((db + suffix).c_str());
}

// ---- The phases ----

void FirstLoad(Seam seam, int accounts, int contacts) {
  FaultLoop loop(accounts, contacts);
  BothModes("first load", loop, seam, [&](int) { RemoveDatabase(loop.db()); },
            [&](const Fault& f) { return loop.Run(f); });
}

void Incremental(Seam seam, int accounts, int contacts) {
  FaultLoop loop(accounts, contacts);
  loop.Rerun();
  const json ids = loop.emu().Records("Account");
  const json contact_ids = loop.emu().Records("Contact");
  int round = 0;
  BothModes("incremental", loop, seam, [&](int) {
    ++round;
    for (int i = 0; i < 3; ++i) {
      loop.emu().Update("Account", ids[(round * 3 + i) % ids.size()].at("Id"), {{"Phone", fmt::format("inc-{}-{}", round, i)}});
    }
    loop.emu().Update("Contact", contact_ids[round % contact_ids.size()].at("Id"), {{"LastName", fmt::format("Inc{}", round)}});
    loop.emu().Insert("Account", json::array({{{"Name", fmt::format("Inserted {}", round)}}}));
  }, [&](const Fault& f) { return loop.Run(f); });
}

// The Ids of the Accounts no Contact points at (Salesforce deletes an Account's Contacts with it;
// the emulator does not, so the tests delete only childless ones).
std::vector<std::string> ChildlessAccounts(Emulator& emu) {
  std::set<std::string> parents;
  for (const json& c : emu.Records("Contact")) {
    if (c.at("AccountId").is_string()) parents.insert(c.at("AccountId"));
  }
  std::vector<std::string> ids;
  for (const json& a : emu.Records("Account")) {
    if (!parents.count(a.at("Id"))) ids.push_back(a.at("Id"));
  }
  return ids;
}

void Deletes(Seam seam, int accounts, int contacts) {
  FaultLoop loop(accounts, contacts);
  loop.Rerun();
  const std::vector<std::string> ids = ChildlessAccounts(loop.emu());
  REQUIRE(ids.size() >= 4);
  std::vector<std::string> deleted;  // soft-deleted last round: undeleted this round
  std::vector<std::string> fresh;    // Contacts inserted last round (synced since): hard-deleted this round
  int round = 0;
  BothModes("deletes", loop, seam, [&](int) {
    ++round;
    for (const std::string& id : deleted) loop.emu().Admin("POST", "/__emulator/records/Account/" + id + "/undelete");
    deleted.clear();
    for (int i = 0; i < 2; ++i) {
      deleted.push_back(ids[(round * 2 + i) % ids.size()]);
      loop.emu().Delete("Account", deleted.back());
    }
    for (const std::string& id : fresh) loop.emu().Delete("Contact", id, /*hard=*/true);
    fresh = loop.emu().Insert("Contact", json::array({{{"LastName", fmt::format("Fresh{}", round)}}}));
    // getDeleted works in whole minutes: a hard delete is seen by the first run two minutes after it.
    loop.AdvanceClocks(130);
  }, [&](const Fault& f) { return loop.Run(f); });
}

void Audit(Seam seam, int accounts, int contacts) {
  FaultLoop loop(accounts, contacts);
  loop.Rerun();
  BothModes("audit", loop, seam, [&](int) {
    // Two Contacts lost locally (Contact is not pushed: nothing is captured), which only an audit finds.
    Shell(loop.db(), "DELETE FROM Contact WHERE Id IN (SELECT Id FROM Contact ORDER BY random() LIMIT 2)");
  }, [&](const Fault& f) { return loop.Audit(f); }, [&] {
    // The clean rerun of an audit is an audit, then a run.
    const Outcome clean = loop.Audit({});
    CAPTURE(clean.error);
    REQUIRE(clean.status == "SUCCESS");
    loop.Rerun();
  });
}

void PushBack(Seam seam, int accounts, int contacts) {
  FaultLoop loop(accounts, contacts);
  loop.Rerun();
  loop.ExpectLocalEdits();
  int round = 0;
  std::map<std::string, std::string> phone;  // Id -> the Phone the org must end with
  std::vector<std::string> inserted;         // names of the rows inserted locally (and kept)
  std::vector<std::string> removed;          // names of the rows inserted, then deleted locally
  const std::function<void()> check_pushed = [&] {
    const json live = loop.emu().Records("Account");
    const std::map<std::string, json> by_id = ById(live);
    std::map<std::string, int> named;
    for (const json& r : live) ++named[r.at("Name").get<std::string>()];
    for (const auto& [id, want] : phone) CHECK(by_id.at(id).at("Phone") == want);
    for (const std::string& name : inserted) CHECK_MESSAGE(named[name] == 1, name);
    for (const std::string& name : removed) CHECK_MESSAGE(named[name] == 0, name);
  };
  BothModes("push-back", loop, seam, [&](int) {
    ++round;
    std::string sql;
    for (auto& row : SqliteDb(loop.db()).Query(fmt::format(
             "SELECT Id FROM Account WHERE Name NOT LIKE 'Local %' "
             "AND Id NOT IN (SELECT AccountId FROM Contact WHERE AccountId IS NOT NULL) "
             "ORDER BY Id LIMIT 3 OFFSET {}", (round * 3) % 60))) {
      phone[row[0].text] = fmt::format("push-{}", round);
      sql += fmt::format("UPDATE Account SET Phone = 'push-{}' WHERE Id = '{}';", round, row[0].text);
    }
    // An insert each round; the one of the round before is deleted again (it has no children).
    if (!inserted.empty()) {
      removed.push_back(inserted.back());
      inserted.pop_back();
      sql += fmt::format("DELETE FROM Account WHERE Name = '{}';", removed.back());
    }
    inserted.push_back(fmt::format("Local {}", round));
    sql += fmt::format("INSERT INTO Account (Name) VALUES ('Local {}');", round);
    Shell(loop.db(), sql);
  }, [&](const Fault& f) { return loop.Run(f); }, [&] {
    loop.Rerun();
    check_pushed();
  });
  check_pushed();
}

TEST_CASE("fault loop HTTP: a first load with every call failed in turn once and from then on") { FirstLoad(Seam::kHttp, 450, 250); }
TEST_CASE("fault loop SQL: a first load with every statement failed in turn once and from then on") { FirstLoad(Seam::kSql, 30, 20); }
TEST_CASE("fault loop HTTP: incremental runs") { Incremental(Seam::kHttp, 450, 250); }
TEST_CASE("fault loop SQL: incremental runs") { Incremental(Seam::kSql, 30, 20); }
TEST_CASE("fault loop HTTP: deletes and undeletes") { Deletes(Seam::kHttp, 450, 250); }
TEST_CASE("fault loop SQL: deletes and undeletes") { Deletes(Seam::kSql, 30, 20); }
TEST_CASE("fault loop HTTP: audit repairs") { Audit(Seam::kHttp, 450, 250); }
TEST_CASE("fault loop SQL: audit repairs") { Audit(Seam::kSql, 30, 20); }
TEST_CASE("fault loop HTTP: push-back of edits and inserts and deletes") { PushBack(Seam::kHttp, 450, 250); }
TEST_CASE("fault loop SQL: push-back of edits and inserts and deletes") { PushBack(Seam::kSql, 30, 20); }

}  // namespace
}  // namespace sfsync::testing
