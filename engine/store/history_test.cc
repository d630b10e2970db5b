// History mode on the SQLite store (history.h): what the triggers write for each kind of engine
// write, how versions are dated, and turning history off and on again.
#include <doctest/doctest.h>

#include "engine/core/clock.h"
#include "engine/store/store.h"
#include "engine/store/store_test_util.h"

namespace sfsync::store {
namespace {

using testing::Batch;
using testing::Col;
using testing::QueryText;
using testing::StateAt;
using testing::TempDir;

TableSpec Spec(bool with_stamp = true) {
  TableSpec spec{"Account", "Account", {Col("Id", ColumnType::kText, "id"), Col("Name", ColumnType::kText)}};
  if (with_stamp) spec.columns.push_back(Col("SystemModstamp", ColumnType::kDateTime, "datetime"));
  return spec;
}

struct Fixture {
  TempDir dir;
  std::string path = dir.File("h.db");
  ManualClock clock{1800000000000};  // 2027-01-15T08:00:00.000Z
  std::unique_ptr<Store> store;
  explicit Fixture(bool with_stamp = true) {
    SqliteStoreOptions options;
    options.clock = &clock;
    store = testing::MustOpen(path, options);
    REQUIRE(store->EnsureTable(Spec(with_stamp)).ok());
    REQUIRE(store->EnsureHistory({"Account", with_stamp ? "SystemModstamp" : ""}, true).ok());
  }
  std::string Versions(const std::string& id) {
    return QueryText(path,
                     "SELECT group_concat(coalesce(\"Name\", '-') || '@' || _valid_from || '..' || "
                     "coalesce(_valid_to, '') || (CASE WHEN _is_deleted THEN ' deleted' ELSE '' END), '; ') "
                     "FROM (SELECT * FROM \"Account__history\" WHERE \"Id\" = '" +
                         id + "' ORDER BY _version)");
  }
};

TEST_CASE("versions are dated by the row's stamp, a no-op upsert writes none, a delete leaves a tombstone") {
  Fixture f;
  auto page = [&](const std::string& name, const std::string& stamp, const std::string& wm) {
    return f.store->ApplyPage(
        Spec(), Batch({"Id", "Name", "SystemModstamp"}, {{Cell::Text("001A"), Cell::Text(name), Cell::Text(stamp)}}),
        {}, StateAt(wm, "001A"));
  };
  REQUIRE(page("one", "2026-01-01T00:00:00.000+0000", "2026-01-01T00:00:00.000Z").ok());
  REQUIRE(page("one", "2026-01-01T00:00:00.000+0000", "2026-01-01T00:00:00.000Z").ok());  // unchanged
  REQUIRE(page("two", "2026-02-01T00:00:00.000+0000", "2026-02-01T00:00:00.000Z").ok());
  CHECK(f.Versions("001A") == "one@2026-01-01T00:00:00.000Z..2026-02-01T00:00:00.000Z; two@2026-02-01T00:00:00.000Z..");
  // A delete the server dated (queryAll's stamp), then one it did not (dated by the org's clock).
  REQUIRE(f.store
              ->ApplyPage(Spec(), Batch({"Id"}, {}), {"001A"}, StateAt("2026-03-01T00:00:00.000Z", "001A"),
                          {"2026-03-01T00:00:00.000Z"})
              .ok());
  CHECK(f.Versions("001A") ==
        "one@2026-01-01T00:00:00.000Z..2026-02-01T00:00:00.000Z; "
        "two@2026-02-01T00:00:00.000Z..2026-03-01T00:00:00.000Z; "
        "two@2026-03-01T00:00:00.000Z.. deleted");
  // Undeleted: the tombstone closes.
  REQUIRE(page("three", "2026-04-01T00:00:00.000+0000", "2026-04-01T00:00:00.000Z").ok());
  CHECK(QueryText(f.path, "SELECT count(*) FROM \"Account__history\" WHERE _valid_to IS NULL") == "1");
  CHECK(QueryText(f.path, "SELECT \"Name\" FROM \"Account__history\" WHERE _valid_to IS NULL") == "three");
  // An edit whose stamp did not move (a flattened parent's field): dated by the org's clock.
  f.store->SetServerClockOffset(60000);
  REQUIRE(page("four", "2026-04-01T00:00:00.000+0000", "2026-04-01T00:00:00.000Z").ok());
  CHECK(QueryText(f.path, "SELECT _valid_from FROM \"Account__history\" WHERE _valid_to IS NULL") ==
        "2027-01-15T08:01:00.000Z");
  // A stamp behind the open version (a clock gone back) never dates a version before it.
  REQUIRE(page("five", "2026-05-01T00:00:00.000+0000", "2026-05-01T00:00:00.000Z").ok());
  CHECK(QueryText(f.path, "SELECT _valid_from || ' ' || \"Name\" FROM \"Account__history\" WHERE _valid_to IS NULL") ==
        "2027-01-15T08:01:00.000Z five");
  // ... and the version it replaced at that very instant, which was never the state, is gone.
  CHECK(QueryText(f.path, "SELECT count(*) FROM \"Account__history\" WHERE \"Name\" = 'four'") == "0");
}

TEST_CASE("a table without a stamp column: versions dated by the engine write's time") {
  Fixture f(/*with_stamp=*/false);
  REQUIRE(
      f.store->ApplyPage(Spec(false), Batch({"Id", "Name"}, {{Cell::Text("001A"), Cell::Text("one")}}), {}, SyncState{})
          .ok());
  f.clock.Advance(std::chrono::milliseconds(1000));
  REQUIRE(
      f.store->ApplyPage(Spec(false), Batch({"Id", "Name"}, {{Cell::Text("001A"), Cell::Text("two")}}), {}, SyncState{})
          .ok());
  CHECK(f.Versions("001A") == "one@2027-01-15T08:00:00.000Z..2027-01-15T08:00:01.000Z; two@2027-01-15T08:00:01.000Z..");
}

TEST_CASE("history turned off keeps the versions, and turned on again it starts over from the table") {
  Fixture f;
  auto page = [&](const std::string& name, const std::string& stamp) {
    return f.store->ApplyPage(
        Spec(), Batch({"Id", "Name", "SystemModstamp"}, {{Cell::Text("001A"), Cell::Text(name), Cell::Text(stamp)}}),
        {}, StateAt(stamp, "001A"));
  };
  REQUIRE(page("one", "2026-01-01T00:00:00.000Z").ok());
  REQUIRE(f.store->EnsureHistory({"Account", "SystemModstamp"}, false).ok());
  REQUIRE(page("two", "2026-02-01T00:00:00.000Z").ok());  // not versioned
  CHECK(f.Versions("001A") == "one@2026-01-01T00:00:00.000Z..");
  f.clock.Advance(std::chrono::milliseconds(5000));
  REQUIRE(f.store->EnsureHistory({"Account", "SystemModstamp"}, true).ok());
  // What happened meanwhile is unknown: the old version ends now, the row as it is starts then.
  CHECK(f.Versions("001A") == "one@2026-01-01T00:00:00.000Z..2027-01-15T08:00:05.000Z; two@2027-01-15T08:00:05.000Z..");
  // One version per instant.
  CHECK(QueryText(f.path,
                  "SELECT count(*) FROM \"Account__history\" WHERE _valid_from <= '2026-06-01T00:00:00.000Z' "
                  "AND (_valid_to IS NULL OR _valid_to > '2026-06-01T00:00:00.000Z')") == "1");
  // Turning it off and on again with nothing changed in between writes no second copy... of course
  // it cannot know that: it closes and restarts, at one instant, which leaves one version open.
  REQUIRE(f.store->EnsureHistory({"Account", "SystemModstamp"}, false).ok());
  REQUIRE(f.store->EnsureHistory({"Account", "SystemModstamp"}, true).ok());
  CHECK(QueryText(f.path, "SELECT count(*) FROM \"Account__history\" WHERE _valid_to IS NULL") == "1");
}

TEST_CASE("a table named like a history table that sfsync did not make is refused, and nothing changes") {
  TempDir dir;
  const std::string path = dir.File("h.db");
  auto store = testing::MustOpen(path);
  REQUIRE(store->EnsureTable(Spec()).ok());
  testing::Query(path, "CREATE TABLE \"Account__history\" (x)");
  Status s = store->EnsureHistory({"Account", "SystemModstamp"}, true);
  CHECK(s.reason() == kRefusedReason);
  CHECK(s.message().find("Account__history exists and sfsync did not create it") != std::string::npos);
  CHECK(QueryText(path, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'") == "0");
}

TEST_CASE("a retyped column keeps its versions: the history follows the table's columns") {
  Fixture f;
  REQUIRE(f.store
              ->ApplyPage(Spec(),
                          Batch({"Id", "Name", "SystemModstamp"},
                                {{Cell::Text("001A"), Cell::Text("42"), Cell::Text("2026-01-01T00:00:00.000Z")}}),
                          {}, StateAt("2026-01-01T00:00:00.000Z", "001A"))
              .ok());
  TableSpec retyped = Spec();
  retyped.columns[1].type = ColumnType::kInteger;
  REQUIRE(f.store->EnsureTable(retyped).ok());  // Name -> Name__v1 (text, kept), Name (integer)
  REQUIRE(f.store->EnsureHistory({"Account", "SystemModstamp"}, true).ok());
  REQUIRE(f.store
              ->ApplyPage(retyped,
                          Batch({"Id", "Name", "SystemModstamp"},
                                {{Cell::Text("001A"), Cell::Int(43), Cell::Text("2026-02-01T00:00:00.000Z")}}),
                          {}, StateAt("2026-02-01T00:00:00.000Z", "001A"))
              .ok());
  CHECK(QueryText(f.path,
                  "SELECT group_concat(typeof(\"Name\") || ':' || \"Name\" || '/' || coalesce(\"Name__v1\", "
                  "'-'), ' ') FROM (SELECT * FROM \"Account__history\" ORDER BY _version)") ==
        "text:42/- integer:43/42");
}

}  // namespace
}  // namespace sfsync::store
