// FaultStatements: the Nth statement of any connection fails, and SQLite undoes it.
#include <doctest/doctest.h>

#include "engine/store/fault_statements.h"
#include "engine/store/sqlite_db.h"
#include "engine/store/store_test_util.h"

namespace sfsync::store {
namespace {

using testing::TempDir;

int64_t CountRows(Db* db) {
  auto text = db->QueryText("SELECT count(*) FROM t");
  REQUIRE(text.ok());
  return std::stoll(*text);
}

TEST_CASE("statement N fails with a store error and changes nothing, once or from then on") {
  FaultStatements::Install();
  TempDir dir;
  auto opened = Db::Open(dir.File("f.db"), "", 1000);
  REQUIRE(opened.ok());
  Db db = std::move(*opened);
  REQUIRE(db.Exec("CREATE TABLE t(x INTEGER)").ok());

  FaultStatements::Arm(FaultStatements::Mode::kFailOnce, 2);
  CHECK(db.Exec("INSERT INTO t VALUES (1)").ok());
  const Status second = db.Exec("INSERT INTO t VALUES (2)");
  CHECK_FALSE(second.ok());
  CHECK(second.reason() == "store");
  CHECK(db.Exec("INSERT INTO t VALUES (3)").ok());
  CHECK(FaultStatements::injected());
  FaultStatements::Disarm();
  CHECK(CountRows(&db) == 2);

  // A prepared statement stepped row by row: the third execution fails, the rest succeed.
  auto insert = db.Prepare("INSERT INTO t VALUES (?)");
  REQUIRE(insert.ok());
  FaultStatements::Arm(FaultStatements::Mode::kFailOnce, 3);
  int failed = 0;
  for (int i = 0; i < 5; ++i) {
    insert->BindInt(1, 10 + i);
    failed += !insert->Run().ok();
  }
  FaultStatements::Disarm();
  CHECK(failed == 1);
  CHECK(CountRows(&db) == 6);

  // A failed COMMIT leaves the transaction open; rolling back loses its rows.
  FaultStatements::Arm(FaultStatements::Mode::kFailOnce, 3);  // BEGIN, INSERT, COMMIT
  CHECK(db.Exec("BEGIN IMMEDIATE").ok());
  CHECK(db.Exec("INSERT INTO t VALUES (99)").ok());
  CHECK_FALSE(db.Exec("COMMIT").ok());
  FaultStatements::Disarm();
  if (db.in_transaction()) CHECK(db.Exec("ROLLBACK").ok());
  CHECK(CountRows(&db) == 6);

  FaultStatements::Arm(FaultStatements::Mode::kFailFromNth, 2);
  CHECK(db.Exec("INSERT INTO t VALUES (4)").ok());
  CHECK_FALSE(db.Exec("INSERT INTO t VALUES (5)").ok());
  CHECK_FALSE(db.Exec("SELECT 1").ok());
  CHECK(FaultStatements::statements() == 3);
  FaultStatements::Disarm();
  CHECK(CountRows(&db) == 7);
}

}  // namespace
}  // namespace sfsync::store
