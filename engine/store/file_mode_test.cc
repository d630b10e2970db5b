// The org's data at rest: a database sfsync creates is readable by its user only (SECURITY.md).
#include <doctest/doctest.h>
#include <sys/stat.h>

#include "engine/store/sqlite_db.h"
#include "engine/store/store_test_util.h"

namespace sfsync::store {
namespace {

using testing::TempDir;

mode_t ModeOf(const std::string& path) {
  struct stat st{};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 0777;
}

TEST_CASE("a new database and its WAL are created 0600 whatever the umask, an existing file keeps its mode") {
  TempDir dir;
  const mode_t old_umask = ::umask(022);
  {
    auto db = Db::Open(dir.File("new.db"), "", 1000);
    REQUIRE(db.ok());
    REQUIRE(db->QueryText("PRAGMA journal_mode=WAL").ok());
    REQUIRE(db->Exec("CREATE TABLE t(x); INSERT INTO t VALUES (1)").ok());
    CHECK(ModeOf(dir.File("new.db")) == 0600);
    CHECK(ModeOf(dir.File("new.db-wal")) == 0600);
  }
  // A file its owner made group-readable on purpose stays so.
  {
    auto db = Db::Open(dir.File("shared.db"), "", 1000);
    REQUIRE(db.ok());
  }
  REQUIRE(::chmod(dir.File("shared.db").c_str(), 0640) == 0);
  {
    auto db = Db::Open(dir.File("shared.db"), "", 1000);
    REQUIRE(db.ok());
    CHECK(ModeOf(dir.File("shared.db")) == 0640);
  }
  // A directory that does not exist is a clear store error, not a crash.
  auto missing = Db::Open(dir.File("no/such/dir/x.db"), "", 1000);
  CHECK_FALSE(missing.ok());
  CHECK(missing.status().reason() == "store");
  ::umask(old_umask);
}

}  // namespace
}  // namespace sfsync::store
