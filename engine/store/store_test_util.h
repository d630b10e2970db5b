// Helpers shared by the store's tests: a temporary directory, batch and spec builders, and a raw
// SQLite reader to look at what the store wrote without going through the Store interface.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "engine/core/row.h"
#include "engine/store/store.h"

namespace sfsync::store::testing {

// A fresh directory under the system temp dir, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();
  std::string File(const std::string& name) const { return (dir_ / name).string(); }

 private:
  std::filesystem::path dir_;
};

// Opens the store or fails the test (doctest REQUIRE).
std::unique_ptr<Store> MustOpen(const std::string& path, const SqliteStoreOptions& options = {});

// Every row of `sql`, run on its own connection to `path`, as stored (NULL/INTEGER/REAL/TEXT).
// Fails the test on an SQL error.
std::vector<std::vector<Cell>> Query(const std::string& path, const std::string& sql);
// The first column of the first row of `sql`, as text ("" if none).
std::string QueryText(const std::string& path, const std::string& sql);

// A column whose source is its name.
ColumnSpec Col(const std::string& name, ColumnType type, const std::string& sf_type = "string");

RowBatch Batch(std::vector<std::string> columns, const std::vector<std::vector<Cell>>& rows);

SyncState StateAt(const std::string& ts, const std::string& id);

}  // namespace sfsync::store::testing
