// EnsureTable: creating and evolving synced tables, the column catalog and the schema history.
#include <doctest/doctest.h>

#include <chrono>

#include "engine/core/clock.h"
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
using Rows = std::vector<std::vector<Cell>>;

constexpr int64_t kMay1 = 1714557600000;  // 2024-05-01T10:00:00.000Z

TableSpec OpportunitySpec() {
  return TableSpec{"Opportunity",
                   "Opportunity",
                   {Col("Id", ColumnType::kText, "id"), Col("Name", ColumnType::kText, "string"),
                    Col("Amount", ColumnType::kText, "string"), Col("CloseDate", ColumnType::kDate, "date")}};
}

// (change, column, detail) of every history row of the table, oldest first.
Rows History(const std::string& path) {
  return Query(path, "SELECT change, coalesce(column_name, ''), detail FROM _sfsync_schema_history ORDER BY seq");
}

// (column, declared type, value type, status) of every catalogued column, in catalog order.
Rows Catalog(const std::string& path) {
  return Query(path,
               "SELECT column_name, declared_type, value_type, status FROM _sfsync_columns "
               "WHERE table_name = 'Opportunity' ORDER BY rowid");
}

Rows Columns(const std::string& path) {
  return Query(path, "SELECT name, type, pk FROM pragma_table_info('Opportunity') ORDER BY cid");
}

std::vector<SchemaChange::Kind> Kinds(const std::vector<SchemaChange>& changes) {
  std::vector<SchemaChange::Kind> kinds;
  for (const SchemaChange& c : changes) kinds.push_back(c.kind);
  return kinds;
}

struct Fixture {
  TempDir dir;
  std::string path = dir.File("sync.db");
  ManualClock clock{kMay1};
  std::unique_ptr<Store> store = MustOpen(path, {.clock = &clock});

  std::vector<SchemaChange> Ensure(const TableSpec& spec) {
    StatusOr<std::vector<SchemaChange>> changes = store->EnsureTable(spec);
    REQUIRE_MESSAGE(changes.ok(), changes.status().ToString());
    return *changes;
  }
  void Put(const TableSpec& spec, const RowBatch& rows) {
    REQUIRE(store->ApplyPage(spec, rows, {}, StateAt("2024-05-01T10:00:00.000Z", "006A")).ok());
  }
};

TEST_CASE("a new table is created with typed columns, catalogued, and recorded once") {
  Fixture f;
  const std::vector<SchemaChange> changes = f.Ensure(OpportunitySpec());
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].kind == SchemaChange::Kind::kCreateTable);
  CHECK(changes[0].column.empty());

  CHECK(Columns(f.path) == Rows{{Cell::Text("Id"), Cell::Text("TEXT"), Cell::Int(1)},
                                {Cell::Text("Name"), Cell::Text("TEXT"), Cell::Int(0)},
                                {Cell::Text("Amount"), Cell::Text("TEXT"), Cell::Int(0)},
                                {Cell::Text("CloseDate"), Cell::Text("TEXT"), Cell::Int(0)}});
  CHECK(Query(f.path,
              "SELECT column_name, source, sf_type, status, added_at, removed_at FROM _sfsync_columns "
              "WHERE column_name = 'CloseDate'") ==
        Rows{{Cell::Text("CloseDate"), Cell::Text("CloseDate"), Cell::Text("date"), Cell::Text("active"),
              Cell::Text("2024-05-01T10:00:00.000Z"), Cell::Null()}});
  CHECK(Query(f.path, "SELECT object, table_name, change, column_name, detail, at FROM _sfsync_schema_history") ==
        Rows{{Cell::Text("Opportunity"), Cell::Text("Opportunity"), Cell::Text("create_table"), Cell::Null(),
              Cell::Text("4 columns"), Cell::Text("2024-05-01T10:00:00.000Z")}});
}

TEST_CASE("EnsureTable with the same spec changes and records nothing, also from a new session") {
  Fixture f;
  f.Ensure(OpportunitySpec());
  CHECK(f.Ensure(OpportunitySpec()).empty());
  f.store.reset();
  f.store = MustOpen(f.path, {.clock = &f.clock});
  CHECK(f.Ensure(OpportunitySpec()).empty());
  CHECK(History(f.path).size() == 1);
}

TEST_CASE("a new field becomes a column, recorded once, and rows hold NULL until a backfill page fills it") {
  Fixture f;
  TableSpec spec = OpportunitySpec();
  f.Ensure(spec);
  f.Put(spec, Batch({"Id", "Name"}, {{Cell::Text("006A"), Cell::Text("Deal")}}));

  spec.columns.push_back(ColumnSpec{"Account_Name", "Account.Name", ColumnType::kText, "string"});
  f.clock.Advance(std::chrono::hours(24));
  const std::vector<SchemaChange> changes = f.Ensure(spec);
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].kind == SchemaChange::Kind::kAddColumn);
  CHECK(changes[0].column == "Account_Name");
  CHECK(changes[0].detail == "TEXT from Account.Name (string)");
  CHECK(f.Ensure(spec).empty());
  CHECK(QueryText(f.path, "SELECT typeof(Account_Name) FROM Opportunity") == "null");

  f.Put(spec, Batch({"Id", "Account.Name"}, {{Cell::Text("006A"), Cell::Text("Acme")}}));
  CHECK(Query(f.path, "SELECT Name, Account_Name FROM Opportunity") == Rows{{Cell::Text("Deal"), Cell::Text("Acme")}});
  CHECK(Query(f.path, "SELECT added_at FROM _sfsync_columns WHERE column_name = 'Account_Name'") ==
        Rows{{Cell::Text("2024-05-02T10:00:00.000Z")}});
  CHECK(History(f.path).back() == std::vector<Cell>{Cell::Text("add_column"), Cell::Text("Account_Name"),
                                                    Cell::Text("TEXT from Account.Name (string)")});
  CHECK(History(f.path).size() == 2);
}

TEST_CASE("a retyped field keeps its old values under a versioned name next to a fresh column") {
  Fixture f;
  TableSpec spec = OpportunitySpec();
  f.Ensure(spec);
  f.Put(spec, Batch({"Id", "Amount", "CloseDate"},
                    {{Cell::Text("006A"), Cell::Text("1,000 USD"), Cell::Text("2024-06-30")}}));

  // (a) Amount: string -> currency (TEXT -> REAL).
  spec.columns[2] = Col("Amount", ColumnType::kReal, "currency");
  std::vector<SchemaChange> changes = f.Ensure(spec);
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].kind == SchemaChange::Kind::kRetypeColumn);
  CHECK(changes[0].column == "Amount");
  CHECK(changes[0].detail == "TEXT -> REAL; old values kept in Amount__v1");
  CHECK(Query(f.path, "SELECT Amount__v1, typeof(Amount) FROM Opportunity") ==
        Rows{{Cell::Text("1,000 USD"), Cell::Text("null")}});
  f.Put(spec, Batch({"Id", "Amount"}, {{Cell::Text("006A"), Cell::Text("1000")}}));
  CHECK(Query(f.path, "SELECT Amount FROM Opportunity") == Rows{{Cell::Double(1000)}});

  // (b) CloseDate: date -> datetime is a retype although both are TEXT in SQL.
  spec.columns[3] = Col("CloseDate", ColumnType::kDateTime, "datetime");
  changes = f.Ensure(spec);
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].detail == "date -> datetime; old values kept in CloseDate__v1");

  // (c) Amount back to text: the next version number.
  spec.columns[2] = Col("Amount", ColumnType::kText, "string");
  changes = f.Ensure(spec);
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].detail == "REAL -> TEXT; old values kept in Amount__v2");

  CHECK(Catalog(f.path) ==
        Rows{{Cell::Text("Id"), Cell::Text("TEXT"), Cell::Text("text"), Cell::Text("active")},
             {Cell::Text("Name"), Cell::Text("TEXT"), Cell::Text("text"), Cell::Text("active")},
             {Cell::Text("Amount__v1"), Cell::Text("TEXT"), Cell::Text("text"), Cell::Text("removed")},
             {Cell::Text("CloseDate__v1"), Cell::Text("TEXT"), Cell::Text("date"), Cell::Text("removed")},
             {Cell::Text("Amount__v2"), Cell::Text("REAL"), Cell::Text("real"), Cell::Text("removed")},
             {Cell::Text("CloseDate"), Cell::Text("TEXT"), Cell::Text("datetime"), Cell::Text("active")},
             {Cell::Text("Amount"), Cell::Text("TEXT"), Cell::Text("text"), Cell::Text("active")}});
  CHECK(Query(f.path, "SELECT Amount__v1, Amount__v2, CloseDate__v1 FROM Opportunity") ==
        Rows{{Cell::Text("1,000 USD"), Cell::Double(1000), Cell::Text("2024-06-30")}});
  CHECK(History(f.path).size() == 4);  // create + three retypes
  CHECK(f.Ensure(spec).empty());
}

TEST_CASE("a field removed from the describe stays with its data, marked, and re-adding it restores it") {
  Fixture f;
  TableSpec spec = OpportunitySpec();
  f.Ensure(spec);
  f.Put(spec, Batch({"Id", "Name", "Amount"}, {{Cell::Text("006A"), Cell::Text("Deal"), Cell::Text("5")}}));

  // (a) Amount disappears.
  TableSpec without = spec;
  without.columns.erase(without.columns.begin() + 2);
  f.clock.Advance(std::chrono::minutes(1));
  std::vector<SchemaChange> changes = f.Ensure(without);
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].kind == SchemaChange::Kind::kRemoveColumn);
  CHECK(changes[0].column == "Amount");
  CHECK(f.Ensure(without).empty());
  CHECK(Query(f.path, "SELECT status, removed_at FROM _sfsync_columns WHERE column_name = 'Amount'") ==
        Rows{{Cell::Text("removed"), Cell::Text("2024-05-01T10:01:00.000Z")}});
  CHECK(QueryText(f.path, "SELECT Amount FROM Opportunity") == "5");
  // Pages without the removed field leave its values alone.
  f.Put(without, Batch({"Id", "Name"}, {{Cell::Text("006A"), Cell::Text("Deal 2")}}));
  CHECK(QueryText(f.path, "SELECT Amount FROM Opportunity") == "5");

  // (b) Amount comes back with the same type: restored, old values still there until a backfill.
  changes = f.Ensure(spec);
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].kind == SchemaChange::Kind::kRestoreColumn);
  CHECK(changes[0].detail == "values from before its removal at 2024-05-01T10:01:00.000Z kept");
  CHECK(Query(f.path, "SELECT status, removed_at FROM _sfsync_columns WHERE column_name = 'Amount'") ==
        Rows{{Cell::Text("active"), Cell::Null()}});
  CHECK(f.Ensure(spec).empty());

  std::vector<std::string> kinds;
  for (const std::vector<Cell>& row : History(f.path)) kinds.push_back(row[0].s);
  CHECK(kinds == std::vector<std::string>{"create_table", "remove_column", "restore_column"});
}

TEST_CASE("a removed field that comes back with another type is retyped, its old values versioned") {
  Fixture f;
  TableSpec spec = OpportunitySpec();
  f.Ensure(spec);
  f.Put(spec, Batch({"Id", "Amount"}, {{Cell::Text("006A"), Cell::Text("five")}}));
  TableSpec without = spec;
  without.columns.erase(without.columns.begin() + 2);
  f.Ensure(without);
  spec.columns[2] = Col("Amount", ColumnType::kReal, "currency");
  const std::vector<SchemaChange> changes = f.Ensure(spec);
  CHECK(Kinds(changes) == std::vector<SchemaChange::Kind>{SchemaChange::Kind::kRetypeColumn});
  CHECK(QueryText(f.path, "SELECT Amount__v1 FROM Opportunity") == "five");
  CHECK(QueryText(f.path, "SELECT status FROM _sfsync_columns WHERE column_name = 'Amount'") == "active");
}

TEST_CASE("a changed describe type with the same storage type updates the catalog only") {
  Fixture f;
  TableSpec spec = OpportunitySpec();
  f.Ensure(spec);
  spec.columns[1].sf_type = "picklist";
  CHECK(f.Ensure(spec).empty());
  CHECK(QueryText(f.path, "SELECT sf_type FROM _sfsync_columns WHERE column_name = 'Name'") == "picklist");
  CHECK(History(f.path).back() == std::vector<Cell>{Cell::Text("update_column"), Cell::Text("Name"),
                                                    Cell::Text("source Name -> Name; sf_type string -> picklist")});
  CHECK(f.Ensure(spec).empty());
  CHECK(History(f.path).size() == 2);
}

TEST_CASE("several changes at once are made together and each recorded once") {
  Fixture f;
  TableSpec spec = OpportunitySpec();
  f.Ensure(spec);
  TableSpec next = spec;
  next.columns.erase(next.columns.begin() + 1);                              // Name removed
  next.columns[1] = Col("Amount", ColumnType::kReal, "currency");            // Amount retyped
  next.columns.push_back(Col("Probability", ColumnType::kReal, "percent"));  // added
  const std::vector<SchemaChange> changes = f.Ensure(next);
  CHECK(Kinds(changes) == std::vector<SchemaChange::Kind>{SchemaChange::Kind::kRetypeColumn,
                                                          SchemaChange::Kind::kAddColumn,
                                                          SchemaChange::Kind::kRemoveColumn});
  CHECK(History(f.path).size() == 4);
  CHECK(f.Ensure(next).empty());
}

TEST_CASE("specs that cannot work are refused before anything is written") {
  Fixture f;
  auto refused = [&](const TableSpec& spec) {
    StatusOr<std::vector<SchemaChange>> result = f.store->EnsureTable(spec);
    return result.status().code() == StatusCode::kInvalidArgument;
  };
  TableSpec spec = OpportunitySpec();
  TableSpec no_id = spec;
  no_id.columns.erase(no_id.columns.begin());
  CHECK(refused(no_id));
  TableSpec numeric_id = spec;
  numeric_id.columns[0].type = ColumnType::kInteger;
  CHECK(refused(numeric_id));
  TableSpec lower_id = spec;
  lower_id.columns[0].name = "id";
  CHECK(refused(lower_id));
  TableSpec same_name = spec;
  same_name.columns.push_back(ColumnSpec{"NAME", "Other", ColumnType::kText, "string"});
  CHECK(refused(same_name));
  TableSpec same_source = spec;
  same_source.columns.push_back(ColumnSpec{"Name2", "Name", ColumnType::kText, "string"});
  CHECK(refused(same_source));
  TableSpec reserved = spec;
  reserved.table = "_SFSYNC_runs";
  CHECK(refused(reserved));
  reserved.table = "sqlite_master";
  CHECK(refused(reserved));
  TableSpec nul = spec;
  nul.columns[1].name = std::string("Na\0me", 5);
  CHECK(refused(nul));
  CHECK(Query(f.path, "SELECT count(*) FROM _sfsync_schema_history") == Rows{{Cell::Int(0)}});
}

TEST_CASE("a table sfsync did not create, or one altered behind its back, is left alone") {
  Fixture f;
  {
    StatusOr<Db> raw = Db::Open(f.path, "", 1000);
    REQUIRE(raw.ok());
    REQUIRE(raw->Exec("CREATE TABLE Opportunity (Id TEXT PRIMARY KEY, Mine TEXT)").ok());
  }
  StatusOr<std::vector<SchemaChange>> foreign = f.store->EnsureTable(OpportunitySpec());
  CHECK(foreign.status().code() == StatusCode::kFailedPrecondition);
  CHECK(foreign.status().message().find("not created by sfsync") != std::string::npos);

  TableSpec lead{"Lead", "Lead", {Col("Id", ColumnType::kText, "id"), Col("Company", ColumnType::kText)}};
  REQUIRE(f.store->EnsureTable(lead).ok());
  {
    StatusOr<Db> raw = Db::Open(f.path, "", 1000);
    REQUIRE(raw.ok());
    REQUIRE(raw->Exec("ALTER TABLE Lead DROP COLUMN Company").ok());
  }
  StatusOr<std::vector<SchemaChange>> altered = f.store->EnsureTable(lead);
  CHECK(altered.status().code() == StatusCode::kFailedPrecondition);
  CHECK(altered.status().message().find("missing from the table") != std::string::npos);
  // Neither is a storage error: the store still works for other tables.
  TableSpec task{"Task", "Task", {Col("Id", ColumnType::kText, "id")}};
  CHECK(f.store->EnsureTable(task).ok());
}

}  // namespace
}  // namespace sfsync::store
