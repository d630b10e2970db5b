// `sfsync export` end to end, on both stores: what a sync wrote comes out as CSV that Python's csv
// module reads back and JSON Lines whose values keep their JSON types; gzip, --where and --columns;
// an export taken while a sync commits pages holds exactly a committed state. And `sfsync snapshot
// --out`: a whole SQLite store in one self-contained file, consistent while a sync runs.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

#include "tests/testing/compare.h"
#include "tests/testing/store_target.h"

namespace sfsync::testing {
namespace {

using nlohmann::json;

// Reads the exports back with Python's own csv and json modules (the standard library, Debian's
// python3), and prints them as one JSON document: the JSONL rows, each column's Python types, the
// CSV rows as dictionaries of strings.
constexpr const char* kReadBack = R"py(
import csv, gzip, json, sys
opener = gzip.open if sys.argv[1].endswith('.gz') else open
with opener(sys.argv[1], 'rt', encoding='utf-8') as f:
    rows = [json.loads(line) for line in f]
types = {}
for r in rows:
    for k, v in r.items():
        types.setdefault(k, set()).add(type(v).__name__)
with open(sys.argv[2], newline='', encoding='utf-8') as f:
    table = list(csv.DictReader(f))
print(json.dumps({'jsonl': rows, 'types': {k: sorted(v) for k, v in types.items()}, 'csv': table}))
)py";

json ReadBack(const std::string& jsonl, const std::string& csv, const std::string& script) {
  WriteFile(script, kReadBack);
  ProcessResult r = RunProcess({"/usr/bin/python3", script, jsonl, csv});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return json::parse(r.out);
}

const char* kObjects =
    "  - name: Account\n"
    "    fields: [Id, Name, NumberOfEmployees, AnnualRevenue, IsDeleted, SystemModstamp]\n";

TEST_CASE_TEMPLATE("an export reads back: CSV with Python's csv, JSON Lines with json, types kept", S, OnSqlite,
                   OnPostgres) {
  Emulator emu({"--rows", "Account=40", "--rows", "Contact=0", "--rows", "Opportunity=0"});
  TempDir dir;
  StoreTarget store(S::kind);
  const std::string db = dir.File("sync.db");
  const std::string job = dir.File("job.yaml");
  const json accounts = emu.Records("Account");
  const std::string tricky = accounts[0].at("Id");
  emu.Update("Account", tricky, {{"Name", "He said \"hi\", then\nleft; naïve ✓"}, {"NumberOfEmployees", nullptr}});
  WriteFile(job, store.Job(emu, db, kObjects));
  REQUIRE(RunSfsync(job).exit_code == 0);

  ProcessResult jsonl =
      RunSfsyncCommand({"export"}, job, {"--object", "Account", "--format", "jsonl", "--out", dir.File("a.jsonl.gz")});
  INFO(jsonl.err);
  REQUIRE(jsonl.exit_code == 0);
  ProcessResult csv = RunSfsyncCommand({"export"}, job, {"--object", "Account", "--out", dir.File("a.csv")});
  REQUIRE(csv.exit_code == 0);
  const json back = ReadBack(dir.File("a.jsonl.gz"), dir.File("a.csv"), dir.File("read.py"));

  // Types as JSON has them: never numbers or booleans as strings.
  CHECK(back.at("types").at("Id") == json{"str"});
  CHECK(back.at("types").at("Name") == json{"str"});
  CHECK(back.at("types").at("IsDeleted") == json{"bool"});
  CHECK(back.at("types").at("NumberOfEmployees") == json({"NoneType", "int"}));
  for (const json& t : back.at("types").at("AnnualRevenue")) CHECK((t == "float" || t == "int" || t == "NoneType"));
  CHECK(back.at("types").at("SystemModstamp") == json{"str"});

  // Every record once, in Id order, with the org's values.
  const json& rows = back.at("jsonl");
  const json& table = back.at("csv");
  REQUIRE(rows.size() == emu.Records("Account").size());
  REQUIRE(table.size() == rows.size());
  std::map<std::string, json> org = ById(emu.Records("Account"));
  for (size_t i = 0; i < rows.size(); ++i) {
    const json& r = rows[i];
    const json& c = table[i];
    const std::string id = r.at("Id");
    CAPTURE(id);
    REQUIRE(org.count(id) == 1);
    const json& o = org.at(id);
    CHECK(r.at("Name") == o.at("Name"));
    CHECK(r.at("NumberOfEmployees") == o.at("NumberOfEmployees"));
    CHECK(r.at("IsDeleted") == o.at("IsDeleted"));
    if (!o.at("AnnualRevenue").is_null())
      CHECK(r.at("AnnualRevenue").get<double>() == o.at("AnnualRevenue").get<double>());
    CHECK(r.at("SystemModstamp").get<std::string>().size() == 24);  // yyyy-MM-ddTHH:mm:ss.SSSZ
    // The CSV says the same, as text.
    CHECK(c.at("Id") == id);
    CHECK(c.at("Name") == o.at("Name"));
    CHECK(c.at("IsDeleted") == (o.at("IsDeleted").get<bool>() ? "true" : "false"));
    CHECK(c.at("NumberOfEmployees") ==
          (o.at("NumberOfEmployees").is_null() ? "" : std::to_string(o.at("NumberOfEmployees").get<int64_t>())));
    CHECK(c.at("SystemModstamp") == r.at("SystemModstamp"));
    if (i > 0) CHECK(rows[i - 1].at("Id").get<std::string>() < id);
  }
}

TEST_CASE_TEMPLATE("export --where and --columns choose rows and columns, and bad ones are clear errors", S, OnSqlite,
                   OnPostgres) {
  Emulator emu({"--rows", "Account=30", "--rows", "Contact=0", "--rows", "Opportunity=0"});
  TempDir dir;
  StoreTarget store(S::kind);
  const std::string db = dir.File("sync.db");
  const std::string job = dir.File("job.yaml");
  WriteFile(job, store.Job(emu, db, kObjects));
  REQUIRE(RunSfsync(job).exit_code == 0);
  int64_t big = 0;
  for (const json& a : emu.Records("Account")) {
    if (!a.at("NumberOfEmployees").is_null() && a.at("NumberOfEmployees").get<int64_t>() >= 1000) ++big;
  }
  ProcessResult r = RunSfsyncCommand({"export"}, job,
                                     {"--object", "Account", "--where", "\"NumberOfEmployees\" >= 1000", "--columns",
                                      "Id,NumberOfEmployees", "--out", "-"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::vector<std::string> lines;
  for (size_t at = 0, end; (end = r.out.find("\r\n", at)) != std::string::npos; at = end + 2) {
    lines.push_back(r.out.substr(at, end - at));
  }
  REQUIRE(!lines.empty());
  CHECK(lines[0] == "Id,NumberOfEmployees");
  CHECK(static_cast<int64_t>(lines.size()) - 1 == big);

  ProcessResult bad_where = RunSfsyncCommand(
      {"export"}, job, {"--object", "Account", "--where", "NoSuchColumn = 1", "--out", dir.File("x.csv")});
  CHECK(bad_where.exit_code == 2);
  CHECK(bad_where.err.find("--where NoSuchColumn = 1") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir.File("x.csv")));
  CHECK_FALSE(std::filesystem::exists(dir.File("x.csv.partial")));
  ProcessResult bad_column =
      RunSfsyncCommand({"export"}, job, {"--object", "Account", "--columns", "Id,Nope", "--out", dir.File("x.csv")});
  CHECK(bad_column.exit_code == 2);
  CHECK(bad_column.err.find("has no column Nope (it has Id, Name") != std::string::npos);
  ProcessResult bad_object = RunSfsyncCommand({"export"}, job, {"--object", "Lead", "--out", dir.File("x.csv")});
  CHECK(bad_object.exit_code == 2);
  CHECK(bad_object.err.find("has no object Lead") != std::string::npos);
  // --at reads history, which this object does not keep (and a PostgreSQL store keeps none yet).
  ProcessResult no_history = RunSfsyncCommand(
      {"export"}, job, {"--object", "Account", "--at", "2026-01-01T00:00:00Z", "--out", dir.File("x.csv")});
  CHECK(no_history.exit_code == 2);
  CHECK(no_history.err.find(store.postgres() ? "only an SQLite store keeps" : "table Account keeps no history") !=
        std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir.File("x.csv")));
  ProcessResult bad_time =
      RunSfsyncCommand({"export"}, job, {"--object", "Account", "--at", "yesterday", "--out", dir.File("x.csv")});
  CHECK(bad_time.exit_code == 2);
  CHECK(bad_time.err.find("--at yesterday: not an ISO 8601 date and time") != std::string::npos);
}

TEST_CASE_TEMPLATE("an export taken while a sync commits pages holds exactly what some commit held", S, OnSqlite,
                   OnPostgres) {
  Emulator emu({"--rows", "Account=6000", "--rows", "Contact=0", "--rows", "Opportunity=0"});
  // Each page comes 150 ms late: the load commits its pages over about a second.
  emu.Admin("POST", "/__emulator/faults", {{"spec", "latency:ms=150,path=/services/data/*/query*"}});
  TempDir dir;
  StoreTarget store(S::kind);
  const std::string db = dir.File("sync.db");
  const std::string job = dir.File("job.yaml");
  WriteFile(job, WithConnection(store.Job(emu, db, std::string(kObjects) + "    batch_size: 500\n"),
                                "max_concurrent_requests: 1"));
  std::vector<std::string> ids;
  for (const json& a : emu.Records("Account")) ids.push_back(a.at("Id"));
  std::sort(ids.begin(), ids.end());
  auto run = StartSfsync(job, dir.path());
  int seen_partial = 0;
  for (int i = 0; i < 200 && run->Running(); ++i) {
    ProcessResult r = RunSfsyncCommand({"export"}, job, {"--object", "Account", "--columns", "Id", "--out", "-"});
    if (r.exit_code != 0) continue;  // before the table exists
    std::vector<std::string> got;
    for (size_t at = 0, end; (end = r.out.find("\r\n", at)) != std::string::npos; at = end + 2) {
      got.push_back(r.out.substr(at, end - at));
    }
    got.erase(got.begin());  // the header
    // A load reads in Id order and commits page by page: a consistent export is a prefix of the
    // org's Ids, whole pages of it.
    CAPTURE(got.size());
    CHECK(got.size() % 500 == 0);
    CHECK(std::equal(got.begin(), got.end(), ids.begin()));
    if (!got.empty() && got.size() < ids.size()) ++seen_partial;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  REQUIRE(run->Wait() == 0);
  MESSAGE("exports taken mid-load: " << seen_partial);
  CHECK(seen_partial >= 1);
}

TEST_CASE("snapshots taken while a sync commits pages are whole, consistent, self-contained files") {
  Emulator emu({"--rows", "Account=6000", "--rows", "Contact=0", "--rows", "Opportunity=0"});
  emu.Admin("POST", "/__emulator/faults", {{"spec", "latency:ms=150,path=/services/data/*/query*"}});
  TempDir dir;
  const std::string db = dir.File("sync.db");
  const std::string job = dir.File("job.yaml");
  WriteFile(job, WithConnection(JobYaml(emu, db, std::string(kObjects) + "    batch_size: 500\n"),
                                "max_concurrent_requests: 1"));
  std::vector<std::string> ids;
  for (const json& a : emu.Records("Account")) ids.push_back(a.at("Id"));
  std::sort(ids.begin(), ids.end());
  auto run = StartSfsync(job, dir.path());
  int taken = 0, partial = 0;
  for (int i = 0; i < 100 && run->Running(); ++i) {
    const std::string out = dir.File("snap" + std::to_string(i) + ".db");
    ProcessResult r = RunSfsyncCommand({"snapshot"}, job, {"--out", out});
    if (r.exit_code != 0) continue;  // before the store exists
    ++taken;
    CHECK_FALSE(std::filesystem::exists(out + ".partial"));
    CHECK_FALSE(std::filesystem::exists(out + "-wal"));
    SqliteDb snap(out);
    CHECK(snap.Scalar("PRAGMA integrity_check") == "ok");
    CHECK(snap.Scalar("PRAGMA journal_mode") == "delete");
    CHECK(snap.Scalar("SELECT value FROM _sfsync_snapshot WHERE key = 'job'") == "it");
    CHECK(snap.Scalar("SELECT length(value) FROM _sfsync_snapshot WHERE key = 'taken_at'") == "24");
    if (snap.Scalar("SELECT count(*) FROM sqlite_master WHERE name = 'Account'") == "1") {
      std::vector<std::string> got;
      for (auto& row : snap.Query("SELECT Id FROM Account ORDER BY Id")) got.push_back(row[0].text);
      CAPTURE(got.size());
      CHECK(got.size() % 500 == 0);
      CHECK(std::equal(got.begin(), got.end(), ids.begin()));
      if (!got.empty() && got.size() < ids.size()) ++partial;
    }
    std::filesystem::remove(out);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  REQUIRE(run->Wait() == 0);
  MESSAGE("snapshots taken mid-load: " << partial << " of " << taken);
  CHECK(partial >= 1);
  // After the run: the last run is recorded in the snapshot, and the file holds every row.
  ProcessResult r = RunSfsyncCommand({"snapshot"}, job, {"--out", dir.File("final.db")});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  SqliteDb snap(dir.File("final.db"));
  CHECK(snap.Count("Account") == static_cast<int64_t>(ids.size()));
  CHECK(snap.Scalar("SELECT value FROM _sfsync_snapshot WHERE key = 'last_run_id'") ==
        SqliteDb(db).Scalar("SELECT max(run_id) FROM _sfsync_runs"));
  CHECK(r.out.find("snapshot of job it: " + dir.File("final.db") + ", 1 tables") != std::string::npos);
}

TEST_CASE("a snapshot of a pushed store carries no capture triggers, and a missing store is a clear error") {
  Emulator emu({"--rows", "Account=5", "--rows", "Contact=0", "--rows", "Opportunity=0"});
  TempDir dir;
  const std::string db = dir.File("sync.db");
  const std::string job = dir.File("job.yaml");
  WriteFile(job, JobYaml(emu, db,
                         "  - name: Account\n    fields: [Id, Name, SystemModstamp]\n    push: true\n"
                         "    at_least_once_inserts: true\n"));
  ProcessResult missing = RunSfsyncCommand({"snapshot"}, job, {"--out", dir.File("s.db")});
  CHECK(missing.exit_code != 0);
  CHECK(missing.err.find("does not exist yet: run the job first") != std::string::npos);
  REQUIRE(RunSfsync(job).exit_code == 0);
  REQUIRE(SqliteDb(db).Scalar("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'") != "0");
  REQUIRE(RunSfsyncCommand({"snapshot"}, job, {"--out", dir.File("s.db")}).exit_code == 0);
  SqliteDb snap(dir.File("s.db"));
  CHECK(snap.Scalar("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'") == "0");
  CHECK(snap.Count("Account") == 5);
}

}  // namespace
}  // namespace sfsync::testing
