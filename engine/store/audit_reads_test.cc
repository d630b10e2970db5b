// The reads `sfsync audit` compares the server with: rows compared value by value, converted as a
// sync stores them (CompareRows), and the rows whose datetime names no month (ListIdsWithoutMonth).
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

TableSpec TypedSpec() {
  return {"Invoice__c",
          "Invoice__c",
          {Col("Id", ColumnType::kText, "id"), Col("Name", ColumnType::kText),
           Col("Count", ColumnType::kInteger, "int"), Col("Amount", ColumnType::kReal, "currency"),
           Col("Paid", ColumnType::kBoolean, "boolean"), Col("Stamp", ColumnType::kDateTime, "datetime"),
           Col("Due", ColumnType::kDate, "date"), Col("Note", ColumnType::kText, "textarea")}};
}

const std::vector<std::string> kColumns = {"Id", "Name", "Count", "Amount", "Paid", "Stamp", "Due", "Note"};

// Values as the connector parses them from the server: JSON kinds, datetimes in +0000 form, text
// for what Bulk CSV sends, values the store keeps as given.
RowBatch ServerRows() {
  return Batch(kColumns,
               {{Cell::Text("a01A"), Cell::Text("first"), Cell::Int(42), Cell::Double(1.5), Cell::Bool(true),
                 Cell::Text("2024-05-01T10:00:00.000+0000"), Cell::Text("2024-05-01"), Cell::Null()},
                {Cell::Text("a01B"), Cell::Text(""), Cell::Text("9007199254740993"), Cell::Int(3), Cell::Text("FALSE"),
                 Cell::Text("2024-05-01T12:00:00+02:00"), Cell::Null(), Cell::Text("line\nline")},
                {Cell::Text("a01C"), Cell::Double(1.0), Cell::Text("twelve"), Cell::Text(""), Cell::Int(0),
                 Cell::Text("Fri Aug 01 21:15:46 GMT 2014"), Cell::Text("2024-13-45"), Cell::Double(2.5)}});
}

struct Found {
  std::vector<std::string> not_stored;
  std::map<std::string, std::vector<std::string>> differing;  // Id -> columns
};

Found Compare(Store* store, const RowBatch& rows, const TableSpec& spec = TypedSpec()) {
  auto found = store->CompareRows(spec, rows);
  REQUIRE_MESSAGE(found.ok(), found.status().ToString());
  Found out{found->not_stored, {}};
  for (const auto& row : found->differing) out.differing[row.id] = row.columns;
  return out;
}

std::string Table(const std::string& path) {
  return QueryText(path,
                   "SELECT group_concat(Id || Name || Count || Amount || Paid || Stamp || Due || Note, '|') "
                   "FROM (SELECT * FROM Invoice__c ORDER BY Id)") +
         QueryText(path, "SELECT group_concat(watermark_ts || watermark_id) FROM _sfsync_state");
}

// A store whose Invoice__c table holds ServerRows(), as a sync stored them.
struct SyncedStore {
  SyncedStore() : path(dir.File("s.db")), store(MustOpen(path)) {
    REQUIRE(store->EnsureTable(TypedSpec()).ok());
    REQUIRE(store->ApplyPage(TypedSpec(), ServerRows(), {}, StateAt("2024-06-01T00:00:00.000Z", "a01C")).ok());
  }
  TempDir dir;
  std::string path;
  std::unique_ptr<Store> store;
};

TEST_CASE("CompareRows: rows stored from the same server values compare equal, whatever their types") {
  SyncedStore synced;
  const std::string& path = synced.path;
  Store* store = synced.store.get();
  const std::string before = Table(path);

  Found found = Compare(store, ServerRows());
  CHECK(found.not_stored.empty());
  CHECK(found.differing.empty());
  // Read-only: rows and state are as they were.
  CHECK(Table(path) == before);
  // An empty page compares to nothing.
  CHECK(Compare(store, RowBatch{}).differing.empty());
}

TEST_CASE("CompareRows: each changed server value is reported in its column, for every type") {
  SyncedStore synced;
  Store* store = synced.store.get();

  RowBatch changed = ServerRows();
  changed.at(0, 1) = Cell::Text("renamed");                       // text
  changed.at(0, 2) = Cell::Int(43);                               // integer
  changed.at(0, 3) = Cell::Double(1.5000000000000002);            // real: the next double
  changed.at(0, 4) = Cell::Bool(false);                           // boolean
  changed.at(0, 5) = Cell::Text("2024-05-01T10:00:00.001+0000");  // datetime, one millisecond later
  changed.at(0, 6) = Cell::Text("2024-05-02");                    // date
  changed.at(0, 7) = Cell::Text("now set");                       // null -> text
  changed.at(1, 1) = Cell::Null();                                // "" -> null (REST tells them apart)
  changed.at(1, 2) = Cell::Text("9007199254740992");              // beyond 2^53: every digit counts
  changed.at(1, 5) = Cell::Text("2024-05-01T10:00:00.000Z");      // the same instant, another form: equal
  changed.at(2, 3) = Cell::Int(0);                                // null -> 0
  changed.at(2, 5) = Cell::Text("2014-08-01T21:15:46.000+0000");  // kept-as-given text -> a datetime
  Found found = Compare(store, changed);
  CHECK(found.not_stored.empty());
  CHECK(found.differing["a01A"] == std::vector<std::string>{"Name", "Count", "Amount", "Paid", "Stamp", "Due", "Note"});
  CHECK(found.differing["a01B"] == std::vector<std::string>{"Name", "Count"});
  CHECK(found.differing["a01C"] == std::vector<std::string>{"Amount", "Stamp"});
}

TEST_CASE("CompareRows: rows not stored, local edits, and only the batch's columns") {
  SyncedStore synced;
  const std::string& path = synced.path;
  Store* store = synced.store.get();
  // (a) Edited behind sfsync's back: a column set by hand, a value stored as another type.
  testing::Query(path, "UPDATE Invoice__c SET Amount = 99, Count = '42' WHERE Id = 'a01A'");
  testing::Query(path, "UPDATE Invoice__c SET Paid = NULL WHERE Id = 'a01B'");
  Found found = Compare(store, ServerRows());
  // '42' in an INTEGER column is stored as the integer 42 (affinity), so it still compares equal.
  CHECK(found.differing == std::map<std::string, std::vector<std::string>>{{"a01A", {"Amount"}}, {"a01B", {"Paid"}}});
  // (b) A row the table lacks.
  RowBatch more =
      Batch({"Id", "Name"}, {{Cell::Text("a01A"), Cell::Text("first")}, {Cell::Text("a01Z"), Cell::Text("z")}});
  found = Compare(store, more);
  CHECK(found.not_stored == std::vector<std::string>{"a01Z"});
  // (c) Only the batch's columns are compared: Amount differs, but is not in this batch.
  CHECK(found.differing.empty());
  // (d) An Id-only batch tells stored rows from others.
  found = Compare(store, Batch({"Id"}, {{Cell::Text("a01Y")}, {Cell::Text("a01B")}}));
  CHECK(found.not_stored == std::vector<std::string>{"a01Y"});
  CHECK(found.differing.empty());
}

TEST_CASE("CompareRows refuses what ApplyPage refuses, and a table that does not exist") {
  TempDir dir;
  auto store = MustOpen(dir.File("s.db"));
  REQUIRE(store->EnsureTable(TypedSpec()).ok());
  auto code = [&](const RowBatch& rows, const TableSpec& spec = TypedSpec()) {
    return store->CompareRows(spec, rows).status().code();
  };
  CHECK(code(Batch({"Id", "Nope"}, {{Cell::Text("a01A"), Cell::Int(1)}})) == StatusCode::kInvalidArgument);
  CHECK(code(Batch({"Name"}, {{Cell::Text("x")}})) == StatusCode::kInvalidArgument);
  CHECK(code(Batch({"Id"}, {{Cell::Text("")}})) == StatusCode::kInvalidArgument);
  CHECK(code(Batch({"Id"}, {{Cell::Int(1)}})) == StatusCode::kInvalidArgument);
  TableSpec missing = TypedSpec();
  missing.table = "Nope";
  CHECK(code(Batch({"Id"}, {{Cell::Text("a01A")}}), missing) == StatusCode::kNotFound);
}

TEST_CASE("IsMonthKey: yyyy-MM with a month from 01 to 12, nothing else") {
  for (const char* key : {"2024-01", "2024-12", "0001-05", "9999-09"}) {
    CAPTURE(key);
    CHECK(IsMonthKey(key));
  }
  for (const char* key : {"", "2024-00", "2024-13", "2024-1", "2024-5x", "Fri Aug", "2024/05", "2024-05-", "202-05",
                          "20240501", "-2024-0"}) {
    CAPTURE(key);
    CHECK_FALSE(IsMonthKey(key));
  }
}

TEST_CASE("ListIdsWithoutMonth lists exactly the rows CountByMonth counts under a key that is no month") {
  TempDir dir;
  auto store = MustOpen(dir.File("s.db"));
  TableSpec spec{"Account",
                 "Account",
                 {Col("Id", ColumnType::kText, "id"), Col("CreatedDate", ColumnType::kDateTime, "datetime"),
                  Col("IsDeleted", ColumnType::kBoolean, "boolean")}};
  REQUIRE(store->EnsureTable(spec).ok());
  // Values a datetime column can hold: the storage form, values the store keeps as given (not ISO,
  // or ISO-like with an impossible month), NULL, and a number.
  RowBatch rows = Batch({"Id", "CreatedDate", "IsDeleted"},
                        {{Cell::Text("001A"), Cell::Text("2024-05-01T10:00:00.000+0000"), Cell::Bool(false)},
                         {Cell::Text("001B"), Cell::Text("Fri Aug 01 21:15:46 GMT 2014"), Cell::Bool(false)},
                         {Cell::Text("001C"), Cell::Null(), Cell::Bool(false)},
                         {Cell::Text("001D"), Cell::Text("2024-13-01T00:00:00Z"), Cell::Bool(false)},
                         {Cell::Text("001E"), Cell::Int(20240501), Cell::Bool(false)},
                         {Cell::Text("001F"), Cell::Text("2024-05-31 23:30:00"), Cell::Bool(false)},
                         {Cell::Text("001G"), Cell::Text("Sat Aug 02 10:00:00 GMT 2014"), Cell::Bool(true)}});
  REQUIRE(store->ApplyPage(spec, rows, {}, StateAt("2024-06-01T00:00:00.000Z", "001G")).ok());
  // A number written by hand (TEXT affinity keeps it as its text) names no month either.
  testing::Query(dir.File("s.db"), "INSERT INTO Account (Id, CreatedDate, IsDeleted) VALUES ('001H', 202405.5, 0)");

  auto ids = store->ListIdsWithoutMonth("Account", "CreatedDate", "IsDeleted");
  REQUIRE(ids.ok());
  CHECK(*ids == std::vector<std::string>{"001B", "001C", "001D", "001E", "001H"});
  auto counts = store->CountByMonth("Account", "CreatedDate", "IsDeleted");
  REQUIRE(counts.ok());
  int64_t named = 0;
  int64_t unnamed = 0;
  for (const auto& [key, n] : *counts) (IsMonthKey(key) ? named : unnamed) += n;
  CHECK(named == 2);  // 001A and 001F ("2024-05..." names May, even if not in the storage form)
  CHECK(unnamed == static_cast<int64_t>(ids->size()));
  // Without the flag, the flagged row is listed too.
  CHECK(store->ListIdsWithoutMonth("Account", "CreatedDate")->size() == 6);
  CHECK(store->ListIdsWithoutMonth("Account", "Nope").status().code() == StatusCode::kNotFound);
  CHECK(store->ListIdsWithoutMonth("Nope", "CreatedDate").status().code() == StatusCode::kNotFound);
  CHECK(store->ListIdsWithoutMonth("Account", "CreatedDate", "Nope").status().code() == StatusCode::kNotFound);
}

}  // namespace
}  // namespace sfsync::store
