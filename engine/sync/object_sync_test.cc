// ObjectSyncer against a scripted server (the transport seam) and a real SQLite store: what is
// committed and reported when a page cannot be applied, and the per-object call budget.
#include "engine/sync/object_sync.h"

#include <doctest/doctest.h>

#include "connectors/salesforce/testing/fake_session.h"
#include "connectors/salesforce/testing/recording_clock.h"
#include "engine/core/time_format.h"
#include "engine/store/store_test_util.h"

namespace sfsync::sync {
namespace {

using salesforce::HttpRequest;
using salesforce::testing::FakeTransport;
using salesforce::testing::JsonResponse;
using salesforce::testing::RecordingClock;

const std::string kData = std::string(salesforce::testing::kInstanceUrl) + "/services/data/v60.0";

ObjectPlan AccountPlan() {
  ObjectPlan plan;
  plan.object = "Account";
  plan.select = {"Id", "Name", "SystemModstamp"};
  plan.table = store::TableSpec{"Account", "Account",
                                {{"Id", "Id", store::ColumnType::kText, "id"},
                                 {"Name", "Name", store::ColumnType::kText, "string"},
                                 {"SystemModstamp", "SystemModstamp", store::ColumnType::kDateTime, "datetime"}}};
  plan.cursor_field = "SystemModstamp";
  plan.cursor_column = 2;
  plan.incremental = true;
  plan.deletes = "ignore";
  return plan;
}

std::string Record(const std::string& id, const std::string& stamp) {
  return R"({"attributes":{"type":"Account"},"Id":")" + id + R"(","Name":"n )" + id + R"(","SystemModstamp":")" +
         stamp + R"("})";
}

// A server and a store with Account already loaded up to kWatermark by this job.
struct Fixture {
  static constexpr const char* kWatermark = "2024-05-01T10:00:00.000Z";
  FakeTransport fake;
  RecordingClock clock{1714600000000};  // 2024-05-01T21:46:40Z
  salesforce::testing::FakeSession session = salesforce::testing::NewFakeSession(&fake, &clock);
  salesforce::RestClient* client = session.client.get();
  store::testing::TempDir dir;
  std::unique_ptr<store::Store> store = store::testing::MustOpen(dir.File("s.db"));
  ObjectPlan plan = AccountPlan();
  SyncSettings settings;

  Fixture() {
    settings.settle_lag_millis = 0;
    settings.job = "nightly";
    REQUIRE(store->EnsureTable(plan.table).ok());
    store::SyncState state;
    state.claim = {"nightly", "Account", "", "Id,Name,SystemModstamp", "", "ignore", "incremental"};
    state.cursor_field = "SystemModstamp";
    state.watermark = {kWatermark, ""};
    REQUIRE(store->SaveState("Account", state).ok());
  }

  salesforce::HttpResponse Page(const std::vector<std::string>& records, const std::string& next) {
    std::string body = R"({"totalSize":1000000,"done":)" + std::string(next.empty() ? "true" : "false");
    if (!next.empty()) body += R"(,"nextRecordsUrl":")" + next + R"(")";
    body += R"(,"records":[)";
    for (size_t i = 0; i < records.size(); ++i) body += (i ? "," : "") + records[i];
    return JsonResponse(200, body + "]}", {{"Date", FormatHttpDate(clock.NowMillis())}});
  }

  Status Run(store::ObjectRunStats* stats) {
    ObjectSyncer syncer(client, store.get(), &clock, &plan, settings);
    return syncer.Run(stats);
  }
};

TEST_CASE("regression: a page that cannot be applied leaves the committed watermark, and the history says so") {
  Fixture f;
  f.fake.On("GET", kData + "/query")
      .Then(f.Page({Record("001A", "2024-05-01T11:00:00.000+0000"), Record("001B", "2024-05-01T12:00:00.000+0000")},
                   "/services/data/v60.0/query/01gXX?page=2"));
  // The second page's first row would move the watermark further; its second row cannot be read.
  f.fake.On("GET", kData + "/query/01gXX")
      .Then(f.Page({Record("001C", "2024-05-01T13:00:00.000+0000"), Record("001D", "not a time")}, ""));
  store::ObjectRunStats stats;
  Status s = f.Run(&stats);
  CHECK(s.code() == StatusCode::kInvalidArgument);
  const store::SyncState committed = *f.store->LoadState("Account");
  CHECK(committed.watermark == store::Watermark{"2024-05-01T12:00:00.000Z", "001B"});
  CHECK(stats.watermark_before == Fixture::kWatermark);
  CHECK(stats.watermark_after == "2024-05-01T12:00:00.000Z|001B");
  CHECK(stats.rows_written == 2);
}

TEST_CASE("a server that never finishes a cursor stops at the object's call budget") {
  Fixture f;
  f.settings.max_api_calls = 25;
  int pages = 0;
  // Every page brings one new row and a new locator: no loop to detect, just no end.
  auto endless = [&](const HttpRequest&) {
    ++pages;
    return f.Page({Record("001" + std::to_string(100000 + pages), "2024-05-01T11:00:00.000+0000")},
                  "/services/data/v60.0/query/01gXX?page=" + std::to_string(pages + 1));
  };
  f.fake.OnRequest("GET", kData + "/query", endless);
  f.fake.OnRequest("GET", kData + "/query/01gXX", endless);
  store::ObjectRunStats stats;
  Status s = f.Run(&stats);
  CHECK(s.reason() == "budget.exceeded");
  CHECK(s.message().find("over the budget of 25") != std::string::npos);
  CHECK(pages <= 28);  // the budget, the page in flight, and the prefetch
  CHECK_FALSE(StopsRun(s));  // the other objects of the run go on
}

TEST_CASE("a server clock far ahead of ours is not trusted: the earlier instant starts a first load's watermark") {
  Fixture f;
  store::SyncState fresh;  // a first load
  fresh.claim = {"nightly", "Account", "", "Id,Name,SystemModstamp", "", "ignore", "incremental"};
  REQUIRE(f.store->SaveState("Account", fresh).ok());
  // Every answer carries a Date a day ahead of this machine's clock, the describe before the load too.
  const salesforce::HttpHeaders tomorrow = {{"Date", FormatHttpDate(f.clock.NowMillis() + 24 * 3600 * 1000LL)}};
  f.fake.On("GET", kData + "/sobjects/Account/describe").Then(JsonResponse(200, "{}", tomorrow));
  salesforce::HttpResponse page = f.Page({Record("001A", "2024-05-01T11:00:00.000+0000")}, "");
  page.headers = tomorrow;
  f.fake.On("GET", kData + "/query").Then(page);
  REQUIRE(f.client->Call("GET", kData + "/sobjects/Account/describe").ok());
  store::ObjectRunStats stats;
  REQUIRE(f.Run(&stats).ok());
  // Trusting the server would start the watermark tomorrow, skipping every change made until then.
  CHECK(f.store->LoadState("Account")->watermark.ts == FormatIsoUtc(f.clock.NowMillis()));
}

}  // namespace
}  // namespace sfsync::sync
