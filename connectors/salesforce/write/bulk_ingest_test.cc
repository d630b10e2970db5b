// Bulk API 2.0 ingest against the scripted transport: the CSV as Salesforce reads it (#N/A for
// null, empty for "unchanged"), results matched by key whatever their order, the job deleted.
#include "connectors/salesforce/write/bulk_ingest.h"

#include <doctest/doctest.h>

#include "connectors/salesforce/testing/fake_session.h"
#include "connectors/salesforce/testing/recording_clock.h"

namespace sfsync::salesforce {
namespace {

using testing::FakeTransport;
using testing::JsonResponse;
using testing::kInstanceUrl;

HttpResponse Csv(const std::string& body) {
  HttpResponse r;
  r.status = 200;
  r.headers = {{"Content-Type", "text/csv"}};
  r.body = body;
  return r;
}

IngestRequest Updates() {
  IngestRequest r;
  r.object = "Account";
  r.operation = "update";
  r.records = {{"001A00000000001AAA", {{"Phone", Cell::Text("1, \"one\"")}}},
               {"001A00000000002AAA", {{"Phone", Cell::Null()}, {"Industry", Cell::Text("Energy")}}},
               {"001A00000000003AAA", {{"Industry", Cell::Text("")}}}};
  r.keys = {"001A00000000001AAA", "001A00000000002AAA", "001A00000000003AAA"};
  return r;
}

TEST_CASE("the ingest CSV quotes text, sends #N/A for null and leaves fields a record does not set empty") {
  CHECK(IngestCsv(Updates()) ==
        "Id,Phone,Industry\n"
        "\"001A00000000001AAA\",\"1, \"\"one\"\"\",\n"
        "\"001A00000000002AAA\",#N/A,\"Energy\"\n"
        "\"001A00000000003AAA\",,#N/A\n");
}

TEST_CASE("an sf__Error cell gives the status code, the message and the fields") {
  RecordError e = ParseIngestError("FIELD_CUSTOM_VALIDATION_EXCEPTION:Employees must not be negative:NumberOfEmployees --");
  CHECK(e.status_code == "FIELD_CUSTOM_VALIDATION_EXCEPTION");
  CHECK(e.message == "Employees must not be negative");
  CHECK(e.fields == std::vector<std::string>{"NumberOfEmployees"});
  e = ParseIngestError("REQUIRED_FIELD_MISSING:Required fields are missing: [Name]:Name,Phone --");
  CHECK(e.message == "Required fields are missing: [Name]");
  CHECK(e.fields == std::vector<std::string>{"Name", "Phone"});
  e = ParseIngestError("INVALID_CROSS_REFERENCE_KEY:invalid cross reference id");
  CHECK(e.message == "invalid cross reference id");
  CHECK(e.fields.empty());
}

TEST_CASE("an ingest job's results are matched by key, not by position, and the job is deleted") {
  FakeTransport fake;
  testing::RecordingClock clock(1714557600000);
  auto session = testing::NewFakeSession(&fake, &clock);
  const std::string jobs = std::string(kInstanceUrl) + "/services/data/v60.0/jobs/ingest";
  fake.On("POST", jobs).Then(JsonResponse(200, R"({"id":"7500000000000AAA","state":"Open"})"));
  fake.On("PUT", jobs + "/7500000000000AAA/batches").Then(JsonResponse(201, ""));
  fake.On("PATCH", jobs + "/7500000000000AAA").Then(JsonResponse(200, R"({"state":"UploadComplete"})"));
  fake.On("GET", jobs + "/7500000000000AAA")
      .Times(1, JsonResponse(200, R"({"state":"InProgress"})"))
      .Then(JsonResponse(200, R"({"state":"JobComplete","numberRecordsProcessed":3,"numberRecordsFailed":1})"));
  // Reversed: the order of results is not the upload's.
  fake.On("GET", jobs + "/7500000000000AAA/successfulResults/")
      .Then(Csv("\"sf__Id\",\"sf__Created\",\"Id\",\"Industry\"\n"
                "\"001A00000000003AAA\",\"false\",\"001A00000000003AAA\",\"\"\n"
                "\"001A00000000001AAA\",\"false\",\"001A00000000001AAA\",\"\"\n"));
  fake.On("GET", jobs + "/7500000000000AAA/failedResults/")
      .Then(Csv("\"sf__Id\",\"sf__Error\",\"Id\"\n\"001A00000000002AAA\",\"FIELD_CUSTOM_VALIDATION_EXCEPTION:Needs a "
                "phone:Phone --\",\"001A00000000002AAA\"\n"));
  fake.On("GET", jobs + "/7500000000000AAA/unprocessedrecords/").Then(Csv("\"Id\"\n"));
  fake.On("DELETE", jobs + "/7500000000000AAA").Then(JsonResponse(204, ""));
  IngestOptions options;
  options.poll_initial = std::chrono::milliseconds(1);
  auto results = RunIngestJob(session.client.get(), &clock, Updates(), options);
  REQUIRE(results.ok());
  CHECK((*results)[0].success);
  CHECK_FALSE((*results)[1].success);
  CHECK((*results)[1].errors[0].status_code == "FIELD_CUSTOM_VALIDATION_EXCEPTION");
  CHECK((*results)[2].success);
  CHECK(fake.CountRequests("DELETE", jobs + "/7500000000000AAA") == 1);
}

TEST_CASE("a record no result list mentions makes the job's outcome unknown") {
  FakeTransport fake;
  testing::RecordingClock clock(1714557600000);
  auto session = testing::NewFakeSession(&fake, &clock);
  const std::string jobs = std::string(kInstanceUrl) + "/services/data/v60.0/jobs/ingest";
  fake.On("POST", jobs).Then(JsonResponse(200, R"({"id":"7500000000000AAA","state":"Open"})"));
  fake.On("PUT", jobs + "/7500000000000AAA/batches").Then(JsonResponse(201, ""));
  fake.On("PATCH", jobs + "/7500000000000AAA").Then(JsonResponse(200, "{}"));
  fake.On("GET", jobs + "/7500000000000AAA").Then(JsonResponse(200, R"({"state":"JobComplete"})"));
  fake.On("GET", jobs + "/7500000000000AAA/successfulResults/").Then(Csv("\"sf__Id\",\"sf__Created\",\"Id\"\n"));
  fake.On("GET", jobs + "/7500000000000AAA/failedResults/").Then(Csv("\"sf__Id\",\"sf__Error\",\"Id\"\n"));
  fake.On("GET", jobs + "/7500000000000AAA/unprocessedrecords/").Then(Csv("\"Id\"\n"));
  fake.On("DELETE", jobs + "/7500000000000AAA").Then(JsonResponse(204, ""));
  auto results = RunIngestJob(session.client.get(), &clock, Updates());
  CHECK(results.status().code() == StatusCode::kDataLoss);
  CHECK(fake.CountRequests("DELETE", jobs + "/7500000000000AAA") == 1);
}

}  // namespace
}  // namespace sfsync::salesforce
