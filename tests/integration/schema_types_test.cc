// Every Salesforce field type lands with the right SQLite type and value, and schema changes
// between runs (field added, type changed, field removed) keep every row.
#include <doctest/doctest.h>

#include <set>

#include <map>

#include "engine/core/time_format.h"
#include "tests/testing/compare.h"
#include "tests/testing/store_target.h"

namespace sfsync::testing {
namespace {

using nlohmann::json;

std::map<std::string, std::string> DeclaredTypes(TableSource& db, const std::string& table) {
  std::map<std::string, std::string> types;
  for (auto& [name, type] : db.Columns(table)) types[name] = type;
  return types;
}

std::map<std::string, std::string> DeclaredTypes(const std::string& db, const std::string& table) {
  SqliteSource source(db);
  return DeclaredTypes(source, table);
}

TEST_CASE("every field type round-trips with the right SQLite type and value") {
  Emulator emu({"--size", "60", "--rows", "Invoice__c=40", "--rows", "Attachment=10"});
  TempDir dir;
  const std::string db = dir.File("types.db");
  WriteFile(dir.File("job.yaml"), JobYaml(emu, db,
                                          "  - name: Account\n    fields: \"*\"\n"
                                          "  - name: Contact\n    fields: \"*\"\n"
                                          "  - name: Invoice__c\n    fields: \"*\"\n"
                                          "  - name: Attachment\n    fields: \"*\"\n    include_base64: true\n"));
  ProcessResult r = RunSfsync(dir.File("job.yaml"));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  for (const char* object : {"Account", "Contact", "Invoice__c", "Attachment"}) {
    CheckTableEqualsEmulator(emu, db, object);
  }
  auto invoice = DeclaredTypes(db, "Invoice__c");
  CHECK(invoice["Id"] == "TEXT");
  CHECK(invoice["Amount__c"] == "REAL");                         // currency
  CHECK(invoice["LineCount__c"] == "REAL");                      // double, scale 0
  CHECK(invoice["DueTime__c"] == "TEXT");                        // time
  CHECK(invoice["DeliveryLocation__Latitude__s"] == "REAL");     // location, as its components
  CHECK(invoice.count("DeliveryLocation__c") == 0);
  CHECK(invoice["BankAccount__c"] == "TEXT");                    // encryptedstring
  CHECK(invoice["Category__c"] == "TEXT");                       // combobox
  CHECK(invoice["AccountName__c"] == "TEXT");                    // formula
  CHECK(invoice["IsDeleted"] == "INTEGER");                      // boolean
  auto account = DeclaredTypes(db, "Account");
  CHECK(account["NumberOfEmployees"] == "INTEGER");
  CHECK(account["CreatedDate"] == "TEXT");
  CHECK(account["BillingCity"] == "TEXT");
  CHECK(account.count("BillingAddress") == 0);
  CHECK(DeclaredTypes(db, "Attachment")["Body"] == "TEXT");      // base64: the blob's URL
  CHECK(DeclaredTypes(db, "Contact")["Birthdate"] == "TEXT");

  SqliteDb sql(db);
  // Datetimes are normalized so SQLite's date functions read them.
  CHECK(sql.Scalar("SELECT count(*) FROM Account WHERE julianday(CreatedDate) IS NULL") == "0");
  // Multi-line text, unicode and dates before 1970 survive as they are.
  CHECK(std::stoi(sql.Scalar("SELECT count(*) FROM Account WHERE Description LIKE '%' || char(10) || '%'")) > 0);
  CHECK(std::stoi(sql.Scalar("SELECT count(*) FROM Contact WHERE Birthdate < '1970-01-01'")) > 0);
  CHECK(std::stoi(sql.Scalar("SELECT count(*) FROM Invoice__c WHERE LineCount__c > 2147483647")) > 0);
}

TEST_CASE_TEMPLATE("schema changes between runs: a field added, retyped, then removed keeps every row", S, OnSqlite,
                   OnPostgres) {
  const StoreTarget store(S::kind);
  const std::string real = store.postgres() ? "double precision" : "REAL";
  const std::string text = store.postgres() ? "text" : "TEXT";
  Emulator emu({"--rows", "Account=80", "--rows", "Contact=0", "--rows", "Opportunity=0"});
  TempDir dir;
  const std::string db = dir.File("schema.db");
  WriteFile(dir.File("job.yaml"), store.Job(emu, db, "  - name: Account\n    fields: \"*\"\n"));
  REQUIRE(RunSfsync(dir.File("job.yaml")).exit_code == 0);
  json accounts = emu.Records("Account");

  // (a) A field is added; existing rows get values without their SystemModstamp moving, so only a
  // backfill can bring them in.
  emu.Admin("POST", "/__emulator/schema/Account/fields", {{"name", "Score__c"}, {"type", "double"},
                                                          {"precision", 18}, {"scale", 2}});
  for (size_t i = 0; i < 10; ++i) {
    emu.Update("Account", accounts[i].at("Id"), {{"Score__c", 1.5 * static_cast<double>(i)},
                                                 {"SystemModstamp", accounts[i].at("SystemModstamp")},
                                                 {"LastModifiedDate", accounts[i].at("LastModifiedDate")}});
  }
  emu.AdvanceClock(5);
  ProcessResult added = RunSfsync(dir.File("job.yaml"));
  INFO(added.err);
  REQUIRE(added.exit_code == 0);
  CHECK(DeclaredTypes(*store.Open(db), "Account")["Score__c"] == real);
  CheckTableEqualsEmulator(emu, *store.Open(db), "Account");
  CHECK(store.Open(db)->Scalar("SELECT count(*) FROM \"Account\" WHERE \"Score__c\" IS NOT NULL") == "10");
  CHECK(store.Open(db)->Scalar("SELECT count(*) FROM _sfsync_schema_history WHERE change = 'add_column' AND "
                            "column_name = 'Score__c'") == "1");

  // (b) Its type changes: the old values stay in a versioned column, the new one is filled.
  emu.Admin("PATCH", "/__emulator/schema/Account/fields/Score__c", {{"type", "string"}, {"length", 40}});
  emu.AdvanceClock(5);
  ProcessResult retyped = RunSfsync(dir.File("job.yaml"));
  INFO(retyped.err);
  REQUIRE(retyped.exit_code == 0);
  auto types = DeclaredTypes(*store.Open(db), "Account");
  CHECK(types["Score__c"] == text);
  CHECK(types["Score__c__v1"] == real);
  CHECK(store.Open(db)->Scalar("SELECT count(*) FROM \"Account\" WHERE \"Score__c__v1\" IS NOT NULL") == "10");
  CheckTableEqualsEmulator(emu, *store.Open(db), "Account");

  // (c) It is removed: the column and its data stay, marked removed; every row is still there.
  emu.Admin("DELETE", "/__emulator/schema/Account/fields/Score__c");
  emu.Update("Account", accounts[20].at("Id"), {{"Name", "after the removal"}});
  emu.AdvanceClock(5);
  ProcessResult removed = RunSfsync(dir.File("job.yaml"));
  INFO(removed.err);
  REQUIRE(removed.exit_code == 0);
  std::unique_ptr<TableSource> sql = store.Open(db);
  CHECK(sql->Count("Account") == 80);
  CHECK(sql->Scalar("SELECT count(*) FROM \"Account\" WHERE \"Score__c\" IS NOT NULL") != "0");
  CHECK(sql->Scalar("SELECT status FROM _sfsync_columns WHERE table_name = 'Account' AND column_name = 'Score__c'") ==
        "removed");
  CHECK(sql->Scalar("SELECT \"Name\" FROM \"Account\" WHERE \"Id\" = '" + accounts[20].at("Id").get<std::string>() +
                    "'") == "after the removal");
  // A field removed from Salesforce but still listed in a job is a clear error for that object.
  WriteFile(dir.File("listed.yaml"), store.Job(emu, db, "  - name: Account\n    fields: [Id, Name, Score__c]\n"));
  ProcessResult listed = RunSfsync(dir.File("listed.yaml"));
  CHECK(listed.exit_code == 5);
  CHECK(listed.err.find("no field 'Score__c' on Account") != std::string::npos);
}

TEST_CASE_TEMPLATE("hard deletes, purges and a delete log that no longer reaches back, in both delete modes", S,
                   OnSqlite, OnPostgres) {
  const StoreTarget store(S::kind);
  Emulator emu({"--rows", "Account=50", "--rows", "Contact=50", "--rows", "Opportunity=0"});
  TempDir dir;
  const std::string db = dir.File("hard.db");
  // The test moves the emulator's clock 15 minutes ahead of this machine's: past the default
  // tolerance, after which sfsync would (rightly) use the earlier clock.
  WriteFile(dir.File("job.yaml"), store.Job(emu, db,
                                          "  - name: Account\n    fields: [Id, Name, SystemModstamp]\n"
                                          "    deletes: soft\n"
                                          "  - name: Contact\n    fields: [Id, LastName, SystemModstamp]\n"
                                          "    deletes: hard\n",
                                          "settle_lag_seconds: 0\nmax_clock_skew_seconds: 3600\n"));
  REQUIRE(RunSfsync(dir.File("job.yaml")).exit_code == 0);
  json accounts = emu.Records("Account");
  json contacts = emu.Records("Contact");
  auto id = [](const json& r) { return r.at("Id").get<std::string>(); };

  // (a) Hard deletes vanish from queryAll: only getDeleted reports them.
  emu.AdvanceClock(180);
  emu.Delete("Account", id(accounts[0]), /*hard=*/true);
  emu.Delete("Contact", id(contacts[0]), /*hard=*/true);
  // (b) A soft delete whose recycle bin is emptied before the next run.
  emu.Delete("Account", id(accounts[1]));
  emu.Delete("Contact", id(contacts[1]));
  emu.Admin("POST", "/__emulator/records/Account/purge");
  emu.Admin("POST", "/__emulator/records/Contact/purge");
  emu.AdvanceClock(180);
  ProcessResult r = RunSfsync(dir.File("job.yaml"));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::unique_ptr<TableSource> sql = store.Open(db);
  auto is_deleted = [&](const std::string& account) {
    return sql->Scalar("SELECT \"IsDeleted\" FROM \"Account\" WHERE \"Id\" = '" + account + "'");
  };
  CHECK(is_deleted(id(accounts[0])) == "1");
  CHECK(is_deleted(id(accounts[1])) == "1");
  CHECK(sql->Count("Account") == 50);
  CHECK(sql->Count("Contact") == 48);
  CheckTableEqualsEmulator(emu, *sql, "Contact");

  // (c) The delete log is purged past the last check: a full pass finds what it lost.
  emu.AdvanceClock(180);
  emu.Delete("Account", id(accounts[2]), /*hard=*/true);
  emu.Delete("Contact", id(contacts[2]), /*hard=*/true);
  emu.AdvanceClock(180);
  const std::string now = emu.Admin("GET", "/__emulator/clock").at("now");
  emu.Admin("POST", "/__emulator/delete-log/purge", {{"before", now}});
  ProcessResult resync = RunSfsync(dir.File("job.yaml"));
  INFO(resync.err);
  REQUIRE(resync.exit_code == 0);
  CHECK(resync.err.find("delete log no longer reaches back") != std::string::npos);
  CHECK(is_deleted(id(accounts[2])) == "1");
  CHECK(sql->Count("Contact") == 47);
  CheckTableEqualsEmulator(emu, *sql, "Contact");

  // (d) An undelete after a soft delete is reflected too.
  emu.Delete("Account", id(accounts[3]));
  emu.AdvanceClock(5);
  REQUIRE(RunSfsync(dir.File("job.yaml")).exit_code == 0);
  CHECK(is_deleted(id(accounts[3])) == "1");
  emu.Admin("POST", "/__emulator/records/Account/" + id(accounts[3]) + "/undelete");
  emu.AdvanceClock(180);
  REQUIRE(RunSfsync(dir.File("job.yaml")).exit_code == 0);
  CHECK(is_deleted(id(accounts[3])) == "0");
}

TEST_CASE_TEMPLATE("audit by CreatedDate month repairs only the months that disagree", S, OnSqlite, OnPostgres) {
  const StoreTarget store(S::kind);
  Emulator emu({"--rows", "Account=300", "--rows", "Contact=0", "--rows", "Opportunity=0"});
  TempDir dir;
  const std::string db = dir.File("audit.db");
  WriteFile(dir.File("job.yaml"), store.Job(emu, db, "  - name: Account\n    fields: [Id, Name, CreatedDate, SystemModstamp]\n"
                                                   "    deletes: hard\n"));
  REQUIRE(RunSfsync(dir.File("job.yaml")).exit_code == 0);
  json accounts = emu.Records("Account");
  // A row lost locally (a restored backup) and a hard delete the delete log has forgotten.
  const std::string lost = accounts[10].at("Id");
  store.Exec(db, "DELETE FROM \"Account\" WHERE \"Id\" = '" + lost + "'");
  emu.Delete("Account", accounts[200].at("Id"), /*hard=*/true);
  ProcessResult audit = RunProcess({SfsyncBinary(), "audit", dir.File("job.yaml")}, TestAuthEnv());
  INFO(audit.out);
  INFO(audit.err);
  CHECK(audit.exit_code == 0);
  CHECK(audit.out.find("1 missing locally") != std::string::npos);
  CHECK(audit.out.find("1 gone from the server") != std::string::npos);
  CheckTableEqualsEmulator(emu, *store.Open(db), "Account");
}

TEST_CASE("rows that stop matching a job's where stay after a run, and audit removes them (deletes: hard)") {
  Emulator emu({"--rows", "Account=200", "--rows", "Contact=0", "--rows", "Opportunity=0"});
  TempDir dir;
  const std::string db = dir.File("where.db");
  WriteFile(dir.File("job.yaml"), JobYaml(emu, db, "  - name: Account\n    fields: [Id, Name, Rating, CreatedDate, SystemModstamp]\n"
                                                   "    where: \"Rating = 'Hot'\"\n    deletes: hard\n"));
  REQUIRE(RunSfsync(dir.File("job.yaml")).exit_code == 0);
  std::set<std::string> hot;
  for (const json& a : emu.Records("Account")) {
    if (a.at("Rating") == "Hot") hot.insert(a.at("Id").get<std::string>());
  }
  REQUIRE(hot.size() >= 3);
  CHECK(SqliteDb(db).Count("Account") == static_cast<int64_t>(hot.size()));
  const std::string cooled = *hot.begin();
  emu.Update("Account", cooled, {{"Rating", "Cold"}});
  REQUIRE(RunSfsync(dir.File("job.yaml")).exit_code == 0);
  CHECK(SqliteDb(db).Count("Account") == static_cast<int64_t>(hot.size()));  // the documented limit

  ProcessResult audit = RunProcess({SfsyncBinary(), "audit", dir.File("job.yaml")}, TestAuthEnv());
  INFO(audit.out);
  INFO(audit.err);
  CHECK(audit.exit_code == 0);
  CHECK(audit.out.find("1 gone from the server") != std::string::npos);
  SqliteDb sql(db);
  CHECK(sql.Count("Account") == static_cast<int64_t>(hot.size()) - 1);
  CHECK(sql.Scalar("SELECT count(*) FROM Account WHERE Id = '" + cooled + "'") == "0");
  CHECK(sql.Scalar("SELECT count(*) FROM Account WHERE Rating = 'Hot'") == std::to_string(hot.size() - 1));
}

}  // namespace
}  // namespace sfsync::testing
