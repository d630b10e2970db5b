// The pusher against scripted answers (the transport seam) and a real SQLite store: per-record
// outcomes Salesforce gives that the emulator does not produce on demand.
#include "engine/push/pusher.h"

#include <doctest/doctest.h>

#include "connectors/salesforce/testing/fake_session.h"
#include "connectors/salesforce/testing/recording_clock.h"
#include "engine/store/sqlite_db.h"
#include "engine/store/store_test_util.h"

namespace sfsync::push {
namespace {

using salesforce::testing::FakeTransport;
using salesforce::testing::JsonResponse;
using salesforce::testing::kInstanceUrl;
using store::testing::Batch;
using store::testing::Col;
using store::testing::MustOpen;
using store::testing::QueryText;
using store::testing::StateAt;
using store::testing::TempDir;

constexpr char kId[] = "001A00000000001AAA";

struct Org {
  TempDir dir;
  std::string path = dir.File("push.db");
  std::unique_ptr<store::Store> store = MustOpen(path);
  FakeTransport fake;
  salesforce::testing::RecordingClock clock{1714557600000};
  salesforce::testing::FakeSession session = salesforce::testing::NewFakeSession(&fake, &clock);
  PushTable table;
  std::string collections = std::string(kInstanceUrl) + "/services/data/v60.0/composite/sobjects";

  Org() {
    table.object = "Account";
    table.table = "Account";
    table.spec = {"Account", "Account",
                  {Col("Id", store::ColumnType::kText, "id"), Col("Phone", store::ColumnType::kText),
                   Col("SystemModstamp", store::ColumnType::kDateTime, "datetime")}};
    table.columns = {{"Phone", "Phone", store::ColumnType::kText, true, true, "", {}},
                     {"SystemModstamp", "SystemModstamp", store::ColumnType::kDateTime, false, false, "a system field",
                      {}}};
    table.stamp_column = "SystemModstamp";
    REQUIRE(store->EnsureTable(table.spec).ok());
    REQUIRE(store->ApplyPage(table.spec,
                             Batch({"Id", "Phone", "SystemModstamp"},
                                   {{Cell::Text(kId), Cell::Text("1"), Cell::Text("2024-05-01T10:00:00.000Z")}}),
                             {}, StateAt("2024-05-01T10:00:00.000Z", kId))
                .ok());
    REQUIRE(store->EnsureCapture(table.Capture()).ok());
  }
  void Edit(const std::string& sql) {
    auto db = store::Db::Open(path, "", 2000);
    REQUIRE(db.ok());
    REQUIRE(db->Exec(sql).ok());
  }
  ObjectPusher Pusher() {
    PushSettings settings;
    settings.round_backoff = std::chrono::milliseconds(1);
    return ObjectPusher(session.client.get(), store.get(), &clock, &table, {}, settings);
  }
  std::string Outbox() { return QueryText(path, "SELECT state || ' ' || status_code FROM _sfsync_outbox"); }
};

TEST_CASE("a delete answered ENTITY_IS_DELETED is done: the record is gone either way") {
  Org org;
  org.Edit(std::string("DELETE FROM Account WHERE Id = '") + kId + "'");
  org.fake.On("POST", org.collections + "/Account")
      .Then(JsonResponse(200, std::string(R"([{"attributes":{"type":"Account"},"Id":")") + kId +
                                  R"(","SystemModstamp":"2024-05-01T10:00:00.000+0000"}])"));
  org.fake.On("DELETE", org.collections)
      .Then(JsonResponse(200, R"([{"success":false,"errors":[{"statusCode":"ENTITY_IS_DELETED","message":"entity is deleted","fields":[]}]}])"));
  ObjectPushStats stats;
  REQUIRE(org.Pusher().PushDeletes(&stats).ok());
  CHECK(stats.deleted == 1);
  CHECK(org.Outbox() == "DONE ");
}

TEST_CASE("ALL_OR_NONE_OPERATION_ROLLED_BACK is tried again, and an update answered ENTITY_IS_DELETED is a conflict") {
  Org org;
  org.Edit(std::string("UPDATE Account SET Phone = '2' WHERE Id = '") + kId + "'");
  org.fake.On("POST", org.collections + "/Account")
      .Then(JsonResponse(200, std::string(R"([{"attributes":{"type":"Account"},"Id":")") + kId + R"(","Phone":"1"}])"));
  org.fake.On("PATCH", org.collections)
      .Times(1, JsonResponse(200, R"([{"success":false,"errors":[{"statusCode":"ALL_OR_NONE_OPERATION_ROLLED_BACK","message":"Record rolled back","fields":[]}]}])"))
      .Then(JsonResponse(200, R"([{"success":false,"errors":[{"statusCode":"ENTITY_IS_DELETED","message":"entity is deleted","fields":[]}]}])"));
  ObjectPushStats stats;
  REQUIRE(org.Pusher().PushUpserts(&stats).ok());
  CHECK(org.fake.CountRequests("PATCH", org.collections) == 2);
  CHECK(stats.conflicts == 1);
  CHECK(org.Outbox() == "CONFLICT ENTITY_IS_DELETED");
  CHECK(QueryText(org.path, "SELECT kind FROM _sfsync_conflicts") == "deleted_remotely");
}

TEST_CASE("a Collections answer that does not match the request leaves the change SENT: its outcome is unknown") {
  Org org;
  org.Edit(std::string("UPDATE Account SET Phone = '2' WHERE Id = '") + kId + "'");
  org.fake.On("POST", org.collections + "/Account")
      .Then(JsonResponse(200, std::string(R"([{"attributes":{"type":"Account"},"Id":")") + kId + R"(","Phone":"1"}])"));
  org.fake.On("PATCH", org.collections).Then(JsonResponse(200, R"([])"));
  ObjectPushStats stats;
  CHECK(org.Pusher().PushUpserts(&stats).code() == StatusCode::kDataLoss);
  CHECK(stats.unknown == 1);
  CHECK(org.Outbox() == "SENT ");
}

}  // namespace
}  // namespace sfsync::push

namespace sfsync::push {
namespace {

TEST_CASE("a delete of a row whose insert never got an Id sends nothing, whatever its local Id looks like") {
  Org org;
  org.table.columns[0].createable = true;
  org.Edit("INSERT INTO Account (Id, Phone) VALUES ('new-1', '9')");
  auto changes = org.store->ListChanges("Account", {"PENDING"}, {"Phone"});
  REQUIRE(changes->size() == 1);
  // The insert went out and its answer was lost: the row is deleted meanwhile.
  REQUIRE(org.store->MarkSent("Account", {{(*changes)[0].change_id, "key-1", ""}}, 1).ok());
  org.Edit("DELETE FROM Account WHERE Id = 'new-1'");
  ObjectPushStats stats;
  REQUIRE(org.Pusher().PushDeletes(&stats).ok());
  CHECK(org.fake.requests().empty());  // no retrieve, no delete
  CHECK(stats.already_done == 1);
  CHECK(QueryText(org.path, "SELECT state FROM _sfsync_outbox WHERE op = 'delete'") == "DONE");
}

}  // namespace
}  // namespace sfsync::push
