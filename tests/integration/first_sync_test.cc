// The first end-to-end slice: full sync, incremental, paging, auth failure, bad job files.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "tests/testing/compare.h"
#include "tests/testing/store_target.h"

namespace sfsync::testing {
namespace {

using nlohmann::json;

constexpr char kAccountFields[] =
    "  - name: Account\n"
    "    fields: [Id, Name, Type, Industry, AnnualRevenue, NumberOfEmployees, Rating, Phone, Website,\n"
    "             BillingStreet, BillingCity, BillingPostalCode, BillingLatitude, Description,\n"
    "             CreatedDate, SystemModstamp, IsDeleted, OwnerId, Owner.Name]\n";
constexpr char kContactFields[] =
    "  - name: Contact\n"
    "    fields: [Id, FirstName, LastName, Email, Birthdate, AccountId, Account.Name, HasOptedOutOfEmail,\n"
    "             MailingAddress, SystemModstamp]\n";
constexpr char kOpportunityAll[] =
    "  - name: Opportunity\n"
    "    fields: \"*\"\n";

TEST_CASE_TEMPLATE("a) a full sync lands every seeded row with correct values and types", S, OnSqlite, OnPostgres) {
  const StoreTarget store(S::kind);
  Emulator emu({"--size", "150"});
  TempDir dir;
  const std::string db = dir.File("full.db");
  WriteFile(dir.File("job.yaml"), store.Job(emu, db, std::string(kAccountFields) + kContactFields + kOpportunityAll));

  ProcessResult r = RunSfsync(dir.File("job.yaml"));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("SUCCESS") != std::string::npos);
  CHECK(r.out.find(store.Name(db)) != std::string::npos);

  std::unique_ptr<TableSource> sql = store.Open(db);
  REQUIRE(sql != nullptr);
  std::map<std::string, std::string> types;
  for (auto& [name, type] : sql->Columns("Account")) types[name] = type;
  if (store.postgres()) {
    CHECK(types["Id"] == "text");
    CHECK(types["AnnualRevenue"] == "numeric");  // currency(18,0) in the emulator's describe
    CHECK(types["NumberOfEmployees"] == "bigint");
    CHECK(types["IsDeleted"] == "boolean");
    CHECK(types["CreatedDate"] == "timestamp with time zone");
    CHECK(types["BillingLatitude"] == "double precision");
    CHECK(types["Owner_Name"] == "text");
  } else {
    CHECK(types["Id"] == "TEXT");
    CHECK(types["AnnualRevenue"] == "REAL");
    CHECK(types["NumberOfEmployees"] == "INTEGER");
    CHECK(types["IsDeleted"] == "INTEGER");
    CHECK(types["CreatedDate"] == "TEXT");
    CHECK(types["Owner_Name"] == "TEXT");
  }
  std::map<std::string, std::string> contact_types;
  for (auto& [name, type] : sql->Columns("Contact")) contact_types[name] = type;
  CHECK(contact_types.count("MailingCity") == 1);  // the compound address became its components
  CHECK(contact_types.count("MailingAddress") == 0);

  json users = emu.Records("User");
  json accounts = emu.Records("Account");
  CHECK(accounts.size() == 150);
  CheckTableEqualsEmulator(emu, *sql, "Account", {{"Owner", ById(users)}});
  CheckTableEqualsEmulator(emu, *sql, "Contact", {{"Account", ById(accounts)}});
  CheckTableEqualsEmulator(emu, *sql, "Opportunity");
  CHECK(sql->Scalar("SELECT status FROM _sfsync_runs ORDER BY run_id DESC LIMIT 1") == "SUCCESS");
}

TEST_CASE_TEMPLATE("b) after remote inserts and updates, an incremental run fetches only those", S, OnSqlite,
                   OnPostgres) {
  const StoreTarget store(S::kind);
  Emulator emu({"--size", "300"});
  TempDir dir;
  const std::string db = dir.File("inc.db");
  WriteFile(dir.File("job.yaml"), store.Job(emu, db, kAccountFields));
  REQUIRE(RunSfsync(dir.File("job.yaml")).exit_code == 0);
  CHECK(store.LastRunRowsRead(db, "Account") == 300);

  json accounts = emu.Records("Account");
  emu.AdvanceClock(5);
  for (int i = 0; i < 5; ++i) {
    emu.Update("Account", accounts[static_cast<size_t>(i * 50)].at("Id"),
               {{"Name", "Renamed " + std::to_string(i)}, {"AnnualRevenue", 1234.5 + i}});
  }
  emu.Insert("Account", json::array({{{"Name", "New One"}, {"Industry", "Energy"}},
                                     {{"Name", "New Two"}, {"NumberOfEmployees", 7}},
                                     {{"Name", "Ünïcødé ☃"}, {"Description", "line 1\nline 2"}}}));
  emu.AdvanceClock(5);

  ProcessResult second = RunSfsync(dir.File("job.yaml"));
  INFO(second.err);
  REQUIRE(second.exit_code == 0);
  CHECK(store.LastRunRowsRead(db, "Account") == 8);
  CheckTableEqualsEmulator(emu, *store.Open(db), "Account", {{"Owner", ById(emu.Records("User"))}});

  // Nothing changed since: the next run reads nothing.
  REQUIRE(RunSfsync(dir.File("job.yaml")).exit_code == 0);
  CHECK(store.LastRunRowsRead(db, "Account") == 0);
}

TEST_CASE("c) paging with batch sizes 200, 1000 and 2000, and an object with no rows") {
  Emulator emu({"--rows", "Account=2500", "--rows", "Contact=0", "--rows", "Opportunity=0"});
  for (int batch : {200, 1000, 2000}) {
    CAPTURE(batch);
    TempDir dir;
    const std::string db = dir.File("paging.db");
    WriteFile(dir.File("job.yaml"),
              JobYaml(emu, db,
                      "  - name: Account\n    fields: [Id, Name, SystemModstamp]\n    batch_size: " +
                          std::to_string(batch) + "\n  - name: Lead\n    fields: [Id, LastName, Company]\n"));
    json before = emu.Stats();
    ProcessResult r = RunSfsync(dir.File("job.yaml"));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    json after = emu.Stats();
    const int pages = (2500 + batch - 1) / batch;
    // Load: 1 query + (pages - 1) continuations for Account; Lead: 1 query. Then one incremental query each.
    CHECK(after["query_more_requests"].get<int>() - before["query_more_requests"].get<int>() == pages - 1);
    CHECK(after["query_requests"].get<int>() - before["query_requests"].get<int>() == 4);
    SqliteDb sql(db);
    CHECK(sql.Count("Account") == 2500);
    CHECK(sql.Scalar("SELECT count(DISTINCT Id) FROM Account") == "2500");
    CHECK(sql.Count("Lead") == 0);
    CHECK(LastRunRowsRead(db, "Lead") == 0);
  }
}

TEST_CASE("d) an invalid refresh token is a clear error, a non-zero exit, and leaves the database as it was") {
  Emulator emu({"--size", "20"});
  TempDir dir;
  const std::string db = dir.File("auth.db");
  WriteFile(dir.File("job.yaml"), JobYaml(emu, db, kAccountFields));
  REQUIRE(RunSfsync(dir.File("job.yaml")).exit_code == 0);
  emu.Update("Account", emu.Records("Account")[0].at("Id"), {{"Name", "changed remotely"}});
  const std::string before = DumpDatabase(db);

  ProcessResult r = RunSfsync(dir.File("job.yaml"), {{"SF_REFRESH_TOKEN", "not-a-valid-refresh-token"}});
  CHECK(r.exit_code == 25);
  CHECK(r.err.find("refresh token") != std::string::npos);
  CHECK(r.err.find("not-a-valid-refresh-token") == std::string::npos);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK(DumpDatabase(db) == before);

  // Against a database that does not exist yet, nothing is created.
  WriteFile(dir.File("job2.yaml"), JobYaml(emu, dir.File("never.db"), kAccountFields));
  ProcessResult r2 = RunSfsync(dir.File("job2.yaml"), {{"SF_REFRESH_TOKEN", "bogus-token-123"}});
  CHECK(r2.exit_code == 25);
  CHECK_FALSE(FileExists(dir.File("never.db")));
}

TEST_CASE("e) a job file with a syntax error or an unknown key is refused with file:line and nothing is written") {
  Emulator emu({"--size", "5"});
  TempDir dir;
  const std::string db = dir.File("bad.db");
  std::string good = JobYaml(emu, db, kAccountFields);

  std::string unknown_key = good;
  unknown_key.replace(unknown_key.find("    fields:"), 11, "    feilds:");
  WriteFile(dir.File("unknown.yaml"), unknown_key);
  ProcessResult r = RunSfsync(dir.File("unknown.yaml"));
  CHECK(r.exit_code == 3);
  CHECK(r.err.find(dir.File("unknown.yaml") + ":") != std::string::npos);
  CHECK(r.err.find("feilds") != std::string::npos);

  std::string syntax = good + "  - name: [unclosed\n";
  WriteFile(dir.File("syntax.yaml"), syntax);
  ProcessResult s = RunSfsync(dir.File("syntax.yaml"));
  CHECK(s.exit_code == 3);
  CHECK(s.err.find(dir.File("syntax.yaml") + ":") != std::string::npos);

  CHECK_FALSE(FileExists(db));
  CHECK(emu.Stats()["token_requests"].get<int>() == 0);
}

}  // namespace
}  // namespace sfsync::testing
