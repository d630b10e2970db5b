// Push-back capture on PostgreSQL against a real server: edits made with psql (another session,
// no sfsync code) are captured by the PL/pgSQL triggers with their bases in the storage form the
// pusher compares; the engine's own writes never are; the outbox paths that read typed values back
// (a re-insert's bases, a refused delete's restore, a conflict's resolution) keep every type.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "engine/store/pg/pg_test_util.h"

namespace sfsync::store {
namespace {

using pgtest::Account;
using pgtest::AccountSpec;
using pgtest::At;
using pgtest::PgFixture;
using pgtest::Rows;

CaptureSpec AccountCapture() {
  return {"Account",
          "SystemModstamp",
          {{"Name", true, true, ""},
           {"Employees", true, true, ""},
           {"Revenue", true, true, ""},
           {"IsDeleted", true, true, ""},
           {"Founded", true, true, ""},
           {"Opens", true, true, ""},
           {"SystemModstamp", false, false, "a system field"}}};
}

struct CaptureFixture : PgFixture {
  std::unique_ptr<Store> store = Open();
  CaptureFixture() {
    REQUIRE(store->EnsureTable(AccountSpec()).ok());
    REQUIRE(store
                ->ApplyPage(AccountSpec(), Rows({Account("001A", "First", "2024-05-01T10:00:00.000Z")}), {},
                            At("2024-05-01T10:00:00.000Z", "001A"))
                .ok());
    REQUIRE(store->EnsureCapture(AccountCapture()).ok());
  }
  // psql, as a user would run it.
  std::string Psql(const std::string& sql) { return Sql("SET search_path TO sfsync; " + sql); }
  std::vector<Change> Changes(const std::vector<std::string>& states = {"PENDING"}) {
    StatusOr<std::vector<Change>> changes = store->ListChanges("Account", states, {"Name", "Employees"});
    REQUIRE_MESSAGE(changes.ok(), changes.status().ToString());
    return *changes;
  }
};

const Change::Column* Find(const Change& c, const std::string& name) {
  for (const Change::Column& col : c.columns) {
    if (col.name == name) return &col;
  }
  return nullptr;
}

TEST_CASE("postgres capture: an edit of every type is captured with its base in the storage form") {
  CaptureFixture f;
  f.Psql(
      "UPDATE \"Account\" SET \"Name\" = 'Mine', \"Employees\" = 13, \"Revenue\" = 99.5, \"IsDeleted\" = true, "
      "\"Founded\" = '2002-03-04', \"Opens\" = '09:15:00' WHERE \"Id\" = '001A'");
  CHECK(f.Psql("SELECT count(*) FROM _sfsync_capture") == "6");
  std::vector<Change> changes = f.Changes();
  REQUIRE(changes.size() == 1);
  const Change& c = changes[0];
  CHECK(c.op == "update");
  CHECK(c.base_stamp == "2024-05-01T10:00:00.000Z");
  REQUIRE(c.columns.size() == 6);
  CHECK(Find(c, "Name")->base == Cell::Text("First"));
  CHECK(Find(c, "Name")->local == Cell::Text("Mine"));
  CHECK(Find(c, "Employees")->base == Cell::Int(12));
  CHECK(Find(c, "Employees")->local == Cell::Int(13));
  CHECK(Find(c, "Revenue")->base == Cell::Double(1234.5));
  CHECK(Find(c, "Revenue")->local == Cell::Double(99.5));
  CHECK(Find(c, "IsDeleted")->base == Cell::Int(0));
  CHECK(Find(c, "IsDeleted")->local == Cell::Int(1));
  CHECK(Find(c, "Founded")->base == Cell::Text("2001-02-03"));
  CHECK(Find(c, "Founded")->local == Cell::Text("2002-03-04"));
  CHECK(Find(c, "Opens")->base == Cell::Text("08:30:00.000Z"));
  CHECK(Find(c, "Opens")->local == Cell::Text("09:15:00.000Z"));
  CHECK(f.Psql("SELECT count(*) FROM _sfsync_capture") == "0");  // folded

  SUBCASE("a pull neither captures its rows nor overwrites a pending value, and sets the server's aside") {
    REQUIRE(f.store
                ->ApplyPage(AccountSpec(),
                            Rows({Account("001A", "Server", "2024-05-02T10:00:00.000Z"),
                                  Account("001B", "Other", "2024-05-02T10:00:00.000Z")}),
                            {}, At("2024-05-02T10:00:00.000Z", "001B"))
                .ok());
    CHECK(f.Psql("SELECT count(*) FROM _sfsync_capture") == "0");
    CHECK(f.Psql("SELECT \"Name\" || ' ' || \"Employees\" || ' ' || \"SystemModstamp\" AT TIME ZONE 'UTC' FROM "
                 "\"Account\" WHERE \"Id\" = '001A'") == "Mine 13 2024-05-02 10:00:00");
    changes = f.Changes();
    REQUIRE(changes.size() == 1);
    CHECK(Find(changes[0], "Name")->remote_set);
    CHECK(Find(changes[0], "Name")->remote == Cell::Text("Server"));
    CHECK(Find(changes[0], "Employees")->remote == Cell::Int(12));
  }
  SUBCASE("a server delete of the edited row keeps it and flags the change") {
    REQUIRE(f.store->ApplyPage(AccountSpec(), RowBatch{}, {"001A"}, At("2024-05-03T10:00:00.000Z", "001A")).ok());
    CHECK(f.Psql("SELECT count(*) FROM \"Account\"") == "1");
    CHECK(f.Changes()[0].remote_deleted);
  }
  SUBCASE("a field conflict keeps typed values and --take remote writes the server's back") {
    ChangeOutcome o;
    o.change_id = c.change_id;
    o.state = "CONFLICT";
    o.conflicts.push_back(
        Conflict{0, 0, "", "", "field", "Employees", Cell::Int(12), Cell::Int(13), Cell::Int(40), ""});
    REQUIRE(f.store->RecordOutcomes(AccountSpec(), {o}, {}, RowBatch{}).ok());
    StatusOr<std::vector<Conflict>> open = f.store->ListConflicts("");
    REQUIRE(open.ok());
    REQUIRE(open->size() == 1);
    CHECK((*open)[0].base == Cell::Int(12));
    CHECK((*open)[0].local == Cell::Int(13));
    CHECK((*open)[0].remote == Cell::Int(40));
    REQUIRE(f.store->ResolveConflict((*open)[0].conflict_id, "remote", Cell::Null()).ok());
    CHECK(f.Psql("SELECT \"Employees\" FROM \"Account\" WHERE \"Id\" = '001A'") == "40");
    CHECK(f.Psql("SELECT count(*) FROM _sfsync_capture") == "0");  // the engine's write, not an edit
    changes = f.Changes();
    REQUIRE(changes.size() == 1);
    CHECK(Find(changes[0], "Employees") == nullptr);
    CHECK(Find(changes[0], "Name") != nullptr);
  }
}

TEST_CASE("postgres capture: an edit committed while a page is written is kept, not written under") {
  CaptureFixture f;
  // Another session edits the row and holds its transaction open for a moment.
  std::thread client([&] {
    f.Psql("BEGIN; UPDATE \"Account\" SET \"Name\" = 'Client' WHERE \"Id\" = '001A'; SELECT pg_sleep(1.5); COMMIT");
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  // The pull's page waits for it, then sees the edit: the row keeps it, the server's value is set aside.
  REQUIRE(f.store->ApplyPage(AccountSpec(), Rows({Account("001A", "Server", "2024-05-02T10:00:00.000Z")}), {},
                             At("2024-05-02T10:00:00.000Z", "001A"))
              .ok());
  client.join();
  CHECK(f.Psql("SELECT \"Name\" FROM \"Account\" WHERE \"Id\" = '001A'") == "Client");
  std::vector<Change> changes = f.Changes();
  REQUIRE(changes.size() == 1);
  CHECK(Find(changes[0], "Name")->base == Cell::Text("First"));
  CHECK(Find(changes[0], "Name")->remote == Cell::Text("Server"));
}

TEST_CASE("postgres capture: columns that cannot be pushed refuse the edit, naming the column and why") {
  CaptureFixture f;
  auto refused = [&](const std::string& sql) {
    try {
      f.Psql(sql);
    } catch (const std::exception& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  CHECK(refused("UPDATE \"Account\" SET \"SystemModstamp\" = now() WHERE \"Id\" = '001A'")
            .find("column SystemModstamp of table Account cannot be pushed to Salesforce (a system field)") !=
        std::string::npos);
  CHECK(refused("UPDATE \"Account\" SET \"Id\" = '001Z' WHERE \"Id\" = '001A'").find("the Id is Salesforce's") !=
        std::string::npos);
  CHECK(refused("INSERT INTO \"Account\" (\"Name\", \"SystemModstamp\") VALUES ('x', now())")
            .find("cannot be set on a new row (a system field); leave it NULL") != std::string::npos);
  CHECK(f.Psql("SELECT count(*) FROM \"Account\"") == "1");
  CHECK(f.Changes().empty());
}

TEST_CASE("postgres capture: inserts get a local Id, which the record's Id replaces once pushed") {
  CaptureFixture f;
  f.Psql("INSERT INTO \"Account\" (\"Name\", \"Employees\") VALUES ('New Co', 7)");
  const std::string local = f.Psql("SELECT \"Id\" FROM \"Account\" WHERE \"Name\" = 'New Co'");
  CHECK(local.rfind("local-", 0) == 0);
  CHECK(local.size() == 30);
  std::vector<Change> changes = f.Changes();
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].op == "insert");
  CHECK(Find(changes[0], "Employees")->local == Cell::Int(7));
  // Its first push reached Salesforce but the answer was lost, and a pull read the record back.
  REQUIRE(f.store
              ->ApplyPage(AccountSpec(), Rows({Account("001N", "New Co", "2024-05-04T10:00:00.000Z")}), {},
                          At("2024-05-04T10:00:00.000Z", "001N"))
              .ok());
  ChangeOutcome o;
  o.change_id = changes[0].change_id;
  o.state = "DONE";
  o.server_id = "001N";
  REQUIRE(f.store->RecordOutcomes(AccountSpec(), {o}, {}, RowBatch{}).ok());
  CHECK(f.Psql("SELECT count(*) FROM \"Account\" WHERE \"Name\" = 'New Co'") == "1");
  CHECK(f.Psql("SELECT \"Id\" || ' ' || (\"SystemModstamp\" IS NOT NULL) FROM \"Account\" WHERE \"Name\" = 'New Co'") ==
        "001N true");
  // Inserted and deleted before a push: nothing for Salesforce.
  f.Psql("INSERT INTO \"Account\" (\"Name\") VALUES ('Gone Co'); DELETE FROM \"Account\" WHERE \"Name\" = 'Gone Co'");
  CHECK(f.Changes().empty());
}

TEST_CASE("postgres capture: deleted and inserted again is an update against the deleted row's values") {
  CaptureFixture f;
  f.Psql("DELETE FROM \"Account\" WHERE \"Id\" = '001A'");
  std::vector<Change> changes = f.Changes();
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].op == "delete");
  f.Psql(
      "INSERT INTO \"Account\" (\"Id\", \"Name\", \"Employees\", \"Revenue\", \"IsDeleted\", \"Founded\", \"Opens\") "
      "VALUES ('001A', 'Again', 12, 1234.5, true, '2001-02-03', '08:30')");
  changes = f.Changes();
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].op == "update");
  // Only what differs from the deleted row is sent, each against its typed base.
  CHECK(Find(changes[0], "Employees") == nullptr);
  CHECK(Find(changes[0], "Revenue") == nullptr);
  CHECK(Find(changes[0], "Opens") == nullptr);
  REQUIRE(Find(changes[0], "Name") != nullptr);
  CHECK(Find(changes[0], "Name")->base == Cell::Text("First"));
  CHECK(Find(changes[0], "IsDeleted")->base == Cell::Int(0));
  CHECK(Find(changes[0], "IsDeleted")->local == Cell::Int(1));
}

TEST_CASE("postgres capture: a delete Salesforce refuses puts the row back with every value typed") {
  CaptureFixture f;
  const std::string before = f.Psql("SELECT row_to_json(a)::text FROM \"Account\" a");
  f.Psql("DELETE FROM \"Account\" WHERE \"Id\" = '001A'");
  std::vector<Change> changes = f.Changes();
  REQUIRE(changes.size() == 1);
  ChangeOutcome o;
  o.change_id = changes[0].change_id;
  o.state = "FAILED";
  o.status_code = "DELETE_FAILED";
  o.restore = true;
  REQUIRE(f.store->RecordOutcomes(AccountSpec(), {o}, {}, RowBatch{}).ok());
  CHECK(f.Psql("SELECT row_to_json(a)::text FROM \"Account\" a") == before);
  CHECK(f.Psql("SELECT count(*) FROM _sfsync_capture") == "0");
}

TEST_CASE("postgres capture: a dropped capture stops capturing, and the outbox keeps what it has") {
  CaptureFixture f;
  f.Psql("UPDATE \"Account\" SET \"Name\" = 'Kept' WHERE \"Id\" = '001A'");
  REQUIRE(f.store->DropCapture("Account").ok());
  f.Psql("UPDATE \"Account\" SET \"Name\" = 'Not captured', \"SystemModstamp\" = now() WHERE \"Id\" = '001A'");
  std::vector<Change> changes = f.Changes();
  REQUIRE(changes.size() == 1);
  CHECK(Find(changes[0], "Name")->base == Cell::Text("First"));
  CHECK(f.Psql("SELECT count(*) FROM pg_trigger WHERE tgname LIKE '\\_sfsync\\_capture%'") == "0");
}

}  // namespace
}  // namespace sfsync::store
