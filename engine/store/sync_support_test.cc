// The store features the sync's deletes, audits and schema changes lean on: server deletes, the
// describe cache, the reload intent committed with a schema change, month buckets, and the
// deletes_checked_until part of the sync state.
#include <doctest/doctest.h>

#include "engine/store/store.h"
#include "engine/store/store_test_util.h"

namespace sfsync::store {
namespace {

using testing::Batch;
using testing::Col;
using testing::MustOpen;
using testing::QueryText;
using testing::StateAt;
using testing::TempDir;

TableSpec Spec(bool with_is_deleted = true) {
  TableSpec spec{"Account", "Account",
                 {Col("Id", ColumnType::kText, "id"), Col("Name", ColumnType::kText),
                  Col("CreatedDate", ColumnType::kDateTime, "datetime")}};
  if (with_is_deleted) spec.columns.push_back(Col("IsDeleted", ColumnType::kBoolean, "boolean"));
  return spec;
}

RowBatch ThreeRows() {
  return Batch({"Id", "Name", "CreatedDate", "IsDeleted"},
               {{Cell::Text("001A"), Cell::Text("a"), Cell::Text("2024-01-31T23:59:59.000+0000"), Cell::Bool(false)},
                {Cell::Text("001B"), Cell::Text("b"), Cell::Text("2024-02-01T00:00:00.000+0000"), Cell::Bool(false)},
                {Cell::Text("001C"), Cell::Text("c"), Cell::Text("2024-02-15T10:00:00.000+0000"), Cell::Bool(false)}});
}

RowBatch StampedRows() {
  return Batch({"Id", "Name", "CreatedDate", "IsDeleted"},
               {{Cell::Text("001A"), Cell::Text("a"), Cell::Text("2024-02-01T00:00:00.000Z"), Cell::Bool(false)},
                {Cell::Text("001B"), Cell::Text("b"), Cell::Text("2024-02-10T00:00:00.000Z"), Cell::Bool(false)},
                {Cell::Text("001C"), Cell::Text("c"), Cell::Text("2024-02-20T00:00:00.000Z"), Cell::Bool(false)}});
}

std::string Flags(const std::string& path) {
  return QueryText(path, "SELECT group_concat(Id || '=' || IsDeleted, ',') FROM (SELECT * FROM Account ORDER BY Id)");
}

TEST_CASE("server deletes mark (soft) or remove (hard) stored rows, never create one, and move the state") {
  TempDir dir;
  const std::string path = dir.File("s.db");
  auto store = MustOpen(path);
  REQUIRE(store->EnsureTable(Spec()).ok());
  REQUIRE(store->ApplyPage(Spec(), StampedRows(), {}, StateAt("2024-03-01T00:00:00.000Z", "001C")).ok());

  SyncState next = StateAt("2024-03-01T00:00:00.000Z", "001C");
  next.deletes_checked_until = "2024-03-02T00:00:00.000Z";
  auto marked = store->ApplyServerDeletes(Spec(), {{"001B", ""}, {"001Z", ""}}, "", /*mark_only=*/true, next);
  REQUIRE(marked.ok());
  CHECK(*marked == 1);
  CHECK(Flags(path) == "001A=0,001B=1,001C=0");
  CHECK(store->LoadState("Account")->deletes_checked_until == "2024-03-02T00:00:00.000Z");
  // Marking again changes nothing.
  CHECK(*store->ApplyServerDeletes(Spec(), {{"001B", ""}}, "", true, next) == 0);

  auto removed = store->ApplyServerDeletes(Spec(), {{"001A", ""}}, "", /*mark_only=*/false, next);
  REQUIRE(removed.ok());
  CHECK(*removed == 1);
  CHECK(Flags(path) == "001B=1,001C=0");

  // Behind the stored watermark: refused, nothing written.
  CHECK(store->ApplyServerDeletes(Spec(), {{"001C", ""}}, "", true, StateAt("2024-01-01T00:00:00.000Z", ""))
            .status()
            .code() == StatusCode::kFailedPrecondition);
  CHECK(Flags(path) == "001B=1,001C=0");
  // A table without IsDeleted cannot be marked; an unknown guard column is refused.
  CHECK(store->ApplyServerDeletes(Spec(false), {{"001C", ""}}, "", true, next).status().code() ==
        StatusCode::kInvalidArgument);
  CHECK(store->ApplyServerDeletes(Spec(), {{"001C", ""}}, "NoSuchField", false, next).status().code() ==
        StatusCode::kInvalidArgument);
}

TEST_CASE("regression: a delete older than the stored row (deleted, then undeleted and re-read) is not applied") {
  TempDir dir;
  const std::string path = dir.File("s.db");
  auto store = MustOpen(path);
  REQUIRE(store->EnsureTable(Spec()).ok());
  REQUIRE(store->ApplyPage(Spec(), StampedRows(), {}, StateAt("2024-03-01T00:00:00.000Z", "001C")).ok());
  const SyncState state = StateAt("2024-03-01T00:00:00.000Z", "001C");
  // 001B's stored stamp (2024-02-10) is after this delete: the row came back since. 001C's is not.
  auto n = store->ApplyServerDeletes(Spec(), {{"001B", "2024-02-05T00:00:00.000Z"}, {"001C", "2024-02-20T00:00:00.000Z"}},
                                     "CreatedDate", /*mark_only=*/false, state);
  REQUIRE(n.ok());
  CHECK(*n == 1);
  CHECK(Flags(path) == "001A=0,001B=0");
}

TEST_CASE("parent watermarks round-trip with the rest of the sync state") {
  TempDir dir;
  auto store = MustOpen(dir.File("s.db"));
  SyncState state = StateAt("2024-03-01T00:00:00.000Z", "003A");
  state.parent_watermarks["Account"] = {"2024-02-01T00:00:00.000Z", "003B"};
  state.parent_watermarks["Owner.Profile"] = {"2024-01-01T00:00:00.000Z", ""};
  REQUIRE(store->SaveState("Contact", state).ok());
  auto loaded = store->LoadState("Contact");
  REQUIRE(loaded.ok());
  CHECK(loaded->parent_watermarks.size() == 2);
  CHECK(loaded->parent_watermarks["Account"] == Watermark{"2024-02-01T00:00:00.000Z", "003B"});
  CHECK(loaded->parent_watermarks["Owner.Profile"] == Watermark{"2024-01-01T00:00:00.000Z", ""});
  state.parent_watermarks.clear();
  REQUIRE(store->SaveState("Contact", state).ok());
  CHECK(store->LoadState("Contact")->parent_watermarks.empty());
}

TEST_CASE("the describe cache keeps the last body and Last-Modified per table and object") {
  TempDir dir;
  auto store = MustOpen(dir.File("s.db"));
  CHECK(store->LoadDescribe("Account", "Account").status().code() == StatusCode::kNotFound);
  REQUIRE(store->SaveDescribe("Account", "Account", {1714557600000, "{\"name\":\"Account\"}"}).ok());
  REQUIRE(store->SaveDescribe("Account", "Account", {1714557700000, "{\"name\":\"Account\",\"v\":2}"}).ok());
  auto cached = store->LoadDescribe("account", "Account");  // table names ignore case, as SQLite's do
  REQUIRE(cached.ok());
  CHECK(cached->last_modified_millis == 1714557700000);
  CHECK(cached->body == "{\"name\":\"Account\",\"v\":2}");
  // Another table of the same object (maybe another job's, another org or API version) has its own.
  CHECK(store->LoadDescribe("AccountCopy", "Account").status().code() == StatusCode::kNotFound);
  REQUIRE(store->SaveDescribe("AccountCopy", "Account", {1714557600000, "{\"v\":1}"}).ok());
  CHECK(store->LoadDescribe("AccountCopy", "Account")->body == "{\"v\":1}");
  CHECK(store->LoadDescribe("Account", "Account")->last_modified_millis == 1714557700000);
}

TEST_CASE("a schema change that needs a backfill commits the caller's reload state with it") {
  TempDir dir;
  const std::string path = dir.File("s.db");
  auto store = MustOpen(path);
  SyncState reload = StateAt("2024-03-01T00:00:00.000Z", "001C");
  reload.load_in_progress = true;
  REQUIRE(store->EnsureTable(Spec(), &reload).ok());  // creation alone needs no backfill
  CHECK_FALSE(store->LoadState("Account")->load_in_progress);

  REQUIRE(store->ApplyPage(Spec(), ThreeRows(), {}, StateAt("2024-03-01T00:00:00.000Z", "001C")).ok());
  TableSpec wider = Spec();
  wider.columns.push_back(Col("Industry", ColumnType::kText, "picklist"));
  auto changes = store->EnsureTable(wider, &reload);
  REQUIRE(changes.ok());
  CHECK(NeedsBackfill(*changes));
  CHECK(store->LoadState("Account")->load_in_progress);

  // Dropping a column needs no backfill: the state is left alone.
  REQUIRE(store->SaveState("Account", StateAt("2024-03-01T00:00:00.000Z", "001C")).ok());
  auto narrower = store->EnsureTable(Spec(), &reload);
  REQUIRE(narrower.ok());
  CHECK_FALSE(NeedsBackfill(*narrower));
  CHECK_FALSE(store->LoadState("Account")->load_in_progress);
}

TEST_CASE("a table dropped behind sfsync's back stops the object with what to do, rather than resync silently") {
  TempDir dir;
  const std::string path = dir.File("s.db");
  {
    auto store = MustOpen(path);
    REQUIRE(store->EnsureTable(Spec()).ok());
    REQUIRE(store->ApplyPage(Spec(), StampedRows(), {}, StateAt("2024-03-01T00:00:00.000Z", "001C")).ok());
  }
  testing::Query(path, "DROP TABLE Account");
  auto store = MustOpen(path);
  SyncState reload = StateAt("2024-03-01T00:00:00.000Z", "001C");
  reload.load_in_progress = true;
  auto changes = store->EnsureTable(Spec(), &reload);
  CHECK(changes.status().code() == StatusCode::kFailedPrecondition);
  CHECK(changes.status().reason() == kRefusedReason);
  CHECK(changes.status().message().find("delete its _sfsync_columns and _sfsync_state rows") != std::string::npos);
}

TEST_CASE("CountByMonth buckets rows by the UTC month of a datetime column") {
  TempDir dir;
  auto store = MustOpen(dir.File("s.db"));
  REQUIRE(store->EnsureTable(Spec()).ok());
  REQUIRE(store->ApplyPage(Spec(), ThreeRows(), {}, StateAt("2024-03-01T00:00:00.000Z", "001C")).ok());
  auto counts = store->CountByMonth("Account", "CreatedDate");
  REQUIRE(counts.ok());
  CHECK(*counts == std::vector<std::pair<std::string, int64_t>>{{"2024-01", 1}, {"2024-02", 2}});
  // Flagged rows can be left out, in counts and in Id lists alike.
  REQUIRE(store->ApplyServerDeletes(Spec(), {{"001C", ""}}, "", true, StateAt("2024-03-01T00:00:00.000Z", "001C")).ok());
  CHECK(*store->CountByMonth("Account", "CreatedDate", "IsDeleted") ==
        std::vector<std::pair<std::string, int64_t>>{{"2024-01", 1}, {"2024-02", 1}});
  CHECK(*store->ListIds("Account", "CreatedDate", "2024-02-01T00:00:00.000Z", "", "IsDeleted") ==
        std::vector<std::string>{"001B"});
  CHECK(*store->ListIds("Account", "", "", "", "IsDeleted") == std::vector<std::string>{"001A", "001B"});
  CHECK(store->CountByMonth("Account", "NoSuchColumn").status().code() == StatusCode::kNotFound);
  CHECK(store->CountByMonth("Nope", "CreatedDate").status().code() == StatusCode::kNotFound);
}

}  // namespace
}  // namespace sfsync::store
