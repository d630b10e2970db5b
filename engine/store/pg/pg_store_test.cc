// The PostgreSQL store against a real server: a throw-away cluster started by this test process
// (tests/testing/pg_cluster.h), one database per test case.
#include "engine/store/pg/pg_store.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "engine/store/pg/pg_test_util.h"
#include "engine/store/store.h"

namespace sfsync::store {
namespace {

using pgtest::Account;
using pgtest::AccountSpec;
using pgtest::At;
using pgtest::PgFixture;
using pgtest::Rows;
using testing::PgCluster;

TEST_CASE("postgres store: typed columns from the spec, rows and watermark in one transaction, values as typed") {
  PgFixture f;
  auto store = f.Open();
  auto made = store->EnsureTable(AccountSpec());
  REQUIRE(made.ok());
  REQUIRE(made->size() == 1);
  CHECK(made->at(0).kind == SchemaChange::Kind::kCreateTable);
  CHECK(f.Sql("SELECT string_agg(column_name || ' ' || data_type, ', ' ORDER BY ordinal_position) FROM "
              "information_schema.columns WHERE table_schema = 'sfsync' AND table_name = 'Account'") ==
        "Id text, Name text, Employees bigint, Revenue double precision, IsDeleted boolean, Founded date, "
        "Opens time without time zone, SystemModstamp timestamp with time zone");

  RowBatch page = Rows({Account("001A", "Tab\there \\ and\nnewline", "2024-05-01T10:00:00.000+0000"),
                        Account("001B", "B", "2024-05-02T10:00:00.000Z")});
  REQUIRE(store->ApplyPage(AccountSpec(), page, {}, At("2024-05-02T10:00:00.000Z", "001B")).ok());
  CHECK(f.Sql("SELECT count(*) FROM sfsync.\"Account\"") == "2");
  CHECK(f.Sql("SELECT \"Name\" = E'Tab\\there \\\\ and\\nnewline' FROM sfsync.\"Account\" WHERE \"Id\" = '001A'") ==
        "t");
  CHECK(f.Sql("SELECT \"Employees\", \"Revenue\", \"IsDeleted\", \"Founded\", \"Opens\", "
              "to_char(\"SystemModstamp\" AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') FROM sfsync.\"Account\" "
              "WHERE \"Id\" = '001A'") == "12|1234.5|f|2001-02-03|08:30:00|2024-05-01 10:00:00");
  auto state = store->LoadState("Account");
  REQUIRE(state.ok());
  CHECK(state->watermark == Watermark{"2024-05-02T10:00:00.000Z", "001B"});

  // An upsert updates; a page naming an Id twice keeps its last row; deletes go in the same commit.
  RowBatch second = Rows({Account("001A", "first", "2024-05-03T10:00:00.000Z"),
                          Account("001A", "second", "2024-05-03T10:00:00.000Z")});
  REQUIRE(store->ApplyPage(AccountSpec(), second, {"001B"}, At("2024-05-03T10:00:00.000Z", "001A")).ok());
  CHECK(f.Sql("SELECT string_agg(\"Id\" || '=' || \"Name\", ',') FROM sfsync.\"Account\"") == "001A=second");

  // A watermark behind the stored one is refused and writes nothing.
  Status back = store->ApplyPage(AccountSpec(), Rows({Account("001C", "C", "2024-01-01T00:00:00.000Z")}), {},
                                 At("2024-01-01T00:00:00.000Z", "001C"));
  CHECK(back.code() == StatusCode::kFailedPrecondition);
  CHECK(back.reason() == kRefusedReason);
  CHECK(f.Sql("SELECT count(*) FROM sfsync.\"Account\" WHERE \"Id\" = '001C'") == "0");
  // Not sticky: the next good page goes in.
  CHECK(store->ApplyPage(AccountSpec(), Rows({Account("001D", "D", "2024-06-01T00:00:00.000Z")}), {},
                         At("2024-06-01T00:00:00.000Z", "001D"))
            .ok());
}

TEST_CASE("postgres store: a value a typed column cannot hold is NULL, text keeps everything") {
  PgFixture f;
  auto store = f.Open();
  REQUIRE(store->EnsureTable(AccountSpec()).ok());
  std::vector<Cell> row = {Cell::Text("001X"),        Cell::Int(7),          Cell::Text("many"),
                           Cell::Text("1e3"),         Cell::Text("TRUE"),    Cell::Text("next tuesday"),
                           Cell::Text("noon"),        Cell::Text("Fri Aug 2 2024")};
  REQUIRE(store->ApplyPage(AccountSpec(), Rows({row}), {}, At("2024-01-01T00:00:00.000Z", "001X")).ok());
  CHECK(f.Sql("SELECT concat_ws('|', \"Name\", coalesce(\"Employees\"::text, 'null'), \"Revenue\", \"IsDeleted\", "
              "coalesce(\"Founded\"::text, 'null'), coalesce(\"Opens\"::text, 'null'), "
              "coalesce(\"SystemModstamp\"::text, 'null')) FROM sfsync.\"Account\"") ==
        "7|null|1000|t|null|null|null");
}

TEST_CASE("postgres store: schema evolution adds, retypes (old values kept), removes and previews nothing") {
  PgFixture f;
  auto store = f.Open();
  REQUIRE(store->EnsureTable(AccountSpec()).ok());
  REQUIRE(store->ApplyPage(AccountSpec(), Rows({Account("001A", "A", "2024-05-01T10:00:00.000Z")}), {},
                           At("2024-05-01T10:00:00.000Z", "001A"))
              .ok());
  TableSpec evolved = AccountSpec();
  evolved.columns[2].type = ColumnType::kReal;                                   // Employees: bigint -> double
  evolved.columns.erase(evolved.columns.begin() + 1);                            // Name removed
  evolved.columns.push_back({"Rating", "Rating", ColumnType::kText, "picklist"});  // added

  auto preview = store->PreviewTable(evolved);
  REQUIRE(preview.ok());
  CHECK(preview->size() == 3);
  CHECK(f.Sql("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'sfsync' AND "
              "table_name = 'Account' AND column_name IN ('Rating', 'Employees__v1')") == "0");

  auto made = store->EnsureTable(evolved);
  REQUIRE(made.ok());
  REQUIRE(made->size() == 3);
  CHECK(made->at(0).kind == SchemaChange::Kind::kRetypeColumn);
  CHECK(made->at(0).detail == "bigint -> double precision; old values kept in Employees__v1");
  CHECK(made->at(1).kind == SchemaChange::Kind::kAddColumn);
  CHECK(made->at(2).kind == SchemaChange::Kind::kRemoveColumn);
  CHECK(NeedsBackfill(*made));
  CHECK(f.Sql("SELECT \"Employees__v1\", coalesce(\"Employees\"::text, 'null'), \"Name\" FROM sfsync.\"Account\"") ==
        "12|null|A");
  CHECK(f.Sql("SELECT string_agg(change, ',' ORDER BY seq) FROM sfsync._sfsync_schema_history") ==
        "create_table,retype_column,add_column,remove_column");
  // The same spec again changes nothing.
  auto again = store->EnsureTable(evolved);
  REQUIRE(again.ok());
  CHECK(again->empty());
  // The removed column comes back with its values.
  TableSpec back = evolved;
  back.columns.push_back({"Name", "Name", ColumnType::kText, "string"});
  auto restored = store->EnsureTable(back);
  REQUIRE(restored.ok());
  REQUIRE(restored->size() == 1);
  CHECK(restored->at(0).kind == SchemaChange::Kind::kRestoreColumn);
}

TEST_CASE("postgres store: currency and percent are numeric(p,s) from describe, widened in place when it grows") {
  PgFixture f;
  auto store = f.Open();
  TableSpec spec = AccountSpec();
  spec.columns[3].precision = 6;  // Revenue: currency(6,2), at most 9999.99
  spec.columns[3].scale = 2;
  spec.columns.push_back({"Score", "Score__c", ColumnType::kReal, "double", 18, 2});  // double stays double
  spec.columns.push_back({"Share", "Share__c", ColumnType::kReal, "percent", 5, 2});
  REQUIRE(store->EnsureTable(spec).ok());
  CHECK(f.Sql("SELECT string_agg(column_name || ' ' || coalesce(numeric_precision || ',' || numeric_scale, "
              "data_type), ', ' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_schema = "
              "'sfsync' AND table_name = 'Account' AND column_name IN ('Revenue', 'Score', 'Share')") ==
        "Revenue 6,2, Score double precision, Share 5,2");

  auto row = [](const std::string& id, double revenue, double share) {
    std::vector<Cell> r = Account(id, id, "2024-05-01T10:00:00.000Z");
    r[3] = Cell::Double(revenue);
    r.push_back(Cell::Double(0.1 + 0.2));
    r.push_back(Cell::Double(share));
    return r;
  };
  RowBatch page = Rows({row("001A", 1234.56, 12.5), row("001B", 9999.994, 0.07), row("001C", 9999.995, 1000.0),
                        row("001D", -0.01, 999.99)});
  page.columns.push_back("Score__c");
  page.columns.push_back("Share__c");
  // Values past the precision (9999.995 rounds to 10000.00; a percent of 1000) are NULL, as any value a
  // typed column cannot hold; the page still commits.
  REQUIRE(store->ApplyPage(spec, page, {}, At("2024-05-01T10:00:00.000Z", "001D")).ok());
  CHECK(f.Sql("SELECT string_agg(concat_ws('=', \"Id\", coalesce(\"Revenue\"::text, 'null'), "
              "coalesce(\"Share\"::text, 'null')), ' ' ORDER BY \"Id\") FROM sfsync.\"Account\"") ==
        "001A=1234.56=12.50 001B=9999.99=0.07 001C=null=null 001D=-0.01=999.99");
  CHECK(f.Sql("SELECT \"Revenue\" = 1234.56 FROM sfsync.\"Account\" WHERE \"Id\" = '001A'") == "t");  // exact

  // The org widens the field to currency(8,3): altered in place, values kept, nothing to read again.
  TableSpec wider = spec;
  wider.columns[3].precision = 8;
  wider.columns[3].scale = 3;
  auto made = store->EnsureTable(wider);
  REQUIRE(made.ok());
  REQUIRE(made->size() == 1);
  CHECK(made->at(0).kind == SchemaChange::Kind::kWidenColumn);
  CHECK(made->at(0).detail == "numeric(6,2) -> numeric(8,3); values kept in place");
  CHECK_FALSE(NeedsBackfill(*made));
  CHECK(f.Sql("SELECT \"Revenue\"::text FROM sfsync.\"Account\" WHERE \"Id\" = '001A'") == "1234.560");
  // Narrower again (currency(7,2)): the column keeps the width that holds both; nothing changes.
  TableSpec narrower = wider;
  narrower.columns[3].precision = 7;
  narrower.columns[3].scale = 2;
  auto same = store->EnsureTable(narrower);
  REQUIRE(same.ok());
  CHECK(same->empty());
  CHECK(store->ApplyPage(narrower, Rows({Account("001E", "E", "2024-05-02T10:00:00.000Z")}), {},
                         At("2024-05-02T10:00:00.000Z", "001E"))
            .ok());
  // Currency without a precision in describe (or a numeric turned double) is double precision: retyped,
  // old values kept in Revenue__v1.
  auto retyped = store->EnsureTable(AccountSpec());
  REQUIRE(retyped.ok());
  REQUIRE(retyped->size() == 3);  // Revenue retyped, Score and Share no longer synced
  CHECK(retyped->at(0).kind == SchemaChange::Kind::kRetypeColumn);
  CHECK(retyped->at(0).detail == "numeric(8,3) -> double precision; old values kept in Revenue__v1");
}

TEST_CASE("postgres store: a table sfsync did not create, or a foreign schema, is refused untouched") {
  PgFixture f;
  f.Sql("CREATE SCHEMA theirs; CREATE TABLE theirs.invoices (id int)");
  StatusOr<std::unique_ptr<Store>> refused = OpenPostgresStore(f.Options("theirs"));
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().reason() == kRefusedReason);
  CHECK(refused.status().message().find("invoices") != std::string::npos);
  CHECK(f.Sql("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'theirs'") == "1");

  // A read-only open (create = false) of a schema sfsync never wrote finds nothing and creates nothing.
  PostgresStoreOptions read_only = f.Options("never_written");
  read_only.create = false;
  StatusOr<std::unique_ptr<Store>> absent = OpenPostgresStore(read_only);
  REQUIRE_FALSE(absent.ok());
  CHECK(absent.status().code() == StatusCode::kNotFound);
  CHECK(f.Sql("SELECT count(*) FROM information_schema.schemata WHERE schema_name = 'never_written'") == "0");

  auto store = f.Open();
  f.Sql("CREATE TABLE sfsync.\"Account\" (\"Id\" text)");
  auto made = store->EnsureTable(AccountSpec());
  REQUIRE_FALSE(made.ok());
  CHECK(made.status().reason() == kRefusedReason);
  CHECK(made.status().message().find("was not created by sfsync") != std::string::npos);
}

TEST_CASE("postgres store: after a storage error nothing more is written (sticky), and reads still work") {
  PgFixture f;
  auto store = f.Open();
  REQUIRE(store->EnsureTable(AccountSpec()).ok());
  f.Sql("ALTER TABLE sfsync.\"Account\" ADD CONSTRAINT short_names CHECK (length(\"Name\") < 3)");
  Status failed = store->ApplyPage(AccountSpec(), Rows({Account("001A", "too long", "2024-05-01T10:00:00.000Z")}),
                                   {}, At("2024-05-01T10:00:00.000Z", "001A"));
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.reason() == "store");
  CHECK(failed.message().find("short_names") != std::string::npos);
  // The page's watermark did not commit, and no later write gets through.
  CHECK(store->LoadState("Account")->watermark.empty());
  Status later = store->SaveState("Account", At("2030-01-01T00:00:00.000Z", ""));
  CHECK(later.message() == failed.message());
  CHECK(f.Sql("SELECT count(*) FROM sfsync._sfsync_state") == "0");
  CHECK(store->CountRows("Account").ok());
}

TEST_CASE("postgres store: server deletes honour the guard and mark_only, purges and id listings") {
  PgFixture f;
  auto store = f.Open();
  REQUIRE(store->EnsureTable(AccountSpec()).ok());
  REQUIRE(store->ApplyPage(AccountSpec(),
                           Rows({Account("001A", "A", "2024-05-01T10:00:00.000Z"),
                                 Account("001B", "B", "2024-05-03T10:00:00.000Z"),
                                 Account("001C", "C", "2024-06-03T10:00:00.000Z")}),
                           {}, At("2024-06-03T10:00:00.000Z", "001C"))
              .ok());
  // Deleted on May 2: A (stamped May 1) goes, B (stamped after: undeleted since) stays.
  auto marked = store->ApplyServerDeletes(AccountSpec(),
                                          {{"001A", "2024-05-02T00:00:00.000Z"}, {"001B", "2024-05-02T00:00:00.000Z"}},
                                          "SystemModstamp", true, At("2024-06-03T10:00:00.000Z", "001C"));
  REQUIRE(marked.ok());
  CHECK(*marked == 1);
  CHECK(f.Sql("SELECT string_agg(\"Id\", ',' ORDER BY \"Id\") FROM sfsync.\"Account\" WHERE \"IsDeleted\"") == "001A");
  auto ids = store->ListIds("Account", "SystemModstamp", "2024-05-01T00:00:00.000Z", "2024-06-01T00:00:00.000Z",
                            "IsDeleted");
  REQUIRE(ids.ok());
  CHECK(*ids == std::vector<std::string>{"001B"});
  auto months = store->CountByMonth("Account", "SystemModstamp", "");
  REQUIRE(months.ok());
  CHECK(*months == std::vector<std::pair<std::string, int64_t>>{{"2024-05", 2}, {"2024-06", 1}});
  auto purged = store->PurgeFlaggedRows(AccountSpec(), "IsDeleted", At("2024-06-03T10:00:00.000Z", "001C"));
  REQUIRE(purged.ok());
  CHECK(*purged == 1);
  auto gone = store->ApplyServerDeletes(AccountSpec(), {{"001C", ""}}, "", false, At("2024-06-03T10:00:00.000Z", "001C"));
  REQUIRE(gone.ok());
  CHECK(*gone == 1);
  CHECK(*store->CountRows("Account") == 1);
  CHECK(store->ListIds("Nope", "", "", "", "").status().code() == StatusCode::kNotFound);
}

TEST_CASE("postgres store: run history, interrupted runs, pruning, the describe cache") {
  PgFixture f;
  auto store = f.Open();
  auto first = store->BeginRun("job", 1000);
  REQUIRE(first.ok());
  auto second = store->BeginRun("job", 2000);  // the first never finished: interrupted
  REQUIRE(second.ok());
  CHECK(*second > *first);
  ObjectRunStats stats;
  stats.object = "Account";
  stats.status = "SUCCESS";
  stats.rows_read = 5;
  REQUIRE(store->RecordObjectRun(*second, stats).ok());
  stats.rows_read = 6;
  REQUIRE(store->RecordObjectRun(*second, stats).ok());  // replaces the row
  CHECK(store->RecordObjectRun(9999, stats).code() == StatusCode::kNotFound);
  REQUIRE(store->FinishRun({*second, "job", "SUCCESS", 2000, 3000, 4, ""}).ok());
  auto runs = store->RecentRuns("job", 10);
  REQUIRE(runs.ok());
  REQUIRE(runs->size() == 2);
  CHECK(runs->at(0).status == "SUCCESS");
  CHECK(runs->at(1).status == "FAILED");
  CHECK(runs->at(1).error.find("interrupted") != std::string::npos);
  CHECK(store->RunObjects(*second)->at(0).rows_read == 6);
  CHECK(*store->PruneRuns("job", 1) == 1);
  CHECK(store->RecentRuns("", 10)->size() == 1);

  CHECK(store->LoadDescribe("Account", "Account").status().code() == StatusCode::kNotFound);
  REQUIRE(store->SaveDescribe("Account", "Account", {42, "{\"name\":\"Account\"}"}).ok());
  CHECK(store->LoadDescribe("Account", "Account")->body == "{\"name\":\"Account\"}");
}

TEST_CASE("postgres store: CompareRows finds rows not stored and columns that differ, in batch order, writing nothing") {
  PgFixture f;
  auto store = f.Open();
  REQUIRE(store->EnsureTable(AccountSpec()).ok());
  REQUIRE(store->ApplyPage(AccountSpec(),
                           Rows({Account("001A", "A", "2024-05-01T10:00:00.000Z"),
                                 Account("001B", "B", "2024-05-01T10:00:00.000Z")}),
                           {}, At("2024-05-01T10:00:00.000Z", "001B"))
              .ok());
  // 001C is not stored; 001B differs in Name and in its stamp (given +0000: equal once converted
  // for A, 2 hours later for B); 001A is equal though its stamp is written another way.
  std::vector<Cell> b = Account("001B", "B2", "2024-05-01T12:00:00.000+0000");
  RowBatch batch = Rows({Account("001C", "C", "2024-05-01T10:00:00.000Z"), b,
                         Account("001A", "A", "2024-05-01T10:00:00.000+0000")});
  auto found = store->CompareRows(AccountSpec(), batch);
  REQUIRE_MESSAGE(found.ok(), found.status().ToString());
  CHECK(found->not_stored == std::vector<std::string>{"001C"});
  REQUIRE(found->differing.size() == 1);
  CHECK(found->differing[0].id == "001B");
  CHECK(found->differing[0].columns == std::vector<std::string>{"Name", "SystemModstamp"});
  CHECK(f.Sql("SELECT count(*) FROM sfsync.\"Account\"") == "2");
  CHECK(store->CompareRows(TableSpec{"X", "Nope", AccountSpec().columns}, batch).status().code() ==
        StatusCode::kNotFound);
  // The staging table a rolled-back comparison made is made again when a page needs it.
  REQUIRE(store->ApplyPage(AccountSpec(), batch, {}, At("2024-05-02T00:00:00.000Z", "")).ok());
  CHECK(f.Sql("SELECT count(*) FROM sfsync.\"Account\"") == "3");
}

TEST_CASE("postgres store: a wrong password is an authentication error that does not show the password") {
  PgFixture f;
  PostgresStoreOptions o = f.Options();
  o.password = "not-the-password-123";
  StatusOr<std::unique_ptr<Store>> store = OpenPostgresStore(o);
  REQUIRE_FALSE(store.ok());
  CHECK(store.status().code() == StatusCode::kUnauthenticated);
  CHECK(store.status().message().find("not-the-password-123") == std::string::npos);
}

}  // namespace
}  // namespace sfsync::store
