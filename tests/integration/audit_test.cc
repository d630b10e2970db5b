// `sfsync audit` end to end: what the incremental sync cannot see (hard deletes older than the
// delete log, rows lost locally, a formula over a renamed parent, a column edited in the table, a
// CreatedDate the store kept as given) is reported by --dry-run without a change, then repaired.
#include <doctest/doctest.h>

#include <set>

#include "tests/testing/compare.h"
#include "tests/testing/store_target.h"

namespace sfsync::testing {
namespace {

using nlohmann::json;

// An emulator and a job synced once: where every audit scenario starts.
class SyncedJob {
 public:
  SyncedJob(const std::vector<std::string>& emulator_args, const std::string& objects_yaml,
            StoreKind kind = StoreKind::kSqlite)
      : store_(kind), emu_(emulator_args), db_(dir_.File("audit.db")) {
    WriteFile(job(), store_.Job(emu_, db_, objects_yaml));
    ProcessResult r = RunSfsync(job());
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
  }

  Emulator& emu() { return emu_; }
  const StoreTarget& store() const { return store_; }
  const std::string& db() const { return db_; }
  std::string job() const { return dir_.File("job.yaml"); }

  ProcessResult Audit(const std::vector<std::string>& flags = {}) {
    std::vector<std::string> argv = {SfsyncBinary(), "audit", job()};
    argv.insert(argv.end(), flags.begin(), flags.end());
    std::map<std::string, std::string> env = TestAuthEnv();
    env["XDG_STATE_HOME"] = dir_.File("state");
    ProcessResult r = RunProcess(argv, env);
    transcript_ += "$ sfsync audit";
    for (const std::string& flag : flags) transcript_ += " " + flag;
    transcript_ += " -> " + std::to_string(r.exit_code) + "\n" + r.out + r.err;
    return r;
  }

  // Every audit's command line, exit code and output so far, for failure messages.
  const std::string& transcript() const { return transcript_; }

  // Runs `statement` on the database with the sqlite3 shell or psql, as a person editing it would.
  void Sql(const std::string& statement) { store_.Exec(db_, statement); }

  std::string Scalar(const std::string& sql) { return store_.Open(db_)->Scalar(sql); }
  std::string Dump() const { return store_.Dump(db_); }
  int64_t LastRunRowsRead(const std::string& table) const { return store_.LastRunRowsRead(db_, table); }
  // Every table's sync state (object, watermark), to check that something left it alone.
  std::string SyncStates() {
    std::string out;
    for (auto& row : store_.Open(db_)->Query("SELECT object, watermark_ts, watermark_id FROM _sfsync_state ORDER BY "
                                             "object")) {
      out += row[0].text + " " + row[1].text + " " + row[2].text + "\n";
    }
    return out;
  }
  void CheckEqualsEmulator(const std::string& object) { CheckTableEqualsEmulator(emu_, *store_.Open(db_), object); }

 private:
  StoreTarget store_;
  TempDir dir_;
  Emulator emu_;
  std::string db_;
  std::string transcript_;
};

bool Has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The "api calls" column of `object`'s line in an audit report, or -1.
int64_t ApiCalls(const std::string& report, const std::string& object) {
  const size_t line = report.find("\n" + object + " ");
  if (line == std::string::npos) return -1;
  const std::string row = report.substr(line + 1, report.find('\n', line + 1) - line - 1);
  return std::stoll(row.substr(row.find_last_of(' ') + 1));
}

TEST_CASE_TEMPLATE("audit finds and repairs hard deletes and lost rows, and changes nothing with --dry-run", S, OnSqlite,
                   OnPostgres) {
  // Without CreatedDate in the job the whole object is one bucket.
  SyncedJob s({"--rows", "Account=60", "--rows", "Contact=0", "--rows", "Opportunity=0"},
              "  - name: Account\n    fields: [Id, Name, SystemModstamp]\n    deletes: hard\n", S::kind);
  INFO(s.transcript());
  json accounts = s.emu().Records("Account");
  s.emu().Delete("Account", accounts[3].at("Id"), /*hard=*/true);
  s.emu().Delete("Account", accounts[4].at("Id"), /*hard=*/true);
  // A late row with a stamp far behind the watermark: the incremental sync cannot see it.
  s.emu().Insert("Account",
                 json::array({{{"Name", "restored from backup"}, {"SystemModstamp", "2001-01-01T00:00:00Z"}}}));
  const std::string before = s.Dump();

  // The cost: the describe, the count, one page of Ids, one look-up of the 2 Ids the server lacks.
  const int64_t calls_before = s.emu().Stats().at("api_calls");
  ProcessResult dry = s.Audit({"--dry-run"});
  CHECK(dry.exit_code == 12);
  CHECK(Has(dry.out, "1 missing locally, 2 gone from the server"));
  CHECK(s.emu().Stats().at("api_calls").get<int64_t>() - calls_before == 4);
  CHECK(ApiCalls(dry.out, "Account") == 4);
  CHECK(s.Dump() == before);

  CHECK(s.Audit().exit_code == 0);
  s.CheckEqualsEmulator("Account");
  CHECK(s.Audit({"--dry-run"}).exit_code == 0);
}

TEST_CASE("an object the audit cannot check fails on its own line, and the others are still audited") {
  SyncedJob s({"--rows", "Account=20", "--rows", "Contact=30", "--rows", "Opportunity=0"},
              "  - name: Account\n    fields: [Id, Name, CreatedDate, SystemModstamp]\n"
              "  - name: Contact\n    fields: [Id, LastName, CreatedDate, SystemModstamp]\n    deletes: hard\n");
  INFO(s.transcript());
  s.Sql("DROP TABLE Account");
  const std::string lost = s.emu().Records("Contact")[5].at("Id");
  s.Sql("DELETE FROM Contact WHERE Id = '" + lost + "'");
  ProcessResult r = s.Audit();
  CHECK(r.exit_code == 5);  // the first failure's: a precondition (engine/core/exit_codes.cc)
  CHECK(Has(r.out, "Account                  FAILED: not synced yet: run the job first"));
  CHECK(Has(r.out, "1 missing locally"));
  CHECK(Has(r.err, "Account: not synced yet"));
  CHECK(s.Scalar("SELECT count(*) FROM Contact WHERE Id = '" + lost + "'") == "1");
}

TEST_CASE_TEMPLATE("audit --deep finds a renamed parent's formula on its children, which a run cannot see, and repairs it",
                   S, OnSqlite, OnPostgres) {
  SyncedJob s({"--rows", "Account=8", "--rows", "Contact=0", "--rows", "Opportunity=0", "--rows", "Invoice__c=40"},
              "  - name: Account\n    fields: \"*\"\n  - name: Invoice__c\n    fields: \"*\"\n", S::kind);
  INFO(s.transcript());
  // (a) Rename an Account with invoices: their AccountName__c formula changes, their stamps do not.
  const json invoices = s.emu().Records("Invoice__c");
  const std::string parent = invoices[0].at("Account__c");
  int64_t children = 0;
  for (const json& i : invoices) children += i.at("Account__c") == parent;
  REQUIRE(children > 0);
  s.emu().AdvanceClock(5);
  s.emu().Update("Account", parent, {{"Name", "Renamed Holdings"}});
  s.emu().AdvanceClock(5);
  // (b) A run reads the Account again but no Invoice: their stored formula values stay stale.
  REQUIRE(RunSfsync(s.job()).exit_code == 0);
  CHECK(s.LastRunRowsRead("Account") == 1);
  CHECK(s.LastRunRowsRead("Invoice__c") == 0);
  CHECK(s.Scalar("SELECT count(*) FROM \"Invoice__c\" WHERE \"AccountName__c\" = 'Renamed Holdings'") == "0");
  // (c) Plain audit compares counts and Ids only: it finds nothing.
  CHECK(s.Audit({"--dry-run"}).exit_code == 0);
  // (d) --deep --dry-run reports the differing rows and their column, and changes nothing. It reads
  // every row: one page per month (fewer than batch_size rows each), after the describe and count.
  const std::string before = s.Dump();
  std::set<std::string> months;
  for (const json& i : invoices) months.insert(i.at("CreatedDate").get<std::string>().substr(0, 7));
  ProcessResult dry = s.Audit({"--deep", "--dry-run"});
  CHECK(ApiCalls(dry.out, "Invoice__c") == 2 + static_cast<int64_t>(months.size()));
  CHECK(dry.exit_code == 12);
  CHECK(Has(dry.out, "values differ in: AccountName__c (" + std::to_string(children) + " row"));
  CHECK(Has(dry.out, "differing in values (AccountName__c "));
  CHECK(s.Dump() == before);
  // (e) --deep repairs exactly those rows, leaving the sync state as it was.
  const std::string state = s.SyncStates();
  ProcessResult fix = s.Audit({"--deep"});
  CHECK(fix.exit_code == 0);
  CHECK(s.Scalar("SELECT count(*) FROM \"Invoice__c\" WHERE \"AccountName__c\" = 'Renamed Holdings'") ==
        std::to_string(children));
  s.CheckEqualsEmulator("Invoice__c");
  s.CheckEqualsEmulator("Account");
  CHECK(s.SyncStates() == state);
  // (f) A second --deep finds nothing, and the next run reads nothing.
  CHECK(s.Audit({"--deep", "--dry-run"}).exit_code == 0);
  REQUIRE(RunSfsync(s.job()).exit_code == 0);
  CHECK(s.LastRunRowsRead("Invoice__c") == 0);
}

TEST_CASE_TEMPLATE("audit --deep finds and repairs a column edited in the table", S, OnSqlite, OnPostgres) {
  SyncedJob s({"--rows", "Account=5", "--rows", "Contact=0", "--rows", "Opportunity=0", "--rows", "Invoice__c=30"},
              "  - name: Invoice__c\n    fields: \"*\"\n", S::kind);
  INFO(s.transcript());
  const std::string id = s.emu().Records("Invoice__c")[7].at("Id");
  s.Sql("UPDATE \"Invoice__c\" SET \"Amount__c\" = -1, \"Status__c\" = 'edited' WHERE \"Id\" = '" + id + "'");
  CHECK(s.Audit({"--dry-run"}).exit_code == 0);  // counts and Ids agree
  ProcessResult dry = s.Audit({"--deep", "--dry-run"});
  CHECK(dry.exit_code == 12);
  CHECK(Has(dry.out, "1 differing in values (Amount__c 1, Status__c 1)"));
  CHECK(std::stod(s.Scalar("SELECT \"Amount__c\" FROM \"Invoice__c\" WHERE \"Id\" = '" + id + "'")) == -1.0);
  ProcessResult fix = s.Audit({"--deep"});
  CHECK(fix.exit_code == 0);
  s.CheckEqualsEmulator("Invoice__c");
  CHECK(s.Audit({"--deep", "--dry-run"}).exit_code == 0);
}

TEST_CASE("a stored CreatedDate that is not ISO crashes no audit, plain or deep, and its row is not removed") {
  SyncedJob s({"--rows", "Account=120", "--rows", "Contact=0", "--rows", "Opportunity=0"},
              "  - name: Account\n    fields: [Id, Name, CreatedDate, SystemModstamp]\n    deletes: hard\n");
  INFO(s.transcript());
  const json accounts = s.emu().Records("Account");
  const std::string kept = accounts[10].at("Id");
  const std::string gone = accounts[20].at("Id");
  // A value the store would keep as given, a NULL, and one more on a row deleted on the server.
  auto corrupt = [&] {
    s.Sql("UPDATE Account SET CreatedDate = 'Fri Aug 01 21:15:46 GMT 2014' WHERE Id = '" + kept + "'");
    s.Sql("UPDATE Account SET CreatedDate = NULL WHERE Id = '" + std::string(accounts[30].at("Id")) + "'");
  };
  corrupt();
  s.Sql("UPDATE Account SET CreatedDate = 'yesterday' WHERE Id = '" + gone + "'");
  s.emu().Delete("Account", gone, /*hard=*/true);
  const std::string before = DumpDatabase(s.db());

  // (a) Report only, plain then deep: no abort, the rows are named, nothing changes.
  ProcessResult dry = s.Audit({"--dry-run"});
  CHECK(dry.exit_code == 12);
  CHECK(Has(dry.out,
            "(no month)             server 0 local 3: 0 missing locally, 1 gone from the server, "
            "2 on the server under another month"));
  ProcessResult deep_dry = s.Audit({"--deep", "--dry-run"});
  CHECK(deep_dry.exit_code == 12);
  CHECK(Has(deep_dry.out, "values differ in: CreatedDate (2 rows)"));
  CHECK(Has(deep_dry.out, "1 gone from the server"));
  CHECK(DumpDatabase(s.db()) == before);

  // (b) Plain audit: the row gone from the server is removed, checked by Id; the others are kept
  // and read again, which restores their CreatedDate.
  CHECK(s.Audit().exit_code == 0);
  CHECK(s.Scalar("SELECT count(*) FROM Account WHERE Id = '" + kept + "'") == "1");
  CHECK(s.Scalar("SELECT count(*) FROM Account WHERE Id = '" + gone + "'") == "0");
  CheckTableEqualsEmulator(s.emu(), s.db(), "Account");

  // (c) The same with --deep.
  corrupt();
  CHECK(s.Audit({"--deep"}).exit_code == 0);
  CHECK(s.Scalar("SELECT count(*) FROM Account WHERE Id = '" + kept + "'") == "1");
  CheckTableEqualsEmulator(s.emu(), s.db(), "Account");
  CHECK(s.Audit({"--deep", "--dry-run"}).exit_code == 0);
}

}  // namespace
}  // namespace sfsync::testing
