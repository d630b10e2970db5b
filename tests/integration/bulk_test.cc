// Loads through Bulk API 2.0 (api: bulk | auto): the real sfsync binary against the emulator's
// query jobs, checked against the emulator's data.
#include <doctest/doctest.h>
#include <signal.h>

#include <chrono>
#include <thread>

#include "connectors/salesforce/http/http_transport.h"
#include "tests/testing/compare.h"
#include "tests/testing/store_target.h"

namespace sfsync::testing {
namespace {

using nlohmann::json;

constexpr char kLoading[] = "loading through Bulk API 2.0";

int Stat(Emulator& emu, const char* key) { return emu.Stats()[key].get<int>(); }

// One call to the org's Bulk query jobs resource, authenticated like sfsync.
salesforce::HttpResponse JobsCall(const Emulator& emu, const std::string& method, const std::string& suffix) {
  auto http = salesforce::NewCpprestTransport({});
  salesforce::HttpRequest token;
  token.method = "POST";
  token.url = emu.url() + "/services/oauth2/token";
  token.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  token.body = std::string("grant_type=refresh_token&client_id=") + kClientId + "&client_secret=" + kClientSecret +
               "&refresh_token=" + kRefreshToken;
  auto issued = http->Send(token);
  REQUIRE(issued.ok());
  REQUIRE(issued->status == 200);
  salesforce::HttpRequest call;
  call.method = method;
  call.url = emu.url() + "/services/data/v60.0/jobs/query" + suffix;
  call.headers = {{"Authorization", "Bearer " + json::parse(issued->body).at("access_token").get<std::string>()}};
  auto answer = http->Send(call);
  REQUIRE(answer.ok());
  return *answer;
}

// The Bulk query jobs the org still holds (GET /jobs/query).
json ListBulkJobs(const Emulator& emu) {
  salesforce::HttpResponse jobs = JobsCall(emu, "GET", "");
  REQUIRE(jobs.status == 200);
  return json::parse(jobs.body).at("records");
}

TEST_CASE_TEMPLATE("a Bulk load lands every row equal to the emulator's data, and deletes its jobs", S, OnSqlite,
                   OnPostgres) {
  const StoreTarget store(S::kind);
  Emulator emu({"--size", "150"});
  TempDir dir;
  const std::string db = dir.File("bulk.db");
  WriteFile(dir.File("job.yaml"),
            store.Job(emu, db,
                    "  - name: Account\n"
                    "    api: bulk\n"
                    "    fields: [Id, Name, Type, Industry, AnnualRevenue, NumberOfEmployees, Rating, Phone, Website,\n"
                    "             BillingStreet, BillingCity, BillingLatitude, Description, CreatedDate,\n"
                    "             SystemModstamp, IsDeleted, OwnerId, Owner.Name]\n"
                    "  - name: Contact\n"
                    "    api: bulk\n"
                    "    fields: [Id, FirstName, LastName, Email, Birthdate, AccountId, Account.Name,\n"
                    "             HasOptedOutOfEmail, MailingAddress, SystemModstamp]\n"
                    "  - name: Opportunity\n"
                    "    api: bulk\n"
                    "    fields: \"*\"\n"));
  const int query_more_before = Stat(emu, "query_more_requests");

  ProcessResult r = RunSfsync(dir.File("job.yaml"));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  for (const char* object : {"Account", "Contact", "Opportunity"}) {
    CHECK(r.err.find(std::string(object) + ": " + kLoading) != std::string::npos);
  }
  CHECK(r.err.find("WARN") == std::string::npos);
  CHECK(Stat(emu, "query_more_requests") == query_more_before);

  // Booleans, numbers, datetimes and nulls arrived as CSV text and were stored by column type.
  json accounts = emu.Records("Account");
  std::unique_ptr<TableSource> sql = store.Open(db);
  CheckTableEqualsEmulator(emu, *sql, "Account", {{"Owner", ById(emu.Records("User"))}});
  CheckTableEqualsEmulator(emu, *sql, "Contact", {{"Account", ById(accounts)}});
  CheckTableEqualsEmulator(emu, *sql, "Opportunity");
  CHECK(sql->Count("Account") == 150);
  const auto typed = sql->Query("SELECT \"AnnualRevenue\", \"IsDeleted\" FROM \"Account\" WHERE \"AnnualRevenue\" IS NOT NULL "
                                "LIMIT 1");
  REQUIRE(typed.size() == 1);
  CHECK(typed[0][0].type == "real");
  CHECK(typed[0][1].type == "integer");
  // The load is complete: its state claims every row, and the next run is incremental.
  CHECK(sql->Scalar("SELECT load_in_progress FROM _sfsync_state WHERE object = 'Account'") == "0");
  CHECK(sql->Scalar("SELECT watermark_ts FROM _sfsync_state WHERE object = 'Account'") != "");
  CHECK(ListBulkJobs(emu).empty());
}

TEST_CASE("after a Bulk load, the next run reads only the changes, through REST") {
  Emulator emu({"--rows", "Account=400", "--rows", "Contact=0", "--rows", "Opportunity=0"});
  TempDir dir;
  const std::string db = dir.File("inc.db");
  WriteFile(dir.File("job.yaml"), JobYaml(emu, db,
                                          "  - name: Account\n"
                                          "    api: bulk\n"
                                          "    fields: [Id, Name, AnnualRevenue, Description, SystemModstamp]\n"));
  ProcessResult first = RunSfsync(dir.File("job.yaml"));
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  CHECK(first.err.find(kLoading) != std::string::npos);
  CHECK(LastRunRowsRead(db, "Account") == 400);

  json accounts = emu.Records("Account");
  emu.AdvanceClock(5);
  emu.Update("Account", accounts[10].at("Id"),
             {{"Name", "Renamed"}, {"Description", "now, with \"quotes\"\nand a line"}});
  emu.Update("Account", accounts[200].at("Id"), {{"AnnualRevenue", 42.5}});
  emu.Insert("Account", json::array({{{"Name", "Brand new"}}}));
  emu.AdvanceClock(5);

  const int queries_before = Stat(emu, "query_requests");
  ProcessResult second = RunSfsync(dir.File("job.yaml"));
  INFO(second.err);
  REQUIRE(second.exit_code == 0);
  CHECK(second.err.find(kLoading) == std::string::npos);
  CHECK(LastRunRowsRead(db, "Account") == 3);
  // The quiet check's probe (inside its composite call) found changes; then one keyset query.
  CHECK(Stat(emu, "query_requests") == queries_before + 2);
  CheckTableEqualsEmulator(emu, db, "Account");
}

TEST_CASE("auto reads through Bulk above 50,000 rows to load and through REST at 50,000") {
  Emulator emu({"--rows", "Account=50001", "--rows", "Contact=0", "--rows", "Opportunity=0"});
  json accounts = emu.Records("Account");
  REQUIRE(accounts.size() == 50001);
  const std::string excluded = accounts[123].at("Id");
  struct Case {
    std::string where;
    bool bulk;
  };
  for (const Case& c : {Case{"", true}, Case{"Id != '" + excluded + "'", false}}) {
    CAPTURE(c.where);
    TempDir dir;
    const std::string db = dir.File("auto.db");
    std::string object = "  - name: Account\n    api: auto\n    fields: [Id, Name, Industry, SystemModstamp]\n";
    if (!c.where.empty()) object += "    where: \"" + c.where + "\"\n";
    WriteFile(dir.File("job.yaml"), JobYaml(emu, db, object));
    const int query_more_before = Stat(emu, "query_more_requests");
    ProcessResult r = RunSfsync(dir.File("job.yaml"));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK((r.err.find(kLoading) != std::string::npos) == c.bulk);
    CHECK(r.err.find(c.bulk ? "50001 rows to load; Bulk API 2.0" : "50000 rows to load; REST") != std::string::npos);
    // REST pages 2000 rows at a time; Bulk hands all 50,001 over in two CSV pages.
    CHECK(Stat(emu, "query_more_requests") - query_more_before == (c.bulk ? 0 : 24));
    CHECK(SqliteDb(db).Count("Account") == (c.bulk ? 50001 : 50000));
    CHECK(LastRunRowsRead(db, "Account") == (c.bulk ? 50001 : 50000));
  }
}

TEST_CASE("a query Bulk refuses (a base64 field) falls back to REST with a warning") {
  Emulator emu({"--size", "20"});
  TempDir dir;
  const std::string db = dir.File("fallback.db");
  WriteFile(dir.File("job.yaml"), JobYaml(emu, db,
                                          "  - name: Attachment\n"
                                          "    api: bulk\n"
                                          "    include_base64: true\n"
                                          "    fields: [Id, Name, ParentId, ContentType, Body, SystemModstamp]\n"));
  ProcessResult r = RunSfsync(dir.File("job.yaml"));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("WARN Attachment: Bulk API 2.0 cannot run this query") != std::string::npos);
  CHECK(r.err.find("loading through REST instead") != std::string::npos);
  const int64_t rows = static_cast<int64_t>(emu.Records("Attachment").size());
  REQUIRE(rows > 0);
  CHECK(SqliteDb(db).Count("Attachment") == rows);
  CHECK(SqliteDb(db).Scalar("SELECT count(*) FROM Attachment WHERE Body LIKE '/services/data/%'") ==
        std::to_string(rows));
  CHECK(ListBulkJobs(emu).empty());  // refused at creation: no job exists
}

TEST_CASE("full mode through Bulk reads every row each run and removes rows gone from the server") {
  Emulator emu({"--rows", "Account=300", "--rows", "Contact=0", "--rows", "Opportunity=0"});
  TempDir dir;
  const std::string db = dir.File("full.db");
  WriteFile(dir.File("job.yaml"), JobYaml(emu, db,
                                          "  - name: Account\n"
                                          "    api: bulk\n"
                                          "    mode: full\n"
                                          "    deletes: hard\n"
                                          "    fields: [Id, Name, SystemModstamp]\n"));
  REQUIRE(RunSfsync(dir.File("job.yaml")).exit_code == 0);
  CHECK(SqliteDb(db).Count("Account") == 300);
  json accounts = emu.Records("Account");
  emu.Delete("Account", accounts[0].at("Id"), /*hard=*/true);
  emu.Update("Account", accounts[1].at("Id"), {{"Name", "changed"}});
  ProcessResult r = RunSfsync(dir.File("job.yaml"));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find(kLoading) != std::string::npos);
  CHECK(LastRunRowsRead(db, "Account") == 299);
  CheckTableEqualsEmulator(emu, db, "Account");
}

TEST_CASE("a field added on the server is backfilled by a reload through Bulk, keeping the watermark") {
  Emulator emu({"--rows", "Account=500", "--rows", "Contact=0", "--rows", "Opportunity=0"});
  TempDir dir;
  const std::string db = dir.File("reload.db");
  WriteFile(dir.File("job.yaml"), JobYaml(emu, db,
                                          "  - name: Account\n"
                                          "    api: bulk\n"
                                          "    fields: \"*\"\n"));
  REQUIRE(RunSfsync(dir.File("job.yaml")).exit_code == 0);
  const std::string watermark = SqliteDb(db).Scalar("SELECT watermark_ts FROM _sfsync_state WHERE object = 'Account'");
  json accounts = emu.Records("Account");
  emu.Admin("POST", "/__emulator/schema/Account/fields",
            {{"name", "Score__c"}, {"type", "double"}, {"precision", 18}, {"scale", 2}});
  // Values set without moving the stamps: only the reload can bring them in.
  for (size_t i = 0; i < 7; ++i) {
    emu.Update("Account", accounts[i * 60].at("Id"),
               {{"Score__c", 2.5 * static_cast<double>(i + 1)},
                {"SystemModstamp", accounts[i * 60].at("SystemModstamp")},
                {"LastModifiedDate", accounts[i * 60].at("LastModifiedDate")}});
  }
  emu.AdvanceClock(5);
  ProcessResult r = RunSfsync(dir.File("job.yaml"));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("schema changed; reading every row again") != std::string::npos);
  CHECK(r.err.find(kLoading) != std::string::npos);
  CHECK(LastRunRowsRead(db, "Account") == 500);
  SqliteDb sql(db);
  CHECK(sql.Scalar("SELECT count(*) FROM Account WHERE Score__c IS NOT NULL") == "7");
  CHECK(sql.Scalar("SELECT watermark_ts FROM _sfsync_state WHERE object = 'Account'") >= watermark);
  CHECK(sql.Scalar("SELECT load_in_progress FROM _sfsync_state WHERE object = 'Account'") == "0");
  CheckTableEqualsEmulator(emu, db, "Account");
}

TEST_CASE("SIGTERM while a Bulk job runs stops the wait, aborts and deletes the job, and exits 10") {
  Emulator emu(
      {"--rows", "Account=100", "--rows", "Contact=0", "--rows", "Opportunity=0", "--bulk-job-polls", "1000000"});
  TempDir dir;
  const std::string db = dir.File("term.db");
  WriteFile(dir.File("job.yaml"), JobYaml(emu, db,
                                          "  - name: Account\n"
                                          "    api: bulk\n"
                                          "    fields: [Id, Name, SystemModstamp]\n"));
  auto run = StartSfsync(dir.File("job.yaml"), dir.path());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (run->Stderr().find(kLoading) == std::string::npos && run->Running() &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  REQUIRE(run->Stderr().find(kLoading) != std::string::npos);
  std::this_thread::sleep_for(std::chrono::milliseconds(700));  // a few polls
  const auto signalled = std::chrono::steady_clock::now();
  run->Signal(SIGTERM);
  CHECK(run->Wait() == 10);
  CHECK(std::chrono::steady_clock::now() - signalled < std::chrono::seconds(3));
  CHECK(ListBulkJobs(emu).empty());
  SqliteDb sql(db);
  CHECK(sql.Count("Account") == 0);
  CHECK(sql.Scalar("SELECT status FROM _sfsync_run_objects WHERE object = 'Account'") == "PARTIAL");
}

TEST_CASE_TEMPLATE("a Bulk load killed mid-way resumes the download of the same job from its next page and converges",
                   S, OnSqlite, OnPostgres) {
  const StoreTarget store(S::kind);
  Emulator emu({"--rows", "Account=120000", "--rows", "Contact=0", "--rows", "Opportunity=0"});
  TempDir dir;
  const std::string db = dir.File("kill.db");
  WriteFile(dir.File("job.yaml"), store.Job(emu, db,
                                          "  - name: Account\n"
                                          "    api: bulk\n"
                                          "    fields: [Id, Name, Industry, AnnualRevenue, SystemModstamp]\n"));
  // (a) The second results page (rows 50,001..100,000) is held back, so the run is certainly
  //     between pages when it is killed.
  emu.Admin("POST", "/__emulator/faults",
            {{"spec", "latency:path=/services/data/*/jobs/query/*/results,nth=2,ms=20000"}});
  auto run = StartSfsync(dir.File("job.yaml"), dir.path());
  REQUIRE(store.WaitForRows(db, "Account", 50000, run.get()));
  run->Signal(SIGKILL);
  run->Wait();
  emu.Admin("DELETE", "/__emulator/faults");

  // (b) One page committed with its resume point: the job and the locator of the next page; the
  //     load is unfinished, so no watermark.
  std::string job;
  {
    std::unique_ptr<TableSource> sql = store.Open(db);
    CHECK(sql->Integrity() == "ok");
    CHECK(sql->Count("Account") == 50000);
    CHECK(sql->Scalar("SELECT load_in_progress FROM _sfsync_state WHERE object = 'Account'") == "1");
    CHECK(sql->Scalar("SELECT watermark_ts FROM _sfsync_state WHERE object = 'Account'") == "");
    const std::string resume = sql->Scalar("SELECT bulk_resume FROM _sfsync_state WHERE object = 'Account'");
    job = resume.substr(0, resume.find('\x1f'));
    CHECK(job.size() == 18);
    CHECK(resume.size() > job.size() + 1);  // a locator follows
  }
  REQUIRE(ListBulkJobs(emu).size() == 1);  // kept for the resume

  // (c) Changes while nobody syncs: one row already stored, one not yet read.
  json accounts = emu.Records("Account");
  emu.AdvanceClock(5);
  emu.Update("Account", accounts[5].at("Id"), {{"Name", "changed after the kill"}});
  emu.Update("Account", accounts[110000].at("Id"), {{"Industry", "Energy"}});

  // (d) The next run downloads only the pages left of the same job (no new job), then (incremental,
  //     from when the interrupted load began) the two rows changed since, and converges.
  ProcessResult r = RunSfsync(dir.File("job.yaml"));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("resuming the download of Bulk job " + job) != std::string::npos);
  CHECK(r.err.find(kLoading) == std::string::npos);  // no new job
  CHECK(store.LastRunRowsRead(db, "Account") == 70000 + 2);
  std::unique_ptr<TableSource> sql = store.Open(db);
  CheckTableEqualsEmulator(emu, *sql, "Account");
  CHECK(sql->Scalar("SELECT load_in_progress FROM _sfsync_state") == "0");
  CHECK(sql->Scalar("SELECT bulk_resume FROM _sfsync_state") == "");
  CHECK(ListBulkJobs(emu).empty());  // read to the end: deleted
}

TEST_CASE("a Bulk load whose job is gone when it resumes starts a new job and converges") {
  Emulator emu({"--rows", "Account=6000", "--rows", "Contact=0", "--rows", "Opportunity=0"});
  TempDir dir;
  const std::string db = dir.File("gone.db");
  WriteFile(dir.File("job.yaml"), JobYaml(emu, db,
                                          "  - name: Account\n"
                                          "    api: bulk\n"
                                          "    bulk_max_records: 1000\n"
                                          "    fields: [Id, Name, SystemModstamp]\n"));
  emu.Admin("POST", "/__emulator/faults",
            {{"spec", "latency:path=/services/data/*/jobs/query/*/results,nth=3,ms=20000"}});
  auto run = StartSfsync(dir.File("job.yaml"), dir.path());
  REQUIRE(WaitForRows(db, "Account", 2000, run.get()));
  run->Signal(SIGKILL);
  run->Wait();
  emu.Admin("DELETE", "/__emulator/faults");
  const json jobs = ListBulkJobs(emu);
  REQUIRE(jobs.size() == 1);
  // The job disappears (deleted by someone, or its results expired).
  REQUIRE(JobsCall(emu, "DELETE", "/" + jobs[0].at("id").get<std::string>()).status == 204);

  ProcessResult r = RunSfsync(dir.File("job.yaml"));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("cannot be resumed") != std::string::npos);
  CHECK(r.err.find("starting a new Bulk job") != std::string::npos);
  CHECK(LastRunRowsRead(db, "Account") == 6000);
  CheckTableEqualsEmulator(emu, db, "Account");
}

}  // namespace
}  // namespace sfsync::testing
