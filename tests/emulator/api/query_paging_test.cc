// query / queryAll / queryMore paging and cursor behaviour, over a real socket.
#include <doctest/doctest.h>

#include <set>

#include "tests/emulator/testing/emulator_fixture.h"

namespace sfsync::emulator {
namespace {

using nlohmann::ordered_json;
using testing::AllPages;
using testing::ClientResponse;
using testing::ParseJson;
using testing::RunningEmulator;
using testing::SmallOrgConfig;

EmulatorConfig Accounts(int64_t n) {
  EmulatorConfig config = SmallOrgConfig();
  config.rows["Account"] = n;
  config.rows["Contact"] = 0;
  config.rows["Opportunity"] = 0;
  return config;
}

std::vector<std::string> Ids(const std::vector<ordered_json>& pages) {
  std::vector<std::string> ids;
  for (const ordered_json& page : pages) {
    for (const ordered_json& record : page["records"]) ids.push_back(record["Id"]);
  }
  return ids;
}

TEST_CASE("paging at batch sizes 200, 1000 and 2000 serves every row exactly once") {
  RunningEmulator e(Accounts(4500));
  for (int batch : {200, 1000, 2000}) {
    CAPTURE(batch);
    testing::HttpClient::Headers headers = {{"Sforce-Query-Options", "batchSize=" + std::to_string(batch)}};
    std::vector<ordered_json> pages =
        AllPages(e, e.Query("SELECT Id, Name FROM Account ORDER BY SystemModstamp, Id", headers), headers);
    CHECK(pages.size() == static_cast<size_t>((4500 + batch - 1) / batch));
    for (size_t i = 0; i < pages.size(); ++i) {
      CAPTURE(i);
      const ordered_json& page = pages[i];
      CHECK(page["totalSize"] == 4500);  // repeated, unchanged, on every page
      bool last = i + 1 == pages.size();
      CHECK(page["done"] == last);
      CHECK(page.contains("nextRecordsUrl") == !last);  // absent, not null, on the last page
      CHECK(page["records"].size() == (last ? 4500 - batch * (pages.size() - 1) : static_cast<size_t>(batch)));
      if (!last) {
        // `/services/data/v60.0/query/0r8xx...-{rows delivered so far}`
        std::string url = page["nextRecordsUrl"];
        CHECK(url.starts_with("/services/data/v60.0/query/0r8xx"));
        CHECK(url.size() == std::string("/services/data/v60.0/query/").size() + 18 + 1 +
                                std::to_string(batch * (i + 1)).size());
        CHECK(url.ends_with("-" + std::to_string(batch * (i + 1))));
      }
    }
    std::vector<std::string> ids = Ids(pages);
    CHECK(ids.size() == 4500);
    CHECK(std::set<std::string>(ids.begin(), ids.end()).size() == 4500);
  }
}

TEST_CASE("batch sizes are clamped to 200..2000, --max-page-size caps pages further") {
  RunningEmulator e(Accounts(2500));
  auto first_page_size = [&](const std::string& batch) {
    ClientResponse r = e.Query("SELECT Id FROM Account", {{"Sforce-Query-Options", "batchSize=" + batch}});
    return ParseJson(r.body)["records"].size();
  };
  CHECK(first_page_size("50") == 200);
  CHECK(first_page_size("5000") == 2000);
  CHECK(ParseJson(e.Query("SELECT Id FROM Account").body)["records"].size() == 2000);  // default

  EmulatorConfig capped = Accounts(1000);
  capped.max_page_size = 300;
  RunningEmulator small(capped);
  std::vector<ordered_json> pages = AllPages(small, small.Query("SELECT Id FROM Account"));
  CHECK(pages.size() == 4);
  CHECK(pages[0]["records"].size() == 300);
  CHECK(Ids(pages).size() == 1000);
}

TEST_CASE("a result that fits one page has no cursor, LIMIT fixes totalSize") {
  RunningEmulator e(Accounts(3000));
  ordered_json page = ParseJson(e.Query("SELECT Id FROM Account ORDER BY Id DESC LIMIT 7").body);
  CHECK(page["totalSize"] == 7);
  CHECK(page["done"] == true);
  CHECK_FALSE(page.contains("nextRecordsUrl"));
  CHECK(page["records"].size() == 7);
  std::vector<std::string> ids = Ids({page});
  CHECK(std::is_sorted(ids.rbegin(), ids.rend()));
}

TEST_CASE("queryAll shows soft-deleted rows, query hides them, continuation still uses /query/") {
  RunningEmulator e(Accounts(2100));
  std::vector<std::string> ids = Ids(AllPages(e, e.Query("SELECT Id FROM Account ORDER BY Id")));
  REQUIRE(ids.size() == 2100);
  for (size_t i : {5u, 2050u}) {
    REQUIRE(e.Admin("DELETE", "/__emulator/records/Account/" + ids[i]).status == 204);
  }
  std::vector<ordered_json> live = AllPages(e, e.Query("SELECT Id, IsDeleted FROM Account"));
  CHECK(live[0]["totalSize"] == 2098);
  std::vector<std::string> live_ids = Ids(live);
  CHECK(std::find(live_ids.begin(), live_ids.end(), ids[5]) == live_ids.end());

  std::vector<ordered_json> all = AllPages(e, e.Query("SELECT Id, IsDeleted FROM Account", {}, true));
  CHECK(all[0]["totalSize"] == 2100);
  CHECK(std::string(all[0]["nextRecordsUrl"]).starts_with("/services/data/v60.0/query/"));
  size_t deleted = 0;
  for (const ordered_json& page : all) {
    for (const ordered_json& record : page["records"]) deleted += record["IsDeleted"] == true;
  }
  CHECK(deleted == 2);
  ordered_json only = ParseJson(e.Query("SELECT Id FROM Account WHERE IsDeleted = true", {}, true).body);
  CHECK(only["totalSize"] == 2);
  CHECK(ParseJson(e.Query("SELECT Id FROM Account WHERE IsDeleted = true").body)["totalSize"] == 0);
}

TEST_CASE("the cursor fixes rows and order at query time, later pages show values as of page time") {
  RunningEmulator e(Accounts(600));
  testing::HttpClient::Headers batch = {{"Sforce-Query-Options", "batchSize=200"}};
  ordered_json first = ParseJson(e.Query("SELECT Id, Name FROM Account ORDER BY Id", batch).body);
  std::vector<std::string> all_ids = Ids(AllPages(e, e.Query("SELECT Id FROM Account ORDER BY Id")));
  // a. Between page 1 and page 2: rename a row of page 2, purge another of page 2, add a new row.
  REQUIRE(e.Admin("PATCH", "/__emulator/records/Account/" + all_ids[250], R"({"Name":"Renamed Mid-Query"})").status == 204);
  REQUIRE(e.Admin("DELETE", "/__emulator/records/Account/" + all_ids[260] + "?hard=true").status == 204);
  REQUIRE(e.Admin("POST", "/__emulator/records/Account", R"([{"Name":"Late Arrival"}])").status == 201);
  ordered_json second = ParseJson(e.RestGet(first["nextRecordsUrl"]).body);
  // b. totalSize is unchanged; the purged row is skipped; the new row is not in this cursor.
  CHECK(second["totalSize"] == 600);
  CHECK(second["records"].size() == 199);
  bool renamed = false;
  for (const ordered_json& record : second["records"]) {
    CHECK(record["Id"] != all_ids[260]);
    CHECK(record["Name"] != "Late Arrival");
    if (record["Id"] == all_ids[250]) renamed = record["Name"] == "Renamed Mid-Query";
  }
  CHECK(renamed);
  // c. The same page can be fetched again (re-fetching a nextRecordsUrl works).
  CHECK(ParseJson(e.RestGet(first["nextRecordsUrl"]).body)["records"] == second["records"]);
}

TEST_CASE("unknown, malformed, out-of-range and expired locators are INVALID_QUERY_LOCATOR") {
  EmulatorConfig config = Accounts(2500);
  config.cursor_ttl_s = 600;
  RunningEmulator e(config);
  std::string expected = R"([{"message":"invalid query locator","errorCode":"INVALID_QUERY_LOCATOR"}])";
  ordered_json first = ParseJson(e.Query("SELECT Id FROM Account").body);
  std::string url = first["nextRecordsUrl"];
  std::string locator = url.substr(0, url.rfind('-'));
  for (const std::string& bad : {std::string("/services/data/v60.0/query/0r8xxNOSUCHCURSOR1-2000"),
                                 std::string("/services/data/v60.0/query/garbage"),
                                 locator + "-2500", locator + "-0", locator + "-x"}) {
    CAPTURE(bad);
    ClientResponse r = e.RestGet(bad);
    CHECK(r.status == 400);
    CHECK(r.body == expected);
  }
  // The cursor lives --cursor-ttl seconds of emulator time.
  REQUIRE(e.Admin("POST", "/__emulator/clock", R"({"advance_seconds":599})").status == 200);
  CHECK(e.RestGet(url).status == 200);
  REQUIRE(e.Admin("POST", "/__emulator/clock", R"({"advance_seconds":1})").status == 200);
  ClientResponse expired = e.RestGet(url);
  CHECK(expired.status == 400);
  CHECK(expired.body == expected);
}

TEST_CASE("beyond --max-cursors the oldest cursor is dropped") {
  EmulatorConfig config = Accounts(2500);
  config.max_cursors = 1;
  RunningEmulator e(config);
  std::string older = ParseJson(e.Query("SELECT Id FROM Account").body)["nextRecordsUrl"];
  std::string newer = ParseJson(e.Query("SELECT Id, Name FROM Account").body)["nextRecordsUrl"];
  CHECK(e.RestGet(older).status == 400);
  CHECK(e.RestGet(newer).status == 200);
}

TEST_CASE("queryMore keeps the cursor's batch size unless the request names one") {
  RunningEmulator e(Accounts(1000));
  ordered_json first = ParseJson(e.Query("SELECT Id FROM Account", {{"Sforce-Query-Options", "batchSize=300"}}).body);
  CHECK(ParseJson(e.RestGet(first["nextRecordsUrl"]).body)["records"].size() == 300);
  ordered_json bigger = ParseJson(e.RestGet(first["nextRecordsUrl"], {{"Sforce-Query-Options", "batchSize=500"}}).body);
  CHECK(bigger["records"].size() == 500);
  CHECK(std::string(bigger["nextRecordsUrl"]).ends_with("-800"));
}

TEST_CASE("query counts query_requests, pages after the first count query_more_requests") {
  RunningEmulator e(Accounts(2500));
  AllPages(e, e.Query("SELECT Id FROM Account", {{"Sforce-Query-Options", "batchSize=1000"}}),
           {{"Sforce-Query-Options", "batchSize=1000"}});
  ordered_json stats = ParseJson(e.Admin("GET", "/__emulator/stats").body);
  CHECK(stats["query_requests"] == 1);
  CHECK(stats["query_more_requests"] == 2);
  CHECK(stats["api_calls"] == 3);
}

}  // namespace
}  // namespace sfsync::emulator
