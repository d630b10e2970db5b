// The stuck_locator fault over real sockets: a query cursor whose continuation URL answers
// itself forever, opened by a query or by a continuation page, authenticated and counted like
// the answer it replaces.
#include <doctest/doctest.h>

#include "tests/emulator/testing/emulator_fixture.h"
#include "tests/emulator/testing/fixtures.h"

namespace sfsync::emulator {
namespace {

using nlohmann::ordered_json;
using testing::ClientResponse;
using testing::Keys;
using testing::ParseJson;
using testing::RunningEmulator;
using testing::SmallOrgConfig;
using testing::UrlEncode;

std::string Soql(const std::string& soql, bool all = false) {
  return std::string("/services/data/v60.0/") + (all ? "queryAll" : "query") + "?q=" + UrlEncode(soql);
}

EmulatorConfig WithFault(const std::string& spec, int64_t accounts = 50) {
  EmulatorConfig config = SmallOrgConfig();
  config.rows["Account"] = accounts;
  config.faults = {spec};
  return config;
}

int64_t Fired(RunningEmulator& e) {
  return ParseJson(e.Admin("GET", "/__emulator/faults").body)["faults"][0]["fired"].get<int64_t>();
}

TEST_CASE("stuck_locator on a query: an empty page whose nextRecordsUrl answers the very same page forever") {
  RunningEmulator e(WithFault("stuck_locator:nth=1"));
  ClientResponse stuck = e.RestGet(Soql("SELECT Id, Name FROM Account"));
  REQUIRE(stuck.status == 200);
  CHECK(stuck.headers.Has("Sforce-Limit-Info"));
  ordered_json page = ParseJson(stuck.body);
  CHECK(Keys(page) == std::vector<std::string>{"totalSize", "done", "nextRecordsUrl", "records"});
  CHECK(page["totalSize"] == 50);
  CHECK(page["done"] == false);
  CHECK(page["records"] == ordered_json::array());
  std::string next = page["nextRecordsUrl"];
  CHECK(next.starts_with("/services/data/v60.0/query/0r8xx"));
  // The rule fired once; the cursor stays stuck, page after page.
  for (int i = 0; i < 3; ++i) {
    ClientResponse again = e.RestGet(next);
    REQUIRE(again.status == 200);
    CHECK(again.body == stuck.body);
  }
  CHECK(Fired(e) == 1);
  // Every fetch was an API call, as the real answers would have been.
  CHECK(ParseJson(e.Admin("GET", "/__emulator/stats").body)["api_calls"] == 4);
  // A new query pages as usual.
  ordered_json fresh = ParseJson(e.RestGet(Soql("SELECT Id FROM Account")).body);
  CHECK(fresh["done"] == true);
  CHECK(fresh["records"].size() == 50);
}

TEST_CASE("stuck_locator on a continuation page: the cursor stops where it was and answers with its own URL") {
  RunningEmulator e(WithFault("stuck_locator:path=/services/data/*/query/*,nth=1", 450));
  ClientResponse first = e.RestGet(Soql("SELECT Id FROM Account"), {{"Sforce-Query-Options", "batchSize=200"}});
  ordered_json page1 = ParseJson(first.body);
  REQUIRE(page1["records"].size() == 200);
  std::string next = page1["nextRecordsUrl"];
  ClientResponse stuck = e.RestGet(next);
  REQUIRE(stuck.status == 200);
  CHECK(stuck.body ==
        ordered_json{{"totalSize", 450}, {"done", false}, {"nextRecordsUrl", next}, {"records", ordered_json::array()}}
            .dump());
  CHECK(e.RestGet(next).body == stuck.body);
  // Other cursors are not affected.
  ClientResponse other = e.RestGet(Soql("SELECT Id FROM Account"), {{"Sforce-Query-Options", "batchSize=200"}});
  ordered_json page2 = ParseJson(e.RestGet(ParseJson(other.body)["nextRecordsUrl"]).body);
  CHECK(page2["records"].size() == 200);
}

TEST_CASE("stuck_locator on queryAll counts what queryAll counts") {
  RunningEmulator e(WithFault("stuck_locator:path=/services/data/*/queryAll,nth=2"));
  REQUIRE(e.Admin("DELETE", "/__emulator/records/Account/" +
                                ParseJson(e.RestGet(Soql("SELECT Id FROM Account LIMIT 1")).body)["records"][0]["Id"]
                                    .get<std::string>())
              .status == 204);
  ordered_json normal = ParseJson(e.RestGet(Soql("SELECT Id FROM Account", true)).body);
  ordered_json stuck = ParseJson(e.RestGet(Soql("SELECT Id FROM Account", true)).body);
  CHECK(normal["totalSize"] == 50);
  CHECK(stuck["totalSize"] == 50);
  CHECK(stuck["done"] == false);
  CHECK(ParseJson(e.RestGet(stuck["nextRecordsUrl"]).body) == stuck);
}

TEST_CASE("stuck_locator leaves alone what opens no cursor: errors, COUNT(), aggregates, other paths") {
  RunningEmulator e(WithFault("stuck_locator:path=*"));
  ClientResponse malformed = e.RestGet(Soql("SELECT Nope FROM Account"));
  CHECK(malformed.status == 400);
  CHECK(ParseJson(malformed.body)[0]["errorCode"] == "INVALID_FIELD");
  ordered_json count = ParseJson(e.RestGet(Soql("SELECT COUNT() FROM Account")).body);
  CHECK(count["totalSize"] == 50);
  CHECK(count["done"] == true);
  ordered_json groups = ParseJson(e.RestGet(Soql("SELECT Industry, COUNT(Id) FROM Account GROUP BY Industry")).body);
  CHECK(groups["done"] == true);
  CHECK_FALSE(groups["records"].empty());
  CHECK(e.RestGet("/services/data/v60.0/sobjects").status == 200);
  // An unknown locator stays unknown.
  ClientResponse unknown = e.RestGet("/services/data/v60.0/query/0r8xxNOSUCHLOCATOR-200");
  CHECK(unknown.status == 400);
  CHECK(ParseJson(unknown.body)[0]["errorCode"] == "INVALID_QUERY_LOCATOR");
  // Without a session the answer is the usual 401: the stuck answer is a REST answer.
  ClientResponse anonymous = e.client().Get(Soql("SELECT Id FROM Account"));
  CHECK(anonymous.status == 401);
}

}  // namespace
}  // namespace sfsync::emulator
