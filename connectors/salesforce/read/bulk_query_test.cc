// StartBulkQuery: a Bulk API 2.0 query job from creation to deletion, against a scripted transport.
#include "connectors/salesforce/read/bulk_query.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "connectors/salesforce/testing/drain.h"
#include "connectors/salesforce/testing/fake_org.h"
#include "connectors/salesforce/testing/fake_transport.h"
#include "connectors/salesforce/testing/fixtures.h"
#include "connectors/salesforce/testing/recording_clock.h"
#include "engine/core/exit_codes.h"

namespace sfsync::salesforce {
namespace {

using testing::DrainIds;
using testing::FakeTransport;
using testing::JsonResponse;
using testing::kInstanceUrl;
using testing::kLoginUrl;
using testing::kTokenUrl;
using testing::ReadFixture;
using testing::RecordingClock;
using testing::TokenBody;

const std::string kSoql = "SELECT Id, Name, Account.Name FROM Contact";
const std::string kJobId = "750R0000000zlh9IAA";
const std::string kJobsUrl = std::string(kInstanceUrl) + "/services/data/v60.0/jobs/query";
const std::string kJobUrl = kJobsUrl + "/" + kJobId;
const std::string kResultsUrl = kJobUrl + "/results";
const std::string kFirstPageUrl = kResultsUrl + "?maxRecords=50000";
const std::string kSecondPageUrl = kResultsUrl + "?maxRecords=50000&locator=MTAwMDA";

std::string JobInfo(const std::string& state, const std::string& extra = "") {
  return R"({"id":")" + kJobId + R"(","operation":"query","object":"Contact","state":")" + state +
         R"(","concurrencyMode":"Parallel","contentType":"CSV","apiVersion":60.0,"jobType":"V2Query",)" +
         R"("lineEnding":"LF","columnDelimiter":"COMMA","numberRecordsProcessed":3,"retries":0)" + extra + "}";
}

// The recorded create answer (bulk2_job_create.json), with our job id.
std::string CreateAnswer() {
  std::string body = ReadFixture("bulk2_job_create.json");
  body.replace(body.find("750ak000009AVi5AAG"), kJobId.size(), kJobId);
  return body;
}

HttpResponse CsvPage(const std::string& body, const std::string& locator, int records) {
  HttpResponse response;
  response.status = 200;
  response.headers = {{"Content-Type", "text/csv"},
                      {"Sforce-Locator", locator},
                      {"Sforce-NumberOfRecords", std::to_string(records)},
                      {"Date", "Tue, 02 Jan 2024 17:40:30 GMT"}};
  response.body = body;
  return response;
}

const std::string kPage1 =
    "\"Id\",\"Name\",\"Account.Name\"\n"
    "\"003A\",\"Jane Dunn\",\"Acme\"\n"
    "\"003B\",\"Sam \"\"Q\"\" Lee\",\"\"\n";
const std::string kPage2 =
    "\"Id\",\"Name\",\"Account.Name\"\n"
    "\"003C\",\"Line\nBreak\",\"Globex, Inc.\"\n";

struct Org {
  FakeTransport fake;
  RecordingClock clock{1700000000000};
  std::unique_ptr<TokenProvider> tokens;
  std::unique_ptr<RestClient> client;

  explicit Org(const std::string& api_version = "60.0") {
    fake.On("POST", kTokenUrl).Then(JsonResponse(200, TokenBody("00Dxx!token-1")));
    OAuthSettings settings;
    settings.flow = "refresh_token";
    settings.login_url = kLoginUrl;
    settings.client_id = "3MVG9client";
    settings.refresh_token = "5Aep861refresh";
    tokens = std::move(NewTokenProvider(settings, &fake, &clock).value());
    RestOptions options;
    options.api_version = api_version;
    client = std::make_unique<RestClient>(&fake, tokens.get(), &clock, options);
    fake.On("POST", kJobsUrl).Then(JsonResponse(200, CreateAnswer()));
    fake.On("DELETE", kJobUrl).Then(JsonResponse(204, ""));
    fake.On("PATCH", kJobUrl).Then(JsonResponse(200, JobInfo("Aborted")));
  }

  // Create -> InProgress -> JobComplete -> two results pages -> "null".
  void ScriptTwoPageJob() {
    fake.On("GET", kJobUrl)
        .Times(1, JsonResponse(200, JobInfo("InProgress")))
        .Then(JsonResponse(200, JobInfo("JobComplete")));
    fake.On("GET", kFirstPageUrl).Then(CsvPage(kPage1, "MTAwMDA", 2));
    fake.On("GET", kSecondPageUrl).Then(CsvPage(kPage2, "null", 1));
  }

  std::unique_ptr<QueryCursor> Start(QueryOptions options = Options(), BulkQueryOptions bulk = {}) {
    auto cursor = StartBulkQuery(client.get(), &clock, kSoql, options, bulk);
    INFO(cursor.status().ToString());
    REQUIRE(cursor.ok());
    return std::move(*cursor);
  }

  static QueryOptions Options() {
    QueryOptions options;
    options.columns = {"Id", "Name", "Account.Name"};
    return options;
  }

  // Requests other than the token call, as "METHOD url".
  std::vector<std::string> Calls() const {
    std::vector<std::string> calls;
    for (const HttpRequest& r : fake.requests()) {
      if (r.url != kTokenUrl) calls.push_back(r.method + " " + r.url);
    }
    return calls;
  }
};

TEST_CASE("a job is created, polled to JobComplete, read in two pages by locator and deleted") {
  for (bool prefetch : {false, true}) {
    CAPTURE(prefetch);
    Org org;
    org.ScriptTwoPageJob();
    QueryOptions options = Org::Options();
    options.prefetch = prefetch;
    auto cursor = org.Start(options);
    // a) Creation alone: one POST, nothing polled yet.
    CHECK(org.Calls() == std::vector<std::string>{"POST " + kJobsUrl});

    // b) The first page, after two polls, with values as the CSV said.
    QueryPage page;
    REQUIRE(cursor->Next(&page));
    CHECK(page.rows.columns == std::vector<std::string>{"Id", "Name", "Account.Name"});
    REQUIRE(page.rows.rows() == 2);
    CHECK(page.rows.at(0, 0) == Cell::Text("003A"));
    CHECK(page.rows.at(0, 2) == Cell::Text("Acme"));
    CHECK(page.rows.at(1, 1) == Cell::Text("Sam \"Q\" Lee"));
    CHECK(page.rows.at(1, 2).is_null());
    CHECK(page.total_size == 3);
    CHECK_FALSE(page.done);
    CHECK(page.server_date_millis == 1704217230000);

    // c) The second page is the last: Sforce-Locator is the string "null".
    REQUIRE(cursor->Next(&page));
    REQUIRE(page.rows.rows() == 1);
    CHECK(page.rows.at(0, 1) == Cell::Text("Line\nBreak"));
    CHECK(page.rows.at(0, 2) == Cell::Text("Globex, Inc."));
    CHECK(page.done);
    CHECK_FALSE(cursor->Next(&page));
    CHECK(cursor->status().ok());
    CHECK(cursor->pages_fetched() == 2);

    // d) Exactly these calls, all on the version that created the job, and the job deleted (not
    //    aborted: it completed).
    CHECK(org.Calls() == std::vector<std::string>{"POST " + kJobsUrl, "GET " + kJobUrl, "GET " + kJobUrl,
                                                  "GET " + kFirstPageUrl, "GET " + kSecondPageUrl,
                                                  "DELETE " + kJobUrl});
    cursor.reset();
    CHECK(org.fake.CountRequests("DELETE", kJobUrl) == 1);
    CHECK(org.client->server_info().api_calls == 6);
  }
}

TEST_CASE("the create request asks for CSV with commas and LF, and results for text/csv") {
  Org org;
  org.ScriptTwoPageJob();
  auto cursor = org.Start();
  CHECK(DrainIds(cursor.get()) == std::vector<std::string>{"003A", "003B", "003C"});
  for (const HttpRequest& r : org.fake.requests()) {
    if (r.method == "POST" && r.url == kJobsUrl) {
      nlohmann::json body = nlohmann::json::parse(r.body);
      CHECK(body["operation"] == "query");
      CHECK(body["query"] == kSoql);
      CHECK(body["contentType"] == "CSV");
      CHECK(body["columnDelimiter"] == "COMMA");
      CHECK(body["lineEnding"] == "LF");
      CHECK(*FindHeader(r.headers, "Content-Type") == "application/json");
    }
    if (r.url.find("/results") != std::string::npos) {
      CHECK(*FindHeader(r.headers, "Accept") == "text/csv");
      int accepts = 0;
      for (const auto& [name, value] : r.headers) accepts += name == "Accept";
      CHECK(accepts == 1);
    }
  }
}

TEST_CASE("include_deleted creates a queryAll job") {
  Org org;
  org.ScriptTwoPageJob();
  QueryOptions options = Org::Options();
  options.include_deleted = true;
  auto cursor = org.Start(options);
  CHECK(DrainIds(cursor.get()).size() == 3);
  CHECK(nlohmann::json::parse(org.fake.requests()[1].body)["operation"] == "queryAll");
}

TEST_CASE("maxRecords follows the option, and a missing Sforce-Locator ends the results too") {
  Org org;
  org.fake.On("GET", kJobUrl).Then(JsonResponse(200, JobInfo("JobComplete")));
  HttpResponse last = CsvPage(kPage1, "", 2);
  last.headers.erase(last.headers.begin() + 1);  // no Sforce-Locator at all
  org.fake.On("GET", kResultsUrl + "?maxRecords=1000").Then(last);
  BulkQueryOptions bulk;
  bulk.max_records = 1000;
  auto cursor = org.Start(Org::Options(), bulk);
  CHECK(DrainIds(cursor.get()) == std::vector<std::string>{"003A", "003B"});
  CHECK(cursor->status().ok());
}

TEST_CASE("polling: at once, then after 0.5 s, doubling to the 5 s cap, on the clock") {
  Org org;
  std::vector<int64_t> polled_at;
  int polls = 0;
  org.fake.OnRequest("GET", kJobUrl, [&](const HttpRequest&) {
    polled_at.push_back(org.clock.NowMillis());
    return JsonResponse(200, JobInfo(++polls < 8 ? (polls == 1 ? "UploadComplete" : "InProgress") : "JobComplete"));
  });
  org.fake.On("GET", kFirstPageUrl).Then(CsvPage(kPage1, "null", 2));
  auto cursor = org.Start();
  CHECK(DrainIds(cursor.get()).size() == 2);
  REQUIRE(polled_at.size() == 8);
  std::vector<int64_t> gaps;
  for (size_t i = 1; i < polled_at.size(); ++i) gaps.push_back(polled_at[i] - polled_at[i - 1]);
  CHECK(gaps == std::vector<int64_t>{500, 1000, 2000, 4000, 5000, 5000, 5000});
  CHECK(polled_at[0] == 1700000000000);
}

TEST_CASE("a Failed job ends the cursor with its errorMessage, and is deleted without an abort") {
  Org org;
  org.fake.On("GET", kJobUrl)
      .Times(1, JsonResponse(200, JobInfo("InProgress")))
      .Then(JsonResponse(200, JobInfo("Failed", R"(,"errorMessage":"InvalidBatch : Field name not found : Foo__c")")));
  auto cursor = org.Start();
  QueryPage page;
  CHECK_FALSE(cursor->Next(&page));
  CHECK(cursor->status().code() == StatusCode::kFailedPrecondition);
  CHECK(cursor->status().reason() == "bulk.failed");
  CHECK(cursor->status().message().find("Field name not found : Foo__c") != std::string::npos);
  CHECK(cursor->status().message().find(kJobId) != std::string::npos);
  CHECK(org.fake.CountRequests("GET", kResultsUrl) == 0);
  CHECK(org.fake.CountRequests("PATCH", kJobUrl) == 0);
  CHECK(org.fake.CountRequests("DELETE", kJobUrl) == 1);
  cursor.reset();
  CHECK(org.fake.CountRequests("DELETE", kJobUrl) == 1);  // once, not again on destruction
}

TEST_CASE("an Aborted job, with or without errorMessage, ends the cursor as bulk.aborted") {
  Org org;
  org.fake.On("GET", kJobUrl).Then(JsonResponse(200, JobInfo("Aborted")));
  auto cursor = org.Start();
  QueryPage page;
  CHECK_FALSE(cursor->Next(&page));
  CHECK(cursor->status().reason() == "bulk.aborted");
  CHECK(cursor->status().message().find("no errorMessage") != std::string::npos);
}

TEST_CASE("412 JOB_NOT_COMPLETE on the results sends the cursor back to polling, then it reads") {
  Org org;
  org.fake.On("GET", kJobUrl).Then(JsonResponse(200, JobInfo("JobComplete")));
  const std::string not_complete =
      R"([{"errorCode":"JOB_NOT_COMPLETE","message":"can only download query results of successfully completed bulk job with status: JOB_COMPLETE. Current status: IN_PROGRESS"}])";
  org.fake.On("GET", kFirstPageUrl).Times(2, JsonResponse(412, not_complete)).Then(CsvPage(kPage1, "null", 2));
  auto cursor = org.Start();
  CHECK(DrainIds(cursor.get()) == std::vector<std::string>{"003A", "003B"});
  CHECK(cursor->status().ok());
  CHECK(org.fake.CountRequests("GET", kJobUrl) == 3);
  CHECK(org.fake.CountRequests("GET", kFirstPageUrl) == 3);
}

TEST_CASE("412 that never clears ends the cursor with it after a bounded number of polls") {
  Org org;
  org.fake.On("GET", kJobUrl).Then(JsonResponse(200, JobInfo("JobComplete")));
  org.fake.On("GET", kFirstPageUrl).Then(JsonResponse(412, R"([{"errorCode":"JOB_NOT_COMPLETE","message":"no"}])"));
  auto cursor = org.Start();
  QueryPage page;
  CHECK_FALSE(cursor->Next(&page));
  CHECK(cursor->status().code() == StatusCode::kFailedPrecondition);
  CHECK(cursor->status().reason() == "JOB_NOT_COMPLETE");
  CHECK(org.fake.CountRequests("GET", kFirstPageUrl) == 4);
  CHECK(org.fake.CountRequests("DELETE", kJobUrl) == 1);
}

TEST_CASE("a truncated page is fetched again, by the same locator, and the cursor carries on") {
  Org org;
  org.ScriptTwoPageJob();
  // Cut at a record boundary: only Sforce-NumberOfRecords shows rows are missing.
  const std::string cut = kPage1.substr(0, kPage1.find("\"003B\""));
  org.fake.On("GET", kSecondPageUrl)
      .Times(1, CsvPage(kPage2.substr(0, 30), "null", 1))
      .Then(CsvPage(kPage2, "null", 1));
  org.fake.On("GET", kFirstPageUrl).Times(1, CsvPage(cut, "MTAwMDA", 2)).Then(CsvPage(kPage1, "MTAwMDA", 2));
  auto cursor = org.Start();
  CHECK(DrainIds(cursor.get()) == std::vector<std::string>{"003A", "003B", "003C"});
  CHECK(cursor->status().ok());
  CHECK(org.fake.CountRequests("GET", kFirstPageUrl) == 2);
  CHECK(org.fake.CountRequests("GET", kSecondPageUrl) == 2);
}

TEST_CASE("a page malformed twice ends the cursor with DataLoss after the rows before it") {
  Org org;
  org.ScriptTwoPageJob();
  org.fake.On("GET", kSecondPageUrl).Then(CsvPage("\"Id\",\"Name\"\n\"003C\",\"x\"\n", "null", 1));
  auto cursor = org.Start();
  CHECK(DrainIds(cursor.get()) == std::vector<std::string>{"003A", "003B"});
  CHECK(cursor->status().code() == StatusCode::kDataLoss);
  CHECK(cursor->status().message().find("Account.Name") != std::string::npos);
  CHECK(org.fake.CountRequests("DELETE", kJobUrl) == 1);
}

const std::string kHeaderOnly = "\"Id\",\"Name\",\"Account.Name\"\n";

std::string PageUrl(const std::string& locator) { return kResultsUrl + "?maxRecords=50000&locator=" + locator; }

// The cursor refused what the server sent: DataLoss (exit code 6) with `reason`.
void CheckRefused(const Status& status, const std::string& reason) {
  CHECK(status.code() == StatusCode::kDataLoss);
  CHECK(status.reason() == reason);
  CHECK(ExitCodeFor(status) == kExitUnavailable);
}

int ResultRequests(const Org& org) {
  int n = 0;
  for (const HttpRequest& r : org.fake.requests()) n += r.url.find("/results") != std::string::npos;
  return n;
}

TEST_CASE("results that point again to an Sforce-Locator already followed end the cursor at once") {
  Org org;
  org.fake.On("GET", kJobUrl).Then(JsonResponse(200, JobInfo("JobComplete")));
  org.fake.On("GET", kFirstPageUrl).Then(CsvPage(kPage1, "MTAwMDA", 2));
  org.fake.On("GET", kSecondPageUrl).Then(CsvPage(kHeaderOnly, "MTAwMDA", 0));  // the same locator again
  auto cursor = org.Start();
  CHECK(DrainIds(cursor.get()) == std::vector<std::string>{"003A", "003B"});
  const Status& status = cursor->status();
  CheckRefused(status, "cursor.stuck");
  CHECK(status.message().find("Bulk job " + kJobId + " results stuck") != std::string::npos);
  CHECK(status.message().find("Sforce-Locator MTAwMDA, which this cursor had already followed") != std::string::npos);
  CHECK(status.message().find("after 2 pages and 2 requests") != std::string::npos);
  CHECK(cursor->pages_fetched() == 1);
  CHECK(ResultRequests(org) == 2);
  CHECK(org.fake.CountRequests("DELETE", kJobUrl) == 1);
}

TEST_CASE("empty results pages that are not the last: the third in a row ends the cursor") {
  Org org;
  org.fake.On("GET", kJobUrl).Then(JsonResponse(200, JobInfo("JobComplete")));
  org.fake.On("GET", kFirstPageUrl).Then(CsvPage(kHeaderOnly, "L1", 0));
  org.fake.On("GET", PageUrl("L1")).Then(CsvPage(kHeaderOnly, "L2", 0));
  org.fake.On("GET", PageUrl("L2")).Then(CsvPage(kHeaderOnly, "L3", 0));
  org.fake.On("GET", PageUrl("L3")).Then(CsvPage(kPage1, "null", 2));
  auto cursor = org.Start();
  CHECK(DrainIds(cursor.get()).empty());
  CheckRefused(cursor->status(), "cursor.stuck");
  CHECK(cursor->status().message().find("3 pages in a row that are not the last and hold no rows") !=
        std::string::npos);
  CHECK(ResultRequests(org) == 3);
  CHECK(org.fake.CountRequests("DELETE", kJobUrl) == 1);
}

TEST_CASE("results holding more rows than the job's numberRecordsProcessed end the cursor") {
  Org org;  // JobInfo says numberRecordsProcessed 3
  org.fake.On("GET", kJobUrl).Then(JsonResponse(200, JobInfo("JobComplete")));
  org.fake.On("GET", kFirstPageUrl).Then(CsvPage(kPage1, "MTAwMDA", 2));
  org.fake.On("GET", kSecondPageUrl).Then(CsvPage(kPage1, "null", 2));  // 4 rows in all
  auto cursor = org.Start();
  CHECK(DrainIds(cursor.get()) == std::vector<std::string>{"003A", "003B"});
  const Status& status = cursor->status();
  CheckRefused(status, "cursor.overrun");
  CHECK(status.message().find("4 rows in 2 pages, where the job reported numberRecordsProcessed 3") !=
        std::string::npos);
  CHECK(org.fake.CountRequests("DELETE", kJobUrl) == 1);
}

TEST_CASE("a job info without numberRecordsProcessed bounds no row count") {
  Org org;
  std::string info = JobInfo("JobComplete");
  info.replace(info.find(R"("numberRecordsProcessed":3,)"), 27, "");
  org.fake.On("GET", kJobUrl).Then(JsonResponse(200, info));
  org.fake.On("GET", kFirstPageUrl).Then(CsvPage(kPage1, "MTAwMDA", 2));
  org.fake.On("GET", kSecondPageUrl).Then(CsvPage(kPage1, "null", 2));
  auto cursor = org.Start();
  CHECK(DrainIds(cursor.get()).size() == 4);
  CHECK(cursor->status().ok());
}

TEST_CASE("refusals that mean Bulk cannot run the query become bulk.unsupported, before any cursor") {
  struct Case {
    int status;
    std::string body;
  };
  const std::vector<Case> cases = {
      {400, ReadFixture("error_bulk2_invalidentity.json")},
      {400,
       R"([{"errorCode":"FUNCTIONALITY_NOT_ENABLED","message":"Selecting compound data not supported in Bulk Query"}])"},
      {400, R"([{"errorCode":"INVALIDJOB","message":"Selecting compound data not supported in Bulk Query"}])"},
      {400, R"([{"errorCode":"API_ERROR","message":"Implementation restriction: ContentDocument requires a filter"}])"},
      {400, R"([{"errorCode":"LIMIT_EXCEEDED","message":"Max bulk v2 query jobs per 24 hours exceeded"}])"},
      {400, R"([{"errorCode":"INVALID_TYPE","message":"sObject type 'Foo' does not support query"}])"},
      {404, R"([{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}])"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.body);
    Org org;
    org.fake.On("POST", kJobsUrl).Then(JsonResponse(c.status, c.body));
    auto cursor = StartBulkQuery(org.client.get(), &org.clock, kSoql, Org::Options(), {});
    REQUIRE_FALSE(cursor.ok());
    CHECK(cursor.status().code() == StatusCode::kUnimplemented);
    CHECK(cursor.status().reason() == "bulk.unsupported");
    CHECK(cursor.status().message().find("Bulk API 2.0 cannot run this query") != std::string::npos);
    CHECK(org.fake.CountRequests("POST", kJobsUrl) == 1);
  }
}

TEST_CASE("the recorded INVALIDENTITY refusal names the entity in the message") {
  Org org;
  org.fake.On("POST", kJobsUrl).Then(JsonResponse(400, ReadFixture("error_bulk2_invalidentity.json")));
  auto cursor = StartBulkQuery(org.client.get(), &org.clock, kSoql, Org::Options(), {});
  REQUIRE_FALSE(cursor.ok());
  CHECK(cursor.status().message().find("INVALIDENTITY") != std::string::npos);
  CHECK(cursor.status().message().find("01I0e000000FMSK.Tag") != std::string::npos);
}

TEST_CASE("bad SOQL, unknown fields and the API request limit stay what they are, not a fallback") {
  Org org;
  org.fake.On("POST", kJobsUrl)
      .Then(JsonResponse(400, R"([{"errorCode":"INVALID_FIELD","message":"No such column 'Foo'"}])"));
  auto invalid = StartBulkQuery(org.client.get(), &org.clock, kSoql, Org::Options(), {});
  CHECK(invalid.status().code() == StatusCode::kInvalidArgument);
  CHECK(invalid.status().reason() == "INVALID_FIELD");
  org.fake.On("POST", kJobsUrl)
      .Then(JsonResponse(403, R"([{"errorCode":"REQUEST_LIMIT_EXCEEDED","message":"TotalRequests Limit exceeded."}])"));
  auto limit = StartBulkQuery(org.client.get(), &org.clock, kSoql, Org::Options(), {});
  CHECK(limit.status().code() == StatusCode::kResourceExhausted);
}

TEST_CASE("an API version before 47.0 has no query jobs: unsupported without a request") {
  Org org("46.0");
  auto cursor = StartBulkQuery(org.client.get(), &org.clock, kSoql, Org::Options(), {});
  CHECK(cursor.status().reason() == "bulk.unsupported");
  CHECK(org.Calls().empty());
}

TEST_CASE("an unusable column list is refused before a job is created") {
  for (const std::vector<std::string>& columns :
       {std::vector<std::string>{}, std::vector<std::string>{"Id", "id"}, std::vector<std::string>{"Id", "Na me"}}) {
    Org org;
    QueryOptions options;
    options.columns = columns;
    auto cursor = StartBulkQuery(org.client.get(), &org.clock, kSoql, options, {});
    CHECK(cursor.status().code() == StatusCode::kInvalidArgument);
    CHECK(org.Calls().empty());
  }
}

TEST_CASE("a create answer without a usable job id is data loss") {
  Org org;
  org.fake.On("POST", kJobsUrl).Then(JsonResponse(200, R"({"id":"../../sobjects/Account","state":"UploadComplete"})"));
  auto cursor = StartBulkQuery(org.client.get(), &org.clock, kSoql, Org::Options(), {});
  CHECK(cursor.status().code() == StatusCode::kDataLoss);
}

TEST_CASE("a job still running when the cursor is destroyed is aborted, then deleted") {
  Org org;
  org.fake.On("GET", kJobUrl).Then(JsonResponse(200, JobInfo("InProgress")));
  auto cursor = org.Start();
  cursor.reset();
  CHECK(org.Calls() == std::vector<std::string>{"POST " + kJobsUrl, "PATCH " + kJobUrl, "DELETE " + kJobUrl});
  const HttpRequest abort = org.fake.requests()[2];
  CHECK(nlohmann::json::parse(abort.body) == nlohmann::json{{"state", "Aborted"}});
}

TEST_CASE("a job past job_timeout is aborted and ends the cursor with bulk.timeout") {
  Org org;
  org.fake.On("GET", kJobUrl).Then(JsonResponse(200, JobInfo("InProgress")));
  BulkQueryOptions bulk;
  bulk.job_timeout = std::chrono::seconds(30);
  auto cursor = org.Start(Org::Options(), bulk);
  QueryPage page;
  CHECK_FALSE(cursor->Next(&page));
  CHECK(cursor->status().code() == StatusCode::kDeadlineExceeded);
  CHECK(cursor->status().reason() == "bulk.timeout");
  CHECK(org.clock.NowMillis() - 1700000000000 >= 30000);
  CHECK(org.clock.NowMillis() - 1700000000000 <= 36000);
  CHECK(org.fake.CountRequests("PATCH", kJobUrl) == 1);
  CHECK(org.fake.CountRequests("DELETE", kJobUrl) == 1);
}

TEST_CASE("a stop request while the job runs ends the wait with Cancelled and aborts the job") {
  Org org;
  std::atomic<bool> stop{false};
  int polls = 0;
  org.fake.OnRequest("GET", kJobUrl, [&](const HttpRequest&) {
    if (++polls == 3) stop.store(true);  // SIGTERM arrives during the third poll
    return JsonResponse(200, JobInfo("InProgress"));
  });
  BulkQueryOptions bulk;
  bulk.stop = &stop;
  auto cursor = org.Start(Org::Options(), bulk);
  QueryPage page;
  CHECK_FALSE(cursor->Next(&page));
  CHECK(cursor->status().code() == StatusCode::kCancelled);
  CHECK(polls == 3);
  CHECK(org.fake.CountRequests("PATCH", kJobUrl) == 1);
  CHECK(org.fake.CountRequests("DELETE", kJobUrl) == 1);
}

TEST_CASE("a job whose delete fails still ends cleanly: cleanup is best effort, one attempt") {
  Org org;
  org.ScriptTwoPageJob();
  org.fake.On("DELETE", kJobUrl).Then(JsonResponse(503, "<html>Service Unavailable</html>"));
  auto cursor = org.Start();
  CHECK(DrainIds(cursor.get()).size() == 3);
  CHECK(cursor->status().ok());
  CHECK(org.fake.CountRequests("DELETE", kJobUrl) == 1);
}

}  // namespace
}  // namespace sfsync::salesforce

namespace sfsync::salesforce {
namespace {

TEST_CASE("a resumed job is not created again: its status is read once and the download goes on from the locator") {
  Org org;
  org.ScriptTwoPageJob();
  QueryOptions options = Org::Options();
  options.prefetch = false;
  BulkQueryOptions bulk;
  bulk.resume_job_id = kJobId;
  bulk.resume_locator = "MTAwMDA";
  auto cursor = org.Start(options, bulk);
  QueryPage page;
  // The GET status at start says InProgress; the cursor polls again before reading.
  REQUIRE(cursor->Next(&page));
  CHECK(page.rows.rows() == 1);
  CHECK(page.rows.at(0, 0).s == "003C");
  CHECK(page.done);
  CHECK(page.bulk_job_id == kJobId);
  CHECK(page.bulk_next_locator.empty());
  CHECK_FALSE(cursor->Next(&page));
  CHECK(cursor->status().ok());
  const std::vector<std::string> calls = org.Calls();
  CHECK(std::count(calls.begin(), calls.end(), "POST " + kJobsUrl) == 0);
  CHECK(std::count(calls.begin(), calls.end(), "GET " + kFirstPageUrl) == 0);
  CHECK(std::count(calls.begin(), calls.end(), "GET " + kSecondPageUrl) == 1);
  CHECK(calls.back() == "DELETE " + kJobUrl);  // read to the end: deleted
}

TEST_CASE("pages carry the job and the next locator, and a cursor dropped after a page keeps its job") {
  Org org;
  org.ScriptTwoPageJob();
  QueryOptions options = Org::Options();
  options.prefetch = false;
  {
    auto cursor = org.Start(options);
    QueryPage page;
    REQUIRE(cursor->Next(&page));
    CHECK(page.bulk_job_id == kJobId);
    CHECK(page.bulk_next_locator == "MTAwMDA");
  }
  const std::vector<std::string> calls = org.Calls();
  CHECK(std::count(calls.begin(), calls.end(), "DELETE " + kJobUrl) == 0);
}

TEST_CASE("a job that is gone, failed or aborted cannot be resumed: bulk.gone") {
  for (const char* answer : {"404", "Failed", "Aborted"}) {
    CAPTURE(answer);
    Org org;
    if (std::string(answer) == "404") {
      org.fake.On("GET", kJobUrl)
          .Then(JsonResponse(404, R"([{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}])"));
    } else {
      org.fake.On("GET", kJobUrl).Then(JsonResponse(200, JobInfo(answer)));
    }
    BulkQueryOptions bulk;
    bulk.resume_job_id = kJobId;
    auto cursor = StartBulkQuery(org.client.get(), &org.clock, kSoql, Org::Options(), bulk);
    CHECK(cursor.status().code() == StatusCode::kNotFound);
    CHECK(cursor.status().reason() == "bulk.gone");
  }
}

}  // namespace
}  // namespace sfsync::salesforce
