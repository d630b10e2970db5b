#include "engine/store/store_test_util.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdlib>

#include "engine/store/sqlite_db.h"

namespace sfsync::store::testing {

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "sfsync-store-XXXXXX").string();
  REQUIRE(mkdtemp(pattern.data()) != nullptr);
  dir_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::unique_ptr<Store> MustOpen(const std::string& path, const SqliteStoreOptions& options) {
  StatusOr<std::unique_ptr<Store>> store = OpenSqliteStore(path, options);
  REQUIRE_MESSAGE(store.ok(), store.status().ToString());
  return std::move(store).value();
}

std::vector<std::vector<Cell>> Query(const std::string& path, const std::string& sql) {
  StatusOr<Db> db = Db::Open(path, "", 1000);
  REQUIRE_MESSAGE(db.ok(), db.status().ToString());
  StatusOr<Statement> stmt = db->Prepare(sql);
  REQUIRE_MESSAGE(stmt.ok(), stmt.status().ToString());
  std::vector<std::vector<Cell>> rows;
  while (true) {
    StatusOr<bool> row = stmt->Step();
    REQUIRE_MESSAGE(row.ok(), row.status().ToString());
    if (!*row) break;
    std::vector<Cell> cells;
    for (int i = 0; i < stmt->column_count(); ++i) cells.push_back(stmt->ColumnValue(i));
    rows.push_back(std::move(cells));
  }
  return rows;
}

std::string QueryText(const std::string& path, const std::string& sql) {
  std::vector<std::vector<Cell>> rows = Query(path, sql);
  if (rows.empty() || rows[0].empty()) return "";
  return rows[0][0].DebugString();
}

ColumnSpec Col(const std::string& name, ColumnType type, const std::string& sf_type) {
  return ColumnSpec{name, name, type, sf_type};
}

RowBatch Batch(std::vector<std::string> columns, const std::vector<std::vector<Cell>>& rows) {
  RowBatch batch;
  batch.columns = std::move(columns);
  for (const std::vector<Cell>& row : rows) {
    REQUIRE(row.size() == batch.columns.size());
    batch.cells.insert(batch.cells.end(), row.begin(), row.end());
  }
  return batch;
}

SyncState StateAt(const std::string& ts, const std::string& id) {
  SyncState state;
  state.cursor_field = "SystemModstamp";
  state.watermark = {ts, id};
  return state;
}

}  // namespace sfsync::store::testing
