// OpenLoadCursor: which API a load reads through, against a scripted transport.
#include "engine/sync/load_cursor.h"

#include <doctest/doctest.h>

#include "connectors/salesforce/testing/fake_session.h"
#include "connectors/salesforce/testing/recording_clock.h"
#include "engine/core/log.h"
#include "engine/sync/query_builder.h"

namespace sfsync::sync {
namespace {

using salesforce::HttpRequest;
using salesforce::HttpResponse;
using salesforce::QueryOptions;
using salesforce::QueryPage;
using salesforce::testing::FakeTransport;
using salesforce::testing::JsonResponse;
using salesforce::testing::kInstanceUrl;
using salesforce::testing::RecordingClock;

const std::string kData = std::string(kInstanceUrl) + "/services/data/v60.0";
const std::string kJobId = "750xx0000000001AAA";

ObjectPlan AccountPlan(const std::string& api) {
  ObjectPlan plan;
  plan.object = "Account";
  plan.select = {"Id", "Name", "SystemModstamp"};
  plan.where = "Industry = 'Energy'";
  plan.api = api;
  return plan;
}

QueryOptions Options(const ObjectPlan& plan) {
  QueryOptions options;
  options.columns = plan.select;
  options.prefetch = false;
  return options;
}

std::string QueryOf(const HttpRequest& r) {
  const size_t q = r.url.find("?q=");
  return q == std::string::npos ? "" : salesforce::UrlDecode(r.url.substr(q + 3));
}

// An org that answers COUNT() with `count` (or with `count_error`), REST loads with one row, and
// Bulk job creation with `create` (a job whose one page holds one row).
struct Org {
  FakeTransport fake;
  RecordingClock clock{1700000000000};
  salesforce::testing::FakeSession session;
  salesforce::RestClient* client = nullptr;
  std::vector<std::string> rest_queries;

  explicit Org(int64_t count,
               HttpResponse create = JsonResponse(200, R"({"id":")" + kJobId + R"(","state":"UploadComplete"})"),
               std::optional<HttpResponse> count_error = std::nullopt) {
    session = salesforce::testing::NewFakeSession(&fake, &clock);
    client = session.client.get();
    for (const char* endpoint : {"/query", "/queryAll"}) {
      fake.OnRequest("GET", kData + endpoint, [this, count, count_error](const HttpRequest& r) {
        const std::string soql = QueryOf(r);
        rest_queries.push_back(soql);
        if (soql.rfind("SELECT COUNT()", 0) == 0) {
          if (count_error) return *count_error;
          return JsonResponse(200, R"({"totalSize":)" + std::to_string(count) + R"(,"done":true,"records":[]})");
        }
        return JsonResponse(
            200, R"({"totalSize":1,"done":true,"records":[{"Id":"001A","Name":"Acme","SystemModstamp":null}]})");
      });
    }
    fake.On("POST", kData + "/jobs/query").Then(create);
    fake.On("GET", kData + "/jobs/query/" + kJobId).Then(JsonResponse(200, R"({"state":"JobComplete"})"));
    HttpResponse page;
    page.status = 200;
    page.headers = {{"Sforce-Locator", "null"}};
    page.body = "\"Id\",\"Name\",\"SystemModstamp\"\n\"001B\",\"Bulk Row\",\"\"\n";
    fake.On("GET", kData + "/jobs/query/" + kJobId + "/results").Then(page);
    fake.On("DELETE", kData + "/jobs/query/" + kJobId).Then(JsonResponse(204, ""));
  }

  StatusOr<LoadCursor> Open(const ObjectPlan& plan, const std::string& after_id = "",
                            QueryOptions options = QueryOptions()) {
    if (options.columns.empty()) options = Options(plan);
    return OpenLoadCursor(client, &clock, plan, after_id, options, nullptr);
  }

  int BulkJobs() const { return fake.CountRequests("POST", kData + "/jobs/query"); }
};

// The Ids of every row the cursor yields.
std::vector<std::string> Ids(LoadCursor* load) {
  std::vector<std::string> ids;
  QueryPage page;
  while (load->cursor->Next(&page)) {
    for (size_t r = 0; r < page.rows.rows(); ++r) ids.push_back(page.rows.at(r, 0).s);
  }
  REQUIRE(load->cursor->status().ok());
  return ids;
}

TEST_CASE("the load queries: Id-ordered for REST, unordered for Bulk, and the matching count") {
  ObjectPlan plan = AccountPlan("rest");
  CHECK(BuildBulkLoadQuery(plan, "") == "SELECT Id, Name, SystemModstamp FROM Account WHERE (Industry = 'Energy')");
  CHECK(BuildBulkLoadQuery(plan, "001x'y") ==
        "SELECT Id, Name, SystemModstamp FROM Account WHERE (Industry = 'Energy') AND Id > '001x\\'y'");
  CHECK(BuildCountQuery(plan, "") == "SELECT COUNT() FROM Account WHERE (Industry = 'Energy')");
  CHECK(BuildCountQuery(plan, "001A") == "SELECT COUNT() FROM Account WHERE (Industry = 'Energy') AND Id > '001A'");
  plan.where.clear();
  CHECK(BuildCountQuery(plan, "") == "SELECT COUNT() FROM Account");
}

TEST_CASE("api: rest reads the Id-ordered REST query, counting nothing") {
  Org org(1'000'000);
  auto load = org.Open(AccountPlan("rest"), "001");
  REQUIRE(load.ok());
  CHECK_FALSE(load->bulk);
  CHECK(Ids(&*load) == std::vector<std::string>{"001A"});
  CHECK(org.rest_queries == std::vector<std::string>{BuildLoadQuery(AccountPlan("rest"), "001")});
  CHECK(org.BulkJobs() == 0);
}

TEST_CASE("api: bulk reads through a Bulk job whatever the size, after the resume Id, without ORDER BY") {
  Org org(3);
  auto load = org.Open(AccountPlan("bulk"), "001");
  REQUIRE(load.ok());
  CHECK(load->bulk);
  CHECK(Ids(&*load) == std::vector<std::string>{"001B"});
  CHECK(org.rest_queries.empty());
  REQUIRE(org.BulkJobs() == 1);
  const std::string body = org.fake.requests()[1].body;
  CHECK(body.find("WHERE (Industry = 'Energy') AND Id > '001'") != std::string::npos);
  CHECK(body.find("ORDER BY") == std::string::npos);
}

TEST_CASE("api: auto uses Bulk above 50,000 rows counted and REST at 50,000 or fewer") {
  for (auto [count, bulk] :
       {std::pair{int64_t{50001}, true}, std::pair{int64_t{50000}, false}, std::pair{int64_t{0}, false}}) {
    CAPTURE(count);
    Org org(count);
    auto load = org.Open(AccountPlan("auto"));
    REQUIRE(load.ok());
    CHECK(load->bulk == bulk);
    CHECK(Ids(&*load) == std::vector<std::string>{bulk ? "001B" : "001A"});
    CHECK(org.rest_queries.front() == "SELECT COUNT() FROM Account WHERE (Industry = 'Energy')");
    CHECK(org.BulkJobs() == (bulk ? 1 : 0));
  }
}

TEST_CASE("api: auto counts through queryAll when the load reads deleted rows too") {
  Org org(10);
  QueryOptions options = Options(AccountPlan("auto"));
  options.include_deleted = true;
  auto load = org.Open(AccountPlan("auto"), "", options);
  REQUIRE(load.ok());
  Ids(&*load);
  CHECK(org.fake.CountRequests("GET", kData + "/queryAll") == 2);  // the count, then the load
  CHECK(org.fake.CountRequests("GET", kData + "/query") == 0);
}

TEST_CASE("api: auto takes a count that times out for a very large object: Bulk") {
  Org org(
      0, JsonResponse(200, R"({"id":")" + kJobId + R"(","state":"UploadComplete"})"),
      JsonResponse(400, R"([{"message":"Your query request was running for too long.","errorCode":"QUERY_TIMEOUT"}])"));
  auto load = org.Open(AccountPlan("auto"));
  REQUIRE(load.ok());
  CHECK(load->bulk);
}

TEST_CASE("a count that fails otherwise fails the load") {
  Org org(0, JsonResponse(200, "{}"),
          JsonResponse(400, R"([{"message":"No such column 'Industry'","errorCode":"INVALID_FIELD"}])"));
  auto load = org.Open(AccountPlan("auto"));
  REQUIRE_FALSE(load.ok());
  CHECK(load.status().reason() == "INVALID_FIELD");
  CHECK(load.status().message().find("counting rows") != std::string::npos);
}

TEST_CASE("a query Bulk refuses is read through REST instead, with a warning") {
  std::string log;
  CaptureLogForTesting(&log);
  Org org(
      0,
      JsonResponse(
          400,
          R"([{"errorCode":"FUNCTIONALITY_NOT_ENABLED","message":"Selecting compound data not supported in Bulk Query"}])"));
  auto load = org.Open(AccountPlan("bulk"));
  CaptureLogForTesting(nullptr);
  REQUIRE(load.ok());
  CHECK_FALSE(load->bulk);
  CHECK(Ids(&*load) == std::vector<std::string>{"001A"});
  CHECK(log.find("WARN Account: Bulk API 2.0 cannot run this query") != std::string::npos);
  CHECK(log.find("loading through REST instead") != std::string::npos);
}

TEST_CASE("other Bulk creation errors are the load's error, with no REST read") {
  Org org(0, JsonResponse(400, R"([{"errorCode":"INVALID_FIELD","message":"No such column 'Nme'"}])"));
  auto load = org.Open(AccountPlan("bulk"));
  REQUIRE_FALSE(load.ok());
  CHECK(load.status().reason() == "INVALID_FIELD");
  CHECK(org.rest_queries.empty());
}

}  // namespace
}  // namespace sfsync::sync
