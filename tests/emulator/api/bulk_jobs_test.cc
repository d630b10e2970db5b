// Bulk API 2.0 query jobs over a socket: the job lifecycle and its JSON, CSV paging to the
// `null` locator, CSV encoding, snapshots, failures, aborts and the refusals.
#include <doctest/doctest.h>

#include "tests/emulator/testing/emulator_fixture.h"

namespace sfsync::emulator {
namespace {

using nlohmann::ordered_json;
using testing::ClientResponse;
using testing::ParseJson;
using testing::RunningEmulator;
using testing::SmallOrgConfig;

const std::string kJobs = "/services/data/v60.0/jobs/query";

// RFC 4180 with a configurable delimiter: every field of every line. Quoted fields keep their
// embedded newlines; an unquoted empty field is reported as "<null>".
std::vector<std::vector<std::string>> ParseCsv(const std::string& text, char delimiter = ',') {
  std::vector<std::vector<std::string>> lines(1);
  std::string field;
  bool quoted = false, in_quotes = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_quotes) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field.push_back('"');
        ++i;
      } else if (c == '"') {
        in_quotes = false;
      } else {
        field.push_back(c);
      }
    } else if (c == '"') {
      in_quotes = quoted = true;
    } else if (c == delimiter || c == '\n' || c == '\r') {
      if (c == '\r') ++i;  // CRLF
      lines.back().push_back(quoted ? field : (field.empty() ? "<null>" : field));
      field.clear();
      quoted = false;
      if (c != delimiter) lines.emplace_back();
    } else {
      field.push_back(c);
    }
  }
  if (lines.back().empty()) lines.pop_back();
  return lines;
}

std::vector<std::string> Keys(const ordered_json& object) {
  std::vector<std::string> keys;
  for (auto it = object.begin(); it != object.end(); ++it) keys.push_back(it.key());
  return keys;
}

std::string CreateJob(RunningEmulator& e, const std::string& soql, const std::string& operation = "query",
                      const std::string& extra = "") {
  ClientResponse r = e.Rest(
      "POST", kJobs, R"({"operation":")" + operation + R"(","query":)" + ordered_json(soql).dump() + extra + "}");
  REQUIRE_MESSAGE(r.status == 200, r.body);
  return ParseJson(r.body)["id"];
}

ordered_json Poll(RunningEmulator& e, const std::string& id) {
  ClientResponse r = e.Rest("GET", kJobs + "/" + id);
  REQUIRE(r.status == 200);
  return ParseJson(r.body);
}

// Every record line of every page, following Sforce-Locator to `null`.
std::vector<std::vector<std::string>> AllResults(RunningEmulator& e, const std::string& id, int max_records, int* pages,
                                                 std::vector<std::string>* header) {
  std::vector<std::vector<std::string>> rows;
  std::string locator;
  *pages = 0;
  while (true) {
    std::string target = kJobs + "/" + id + "/results?maxRecords=" + std::to_string(max_records) +
                         (locator.empty() ? "" : "&locator=" + locator);
    ClientResponse page = e.Rest("GET", target);
    REQUIRE_MESSAGE(page.status == 200, page.body);
    CHECK(page.headers.Get("Content-Type") == std::optional<std::string_view>("text/csv"));
    std::vector<std::vector<std::string>> lines = ParseCsv(page.body);
    REQUIRE(!lines.empty());
    *header = lines[0];
    CHECK(page.headers.Get("Sforce-NumberOfRecords") ==
          std::optional<std::string_view>(std::to_string(lines.size() - 1)));
    rows.insert(rows.end(), lines.begin() + 1, lines.end());
    ++*pages;
    locator = std::string(*page.headers.Get("Sforce-Locator"));
    if (locator == "null") break;
    REQUIRE(*pages < 1000);
  }
  return rows;
}

TEST_CASE("lifecycle: UploadComplete, InProgress, JobComplete, CSV pages to the null locator, delete") {
  EmulatorConfig config = SmallOrgConfig();
  config.rows["Account"] = 230;
  RunningEmulator e(config);
  ClientResponse created =
      e.Rest("POST", kJobs, R"({"operation":"query","query":"SELECT Id, Name, Owner.Name FROM Account"})");
  REQUIRE(created.status == 200);
  CHECK(created.body.find("\"apiVersion\":60.0") != std::string::npos);  // a JSON number
  ordered_json job = ParseJson(created.body);
  std::string id = job["id"];
  CHECK(id.starts_with("750"));
  CHECK(job["state"] == "UploadComplete");
  CHECK(job["object"] == "Account");

  ClientResponse early = e.Rest("GET", kJobs + "/" + id + "/results");
  CHECK(early.status == 412);
  CHECK(early.body ==
        R"([{"errorCode":"JOB_NOT_COMPLETE","message":"can only download query results of )"
        R"(successfully completed bulk job with status: JOB_COMPLETE. Current status: UPLOAD_COMPLETE"}])");
  CHECK(Poll(e, id)["state"] == "InProgress");
  CHECK(ParseJson(e.Rest("GET", kJobs + "/" + id + "/results").body)[0]["message"].get<std::string>().ends_with(
      "IN_PROGRESS"));
  ordered_json done = Poll(e, id);
  CHECK(done["state"] == "JobComplete");
  CHECK(done["numberRecordsProcessed"] == 230);
  CHECK(done["jobType"] == "V2Query");

  int pages = 0;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows = AllResults(e, id, 100, &pages, &header);
  CHECK(pages == 3);
  CHECK(header == std::vector<std::string>{"Id", "Name", "Owner.Name"});
  REQUIRE(rows.size() == 230);
  std::vector<std::string> ids;
  for (const auto& row : rows) ids.push_back(row[0]);
  CHECK(std::set<std::string>(ids.begin(), ids.end()).size() == 230);
  // A locator can be fetched again: the second page twice is the same bytes.
  ClientResponse first = e.Rest("GET", kJobs + "/" + id + "/results?maxRecords=100");
  std::string locator(*first.headers.Get("Sforce-Locator"));
  CHECK(locator != "null");
  CHECK(e.Rest("GET", kJobs + "/" + id + "/results?maxRecords=100&locator=" + locator).body ==
        e.Rest("GET", kJobs + "/" + id + "/results?maxRecords=100&locator=" + locator).body);
  // Without maxRecords everything fits one page here.
  ClientResponse whole = e.Rest("GET", kJobs + "/" + id + "/results");
  CHECK(whole.headers.Get("Sforce-Locator") == std::optional<std::string_view>("null"));
  CHECK(whole.headers.Get("Sforce-NumberOfRecords") == std::optional<std::string_view>("230"));
  // gzip when asked.
  ClientResponse gzipped = e.Rest("GET", kJobs + "/" + id + "/results", "", {{"Accept-Encoding", "gzip"}});
  CHECK(gzipped.headers.Get("Content-Encoding") == std::optional<std::string_view>("gzip"));
  CHECK(gzipped.body == whole.body);

  CHECK(e.Rest("GET", "/services/data/v59.0/jobs/query/" + id + "/results").status == 409);
  CHECK(e.Rest("DELETE", kJobs + "/" + id).status == 204);
  ClientResponse gone = e.Rest("GET", kJobs + "/" + id);
  CHECK(gone.status == 404);
  CHECK(ParseJson(gone.body)[0].begin().key() == "errorCode");
}

TEST_CASE("CSV values: every value quoted, quotes doubled, newlines kept, nulls empty, Z datetimes") {
  RunningEmulator e;
  REQUIRE(e.Admin("POST", "/__emulator/records/Account", R"([
      {"Name":"Widgets \"R\" Us","Description":"line 1\nline 2","AnnualRevenue":1500000,"NumberOfEmployees":42,
       "SystemModstamp":"2024-04-30T12:34:56Z"}])")
              .status == 201);
  std::string id = CreateJob(e,
                             "SELECT Name, Description, AnnualRevenue, NumberOfEmployees, Phone, IsDeleted, "
                             "SystemModstamp, Parent.Name FROM Account WHERE Name LIKE 'Widgets%'");
  Poll(e, id);
  Poll(e, id);
  ClientResponse r = e.Rest("GET", kJobs + "/" + id + "/results");
  CHECK(r.body.starts_with(
      R"("Name","Description","AnnualRevenue","NumberOfEmployees","Phone","IsDeleted","SystemModstamp","Parent.Name")"
      "\n"));
  CHECK(r.body.find(R"("Widgets ""R"" Us","line 1)"
                    "\n"
                    R"(line 2","1500000.0","42",,"false","2024-04-30T12:34:56.000Z",)"
                    "\n") != std::string::npos);

  EmulatorConfig quoted = SmallOrgConfig();
  quoted.bulk_quote_nulls = true;
  RunningEmulator q(quoted);
  std::string job = CreateJob(q, "SELECT Id, Fax FROM Account WHERE Fax = null LIMIT 1", "query",
                              R"(,"columnDelimiter":"PIPE","lineEnding":"CRLF")");
  Poll(q, job);
  ordered_json info = Poll(q, job);
  CHECK(info["columnDelimiter"] == "PIPE");
  CHECK(info["lineEnding"] == "CRLF");
  std::string body = q.Rest("GET", kJobs + "/" + job + "/results").body;
  CHECK(body.starts_with("\"Id\"|\"Fax\"\r\n"));
  CHECK(body.ends_with("|\"\"\r\n"));
}

TEST_CASE("queryAll jobs include deleted rows, results are a snapshot taken at completion") {
  RunningEmulator e;
  std::vector<std::string> ids =
      ParseJson(e.Admin("POST", "/__emulator/records/Account", R"([{"Name":"Snap A"},{"Name":"Snap B"}])").body)["ids"];
  e.Admin("DELETE", "/__emulator/records/Account/" + ids[1]);
  std::string all = CreateJob(e, "SELECT Id, Name, IsDeleted FROM Account WHERE Name LIKE 'Snap%'", "queryAll");
  std::string live = CreateJob(e, "SELECT Id, Name FROM Account WHERE Name LIKE 'Snap%'");
  // Created after the job, before it ran: included, as Salesforce runs the query later.
  e.Admin("POST", "/__emulator/records/Account", R"([{"Name":"Snap C"}])");
  for (const std::string& job : {all, live}) {
    Poll(e, job);
    Poll(e, job);
  }
  e.Admin("PATCH", "/__emulator/records/Account/" + ids[0], R"({"Name":"Snap Renamed Later"})");
  std::vector<std::vector<std::string>> deleted = ParseCsv(e.Rest("GET", kJobs + "/" + all + "/results").body);
  CHECK(deleted.size() == 4);  // header + A, B (deleted), C
  CHECK(deleted[2][2] == "true");
  std::vector<std::vector<std::string>> rows = ParseCsv(e.Rest("GET", kJobs + "/" + live + "/results").body);
  REQUIRE(rows.size() == 3);
  CHECK(rows[1][1] == "Snap A");  // the rename came after completion
}

TEST_CASE("refusals at creation: aggregates, sub-queries, compound and base64 fields, bad SOQL") {
  RunningEmulator e;
  auto refused = [&](const std::string& body) {
    ClientResponse r = e.Rest("POST", kJobs, body);
    CHECK(r.status == 400);
    ordered_json error = ParseJson(r.body);
    CHECK(Keys(error[0]) == std::vector<std::string>{"errorCode", "message"});
    return error[0];
  };
  auto query = [](const std::string& soql) {
    return R"({"operation":"query","query":)" + ordered_json(soql).dump() + "}";
  };
  CHECK(refused(query("SELECT COUNT() FROM Account"))["errorCode"] == "FUNCTIONALITY_NOT_ENABLED");
  CHECK(refused(query("SELECT Industry, COUNT(Id) FROM Account GROUP BY Industry"))["errorCode"] ==
        "FUNCTIONALITY_NOT_ENABLED");
  CHECK(refused(query("SELECT Id, (SELECT Id FROM Contacts) FROM Account"))["message"] ==
        "Aggregate Relationships not supported in Bulk Query");
  CHECK(refused(query("SELECT Id, BillingAddress FROM Account"))["message"] ==
        "Selecting compound data not supported in Bulk Query");
  CHECK(refused(query("SELECT Id, DeliveryLocation__c FROM Invoice__c"))["errorCode"] == "FUNCTIONALITY_NOT_ENABLED");
  CHECK(refused(query("SELECT Id, Body FROM Attachment"))["errorCode"] == "FUNCTIONALITY_NOT_ENABLED");
  CHECK(refused(query("SELECT Idd FROM Account"))["errorCode"] == "INVALID_FIELD");
  CHECK(refused(query("SELECT Id FROM Accout"))["errorCode"] == "INVALID_TYPE");
  CHECK(refused(query("SELECT FROM Account"))["errorCode"] == "MALFORMED_QUERY");
  CHECK(refused(R"({"operation":"insert","query":"SELECT Id FROM Account"})")["errorCode"] == "INVALIDJOB");
  CHECK(refused(R"({"operation":"query","query":"SELECT Id FROM Account","columnDelimiter":"COLON"})")["errorCode"] ==
        "INVALIDJOB");
  CHECK(e.Rest("POST", "/services/data/v46.0/jobs/query", query("SELECT Id FROM Account")).status == 404);
}

TEST_CASE("a job whose query no longer compiles fails with errorMessage") {
  RunningEmulator e;
  std::string id = CreateJob(e, "SELECT Id, CustomerSince__c FROM Account");
  REQUIRE(e.Admin("DELETE", "/__emulator/schema/Account/fields/CustomerSince__c").status == 204);
  Poll(e, id);
  ordered_json failed = Poll(e, id);
  CHECK(failed["state"] == "Failed");
  CHECK(Keys(failed).back() == "errorMessage");
  CHECK(failed["errorMessage"].get<std::string>().starts_with("INVALID_FIELD : "));
  CHECK(ParseJson(e.Rest("GET", kJobs + "/" + id + "/results").body)[0]["message"].get<std::string>().ends_with(
      "FAILED"));
}

TEST_CASE("abort, the job list, and completion by emulator time") {
  EmulatorConfig config = SmallOrgConfig();
  config.bulk_job_polls = 1000;
  config.bulk_job_seconds = 30;
  RunningEmulator e(config);
  std::string aborted = CreateJob(e, "SELECT Id FROM Account");
  std::string timed = CreateJob(e, "SELECT Id FROM Contact");
  ClientResponse abort = e.Rest("PATCH", kJobs + "/" + aborted, R"({"state":"Aborted"})");
  REQUIRE(abort.status == 200);
  CHECK(ParseJson(abort.body)["state"] == "Aborted");
  CHECK(e.Rest("PATCH", kJobs + "/" + aborted, R"({"state":"Aborted"})").status == 400);
  CHECK(e.Rest("PATCH", kJobs + "/" + timed, R"({"state":"JobComplete"})").status == 400);
  CHECK(ParseJson(e.Rest("GET", kJobs + "/" + aborted + "/results").body)[0]["message"].get<std::string>().ends_with(
      "ABORTED"));

  ordered_json list = ParseJson(e.Rest("GET", kJobs).body);
  CHECK(Keys(list) == std::vector<std::string>{"done", "records", "nextRecordsUrl"});
  REQUIRE(list["records"].size() == 2);
  CHECK(list["records"][0]["id"] == aborted);
  CHECK(list["records"][0]["jobType"] == "V2Query");

  CHECK(Poll(e, timed)["state"] == "InProgress");
  CHECK(e.Rest("DELETE", kJobs + "/" + timed).status == 400);  // in progress
  e.Admin("POST", "/__emulator/clock", R"({"advance_seconds":30})");
  ordered_json done = Poll(e, timed);
  CHECK(done["state"] == "JobComplete");
  CHECK(done["totalProcessingTime"] == 30000);
  CHECK(e.Rest("DELETE", kJobs + "/" + aborted).status == 204);
}

}  // namespace
}  // namespace sfsync::emulator
