#include "tests/testing/store_target.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <thread>
#include <filesystem>
#include <stdexcept>

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
  const std::string schema = SchemaFor(db_path);
  if (pg.Psql(database_, "SELECT count(*) FROM information_schema.schemata WHERE schema_name = '" + schema + "'")
          .rfind('0', 0) == 0) {
    return nullptr;
  }
  return std::make_unique<PgReader>(pg.Url(database_), pg.password(), schema);
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
  std::string out;
  for (auto& t : db->Query("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
                           "ORDER BY table_name")) {
    out += "## " + t[0].text + "\n";
    std::vector<std::string> lines;
    for (auto& row : db->Query("SELECT * FROM \"" + t[0].text + "\"")) {
      std::string line;
      for (auto& v : row) line += v.type + ":" + v.text + "|";
      lines.push_back(line);
    }
    std::sort(lines.begin(), lines.end());
    for (auto& l : lines) out += l + "\n";
  }
  return out;
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
