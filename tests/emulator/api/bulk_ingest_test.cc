// Bulk API 2.0 ingest jobs over a socket: the lifecycle and its JSON as recorded, insert,
// update with empty and #N/A cells, upsert, delete, per-record failures in failedResults, result
// order, abort and unprocessed records, a bad header, and the write log.
#include <doctest/doctest.h>

#include <set>

#include "tests/emulator/api/csv_reader.h"
#include "tests/emulator/testing/emulator_fixture.h"

namespace sfsync::emulator {
namespace {

using nlohmann::ordered_json;
using testing::ClientResponse;
using testing::ParseJson;
using testing::RunningEmulator;
using testing::SmallOrgConfig;

const std::string kIngest = "/services/data/v60.0/jobs/ingest";

std::vector<std::string> Keys(const ordered_json& object) {
  std::vector<std::string> keys;
  for (auto it = object.begin(); it != object.end(); ++it) keys.push_back(it.key());
  return keys;
}

EmulatorConfig Ordered(const std::string& order) {
  EmulatorConfig config = SmallOrgConfig();
  config.bulk_result_order = order;
  return config;
}

// Creates a job, uploads `csv`, closes it and polls it to completion; returns the job id.
std::string RunJob(RunningEmulator& e, const std::string& create, const std::string& csv,
                   const std::string& final_state = "JobComplete") {
  ClientResponse created = e.Rest("POST", kIngest, create);
  REQUIRE_MESSAGE(created.status == 200, created.body);
  std::string id = ParseJson(created.body)["id"];
  ClientResponse uploaded = e.Rest("PUT", kIngest + "/" + id + "/batches", csv);
  REQUIRE_MESSAGE(uploaded.status == 201, uploaded.body);
  REQUIRE(e.Rest("PATCH", kIngest + "/" + id, R"({"state":"UploadComplete"})").status == 200);
  ordered_json info;
  for (int poll = 0; poll < 5; ++poll) {
    info = ParseJson(e.RestGet(kIngest + "/" + id).body);
    if (info["state"] == final_state) break;
  }
  REQUIRE_MESSAGE(info["state"] == final_state, info.dump());
  return id;
}

std::vector<CsvRow> Csv(RunningEmulator& e, const std::string& id, const std::string& kind) {
  ClientResponse r = e.RestGet(kIngest + "/" + id + "/" + kind + "/");
  REQUIRE_MESSAGE(r.status == 200, r.body);
  CHECK(r.headers.Get("Content-Type") == std::optional<std::string_view>("text/csv"));
  std::string error;
  std::optional<std::vector<CsvRow>> rows = ReadCsv(r.body, ',', "\n", &error);
  REQUIRE_MESSAGE(rows.has_value(), error);
  return *rows;
}

TEST_CASE("bulk ingest: an insert job's lifecycle, its JSON as recorded, and successfulResults") {
  RunningEmulator e(Ordered("reversed"));
  ClientResponse created = e.Rest("POST", kIngest, R"({"object":"Account","operation":"insert","lineEnding":"LF"})");
  REQUIRE(created.status == 200);
  ordered_json job = ParseJson(created.body);
  CHECK(Keys(job) == std::vector<std::string>{"id", "operation", "object", "createdById", "createdDate",
                                               "systemModstamp", "state", "concurrencyMode", "contentType",
                                               "apiVersion", "contentUrl", "lineEnding", "columnDelimiter"});
  CHECK(job["state"] == "Open");
  CHECK(job["apiVersion"] == 60.0);
  std::string id = job["id"];
  CHECK(job["contentUrl"] == "services/data/v60.0/jobs/ingest/" + id + "/batches");
  // Results before completion.
  CHECK(e.RestGet(kIngest + "/" + id + "/successfulResults/").status == 412);
  REQUIRE(e.Rest("PUT", kIngest + "/" + id + "/batches",
                 "Name,Phone,Sfsync_Key__c\nBulk A,555-1,k-a\n\"Bulk \"\"B\"\", Inc\",,k-b\nBulk C,555-3,k-c\n")
              .status == 201);
  ClientResponse closed = e.Rest("PATCH", kIngest + "/" + id, R"({"state":"UploadComplete"})");
  REQUIRE(closed.status == 200);
  CHECK(Keys(ParseJson(closed.body)) ==
        Keys(ParseJson(R"({"id":1,"operation":1,"object":1,"createdById":1,"createdDate":1,"systemModstamp":1,
                           "state":1,"concurrencyMode":1,"contentType":1,"apiVersion":1})")));
  CHECK(ParseJson(closed.body)["state"] == "UploadComplete");
  // Nothing is saved before the job completes.
  CHECK(ParseJson(e.RestGet(kIngest + "/" + id).body)["state"] == "InProgress");
  CHECK(ParseJson(e.Query("SELECT COUNT() FROM Account WHERE Name LIKE 'Bulk %'").body)["totalSize"] == 0);
  ordered_json done = ParseJson(e.RestGet(kIngest + "/" + id).body);
  CHECK(done["state"] == "JobComplete");
  CHECK(done["jobType"] == "V2Ingest");
  CHECK(done["numberRecordsProcessed"] == 3);
  CHECK(done["numberRecordsFailed"] == 0);
  CHECK(Keys(done) == Keys(testing::ParseJson(R"({"id":1,"operation":1,"object":1,"createdById":1,"createdDate":1,
      "systemModstamp":1,"state":1,"concurrencyMode":1,"contentType":1,"apiVersion":1,"jobType":1,"lineEnding":1,
      "columnDelimiter":1,"numberRecordsProcessed":1,"numberRecordsFailed":1,"retries":1,"totalProcessingTime":1,
      "apiActiveProcessingTime":1,"apexProcessingTime":1})")));

  ClientResponse raw = e.RestGet(kIngest + "/" + id + "/successfulResults/");
  CHECK(raw.body.starts_with("\"sf__Id\",\"sf__Created\",Name,Phone,Sfsync_Key__c\n"));
  CHECK(raw.body.back() != '\n');  // as the recorded failedResults: no line ending after the last
  std::vector<CsvRow> rows = Csv(e, id, "successfulResults");
  REQUIRE(rows.size() == 4);
  // --bulk-result-order reversed.
  CHECK(rows[1][2] == "Bulk C");
  CHECK(rows[2][2] == "Bulk \"B\", Inc");
  CHECK(rows[2][3] == "");
  CHECK(rows[3][2] == "Bulk A");
  CHECK(rows[3][1] == "true");
  ordered_json saved = ParseJson(e.Query("SELECT Id, Phone FROM Account WHERE Sfsync_Key__c = 'k-a'").body);
  CHECK(saved["records"][0]["Id"] == rows[3][0]);
  CHECK(saved["records"][0]["Phone"] == "555-1");
  CHECK(Csv(e, id, "failedResults").size() == 1);  // the header only

  // The upload is in the write log, cell by cell as sent.
  ordered_json writes = ParseJson(e.Admin("GET", "/__emulator/writes").body);
  REQUIRE(writes.size() == 1);
  CHECK(writes[0]["method"] == "PUT");
  CHECK(writes[0]["object"] == "Account");
  CHECK(writes[0]["records"][1] == ordered_json::parse(R"({"Name":"Bulk \"B\", Inc","Phone":"","Sfsync_Key__c":"k-b"})"));
}

TEST_CASE("bulk ingest: update leaves empty cells alone, #N/A nulls, failures go to failedResults") {
  RunningEmulator e(Ordered("input"));
  std::vector<std::string> ids;
  ordered_json accounts = ParseJson(e.Query("SELECT Id FROM Account ORDER BY Id LIMIT 2").body);
  for (const ordered_json& r : accounts["records"]) ids.push_back(r["Id"]);
  REQUIRE(ids.size() == 2);
  REQUIRE(e.Admin("PATCH", "/__emulator/records/Account/" + ids[0], R"({"Phone":"111","Website":"a.example"})")
              .status == 204);
  REQUIRE(e.Admin("POST", "/__emulator/rules/Account",
                  R"({"name":"NoNeg","field":"AnnualRevenue","condition":"<","value":0,"message":"No negatives"})")
              .status == 201);
  std::string id = RunJob(e, R"({"object":"Account","operation":"update"})",
                          "Id,Phone,Website,AnnualRevenue\n" + ids[0] + ",,#N/A,10\n" + ids[1] + ",222,,-5\n" +
                              "001000000000000AAA,333,,\n");
  ordered_json info = ParseJson(e.RestGet(kIngest + "/" + id).body);
  CHECK(info["numberRecordsProcessed"] == 3);
  CHECK(info["numberRecordsFailed"] == 2);
  ordered_json first = ParseJson(e.RestGet("/services/data/v60.0/sobjects/Account/" + ids[0] + "?fields=Phone,Website,AnnualRevenue").body);
  CHECK(first["Phone"] == "111");        // empty: unchanged
  CHECK(first["Website"].is_null());     // #N/A: null
  CHECK(first["AnnualRevenue"] == 10.0);
  std::vector<CsvRow> succeeded = Csv(e, id, "successfulResults");
  REQUIRE(succeeded.size() == 2);
  CHECK(succeeded[1][0] == ids[0]);
  CHECK(succeeded[1][1] == "false");
  std::vector<CsvRow> failed = Csv(e, id, "failedResults");
  REQUIRE(failed.size() == 3);
  CHECK(failed[0] == CsvRow{"sf__Id", "sf__Error", "Id", "Phone", "Website", "AnnualRevenue"});
  CHECK(failed[1][0] == ids[1]);
  CHECK(failed[1][1] == "FIELD_CUSTOM_VALIDATION_EXCEPTION:No negatives:AnnualRevenue --");
  CHECK(failed[1][5] == "-5");
  CHECK(failed[2][1].starts_with("INVALID_CROSS_REFERENCE_KEY:"));
  ordered_json second = ParseJson(e.RestGet("/services/data/v60.0/sobjects/Account/" + ids[1] + "?fields=Phone").body);
  CHECK(second["Phone"] != "222");
}

TEST_CASE("bulk ingest: upsert on Sfsync_Key__c, insert failures, delete") {
  RunningEmulator e(Ordered("input"));
  const std::string upsert = R"({"object":"Contact","operation":"upsert","externalIdFieldName":"Sfsync_Key__c"})";
  std::string first = RunJob(e, upsert, "Sfsync_Key__c,LastName\nc-1,One\nc-2,Two\n");
  std::vector<CsvRow> created = Csv(e, first, "successfulResults");
  REQUIRE(created.size() == 3);
  CHECK(created[1][1] == "true");
  std::string second = RunJob(e, upsert, "Sfsync_Key__c,LastName\nc-1,Uno\nc-3,\n");
  std::vector<CsvRow> again = Csv(e, second, "successfulResults");
  REQUIRE(again.size() == 2);
  CHECK(again[1][0] == created[1][0]);
  CHECK(again[1][1] == "false");
  std::vector<CsvRow> failed = Csv(e, second, "failedResults");
  REQUIRE(failed.size() == 2);
  CHECK(failed[1][0] == "");
  CHECK(failed[1][1] == "REQUIRED_FIELD_MISSING:Required fields are missing: [LastName]:LastName --");
  CHECK(ParseJson(e.Query("SELECT LastName FROM Contact WHERE Sfsync_Key__c = 'c-1'").body)["records"][0]["LastName"] ==
        "Uno");

  std::string deleted = RunJob(e, R"({"object":"Contact","operation":"delete"})", "Id\n" + created[2][0] + "\n");
  CHECK(Csv(e, deleted, "successfulResults").size() == 2);
  CHECK(ParseJson(e.Query("SELECT COUNT() FROM Contact WHERE Sfsync_Key__c = 'c-2'").body)["totalSize"] == 0);
}

TEST_CASE("bulk ingest: results are shuffled by default, abort leaves everything unprocessed, bad headers fail") {
  RunningEmulator e;
  std::string csv = "Name\n";
  for (int i = 0; i < 20; ++i) csv += "Shuffled " + std::to_string(100 + i) + "\n";
  std::string id = RunJob(e, R"({"object":"Account","operation":"insert"})", csv);
  std::vector<CsvRow> rows = Csv(e, id, "successfulResults");
  REQUIRE(rows.size() == 21);
  std::vector<std::string> names;
  std::set<std::string> distinct;
  for (size_t i = 1; i < rows.size(); ++i) {
    names.push_back(rows[i][2]);
    distinct.insert(rows[i][2]);
  }
  CHECK(distinct.size() == 20);
  CHECK_FALSE(std::is_sorted(names.begin(), names.end()));

  ClientResponse created = e.Rest("POST", kIngest, R"({"object":"Account","operation":"insert"})");
  std::string aborted = ParseJson(created.body)["id"];
  REQUIRE(e.Rest("PUT", kIngest + "/" + aborted + "/batches", "Name\nNever saved\n").status == 201);
  ClientResponse abort = e.Rest("PATCH", kIngest + "/" + aborted, R"({"state":"Aborted"})");
  REQUIRE(abort.status == 200);
  CHECK(ParseJson(abort.body)["state"] == "Aborted");
  std::vector<CsvRow> unprocessed = Csv(e, aborted, "unprocessedrecords");
  CHECK(unprocessed == std::vector<CsvRow>{{"Name"}, {"Never saved"}});
  CHECK(ParseJson(e.Query("SELECT COUNT() FROM Account WHERE Name = 'Never saved'").body)["totalSize"] == 0);
  CHECK(e.Rest("PUT", kIngest + "/" + aborted + "/batches", "Name\nLate\n").status == 409);

  std::string bad = RunJob(e, R"({"object":"Account","operation":"insert"})", "Name,Nope__c\nx,y\n", "Failed");
  CHECK(ParseJson(e.RestGet(kIngest + "/" + bad).body)["errorMessage"] == "InvalidBatch : Field name not found : Nope__c");

  // Refused at creation.
  CHECK(e.Rest("POST", kIngest, R"({"object":"Account","operation":"merge"})").status == 400);
  CHECK(e.Rest("POST", kIngest, R"({"object":"Nope","operation":"insert"})").status == 400);
  CHECK(e.Rest("POST", kIngest, R"({"object":"Account","operation":"upsert","externalIdFieldName":"Phone"})").status ==
        400);
  CHECK(e.Rest("POST", "/services/data/v46.0/jobs/ingest", R"({"object":"Account","operation":"insert"})").status ==
        404);
}

TEST_CASE("csv reader: quotes, embedded line breaks, CRLF and a bare CR kept in LF jobs") {
  std::string error;
  std::optional<std::vector<CsvRow>> rows = ReadCsv("a,\"b,\"\"c\"\"\nd\"\r\n1,\r\n", ',', "\r\n", &error);
  REQUIRE(rows.has_value());
  CHECK(*rows == std::vector<CsvRow>{{"a", "b,\"c\"\nd"}, {"1", ""}});
  std::optional<std::vector<CsvRow>> lf = ReadCsv("a\r\nb\r\n", ',', "\n", &error);
  REQUIRE(lf.has_value());
  CHECK((*lf)[0][0] == "a\r");
  CHECK_FALSE(ReadCsv("\"open", ',', "\n", &error).has_value());
  CHECK(QuoteCsv("x\"y") == "\"x\"\"y\"");
}

}  // namespace
}  // namespace sfsync::emulator
