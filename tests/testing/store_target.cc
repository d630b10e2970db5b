#include "tests/testing/store_target.h"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include "tests/testing/pg_cluster.h"
#include "tests/testing/pg_reader.h"
#include "tests/testing/sqlite_db.h"

namespace sfsync::testing {

StoreTarget::StoreTarget(StoreKind kind) : kind_(kind) {
  if (!postgres()) return;
  PgCluster& pg = PgCluster::Shared();
  database_ = pg.CreateDatabase();
  ::setenv("SFSYNC_TEST_PGPASSWORD", pg.password().c_str(), 1);
}

std::string StoreTarget::SchemaFor(const std::string& db_path) {
  return std::filesystem::path(db_path).stem().string();
}

std::string StoreTarget::Use(std::string job_yaml, const std::string& db_path) const {
  if (!postgres()) return job_yaml;
  return UsePostgresStore(std::move(job_yaml), PgCluster::Shared().Url(database_), SchemaFor(db_path));
}

std::string StoreTarget::Job(const Emulator& emu, const std::string& db_path, const std::string& objects,
                             const std::string& extra) const {
  return Use(JobYaml(emu, db_path, objects, extra), db_path);
}

std::unique_ptr<TableSource> StoreTarget::Open(const std::string& db_path) const {
  if (!postgres()) {
    if (!std::filesystem::exists(db_path)) return nullptr;
    return std::make_unique<SqliteSource>(db_path);
  }
  PgCluster& pg = PgCluster::Shared();
  auto reader = std::make_unique<PgReader>(pg.Url(database_), pg.password(), SchemaFor(db_path));
  // current_schema() is NULL while the search path names a schema that does not exist yet.
  if (reader->Scalar("SELECT current_schema() IS NOT NULL") != "1") return nullptr;
  return reader;
}

bool StoreTarget::WaitForRows(const std::string& db_path, const std::string& table, int64_t rows,
                              BackgroundProcess* p) const {
  if (!postgres()) return testing::WaitForRows(db_path, table, rows, p);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  std::unique_ptr<TableSource> db;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!p->Running()) return false;
    try {
      if (db == nullptr) db = Open(db_path);
      if (db != nullptr && db->Count(table) >= rows) return true;
    } catch (const std::exception&) {
      db.reset();  // the table may not exist yet (a failed statement ends nothing: reconnect anyway)
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

void StoreTarget::Exec(const std::string& db_path, const std::string& sql) const {
  if (postgres()) {
    PgCluster::Shared().Psql(database_, "SET search_path TO \"" + SchemaFor(db_path) + "\"; " + sql);
    return;
  }
  ProcessResult r = RunProcess({"/usr/bin/env", "sqlite3", db_path, sql});
  if (r.exit_code != 0) throw std::runtime_error("sqlite3 " + db_path + ": " + r.err);
}

std::string StoreTarget::Dump(const std::string& db_path) const {
  if (!postgres()) return DumpDatabase(db_path);
  std::unique_ptr<TableSource> db = Open(db_path);
  if (db == nullptr) return "";
  return DumpTables([&](const std::string& sql) { return db->Query(sql); },
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY "
                    "table_name");
}

int64_t StoreTarget::LastRunRowsRead(const std::string& db_path, const std::string& table) const {
  std::unique_ptr<TableSource> db = Open(db_path);
  if (db == nullptr) return -1;
  return std::stoll(db->Scalar("SELECT rows_read FROM _sfsync_run_objects WHERE table_name = '" + table +
                               "' ORDER BY run_id DESC LIMIT 1"));
}

std::string StoreTarget::Name(const std::string& db_path) const {
  if (!postgres()) return db_path;
  return PgCluster::Shared().Url(database_) + " (schema " + SchemaFor(db_path) + ")";
}

}  // namespace sfsync::testing
