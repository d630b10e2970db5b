// RestClient::Query: paging, prefetch, refetch of malformed pages, expired locators.
#include <doctest/doctest.h>

#include <algorithm>
#include <thread>

#include "connectors/salesforce/http/rest_client.h"
#include "connectors/salesforce/testing/drain.h"
#include "connectors/salesforce/testing/fake_org.h"
#include "connectors/salesforce/testing/fail_nth_transport.h"
#include "connectors/salesforce/testing/fake_transport.h"
#include "connectors/salesforce/testing/recording_clock.h"
#include "engine/core/exit_codes.h"

namespace sfsync::salesforce {
namespace {

using testing::DrainIds;
using testing::FailNthTransport;
using testing::FakeTransport;
using testing::JsonResponse;
using testing::kInstanceUrl;
using testing::kLoginUrl;
using testing::kTokenUrl;
using testing::RecordingClock;
using testing::TokenBody;

const std::string kSoql = "SELECT Id, Name FROM Account WHERE Name != 'x'";
const std::string kFirstUrl =
    std::string(kInstanceUrl) + "/services/data/v60.0/query?q=SELECT%20Id%2C%20Name%20FROM%20Account%20WHERE%20Name%20%21%3D%20%27x%27";
const std::string kPage2Path = "/services/data/v60.0/query/01gD0000002HU6KIAW-3";
const std::string kPage3Path = "/services/data/v60.0/query/01gD0000002HU6KIAW-6";
const std::string kPage2Url = std::string(kInstanceUrl) + kPage2Path;
const std::string kPage3Url = std::string(kInstanceUrl) + kPage3Path;

// A page of records with Ids "001-<first>" .. "001-<last>".
std::string Page(int first, int last, const std::string& next_path) {
  std::string body = R"({"totalSize":8,"done":)" + std::string(next_path.empty() ? "true" : "false");
  if (!next_path.empty()) body += R"(,"nextRecordsUrl":")" + next_path + R"(")";
  body += R"(,"records":[)";
  for (int i = first; i <= last; ++i) {
    if (i > first) body += ',';
    body += R"({"attributes":{"type":"Account"},"Id":"001-)" + std::to_string(i) + R"(","Name":"Account )" +
            std::to_string(i) + R"("})";
  }
  return body + "]}";
}

HttpResponse PageResponse(int first, int last, const std::string& next_path, const std::string& date = "") {
  HttpHeaders headers;
  if (!date.empty()) headers.emplace_back("Date", date);
  return JsonResponse(200, Page(first, last, next_path), headers);
}

struct Org {
  FakeTransport fake;
  std::unique_ptr<FailNthTransport> faulty;  // when set, token and page requests go through it
  RecordingClock clock{1700000000000};
  std::unique_ptr<TokenProvider> tokens;
  std::unique_ptr<RestClient> client;

  Org() : Org(0, false) {}
  // With fail_nth > 0, the fail_nth-th request (and in persistent mode every later one) is dropped.
  Org(int fail_nth, bool persistent) {
    HttpTransport* transport = &fake;
    if (fail_nth > 0) {
      faulty = std::make_unique<FailNthTransport>(&fake, fail_nth, persistent);
      transport = faulty.get();
    }
    fake.On("POST", kTokenUrl).Then(JsonResponse(200, TokenBody("00Dxx!token-1")));
    OAuthSettings settings;
    settings.flow = "refresh_token";
    settings.login_url = kLoginUrl;
    settings.client_id = "3MVG9client";
    settings.refresh_token = "5Aep861refresh";
    tokens = std::move(NewTokenProvider(settings, transport, &clock).value());
    client = std::make_unique<RestClient>(transport, tokens.get(), &clock, RestOptions{});
  }

  void ScriptThreePages() {
    fake.On("GET", kFirstUrl).Then(PageResponse(1, 3, kPage2Path));
    fake.On("GET", kPage2Url).Then(PageResponse(4, 6, kPage3Path));
    fake.On("GET", kPage3Url).Then(PageResponse(7, 8, ""));
  }

  // Waits (briefly, in real time) until `url` has been requested; false if it never is.
  bool EventuallyRequested(const std::string& url) const {
    for (int i = 0; i < 200; ++i) {
      if (fake.CountRequests("GET", url) > 0) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
  }
};

QueryOptions Columns() {
  QueryOptions options;
  options.columns = {"Id", "Name"};
  return options;
}

const std::vector<std::string> kAllIds = {"001-1", "001-2", "001-3", "001-4", "001-5", "001-6", "001-7", "001-8"};

TEST_CASE("three pages without prefetch: every row once, in order, one request per page") {
  Org org;
  org.ScriptThreePages();
  QueryOptions options = Columns();
  options.prefetch = false;
  auto cursor = org.client->Query(kSoql, options);
  QueryPage page;
  REQUIRE(cursor->Next(&page));
  CHECK(page.rows.rows() == 3);
  CHECK(page.total_size == 8);
  CHECK_FALSE(page.done);
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  CHECK(org.fake.CountRequests("GET", kPage2Url) == 0);  // nothing fetched ahead
  std::vector<std::string> ids = {"001-1", "001-2", "001-3"};
  for (const std::string& id : DrainIds(cursor.get())) ids.push_back(id);
  CHECK(ids == kAllIds);
  CHECK(cursor->status().ok());
  CHECK(cursor->pages_fetched() == 3);
  CHECK_FALSE(cursor->Next(&page));  // stays at the end
  for (const std::string& url : {kFirstUrl, kPage2Url, kPage3Url}) CHECK(org.fake.CountRequests("GET", url) == 1);
}

TEST_CASE("three pages with prefetch: page N+1 is requested while the caller holds page N") {
  Org org;
  org.ScriptThreePages();
  auto cursor = org.client->Query(kSoql, Columns());
  QueryPage page;
  REQUIRE(cursor->Next(&page));
  CHECK(org.EventuallyRequested(kPage2Url));  // before the caller asked for it
  std::vector<std::string> ids = {page.rows.at(0, 0).s, page.rows.at(1, 0).s, page.rows.at(2, 0).s};
  for (const std::string& id : DrainIds(cursor.get())) ids.push_back(id);
  CHECK(ids == kAllIds);
  CHECK(cursor->status().ok());
  CHECK(cursor->pages_fetched() == 3);
  for (const std::string& url : {kFirstUrl, kPage2Url, kPage3Url}) CHECK(org.fake.CountRequests("GET", url) == 1);
}

TEST_CASE("every page request carries Sforce-Query-Options with the clamped batch size") {
  for (auto [asked, sent] : {std::pair{500, "batchSize=500"}, std::pair{50, "batchSize=200"}, std::pair{5000, "batchSize=2000"}}) {
    CAPTURE(asked);
    Org org;
    org.ScriptThreePages();
    QueryOptions options = Columns();
    options.batch_size = asked;
    auto cursor = org.client->Query(kSoql, options);
    CHECK(DrainIds(cursor.get()).size() == 8);
    int page_requests = 0;
    for (const HttpRequest& r : org.fake.requests()) {
      if (r.method != "GET") continue;
      ++page_requests;
      REQUIRE(FindHeader(r.headers, "Sforce-Query-Options") != nullptr);
      CHECK(*FindHeader(r.headers, "Sforce-Query-Options") == sent);
    }
    CHECK(page_requests == 3);
  }
}

TEST_CASE("queryAll starts at /queryAll and follows the /query/ continuation as given") {
  Org org;
  const std::string first = std::string(kInstanceUrl) + "/services/data/v60.0/queryAll?q=SELECT%20Id%20FROM%20Account";
  org.fake.On("GET", first).Then(PageResponse(1, 3, kPage2Path));
  org.fake.On("GET", kPage2Url).Then(PageResponse(4, 4, ""));
  QueryOptions options = Columns();
  options.include_deleted = true;
  auto cursor = org.client->Query("SELECT Id FROM Account", options);
  CHECK(DrainIds(cursor.get()).size() == 4);
  CHECK(cursor->status().ok());
  CHECK(org.fake.CountRequests("GET", first) == 1);
  CHECK(org.fake.CountRequests("GET", kPage2Url) == 1);
}

TEST_CASE("a truncated page is fetched again, and the cursor carries on") {
  Org org;
  org.ScriptThreePages();
  const std::string page2 = Page(4, 6, kPage3Path);
  org.fake.On("GET", kPage2Url).Times(1, JsonResponse(200, page2.substr(0, page2.size() - 40))).Then(JsonResponse(200, page2));
  auto cursor = org.client->Query(kSoql, Columns());
  CHECK(DrainIds(cursor.get()) == kAllIds);
  CHECK(cursor->status().ok());
  CHECK(org.fake.CountRequests("GET", kPage2Url) == 2);
}

TEST_CASE("a page malformed twice ends the cursor with DataLoss after the rows before it") {
  for (bool prefetch : {false, true}) {
    CAPTURE(prefetch);
    Org org;
    org.ScriptThreePages();
    org.fake.On("GET", kPage2Url).Then(JsonResponse(200, R"({"totalSize":8,"done":false,"records":[]})"));
    QueryOptions options = Columns();
    options.prefetch = prefetch;
    auto cursor = org.client->Query(kSoql, options);
    CHECK(DrainIds(cursor.get()) == std::vector<std::string>{"001-1", "001-2", "001-3"});
    CHECK(cursor->status().code() == StatusCode::kDataLoss);
    CHECK(cursor->status().message().find("malformed twice") != std::string::npos);
    CHECK(cursor->pages_fetched() == 1);
    CHECK(org.fake.CountRequests("GET", kPage2Url) == 2);
    CHECK(org.fake.CountRequests("GET", kPage3Url) == 0);
  }
}

TEST_CASE("an expired query locator aborts the cursor so the engine restarts from its watermark") {
  Org org;
  org.ScriptThreePages();
  org.fake.On("GET", kPage2Url)
      .Then(JsonResponse(400, R"([{"message":"invalid query locator","errorCode":"INVALID_QUERY_LOCATOR"}])"));
  auto cursor = org.client->Query(kSoql, Columns());
  QueryPage page;
  REQUIRE(cursor->Next(&page));
  CHECK_FALSE(cursor->Next(&page));
  CHECK(cursor->status().code() == StatusCode::kAborted);
  CHECK(cursor->status().reason() == "INVALID_QUERY_LOCATOR");
  CHECK(org.fake.CountRequests("GET", kPage2Url) == 1);  // not retried, not refetched
}

TEST_CASE("transient failures on a continuation are retried inside the page fetch") {
  Org org;
  org.ScriptThreePages();
  org.fake.On("GET", kPage3Url).Times(2, JsonResponse(503, "")).Then(PageResponse(7, 8, ""));
  auto cursor = org.client->Query(kSoql, Columns());
  CHECK(DrainIds(cursor.get()) == kAllIds);
  CHECK(cursor->status().ok());
  // Two backoffs of [250, 500] and [500, 1000] ms, slept in slices so a destroyed cursor stops early.
  std::chrono::milliseconds slept{0};
  for (auto d : org.clock.sleeps()) slept += d;
  CHECK(slept >= std::chrono::milliseconds(750));
  CHECK(slept <= std::chrono::milliseconds(1500));
}

TEST_CASE("fail the Nth request, for every N: transient failures lose nothing, persistent ones lose no page silently") {
  for (bool persistent : {false, true}) {
    int n = 1;
    for (;; ++n) {
      CAPTURE(persistent);
      CAPTURE(n);
      Org org(n, persistent);
      org.ScriptThreePages();
      auto cursor = org.client->Query(kSoql, Columns());
      std::vector<std::string> ids = DrainIds(cursor.get());
      if (!org.faulty->injected()) {
        CHECK(ids == kAllIds);
        CHECK(cursor->status().ok());
        break;
      }
      if (!persistent) {
        CHECK(ids == kAllIds);  // retried within the call
        CHECK(cursor->status().ok());
      } else {
        // The rows delivered are a prefix of the result, and the cursor says why it stopped.
        REQUIRE(ids.size() <= kAllIds.size());
        CHECK(std::equal(ids.begin(), ids.end(), kAllIds.begin()));
        CHECK(ids.size() < kAllIds.size());
        CHECK(cursor->status().code() == StatusCode::kUnavailable);
      }
    }
    CHECK(n == 5);  // the token request and each of the three pages took a failure
  }
}

TEST_CASE("each page reports the Date of the response that carried it") {
  Org org;
  org.fake.On("GET", kFirstUrl).Then(PageResponse(1, 3, kPage2Path, "Wed, 06 May 2026 12:07:50 GMT"));
  org.fake.On("GET", kPage2Url).Then(PageResponse(4, 6, "", "Wed, 06 May 2026 12:07:52 GMT"));
  auto cursor = org.client->Query(kSoql, Columns());
  QueryPage page;
  REQUIRE(cursor->Next(&page));
  CHECK(page.server_date_millis == 1778069270000);
  REQUIRE(cursor->Next(&page));
  CHECK(page.server_date_millis == 1778069272000);
  CHECK(page.done);
}

TEST_CASE("destroying a cursor while its prefetch is in flight waits for it cleanly") {
  Org org;
  org.ScriptThreePages();
  std::atomic<bool> page2_answered{false};
  org.fake.OnRequest("GET", kPage2Url, [&](const HttpRequest&) -> StatusOr<HttpResponse> {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    page2_answered = true;
    return PageResponse(4, 6, kPage3Path);
  });
  {
    auto cursor = org.client->Query(kSoql, Columns());
    QueryPage page;
    REQUIRE(cursor->Next(&page));
    REQUIRE(org.EventuallyRequested(kPage2Url));
  }
  CHECK(page2_answered);  // the worker finished before the cursor was gone
  CHECK(org.fake.CountRequests("GET", kPage3Url) == 0);
}

// A page that is not the last, pointing to `next_path`, with the records `first`..`last` (none
// when first > last).
HttpResponse NotLast(int first, int last, const std::string& next_path) {
  std::string body = R"({"totalSize":8,"done":false,"nextRecordsUrl":")" + next_path + R"(","records":[)";
  for (int i = first; i <= last; ++i) {
    body += (i > first ? "," : "") + std::string(R"({"attributes":{"type":"Account"},"Id":"001-)") + std::to_string(i) +
            R"(","Name":"n"})";
  }
  return JsonResponse(200, body + "]}");
}

int PageRequests(const Org& org) {
  int n = 0;
  for (const HttpRequest& r : org.fake.requests()) n += r.method == "GET";
  return n;
}

TEST_CASE("regression: done false, the same nextRecordsUrl and no records ends the cursor after two calls") {
  // The issue: such a server drew 456 calls in 15 s until killed.
  for (bool prefetch : {false, true}) {
    CAPTURE(prefetch);
    Org org;
    org.fake.On("GET", kFirstUrl).Then(NotLast(1, 0, kPage2Path));
    org.fake.On("GET", kPage2Url).Then(NotLast(1, 0, kPage2Path));
    QueryOptions options = Columns();
    options.prefetch = prefetch;
    auto cursor = org.client->Query(kSoql, options);
    CHECK(DrainIds(cursor.get()).empty());
    const Status& status = cursor->status();
    CHECK(status.code() == StatusCode::kDataLoss);
    CHECK(status.reason() == "cursor.stuck");
    CHECK(ExitCodeFor(status) == kExitUnavailable);
    CHECK(status.message().find("nextRecordsUrl " + kPage2Path + ", which this cursor had already followed") !=
          std::string::npos);
    CHECK(status.message().find("after 2 pages and 2 requests") != std::string::npos);
    CHECK(cursor->pages_fetched() == 1);  // the repeating page is not delivered
    // Nor is anything fetched ahead.
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    CHECK(PageRequests(org) == 2);
  }
}

TEST_CASE("a nextRecordsUrl leading back to an earlier page ends the cursor, after the rows before it") {
  Org org;
  org.fake.On("GET", kFirstUrl).Then(PageResponse(1, 3, kPage2Path));
  org.fake.On("GET", kPage2Url).Then(PageResponse(4, 6, kPage3Path));
  org.fake.On("GET", kPage3Url).Then(PageResponse(7, 8, kPage2Path));  // back to page 2
  auto cursor = org.client->Query(kSoql, Columns());
  CHECK(DrainIds(cursor.get()) == std::vector<std::string>{"001-1", "001-2", "001-3", "001-4", "001-5", "001-6"});
  CHECK(cursor->status().reason() == "cursor.stuck");
  CHECK(cursor->status().message().find("after 3 pages and 3 requests") != std::string::npos);
  CHECK(PageRequests(org) == 3);
}

TEST_CASE("empty pages that are not the last: two in a row pass, a third ends the cursor") {
  const std::string p4 = "/services/data/v60.0/query/01gD0000002HU6KIAW-9";
  const std::string p5 = "/services/data/v60.0/query/01gD0000002HU6KIAW-12";
  {
    // a) Two empty pages, rows, two empty pages again, then the last: every row arrives.
    Org org;
    org.fake.On("GET", kFirstUrl).Then(NotLast(1, 0, kPage2Path));
    org.fake.On("GET", kPage2Url).Then(NotLast(1, 0, kPage3Path));
    org.fake.On("GET", kPage3Url).Then(NotLast(1, 3, p4));
    org.fake.On("GET", kInstanceUrl + p4).Then(NotLast(1, 0, p5));
    org.fake.On("GET", kInstanceUrl + p5).Then(NotLast(4, 0, "/services/data/v60.0/query/01gD0000002HU6KIAW-15"));
    org.fake.On("GET", std::string(kInstanceUrl) + "/services/data/v60.0/query/01gD0000002HU6KIAW-15")
        .Then(PageResponse(4, 8, ""));
    auto cursor = org.client->Query(kSoql, Columns());
    CHECK(DrainIds(cursor.get()) == kAllIds);
    CHECK(cursor->status().ok());
    CHECK(cursor->pages_fetched() == 6);
  }
  {
    // b) Three in a row, each pointing somewhere new: stopped at the third, three calls spent.
    Org org;
    org.fake.On("GET", kFirstUrl).Then(NotLast(1, 0, kPage2Path));
    org.fake.On("GET", kPage2Url).Then(NotLast(1, 0, kPage3Path));
    org.fake.On("GET", kPage3Url).Then(NotLast(1, 0, p4));
    org.fake.On("GET", kInstanceUrl + p4).Then(PageResponse(1, 8, ""));
    auto cursor = org.client->Query(kSoql, Columns());
    CHECK(DrainIds(cursor.get()).empty());
    CHECK(cursor->status().code() == StatusCode::kDataLoss);
    CHECK(cursor->status().reason() == "cursor.stuck");
    CHECK(cursor->status().message().find("3 pages in a row that are not the last and hold no rows") !=
          std::string::npos);
    CHECK(cursor->pages_fetched() == 2);
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    CHECK(PageRequests(org) == 3);
  }
}

TEST_CASE("an unusable column list fails the cursor without sending anything") {
  Org org;
  QueryOptions options;
  options.columns = {"Id", "Bad Column"};
  auto cursor = org.client->Query(kSoql, options);
  QueryPage page;
  CHECK_FALSE(cursor->Next(&page));
  CHECK(cursor->status().code() == StatusCode::kInvalidArgument);
  CHECK(org.fake.requests().empty());
}

}  // namespace
}  // namespace sfsync::salesforce
