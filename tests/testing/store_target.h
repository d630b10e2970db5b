// The store an integration scenario writes, so one scenario checks both stores:
//
//   TEST_CASE_TEMPLATE("a changed where reads ...", S, OnSqlite, OnPostgres) {
//     StoreTarget store(S::kind);
//     WriteFile(dir.File("job.yaml"), store.Job(emu, dir.File("a.db"), objects));
//     ... RunSfsync(...) ...
//     auto db = store.Open(dir.File("a.db"));  // a TableSource: rows in the SQLite store's forms
//
// On SQLite the job writes the file `db_path`. On PostgreSQL every target takes a new database on
// the test process's shared cluster (PgCluster::Shared()), and each distinct `db_path` is a schema
// in it named after the file ("a.db" -> schema "a"): two jobs given one path share one store, as
// two jobs on one SQLite file do. The cluster's password is put in this process's environment
// (SFSYNC_TEST_PGPASSWORD), which every sfsync the test starts inherits.
#pragma once

#include <memory>
#include <string>

#include "tests/testing/emulator.h"
#include "tests/testing/table_source.h"

namespace sfsync::testing {

enum class StoreKind { kSqlite, kPostgres };

struct OnSqlite {
  static constexpr StoreKind kind = StoreKind::kSqlite;
};
struct OnPostgres {
  static constexpr StoreKind kind = StoreKind::kPostgres;
};

class StoreTarget {
 public:
  explicit StoreTarget(StoreKind kind);

  bool postgres() const { return kind_ == StoreKind::kPostgres; }
  const char* name() const { return postgres() ? "postgres" : "sqlite"; }

  // JobYaml(emu, db_path, objects, extra) writing into this store.
  std::string Job(const Emulator& emu, const std::string& db_path, const std::string& objects,
                  const std::string& extra = "settle_lag_seconds: 0\n") const;
  // `job_yaml` (from JobYaml, for `db_path`) moved to this store; unchanged on SQLite.
  std::string Use(std::string job_yaml, const std::string& db_path) const;
  // Reads the store a job given `db_path` wrote; nullptr while nothing was written yet.
  std::unique_ptr<TableSource> Open(const std::string& db_path) const;
  // WaitForRows (sqlite_db.h) for this store: true once `table` holds `rows` rows, false if `p` ends
  // first or after 60 s.
  bool WaitForRows(const std::string& db_path, const std::string& table, int64_t rows, BackgroundProcess* p) const;
  // Runs SQL that writes (as a user's own client would, behind sfsync's back) in the store of
  // `db_path`: the sqlite3 shell, or psql with the schema as search path. Throws on an error.
  void Exec(const std::string& db_path, const std::string& sql) const;
  // Every table of the store, its rows sorted (DumpDatabase for SQLite): equal dumps, equal stores.
  std::string Dump(const std::string& db_path) const;
  // The rows_read of the table's newest run (_sfsync_run_objects).
  int64_t LastRunRowsRead(const std::string& db_path, const std::string& table) const;
  // How sfsync's messages name the store: the SQLite path, or "URL (schema S)".
  std::string Name(const std::string& db_path) const;
  // SQL literals in the store's dialect.
  std::string True() const { return postgres() ? "true" : "1"; }
  std::string False() const { return postgres() ? "false" : "0"; }
  // The PostgreSQL schema for `db_path`.
  static std::string SchemaFor(const std::string& db_path);

 private:
  StoreKind kind_;
  std::string database_;  // PostgreSQL
};

}  // namespace sfsync::testing
