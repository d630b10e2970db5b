// Sync state belongs to the table it fills (schema version 2): two tables of one object keep their
// own watermarks and claims, a database sfsync did not create is refused untouched, a version 1
// database is migrated, and flagged rows can be purged with the state.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "engine/store/sqlite_db.h"
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

TableSpec AccountInto(const std::string& table) {
  return TableSpec{"Account", table,
                   {Col("Id", ColumnType::kText, "id"), Col("Name", ColumnType::kText),
                    Col("IsDeleted", ColumnType::kBoolean, "boolean")}};
}

RowBatch Rows(const std::vector<std::string>& ids, bool deleted = false) {
  std::vector<std::vector<Cell>> rows;
  for (const std::string& id : ids) rows.push_back({Cell::Text(id), Cell::Text("n" + id), Cell::Bool(deleted)});
  return Batch({"Id", "Name", "IsDeleted"}, rows);
}

std::string FileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

TEST_CASE("regression: two tables of one object keep their own watermarks and claims") {
  TempDir dir;
  const std::string path = dir.File("s.db");
  auto store = MustOpen(path);
  REQUIRE(store->EnsureTable(AccountInto("Account")).ok());
  REQUIRE(store->EnsureTable(AccountInto("AccountCopy")).ok());
  SyncState a = StateAt("2024-05-01T10:00:00.000Z", "001B");
  a.claim = TableClaim{"job-a", "Account", "00D1", "Id,Name,IsDeleted", "Industry = 'Energy'", "soft", "incremental"};
  SyncState b = StateAt("2024-03-01T00:00:00.000Z", "001A");
  b.claim = TableClaim{"job-b", "Account", "00D1", "Id,Name,IsDeleted", "", "hard", "incremental"};
  b.full_pass_reason = "the where condition changed";
  REQUIRE(store->ApplyPage(AccountInto("Account"), Rows({"001A", "001B"}), {}, a).ok());
  // The copy's watermark is behind the other table's: it is its own, so it is not "backwards".
  REQUIRE(store->ApplyPage(AccountInto("AccountCopy"), Rows({"001A"}), {}, b).ok());
  CHECK(*store->LoadState("Account") == a);
  CHECK(*store->LoadState("accountcopy") == b);  // any case, as SQLite names go
  CHECK(QueryText(path, "SELECT count(*) FROM _sfsync_state") == "2");
  // A page behind a table's own watermark is still refused, with the store's refusal reason.
  Status behind = store->ApplyPage(AccountInto("Account"), Rows({"001C"}), {}, b);
  CHECK(behind.code() == StatusCode::kFailedPrecondition);
  CHECK(behind.reason() == kRefusedReason);
  CHECK(behind.message().find("table Account would move backwards") != std::string::npos);
}

TEST_CASE("run rows are keyed by table: one object in two tables of a run gives two rows") {
  TempDir dir;
  auto store = MustOpen(dir.File("s.db"));
  const int64_t run = *store->BeginRun("nightly", 1000);
  for (const char* table : {"Account", "AccountCopy"}) {
    ObjectRunStats stats;
    stats.object = "Account";
    stats.table = table;
    stats.status = "SUCCESS";
    REQUIRE(store->RecordObjectRun(run, stats).ok());
  }
  auto rows = store->RunObjects(run);
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 2);
  CHECK((*rows)[0].table == "Account");
  CHECK((*rows)[1].table == "AccountCopy");
}

TEST_CASE("an SQLite database sfsync did not create is refused before anything is written to it") {
  TempDir dir;
  const std::string path = dir.File("crm.db");
  {
    StatusOr<Db> raw = Db::Open(path, "", 1000);
    REQUIRE(raw.ok());
    REQUIRE(raw->Exec("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); "
                      "INSERT INTO customers (name) VALUES ('kept as it was')")
                .ok());
  }
  const std::string before = FileBytes(path);
  StatusOr<std::unique_ptr<Store>> opened = OpenSqliteStore(path);
  REQUIRE_FALSE(opened.ok());
  CHECK(opened.status().reason() == kRefusedReason);
  CHECK(opened.status().message().find("sfsync did not create") != std::string::npos);
  CHECK(opened.status().message().find("customers") != std::string::npos);
  CHECK(FileBytes(path) == before);  // not switched to WAL, no _sfsync_* tables
  CHECK_FALSE(std::filesystem::exists(path + "-wal"));
  CHECK(QueryText(path, "PRAGMA journal_mode") == "delete");
}

TEST_CASE("an empty file is a new store") {
  TempDir dir;
  const std::string path = dir.File("empty.db");
  std::ofstream(path).close();
  auto store = MustOpen(path);
  CHECK(QueryText(path, "SELECT value FROM _sfsync_meta WHERE key = 'schema_version'") == "5");
}

// The version 1 metadata (keyed by object), as sfsync 0.1 created it.
constexpr const char* kVersion1 = R"sql(
CREATE TABLE _sfsync_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE _sfsync_state (object TEXT PRIMARY KEY, cursor_field TEXT NOT NULL, watermark_ts TEXT NOT NULL,
  watermark_id TEXT NOT NULL, load_in_progress INTEGER NOT NULL, load_after_id TEXT NOT NULL,
  load_since TEXT NOT NULL, deletes_checked_until TEXT NOT NULL DEFAULT '',
  parent_watermarks TEXT NOT NULL DEFAULT '', updated_at TEXT NOT NULL);
CREATE TABLE _sfsync_describes (object TEXT PRIMARY KEY, last_modified_millis INTEGER NOT NULL, body TEXT NOT NULL,
  fetched_at TEXT NOT NULL);
CREATE TABLE _sfsync_columns (table_name TEXT NOT NULL COLLATE NOCASE, column_name TEXT NOT NULL COLLATE NOCASE,
  source TEXT NOT NULL, declared_type TEXT NOT NULL, value_type TEXT NOT NULL, sf_type TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('active', 'removed')), added_at TEXT NOT NULL, removed_at TEXT,
  PRIMARY KEY (table_name, column_name));
CREATE TABLE _sfsync_schema_history (seq INTEGER PRIMARY KEY, object TEXT NOT NULL, table_name TEXT NOT NULL,
  change TEXT NOT NULL, column_name TEXT, detail TEXT NOT NULL, at TEXT NOT NULL);
CREATE TABLE _sfsync_runs (run_id INTEGER PRIMARY KEY AUTOINCREMENT, job TEXT NOT NULL, status TEXT NOT NULL,
  started_millis INTEGER NOT NULL, finished_millis INTEGER, api_calls INTEGER NOT NULL DEFAULT 0,
  error TEXT NOT NULL DEFAULT '');
CREATE INDEX _sfsync_runs_by_job ON _sfsync_runs (job, run_id);
CREATE TABLE _sfsync_run_objects (run_id INTEGER NOT NULL, object TEXT NOT NULL, status TEXT NOT NULL,
  rows_read INTEGER NOT NULL, rows_written INTEGER NOT NULL, rows_deleted INTEGER NOT NULL,
  api_calls INTEGER NOT NULL, watermark_before TEXT NOT NULL, watermark_after TEXT NOT NULL, error TEXT NOT NULL,
  started_millis INTEGER NOT NULL, finished_millis INTEGER NOT NULL, PRIMARY KEY (run_id, object));
INSERT INTO _sfsync_meta VALUES ('schema_version', '1');
CREATE TABLE Contact ("Id" TEXT NOT NULL PRIMARY KEY, LastName TEXT);
CREATE TABLE Account ("Id" TEXT NOT NULL PRIMARY KEY, Name TEXT);
CREATE TABLE AccountCopy ("Id" TEXT NOT NULL PRIMARY KEY, Name TEXT);
INSERT INTO _sfsync_schema_history (object, table_name, change, detail, at) VALUES
  ('Contact', 'Contact', 'create_table', '2 columns', 'x'),
  ('Account', 'Account', 'create_table', '2 columns', 'x'),
  ('Account', 'AccountCopy', 'create_table', '2 columns', 'x'),
  ('Lead', 'Lead', 'create_table', '2 columns', 'x');
INSERT INTO _sfsync_state VALUES
  ('Contact', 'SystemModstamp', '2024-05-01T10:00:00.000Z', '003A', 0, '', '', '2024-05-01T09:00:00.000Z', '', 'x'),
  ('Account', 'SystemModstamp', '2024-06-01T10:00:00.000Z', '001B', 0, '', '', '2024-06-01T09:00:00.000Z', '', 'x'),
  ('Lead', 'SystemModstamp', '2024-06-01T10:00:00.000Z', '00QA', 0, '', '', '', '', 'x');
INSERT INTO _sfsync_describes VALUES ('Account', 1714557600000, '{}', 'x');
INSERT INTO _sfsync_runs (job, status, started_millis) VALUES ('nightly', 'SUCCESS', 1000);
INSERT INTO _sfsync_run_objects VALUES (1, 'Contact', 'SUCCESS', 5, 5, 0, 3, '', '2024-05-01T10:00:00.000Z 003A', '', 1, 2);
)sql";

TEST_CASE("a version 1 database is migrated: state moves to its table, a state shared by two tables is reread") {
  TempDir dir;
  const std::string path = dir.File("v1.db");
  {
    StatusOr<Db> raw = Db::Open(path, "", 1000);
    REQUIRE(raw.ok());
    REQUIRE(raw->Exec("PRAGMA journal_mode = WAL").ok());
    REQUIRE(raw->Exec(kVersion1).ok());
  }
  auto store = MustOpen(path);
  CHECK(QueryText(path, "SELECT value FROM _sfsync_meta WHERE key = 'schema_version'") == "5");
  // (a) One table per object: the state moves there, unclaimed and with no recorded shape.
  const SyncState contact = *store->LoadState("Contact");
  CHECK(contact.claim.object == "Contact");
  CHECK(contact.claim.job.empty());
  CHECK(contact.claim.mode.empty());
  CHECK(contact.watermark == Watermark{"2024-05-01T10:00:00.000Z", "003A"});
  CHECK(contact.deletes_checked_until == "2024-05-01T09:00:00.000Z");
  CHECK(contact.full_pass_reason.empty());
  // (b) Account's one state served two tables (the bug): neither keeps it; each owes a full pass.
  for (const char* table : {"Account", "AccountCopy"}) {
    CAPTURE(table);
    const SyncState s = *store->LoadState(table);
    CHECK(s.claim.object == "Account");
    CHECK(s.watermark.empty());
    CHECK(s.full_pass_reason.find("served 2 tables") != std::string::npos);
  }
  // (c) A state whose table is gone is dropped; the describe cache is dropped; run rows keep their
  // object as their table.
  CHECK(QueryText(path, "SELECT count(*) FROM _sfsync_state") == "3");
  CHECK(store->LoadDescribe("Account", "Account").status().code() == StatusCode::kNotFound);
  auto runs = store->RunObjects(1);
  REQUIRE(runs.ok());
  REQUIRE(runs->size() == 1);
  CHECK((*runs)[0].table == "Contact");
  CHECK((*runs)[0].rows_read == 5);
  CHECK(QueryText(path, "PRAGMA integrity_check") == "ok");
  // Opening again migrates nothing more.
  store.reset();
  auto again = MustOpen(path);
  CHECK(again->LoadState("Contact")->watermark.id == "003A");
}

TEST_CASE("flagged rows are purged with the state in one transaction") {
  TempDir dir;
  const std::string path = dir.File("s.db");
  auto store = MustOpen(path);
  const TableSpec spec = AccountInto("Account");
  REQUIRE(store->EnsureTable(spec).ok());
  REQUIRE(store->ApplyPage(spec, Rows({"001A", "001B"}), {}, StateAt("2024-05-01T10:00:00.000Z", "")).ok());
  REQUIRE(store->ApplyPage(spec, Rows({"001C", "001D"}, /*deleted=*/true), {}, StateAt("2024-05-01T10:00:00.000Z", ""))
              .ok());
  SyncState hard = StateAt("2024-05-01T10:00:00.000Z", "");
  hard.claim.deletes = "hard";
  auto purged = store->PurgeFlaggedRows(spec, "IsDeleted", hard);
  REQUIRE(purged.ok());
  CHECK(*purged == 2);
  CHECK(QueryText(path, "SELECT group_concat(Id) FROM (SELECT Id FROM Account ORDER BY Id)") == "001A,001B");
  CHECK(store->LoadState("Account")->claim.deletes == "hard");
  CHECK(store->PurgeFlaggedRows(spec, "Missing", hard).status().code() == StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace sfsync::store
