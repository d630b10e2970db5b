// ApplyPage, sync state and the simple reads, on real SQLite files.
#include <doctest/doctest.h>

#include <cstdint>

#include "engine/store/fault_vfs.h"
#include "engine/store/sqlite_db.h"
#include "engine/store/store.h"
#include "engine/store/store_test_util.h"

namespace sfsync::store {
namespace {

using testing::Batch;
using testing::Col;
using testing::MustOpen;
using testing::Query;
using testing::QueryText;
using testing::StateAt;
using testing::TempDir;

TableSpec AccountSpec() {
  return TableSpec{"Account",
                   "Account",
                   {Col("Id", ColumnType::kText, "id"), Col("Name", ColumnType::kText),
                    ColumnSpec{"Owner_Name", "Owner.Name", ColumnType::kText, "string"},
                    Col("Count__c", ColumnType::kInteger, "int"), Col("Big__c", ColumnType::kInteger, "long"),
                    Col("Amount", ColumnType::kReal, "currency"), Col("Active__c", ColumnType::kBoolean, "boolean"),
                    Col("Opened__c", ColumnType::kDate, "date"), Col("Stamp", ColumnType::kDateTime, "datetime"),
                    Col("At__c", ColumnType::kTime, "time"), Col("Notes", ColumnType::kText, "textarea")}};
}

const std::vector<std::string> kAllSources = {"Id",        "Name",      "Owner.Name", "Count__c", "Big__c", "Amount",
                                              "Active__c", "Opened__c", "Stamp",      "At__c",    "Notes"};

// typeof() and value of every column of one row, in spec order after Id.
std::vector<std::vector<Cell>> StoredRow(const std::string& path, const std::string& id) {
  return Query(path,
               "SELECT typeof(Name), Name, typeof(Owner_Name), Owner_Name, typeof(Count__c), Count__c, "
               "typeof(Big__c), Big__c, typeof(Amount), Amount, typeof(Active__c), Active__c, typeof(Opened__c), "
               "Opened__c, typeof(Stamp), Stamp, typeof(At__c), At__c, typeof(Notes), Notes FROM Account WHERE Id = '" +
                   id + "'");
}

TEST_CASE("every column type round-trips through SQLite, stored as its declared type") {
  TempDir dir;
  const std::string path = dir.File("sync.db");
  auto store = MustOpen(path);
  REQUIRE(store->EnsureTable(AccountSpec()).ok());

  RowBatch page = Batch(
      kAllSources, {
                       // (a) JSON values as the REST API sends them.
                       {Cell::Text("001A"), Cell::Text("Zürich 東京 🚀 \"quoted\" 'single'"), Cell::Text("Ann"),
                        Cell::Int(42), Cell::Int(9007199254740993), Cell::Double(-1.234e-6), Cell::Bool(true),
                        Cell::Text("2024-02-29"), Cell::Text("2024-05-01T12:00:00.000+0200"),
                        Cell::Text("13:45:00.000Z"), Cell::Text("312 Constitution Place\nAustin, TX 78767\nUSA")},
                       // (b) every field null.
                       {Cell::Text("001B"), Cell::Null(), Cell::Null(), Cell::Null(), Cell::Null(), Cell::Null(),
                        Cell::Null(), Cell::Null(), Cell::Null(), Cell::Null(), Cell::Null()},
                       // (c) Bulk CSV gives everything as text; "" means null except in text columns.
                       {Cell::Text("001C"), Cell::Text(""), Cell::Text("Bob"), Cell::Text("-17"),
                        Cell::Text("-9223372036854775807"), Cell::Text("1e-300"), Cell::Text("false"), Cell::Text(""),
                        Cell::Text("2024-01-02T17:38:59.000Z"), Cell::Text(""), Cell::Text("tab\there")},
                       // (d) numbers where text is declared, a whole double for an integer, a negative zero.
                       {Cell::Text("001D"), Cell::Int(12345), Cell::Double(2.5), Cell::Double(7.0),
                        Cell::Int(INT64_MAX), Cell::Double(-0.0), Cell::Bool(false), Cell::Text("1999-12-31"),
                        Cell::Text("1969-12-31T23:59:59.999-0000"), Cell::Text("00:00:00.000Z"), Cell::Text("")},
                   });
  REQUIRE(store->ApplyPage(AccountSpec(), page, {}, StateAt("2024-05-01T10:00:00.000Z", "001D")).ok());

  CHECK(StoredRow(path, "001A") ==
        std::vector<std::vector<Cell>>{
            {Cell::Text("text"),    Cell::Text("Zürich 東京 🚀 \"quoted\" 'single'"),
             Cell::Text("text"),    Cell::Text("Ann"),
             Cell::Text("integer"), Cell::Int(42),
             Cell::Text("integer"), Cell::Int(9007199254740993),
             Cell::Text("real"),    Cell::Double(-1.234e-6),
             Cell::Text("integer"), Cell::Int(1),
             Cell::Text("text"),    Cell::Text("2024-02-29"),
             Cell::Text("text"),    Cell::Text("2024-05-01T10:00:00.000Z"),
             Cell::Text("text"),    Cell::Text("13:45:00.000Z"),
             Cell::Text("text"),    Cell::Text("312 Constitution Place\nAustin, TX 78767\nUSA")}});
  std::vector<Cell> nulls;
  for (int i = 0; i < 10; ++i) {
    nulls.push_back(Cell::Text("null"));
    nulls.push_back(Cell::Null());
  }
  CHECK(StoredRow(path, "001B") == std::vector<std::vector<Cell>>{nulls});
  CHECK(StoredRow(path, "001C") ==
        std::vector<std::vector<Cell>>{
            {Cell::Text("text"),    Cell::Text(""),       Cell::Text("text"),    Cell::Text("Bob"),
             Cell::Text("integer"), Cell::Int(-17),       Cell::Text("integer"), Cell::Int(-9223372036854775807),
             Cell::Text("real"),    Cell::Double(1e-300), Cell::Text("integer"), Cell::Int(0),
             Cell::Text("null"),    Cell::Null(),         Cell::Text("text"),    Cell::Text("2024-01-02T17:38:59.000Z"),
             Cell::Text("null"),    Cell::Null(),         Cell::Text("text"),    Cell::Text("tab\there")}});
  CHECK(StoredRow(path, "001D") ==
        std::vector<std::vector<Cell>>{{Cell::Text("text"),    Cell::Text("12345"),
                                        Cell::Text("text"),    Cell::Text("2.5"),
                                        Cell::Text("integer"), Cell::Int(7),
                                        Cell::Text("integer"), Cell::Int(INT64_MAX),
                                        Cell::Text("real"),    Cell::Double(0.0),
                                        Cell::Text("integer"), Cell::Int(0),
                                        Cell::Text("text"),    Cell::Text("1999-12-31"),
                                        Cell::Text("text"),    Cell::Text("1969-12-31T23:59:59.999Z"),
                                        Cell::Text("text"),    Cell::Text("00:00:00.000Z"),
                                        Cell::Text("text"),    Cell::Text("")}});
}

TEST_CASE("a value that cannot be converted is stored as given, never dropped") {
  TempDir dir;
  const std::string path = dir.File("sync.db");
  auto store = MustOpen(path);
  REQUIRE(store->EnsureTable(AccountSpec()).ok());
  REQUIRE(store
              ->ApplyPage(AccountSpec(),
                          Batch({"Id", "Count__c", "Amount", "Active__c", "Stamp"},
                                {{Cell::Text("001A"), Cell::Text("twelve"), Cell::Text("NaN"), Cell::Text("maybe"),
                                  Cell::Text("Fri Aug 01 21:15:46 GMT 2014")}}),
                          {}, StateAt("2024-05-01T10:00:00.000Z", "001A"))
              .ok());
  CHECK(Query(path, "SELECT Count__c, Amount, Active__c, Stamp FROM Account") ==
        std::vector<std::vector<Cell>>{{Cell::Text("twelve"), Cell::Text("NaN"), Cell::Text("maybe"),
                                        Cell::Text("Fri Aug 01 21:15:46 GMT 2014")}});
}

TEST_CASE("an upsert replaces the row's values, and columns missing from the page keep theirs") {
  TempDir dir;
  const std::string path = dir.File("sync.db");
  auto store = MustOpen(path);
  const TableSpec spec = AccountSpec();
  REQUIRE(store->EnsureTable(spec).ok());

  // (a) first version of two rows.
  REQUIRE(store
              ->ApplyPage(spec,
                          Batch({"Id", "Name", "Amount"}, {{Cell::Text("001A"), Cell::Text("Acme"), Cell::Double(10)},
                                                           {Cell::Text("001B"), Cell::Text("Beta"), Cell::Double(20)}}),
                          {}, StateAt("2024-05-01T10:00:00.000Z", "001B"))
              .ok());
  // (b) 001A changes: new name, amount now null; columns in another order.
  REQUIRE(store
              ->ApplyPage(spec,
                          Batch({"Amount", "Id", "Name"}, {{Cell::Null(), Cell::Text("001A"), Cell::Text("Acme 2")}}),
                          {}, StateAt("2024-05-02T10:00:00.000Z", "001A"))
              .ok());
  // (c) a backfill page with just Id and one column leaves Name and Amount alone.
  REQUIRE(store
              ->ApplyPage(spec, Batch({"Id", "Count__c"}, {{Cell::Text("001B"), Cell::Int(5)}}), {},
                          StateAt("2024-05-02T10:00:00.000Z", "001A"))
              .ok());

  CHECK(Query(path, "SELECT Id, Name, Amount, Count__c FROM Account ORDER BY Id") ==
        std::vector<std::vector<Cell>>{{Cell::Text("001A"), Cell::Text("Acme 2"), Cell::Null(), Cell::Null()},
                                       {Cell::Text("001B"), Cell::Text("Beta"), Cell::Double(20), Cell::Int(5)}});
  CHECK(*store->CountRows("Account") == 2);
}

TEST_CASE("deletes remove the listed ids after the upserts, and unknown ids are ignored") {
  TempDir dir;
  const std::string path = dir.File("sync.db");
  auto store = MustOpen(path);
  const TableSpec spec = AccountSpec();
  REQUIRE(store->EnsureTable(spec).ok());
  REQUIRE(store
              ->ApplyPage(spec,
                          Batch({"Id", "Name"}, {{Cell::Text("001A"), Cell::Text("a")},
                                                 {Cell::Text("001B"), Cell::Text("b")},
                                                 {Cell::Text("001C"), Cell::Text("c")}}),
                          {}, StateAt("2024-05-01T10:00:00.000Z", "001C"))
              .ok());
  // 001C is both upserted and deleted in one page (a queryAll row with IsDeleted): it ends deleted.
  REQUIRE(store
              ->ApplyPage(spec, Batch({"Id", "Name"}, {{Cell::Text("001C"), Cell::Text("c2")}}),
                          {"001A", "001C", "001ZZZ"}, StateAt("2024-05-02T10:00:00.000Z", "001C"))
              .ok());
  CHECK(*store->ListIds("Account") == std::vector<std::string>{"001B"});
  // A page of deletes only.
  REQUIRE(store->ApplyPage(spec, RowBatch{}, {"001B"}, StateAt("2024-05-03T10:00:00.000Z", "")).ok());
  CHECK(*store->CountRows("Account") == 0);
  CHECK(store->LoadState("Account")->watermark == Watermark{"2024-05-03T10:00:00.000Z", ""});
}

// The page and the state before it, to show that a refused page changed neither.
struct Committed {
  std::vector<std::vector<Cell>> rows;
  Watermark watermark;
};

Committed Snapshot(Store* store, const std::string& path) {
  return {Query(path, "SELECT * FROM Account ORDER BY Id"), store->LoadState("Account")->watermark};
}

TEST_CASE("a page that is refused midway writes nothing and leaves the state unchanged") {
  TempDir dir;
  const std::string path = dir.File("sync.db");
  auto store = MustOpen(path);
  const TableSpec spec = AccountSpec();
  REQUIRE(store->EnsureTable(spec).ok());
  REQUIRE(store
              ->ApplyPage(spec, Batch({"Id", "Name"}, {{Cell::Text("001A"), Cell::Text("kept")}}), {},
                          StateAt("2024-05-01T10:00:00.000Z", "001A"))
              .ok());
  const Committed before = Snapshot(store.get(), path);
  const SyncState later = StateAt("2024-06-01T00:00:00.000Z", "001Z");

  SUBCASE("a column that is not in the spec") {
    const Status s = store->ApplyPage(
        spec, Batch({"Id", "Name", "Rogue__c"}, {{Cell::Text("001A"), Cell::Text("changed"), Cell::Int(1)}}), {"001A"},
        later);
    CHECK(s.code() == StatusCode::kInvalidArgument);
    CHECK(s.message().find("Rogue__c") != std::string::npos);
  }
  SUBCASE("a row without an Id after good rows") {
    const Status s = store->ApplyPage(spec,
                                      Batch({"Id", "Name"}, {{Cell::Text("001A"), Cell::Text("changed")},
                                                             {Cell::Text("001B"), Cell::Text("new")},
                                                             {Cell::Null(), Cell::Text("no id")}}),
                                      {}, later);
    CHECK(s.code() == StatusCode::kInvalidArgument);
  }
  SUBCASE("a page without the Id column") {
    const Status s = store->ApplyPage(spec, Batch({"Name"}, {{Cell::Text("changed")}}), {}, later);
    CHECK(s.code() == StatusCode::kInvalidArgument);
  }
  SUBCASE("a watermark that goes backwards") {
    const Status s = store->ApplyPage(
        spec,
        Batch({"Id", "Name"}, {{Cell::Text("001A"), Cell::Text("changed")}, {Cell::Text("001B"), Cell::Text("new")}}),
        {"001A"}, StateAt("2024-04-30T23:59:59.999Z", "001Z"));
    CHECK(s.code() == StatusCode::kFailedPrecondition);
    CHECK(s.message().find("backwards") != std::string::npos);
    // Same timestamp, smaller Id: still behind.
    CHECK(store
              ->ApplyPage(spec, Batch({"Id", "Name"}, {{Cell::Text("001B"), Cell::Text("new")}}), {},
                          StateAt("2024-05-01T10:00:00.000Z", "0019"))
              .code() == StatusCode::kFailedPrecondition);
  }

  const Committed after = Snapshot(store.get(), path);
  CHECK(after.rows == before.rows);
  CHECK(after.watermark == before.watermark);
  // None of these is a storage error, so the store still takes a good page (not sticky).
  CHECK(store->ApplyPage(spec, Batch({"Id", "Name"}, {{Cell::Text("001B"), Cell::Text("new")}}), {}, later).ok());
  CHECK(*store->CountRows("Account") == 2);
}

TEST_CASE("a page that SQLite rejects midway through its rows is rolled back whole, and the error is sticky") {
  TempDir dir;
  const std::string path = dir.File("sync.db");
  auto store = MustOpen(path);
  const TableSpec spec = AccountSpec();
  REQUIRE(store->EnsureTable(spec).ok());
  REQUIRE(store
              ->ApplyPage(spec,
                          Batch({"Id", "Name"}, {{Cell::Text("001A"), Cell::Text("a")},
                                                 {Cell::Text("001B"), Cell::Text("b")},
                                                 {Cell::Text("001C"), Cell::Text("c")}}),
                          {}, StateAt("2024-05-01T10:00:00.000Z", "001C"))
              .ok());
  const Committed before = Snapshot(store.get(), path);
  {
    // Triggers stand in for any failure SQLite reports half-way through a page.
    StatusOr<Db> raw = Db::Open(path, "", 1000);
    REQUIRE(raw.ok());
    REQUIRE(raw->Exec("CREATE TRIGGER poison_insert BEFORE INSERT ON Account WHEN NEW.Name = 'poison' "
                      "BEGIN SELECT RAISE(ABORT, 'poisoned row'); END; "
                      "CREATE TRIGGER poison_delete BEFORE DELETE ON Account WHEN OLD.Id = '001C' "
                      "BEGIN SELECT RAISE(ABORT, 'poisoned delete'); END;")
                .ok());
  }
  const SyncState later = StateAt("2024-06-01T00:00:00.000Z", "001Z");
  Status failed;
  SUBCASE("the third row fails after two were upserted") {
    failed = store->ApplyPage(spec,
                              Batch({"Id", "Name"}, {{Cell::Text("001A"), Cell::Text("a2")},
                                                     {Cell::Text("001D"), Cell::Text("d")},
                                                     {Cell::Text("001E"), Cell::Text("poison")},
                                                     {Cell::Text("001F"), Cell::Text("f")}}),
                              {"001B"}, later);
  }
  SUBCASE("the second delete fails after every upsert and one delete") {
    failed = store->ApplyPage(spec, Batch({"Id", "Name"}, {{Cell::Text("001A"), Cell::Text("a2")}}),
                              {"001B", "001C"}, later);
  }
  CHECK(failed.reason() == "store");
  CHECK(failed.message().find("poisoned") != std::string::npos);
  const Committed after = Snapshot(store.get(), path);
  CHECK(after.rows == before.rows);
  CHECK(after.watermark == before.watermark);
  // Sticky: even a harmless page is refused now.
  CHECK(store->ApplyPage(spec, Batch({"Id"}, {{Cell::Text("001G")}}), {}, later).message() == failed.message());
  CHECK(*store->CountRows("Account") == 3);
}

TEST_CASE("replaying a page at the stored watermark is accepted (resume after a crash)") {
  TempDir dir;
  auto store = MustOpen(dir.File("sync.db"));
  const TableSpec spec = AccountSpec();
  REQUIRE(store->EnsureTable(spec).ok());
  const RowBatch page = Batch({"Id", "Name"}, {{Cell::Text("001A"), Cell::Text("a")}});
  const SyncState state = StateAt("2024-05-01T10:00:00.000Z", "001A");
  REQUIRE(store->ApplyPage(spec, page, {}, state).ok());
  CHECK(store->ApplyPage(spec, page, {}, state).ok());
  CHECK(*store->CountRows("Account") == 1);
}

TEST_CASE("the first storage error is sticky: later writes return it and write nothing") {
  TempDir dir;
  const std::string path = dir.File("sync.db");
  FaultVfs vfs("sticky-test");
  auto store = MustOpen(path, {.vfs = vfs.name()});
  const TableSpec spec = AccountSpec();
  REQUIRE(store->EnsureTable(spec).ok());
  REQUIRE(store->ApplyPage(spec, Batch({"Id"}, {{Cell::Text("001A")}}), {}, StateAt("2024-05-01T10:00:00.000Z", "001A"))
              .ok());

  // (a) the disk fails once, while page 2 commits.
  vfs.Arm(FaultVfs::Mode::kFailOnce, 1);
  const Status first =
      store->ApplyPage(spec, Batch({"Id"}, {{Cell::Text("001B")}}), {}, StateAt("2024-05-02T10:00:00.000Z", "001B"));
  REQUIRE(vfs.injected());
  CHECK(first.code() == StatusCode::kUnavailable);
  CHECK(first.reason() == "store");

  // (b) the disk is fine again, but the store refuses to write anything more in this session.
  vfs.Arm(FaultVfs::Mode::kOff, 0);
  const Status again =
      store->ApplyPage(spec, Batch({"Id"}, {{Cell::Text("001C")}}), {}, StateAt("2024-05-03T10:00:00.000Z", "001C"));
  CHECK(again.code() == first.code());
  CHECK(again.message() == first.message());
  CHECK(store->SaveState("Account", SyncState{}).message() == first.message());
  CHECK(store->EnsureTable(spec).status().message() == first.message());
  CHECK(vfs.calls() == 0);

  // (c) reads and run history still work, so the failure can be reported and recorded.
  CHECK(store->LoadState("Account")->watermark == Watermark{"2024-05-01T10:00:00.000Z", "001A"});
  StatusOr<int64_t> run = store->BeginRun("nightly", 1);
  CHECK(run.ok());

  // (d) a new session on the same file starts clean and sees only page 1.
  store.reset();
  auto reopened = MustOpen(path);
  CHECK(*reopened->ListIds("Account") == std::vector<std::string>{"001A"});
  CHECK(
      reopened->ApplyPage(spec, Batch({"Id"}, {{Cell::Text("001B")}}), {}, StateAt("2024-05-02T10:00:00.000Z", "001B"))
          .ok());
}

TEST_CASE("another writer holding the lock past the busy timeout gives kUnavailable") {
  TempDir dir;
  const std::string path = dir.File("sync.db");
  auto store = MustOpen(path, {.busy_timeout_millis = 50});
  const TableSpec spec = AccountSpec();
  REQUIRE(store->EnsureTable(spec).ok());

  StatusOr<Db> other = Db::Open(path, "", 0);
  REQUIRE(other.ok());
  REQUIRE(other->Exec("BEGIN IMMEDIATE").ok());
  const Status s =
      store->ApplyPage(spec, Batch({"Id"}, {{Cell::Text("001A")}}), {}, StateAt("2024-05-01T10:00:00.000Z", "001A"));
  CHECK(s.code() == StatusCode::kUnavailable);
  CHECK(s.reason() == "store");
  CHECK(s.message().find("locked") != std::string::npos);
  REQUIRE(other->Exec("ROLLBACK").ok());
}

TEST_CASE("sync state round-trips, and SaveState may move the watermark back for a full resync") {
  TempDir dir;
  const std::string path = dir.File("sync.db");
  SyncState loading;
  loading.cursor_field = "SystemModstamp";
  loading.load_in_progress = true;
  loading.load_after_id = "001000000000123AAA";
  loading.load_since = "2024-05-01T09:55:00.000Z";
  {
    auto store = MustOpen(path);
    CHECK(store->LoadState("Contact")->watermark.empty());
    CHECK_FALSE(store->LoadState("Contact")->load_in_progress);
    REQUIRE(store->SaveState("Contact", StateAt("2024-05-01T10:00:00.000Z", "003A")).ok());
    REQUIRE(store->SaveState("Contact", loading).ok());
  }
  auto store = MustOpen(path);
  const SyncState got = *store->LoadState("Contact");
  CHECK(got.cursor_field == "SystemModstamp");
  CHECK(got.watermark.empty());
  CHECK(got.load_in_progress);
  CHECK(got.load_after_id == "001000000000123AAA");
  CHECK(got.load_since == "2024-05-01T09:55:00.000Z");
  CHECK(got.load_slices.empty());
  CHECK(got.bulk_resume.job_id.empty());
  CHECK(store->LoadState("Account")->watermark.empty());
}

TEST_CASE("slice and Bulk resume points round-trip with the state, and an unreadable one is data loss") {
  TempDir dir;
  const std::string path = dir.File("sync.db");
  SyncState loading;
  loading.cursor_field = "SystemModstamp";
  loading.load_in_progress = true;
  loading.load_slices = {{"", "2024-02-01T00:00:00.000Z", "001A", true},
                         {"2024-02-01T00:00:00.000Z", "", "", false}};
  loading.bulk_resume = {"750R0000000zlh9IAA", "MTAwMDA"};
  {
    auto store = MustOpen(path);
    REQUIRE(store->SaveState("Account", loading).ok());
  }
  {
    auto store = MustOpen(path);
    StatusOr<SyncState> read = store->LoadState("Account");
    REQUIRE_MESSAGE(read.ok(), read.status().message());
    const SyncState& got = *read;
    CHECK(got.load_slices == loading.load_slices);
    CHECK(got.bulk_resume == loading.bulk_resume);
    CHECK(got == loading);
  }
  {
    StatusOr<Db> raw = Db::Open(path, "", 1000);
    REQUIRE(raw.ok());
    REQUIRE(raw->Exec("UPDATE _sfsync_state SET load_slices = 'a' || char(31) || 'b'").ok());
  }
  auto store = MustOpen(path);
  StatusOr<SyncState> bad = store->LoadState("Account");
  CHECK(bad.status().code() == StatusCode::kDataLoss);
  CHECK(bad.status().message().find("load_slices") != std::string::npos);
}

TEST_CASE("ListIds filters on a column range, open on an empty side") {
  TempDir dir;
  auto store = MustOpen(dir.File("sync.db"));
  const TableSpec spec = AccountSpec();
  REQUIRE(store->EnsureTable(spec).ok());
  REQUIRE(store
              ->ApplyPage(spec,
                          Batch({"Id", "Stamp", "Count__c"},
                                {{Cell::Text("001C"), Cell::Text("2024-01-01T00:00:00.000Z"), Cell::Int(9)},
                                 {Cell::Text("001A"), Cell::Text("2024-02-01T00:00:00.000Z"), Cell::Int(10)},
                                 {Cell::Text("001B"), Cell::Text("2024-03-01T00:00:00.000Z"), Cell::Int(100)}}),
                          {}, StateAt("2024-03-01T00:00:00.000Z", "001B"))
              .ok());
  CHECK(*store->ListIds("Account") == std::vector<std::string>{"001A", "001B", "001C"});
  CHECK(*store->ListIds("Account", "Stamp", "2024-01-15T00:00:00.000Z", "2024-03-01T00:00:00.000Z") ==
        std::vector<std::string>{"001A"});
  CHECK(*store->ListIds("Account", "Stamp", "2024-02-01T00:00:00.000Z", "") ==
        std::vector<std::string>{"001A", "001B"});
  CHECK(*store->ListIds("Account", "Stamp", "", "2024-02-01T00:00:00.000Z") == std::vector<std::string>{"001C"});
  // Bounds are compared with the column's affinity: 9 < 10 < 100 as numbers, not as text.
  CHECK(*store->ListIds("Account", "Count__c", "10", "") == std::vector<std::string>{"001A", "001B"});
  CHECK(store->ListIds("Nope").status().code() == StatusCode::kNotFound);
  CHECK(store->ListIds("Account", "Nope").status().code() == StatusCode::kNotFound);
  CHECK(store->CountRows("Nope").status().code() == StatusCode::kNotFound);
}

TEST_CASE("table and column names with quotes, spaces and keywords work end to end") {
  TempDir dir;
  const std::string path = dir.File("sync.db");
  auto store = MustOpen(path);
  const TableSpec spec{"Odd__c",
                       "my \"odd\" table; DROP TABLE x; --",
                       {Col("Id", ColumnType::kText, "id"), ColumnSpec{"a b", "A B__c", ColumnType::kText, "string"},
                        ColumnSpec{"\"quoted\"", "Quoted__c", ColumnType::kInteger, "int"},
                        ColumnSpec{"select", "Select__c", ColumnType::kReal, "double"},
                        ColumnSpec{"naïve ünïcode", "Naive__c", ColumnType::kBoolean, "boolean"}}};
  REQUIRE(store->EnsureTable(spec).ok());
  REQUIRE(
      store
          ->ApplyPage(spec,
                      Batch({"Id", "A B__c", "Quoted__c", "Select__c", "Naive__c"},
                            {{Cell::Text("a0X"), Cell::Text("x"), Cell::Int(1), Cell::Double(1.5), Cell::Bool(true)},
                             {Cell::Text("a0Y"), Cell::Text("y"), Cell::Int(2), Cell::Double(2.5), Cell::Bool(false)}}),
                      {"a0X"}, StateAt("2024-05-01T10:00:00.000Z", "a0Y"))
          .ok());
  CHECK(*store->ListIds(spec.table, "\"quoted\"", "2", "") == std::vector<std::string>{"a0Y"});
  CHECK(*store->CountRows(spec.table) == 1);
  CHECK(Query(path,
              "SELECT \"a b\", \"\"\"quoted\"\"\", \"select\", \"naïve ünïcode\" FROM \"my \"\"odd\"\" table; DROP "
              "TABLE x; --\"") ==
        std::vector<std::vector<Cell>>{{Cell::Text("y"), Cell::Int(2), Cell::Double(2.5), Cell::Int(0)}});
  // Evolving it works too (ALTER TABLE with the same quoting).
  TableSpec evolved = spec;
  evolved.columns.push_back(ColumnSpec{"new \"col\"", "New__c", ColumnType::kText, "string"});
  evolved.columns[2].type = ColumnType::kText;
  StatusOr<std::vector<SchemaChange>> changes = store->EnsureTable(evolved);
  REQUIRE(changes.ok());
  CHECK(changes->size() == 2);
  CHECK(QueryText(path, "SELECT \"\"\"quoted\"\"__v1\" FROM \"my \"\"odd\"\" table; DROP TABLE x; --\"") == "2");
}

TEST_CASE("metadata is created once and survives reopening, and a newer schema version is refused") {
  TempDir dir;
  const std::string path = dir.File("sync.db");
  {
    auto store = MustOpen(path);
    REQUIRE(store->SaveState("Account", StateAt("2024-05-01T10:00:00.000Z", "001A")).ok());
  }
  CHECK(QueryText(path, "PRAGMA journal_mode") == "wal");
  CHECK(QueryText(path, "SELECT value FROM _sfsync_meta WHERE key = 'schema_version'") == "5");
  {
    auto store = MustOpen(path);
    CHECK(store->LoadState("Account")->watermark.id == "001A");
  }
  {
    StatusOr<Db> raw = Db::Open(path, "", 1000);
    REQUIRE(raw.ok());
    REQUIRE(raw->Exec("UPDATE _sfsync_meta SET value = '6' WHERE key = 'schema_version'").ok());
  }
  StatusOr<std::unique_ptr<Store>> newer = OpenSqliteStore(path);
  CHECK(newer.status().code() == StatusCode::kFailedPrecondition);
  CHECK(newer.status().reason() == kRefusedReason);
  CHECK(newer.status().message().find("newer sfsync") != std::string::npos);
}

TEST_CASE("a file that is not a database is reported as data loss, not a crash") {
  TempDir dir;
  const std::string path = dir.File("garbage.db");
  {
    FILE* f = std::fopen(path.c_str(), "wb");
    REQUIRE(f != nullptr);
    for (int i = 0; i < 512; ++i) std::fputs("not sqlite ", f);
    std::fclose(f);
  }
  StatusOr<std::unique_ptr<Store>> store = OpenSqliteStore(path);
  CHECK(store.status().code() == StatusCode::kDataLoss);
  CHECK(store.status().reason() == "store");
}

}  // namespace
}  // namespace sfsync::store
