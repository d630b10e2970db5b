// Push-back in the store: edits made on another connection (as the sqlite3 shell or Python make
// them, with no sfsync function registered) are captured; the engine's own writes never are; the
// pull keeps pending local values; outcomes, Id write-back and conflicts.
#include <doctest/doctest.h>

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

TableSpec ContactSpec() {
  return {"Contact",
          "Contact",
          {Col("Id", ColumnType::kText, "id"), Col("LastName", ColumnType::kText),
           Col("Phone", ColumnType::kText, "phone"), Col("AccountId", ColumnType::kText, "reference"),
           ColumnSpec{"Account_Name", "Account.Name", ColumnType::kText, "string"},
           Col("SystemModstamp", ColumnType::kDateTime, "datetime"), Col("Key__c", ColumnType::kText)}};
}

CaptureSpec ContactCapture() {
  return {"Contact",
          "SystemModstamp",
          {{"LastName", true, true, ""},
           {"Phone", true, true, ""},
           {"AccountId", true, true, ""},
           {"Account_Name", false, false, "a field of the parent record; edit the parent's row"},
           {"SystemModstamp", false, false, "a system field"},
           {"Key__c", true, true, ""}}};
}

const std::vector<std::string> kSources = {"Id", "LastName", "Phone", "AccountId", "Account.Name", "SystemModstamp"};

RowBatch Page(const std::string& id, const std::string& name, const std::string& phone, const std::string& stamp) {
  return Batch(kSources, {{Cell::Text(id), Cell::Text(name), Cell::Text(phone), Cell::Text("001A"), Cell::Text("Acme"),
                           Cell::Text(stamp)}});
}

// A plain connection, like the sqlite3 shell's: no sfsync code on it.
Status Shell(const std::string& path, const std::string& sql) {
  StatusOr<Db> db = Db::Open(path, "", 2000);
  if (!db.ok()) return db.status();
  return db->Exec(sql);
}

struct Fixture {
  TempDir dir;
  std::string path = dir.File("sync.db");
  std::unique_ptr<Store> store = MustOpen(path);
  Fixture() {
    REQUIRE(store->EnsureTable(ContactSpec()).ok());
    REQUIRE(store->ApplyPage(ContactSpec(), Page("003A", "Ames", "111", "2024-05-01T10:00:00.000Z"), {},
                             StateAt("2024-05-01T10:00:00.000Z", "003A"))
                .ok());
    REQUIRE(store->EnsureCapture(ContactCapture()).ok());
  }
  std::string Outbox() {
    REQUIRE(store->CountChanges().ok());  // folds the capture log into the outbox
    return QueryText(path,
                     "SELECT coalesce(group_concat(op || ':' || state || ':' || \"Id\" || ':' || coalesce(base_stamp, '-'), ' '), '') "
                     "FROM (SELECT * FROM _sfsync_outbox ORDER BY change_id)");
  }
  std::string Columns() {
    REQUIRE(store->CountChanges().ok());
    return QueryText(path, "SELECT group_concat(column_name || '=' || coalesce(base, 'NULL'), ' ') FROM "
                           "(SELECT * FROM _sfsync_outbox_columns ORDER BY change_id, column_name)");
  }
};

TEST_CASE("an edit from another connection is captured with its base, and later edits merge into one change") {
  Fixture f;
  REQUIRE(Shell(f.path, "UPDATE Contact SET Phone = '222' WHERE Id = '003A'").ok());
  REQUIRE(Shell(f.path, "UPDATE Contact SET Phone = '333', LastName = 'Amos' WHERE Id = '003A'").ok());
  CHECK(f.Outbox() == "update:PENDING:003A:2024-05-01T10:00:00.000Z");
  CHECK(f.Columns() == "LastName=Ames Phone=111");  // the base is the value before the first edit
  auto changes = f.store->ListChanges("Contact", {"PENDING"}, {});
  REQUIRE(changes.ok());
  REQUIRE(changes->size() == 1);
  REQUIRE((*changes)[0].columns.size() == 2);
  CHECK((*changes)[0].columns[1].local == Cell::Text("333"));

  // A no-op update and an edit back to the base send nothing for that column.
  REQUIRE(Shell(f.path, "UPDATE Contact SET LastName = 'Ames' WHERE Id = '003A'").ok());
  changes = f.store->ListChanges("Contact", {"PENDING"}, {});
  REQUIRE((*changes)[0].columns.size() == 1);
  CHECK((*changes)[0].columns[0].name == "Phone");
}

TEST_CASE("the engine's own writes are never captured, and a pull keeps a pending local value") {
  Fixture f;
  // No echo: a pull of a row with no local edit records nothing.
  REQUIRE(f.store->ApplyPage(ContactSpec(), Page("003B", "Bell", "555", "2024-05-01T11:00:00.000Z"), {},
                             StateAt("2024-05-01T11:00:00.000Z", "003B"))
              .ok());
  CHECK(f.Outbox().empty());
  CHECK(QueryText(f.path, "SELECT applying FROM _sfsync_ctx") == "0");

  REQUIRE(Shell(f.path, "UPDATE Contact SET Phone = 'local' WHERE Id = '003A'").ok());
  // The server changed the row meanwhile (Phone and LastName): the pull writes LastName and the
  // stamp, keeps the local Phone, and sets the server's Phone aside.
  REQUIRE(f.store->ApplyPage(ContactSpec(), Page("003A", "Ames-Server", "server", "2024-05-01T12:00:00.000Z"), {},
                             StateAt("2024-05-01T12:00:00.000Z", "003A"))
              .ok());
  CHECK(Query(f.path, "SELECT LastName, Phone, SystemModstamp FROM Contact WHERE Id = '003A'") ==
        std::vector<std::vector<Cell>>{{Cell::Text("Ames-Server"), Cell::Text("local"),
                                        Cell::Text("2024-05-01T12:00:00.000Z")}});
  CHECK(QueryText(f.path, "SELECT remote FROM _sfsync_outbox_columns WHERE column_name = 'Phone'") == "server");
  CHECK(f.Outbox() == "update:PENDING:003A:2024-05-01T10:00:00.000Z");
}

TEST_CASE("columns that cannot be pushed refuse edits with a message naming them") {
  Fixture f;
  Status s = Shell(f.path, "UPDATE Contact SET Account_Name = 'Other' WHERE Id = '003A'");
  CHECK(s.message().find("column Account_Name of table Contact cannot be pushed to Salesforce (a field of the parent "
                         "record") != std::string::npos);
  s = Shell(f.path, "UPDATE Contact SET Id = '003Z' WHERE Id = '003A'");
  CHECK(s.message().find("column Id of table Contact cannot be pushed") != std::string::npos);
  s = Shell(f.path, "INSERT INTO Contact (Id, LastName, SystemModstamp) VALUES ('new-1', 'N', '2024-01-01')");
  CHECK(s.message().find("column SystemModstamp of table Contact cannot be set on a new row") != std::string::npos);
  CHECK(QueryText(f.path, "SELECT count(*) FROM Contact") == "1");
  CHECK(f.Outbox().empty());
}

TEST_CASE("inserts get a local Id when none is given, and an insert deleted before it is pushed leaves nothing") {
  Fixture f;
  REQUIRE(Shell(f.path, "INSERT INTO Contact (LastName, Phone) VALUES ('New', '999')").ok());
  const std::string id = QueryText(f.path, "SELECT Id FROM Contact WHERE LastName = 'New'");
  CHECK(id.rfind("local-", 0) == 0);
  CHECK(id.size() == 6 + 24);
  CHECK(f.Outbox() == "insert:PENDING:" + id + ":-");
  auto changes = f.store->ListChanges("Contact", {"PENDING"}, {"LastName", "Phone"});
  REQUIRE(changes->size() == 1);
  CHECK((*changes)[0].columns[1].local == Cell::Text("999"));
  // An update of a pending insert stays one insert.
  REQUIRE(Shell(f.path, "UPDATE Contact SET Phone = '998' WHERE Id = '" + id + "'").ok());
  CHECK(f.Outbox() == "insert:PENDING:" + id + ":-");
  REQUIRE(Shell(f.path, "DELETE FROM Contact WHERE Id = '" + id + "'").ok());
  CHECK(f.Outbox().empty());
}

TEST_CASE("a local delete is kept with the row, and a pull does not bring the row back") {
  Fixture f;
  REQUIRE(Shell(f.path, "UPDATE Contact SET Phone = '222' WHERE Id = '003A'").ok());
  REQUIRE(Shell(f.path, "DELETE FROM Contact WHERE Id = '003A'").ok());
  CHECK(f.Outbox() == "delete:PENDING:003A:2024-05-01T10:00:00.000Z");
  CHECK(QueryText(f.path, "SELECT json_extract(row_before, '$.Phone') FROM _sfsync_outbox") == "222");
  REQUIRE(f.store->ApplyPage(ContactSpec(), Page("003A", "Ames", "111", "2024-05-01T12:00:00.000Z"), {},
                             StateAt("2024-05-01T12:00:00.000Z", "003A"))
              .ok());
  CHECK(QueryText(f.path, "SELECT count(*) FROM Contact") == "0");
  // Inserting it again before the delete is pushed makes the delete an update of what differs.
  REQUIRE(Shell(f.path, "INSERT INTO Contact (Id, LastName, Phone, AccountId) VALUES ('003A', 'Again', '222', '001A')")
              .ok());
  CHECK(f.Outbox() == "update:PENDING:003A:2024-05-01T10:00:00.000Z");
  auto changes = f.store->ListChanges("Contact", {"PENDING"}, {});
  REQUIRE(changes->size() == 1);
  std::string sent;
  for (const auto& c : (*changes)[0].columns) sent += c.name + "=" + c.local.DebugString() + " ";
  // LastName differs from the deleted row, Phone keeps the edit made before the delete (base 111),
  // AccountId is as it was; the system and parent columns are left NULL by the insert (the pusher
  // sends only updateable ones).
  CHECK(sent == "Account_Name=null LastName=Again Phone=222 SystemModstamp=null ");
}

TEST_CASE("a server delete of a row edited locally keeps the row and flags the change") {
  Fixture f;
  REQUIRE(Shell(f.path, "UPDATE Contact SET Phone = '222' WHERE Id = '003A'").ok());
  REQUIRE(f.store->ApplyPage(ContactSpec(), RowBatch{}, {"003A"}, StateAt("2024-05-01T12:00:00.000Z", "")).ok());
  CHECK(QueryText(f.path, "SELECT Phone FROM Contact WHERE Id = '003A'") == "222");
  CHECK(QueryText(f.path, "SELECT remote_deleted FROM _sfsync_outbox") == "1");
}

TEST_CASE("an edit made while a change is in flight opens another, and a failure folds them back into one") {
  Fixture f;
  REQUIRE(Shell(f.path, "UPDATE Contact SET Phone = '222' WHERE Id = '003A'").ok());
  auto changes = f.store->ListChanges("Contact", {"PENDING"}, {});
  const int64_t first = (*changes)[0].change_id;
  REQUIRE(f.store->MarkSent("Contact", {{first, "", ""}}, 7).ok());
  REQUIRE(Shell(f.path, "UPDATE Contact SET LastName = 'Amos' WHERE Id = '003A'").ok());
  CHECK(f.Outbox() == "update:SENT:003A:2024-05-01T10:00:00.000Z update:PENDING:003A:2024-05-01T10:00:00.000Z");
  ChangeOutcome failed;
  failed.change_id = first;
  failed.state = "FAILED";
  failed.status_code = "FIELD_CUSTOM_VALIDATION_EXCEPTION";
  failed.message = "Phone must have 10 digits";
  failed.error_fields = "Phone";
  REQUIRE(f.store->RecordOutcomes(ContactSpec(), {failed}, {}, RowBatch{}).ok());
  CHECK(f.Outbox() == "update:FAILED:003A:2024-05-01T10:00:00.000Z");
  CHECK(f.Columns() == "LastName=Ames Phone=111");
  // Fixing the row re-queues it.
  REQUIRE(Shell(f.path, "UPDATE Contact SET Phone = '0123456789' WHERE Id = '003A'").ok());
  CHECK(f.Outbox() == "update:PENDING:003A:2024-05-01T10:00:00.000Z");
}

TEST_CASE("an inserted record's Id replaces the local one in the row and in lookups that point at it") {
  Fixture f;
  REQUIRE(Shell(f.path, "INSERT INTO Contact (Id, LastName, AccountId) VALUES ('local-1', 'New', NULL);"
                        "UPDATE Contact SET AccountId = 'local-1' WHERE Id = '003A'")
              .ok());
  auto changes = f.store->ListChanges("Contact", {"PENDING"}, {"LastName"});
  REQUIRE(changes->size() == 2);
  const int64_t insert = (*changes)[0].change_id;
  REQUIRE(f.store->MarkSent("Contact", {{insert, "key-1", "Key__c"}}, 1).ok());
  CHECK(QueryText(f.path, "SELECT Key__c FROM Contact WHERE Id = 'local-1'") == "key-1");
  ChangeOutcome done;
  done.change_id = insert;
  done.state = "DONE";
  done.server_id = "003NEW000000001AAA";
  REQUIRE(f.store->RecordOutcomes(ContactSpec(), {done}, {{"Contact", "AccountId"}}, RowBatch{}).ok());
  CHECK(QueryText(f.path, "SELECT count(*) FROM Contact WHERE Id = '003NEW000000001AAA'") == "1");
  CHECK(QueryText(f.path, "SELECT AccountId FROM Contact WHERE Id = '003A'") == "003NEW000000001AAA");
  // None of that was captured as a local edit.
  CHECK(QueryText(f.path, "SELECT count(*) FROM _sfsync_outbox") == "2");
}

TEST_CASE("a field conflict is kept until resolved, and each resolution does what it says") {
  Fixture f;
  REQUIRE(Shell(f.path, "UPDATE Contact SET Phone = 'mine', LastName = 'Mine' WHERE Id = '003A'").ok());
  auto changes = f.store->ListChanges("Contact", {"PENDING"}, {});
  ChangeOutcome conflict;
  conflict.change_id = (*changes)[0].change_id;
  conflict.state = "CONFLICT";
  conflict.conflicts = {Conflict{0, 0, "", "", "field", "Phone", Cell::Text("111"), Cell::Text("mine"),
                                 Cell::Text("theirs"), ""},
                        Conflict{0, 0, "", "", "field", "LastName", Cell::Text("Ames"), Cell::Text("Mine"),
                                 Cell::Text("Theirs"), ""}};
  REQUIRE(f.store->RecordOutcomes(ContactSpec(), {conflict}, {}, RowBatch{}).ok());
  auto open = f.store->ListConflicts("");
  REQUIRE(open->size() == 2);
  // remote: the row takes the server's value and the column is no longer sent.
  REQUIRE(f.store->ResolveConflict((*open)[0].conflict_id, "remote", Cell::Null()).ok());
  CHECK(QueryText(f.path, "SELECT Phone FROM Contact") == "theirs");
  CHECK(QueryText(f.path, "SELECT state FROM _sfsync_outbox") == "CONFLICT");
  // local: the base becomes the server's value, so the push sends ours; the change is PENDING again.
  REQUIRE(f.store->ResolveConflict((*open)[1].conflict_id, "local", Cell::Null()).ok());
  CHECK(QueryText(f.path, "SELECT state FROM _sfsync_outbox") == "PENDING");
  CHECK(f.Columns() == "LastName=Theirs");
  CHECK(f.store->ResolveConflict((*open)[1].conflict_id, "local", Cell::Null()).code() == StatusCode::kNotFound);
  CHECK(f.store->ListConflicts("")->empty());
  CHECK(f.Outbox() == "update:PENDING:003A:2024-05-01T10:00:00.000Z");
}

TEST_CASE("a refused delete is restored from the row it was, then the server's values") {
  Fixture f;
  REQUIRE(Shell(f.path, "DELETE FROM Contact WHERE Id = '003A'").ok());
  auto changes = f.store->ListChanges("Contact", {"PENDING"}, {});
  ChangeOutcome refused;
  refused.change_id = (*changes)[0].change_id;
  refused.state = "FAILED";
  refused.status_code = "DELETE_FAILED";
  refused.restore = true;
  RowBatch server = Batch({"Id", "Phone"}, {{Cell::Text("003A"), Cell::Text("from-server")}});
  REQUIRE(f.store->RecordOutcomes(ContactSpec(), {refused}, {}, server).ok());
  CHECK(Query(f.path, "SELECT LastName, Phone, Account_Name FROM Contact") ==
        std::vector<std::vector<Cell>>{{Cell::Text("Ames"), Cell::Text("from-server"), Cell::Text("Acme")}});
  CHECK(f.Outbox() == "delete:FAILED:003A:2024-05-01T10:00:00.000Z");
}

}  // namespace
}  // namespace sfsync::store

namespace sfsync::store {
namespace {

TEST_CASE("a pushed table still evolves: a retyped column keeps its data and the capture is reinstalled") {
  Fixture f;
  TableSpec retyped = ContactSpec();
  retyped.columns[2].type = ColumnType::kInteger;  // Phone: TEXT -> INTEGER, old values in Phone__v1
  retyped.columns[2].sf_type = "int";
  auto changes = f.store->EnsureTable(retyped);
  REQUIRE(changes.ok());
  CHECK(QueryText(f.path, "SELECT Phone__v1 FROM Contact WHERE Id = '003A'") == "111");
  // The old triggers were rewritten by SQLite to follow the rename; installing them again is clean.
  CaptureSpec capture = ContactCapture();
  REQUIRE(f.store->EnsureCapture(capture).ok());
  REQUIRE(Shell(f.path, "UPDATE Contact SET Phone = 42 WHERE Id = '003A'").ok());
  CHECK(f.Columns() == "Phone=NULL");
  // The kept old column refuses edits: it is no synced field any more.
  CHECK(Shell(f.path, "UPDATE Contact SET Phone__v1 = 'x' WHERE Id = '003A'").message().find(
            "column Phone__v1 of table Contact cannot be pushed") != std::string::npos);
  REQUIRE(Shell(f.path, "DELETE FROM Contact WHERE Id = '003A'").ok());
  CHECK(f.Outbox() == "delete:PENDING:003A:2024-05-01T10:00:00.000Z");
}

}  // namespace
}  // namespace sfsync::store
