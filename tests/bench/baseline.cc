#include "tests/bench/baseline.h"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace sfsync::testing {

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

namespace {

void Check(int rc, sqlite3* db, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    std::fprintf(stderr, "sqlite %s: %s\n", what, sqlite3_errmsg(db));
    std::exit(1);
  }
}

}  // namespace

// Reads every row of the synced table, then times upserting them into a fresh database with one
// prepared statement in one transaction (same pragmas as the engine: WAL, synchronous=NORMAL).
double BaselineRowsPerSecond(const std::string& synced_db, const std::string& fresh_db, const std::string& table) {
  sqlite3* src = nullptr;
  Check(sqlite3_open_v2(synced_db.c_str(), &src, SQLITE_OPEN_READONLY, nullptr), src, "open");
  std::vector<std::pair<std::string, std::string>> columns;
  sqlite3_stmt* st = nullptr;
  Check(sqlite3_prepare_v2(src, ("PRAGMA table_info(\"" + table + "\")").c_str(), -1, &st, nullptr), src, "pragma");
  while (sqlite3_step(st) == SQLITE_ROW) {
    columns.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 1)),
                         reinterpret_cast<const char*>(sqlite3_column_text(st, 2)));
  }
  sqlite3_finalize(st);
  struct Value {
    int type;
    std::string text;
    double real;
    int64_t integer;
  };
  std::vector<Value> values;
  Check(sqlite3_prepare_v2(src, ("SELECT * FROM \"" + table + "\" ORDER BY \"Id\"").c_str(), -1, &st, nullptr), src, "select");
  size_t rows = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    ++rows;
    for (size_t c = 0; c < columns.size(); ++c) {
      int i = static_cast<int>(c);
      Value v{sqlite3_column_type(st, i), "", 0, 0};
      if (v.type == SQLITE_TEXT) v.text = reinterpret_cast<const char*>(sqlite3_column_text(st, i));
      if (v.type == SQLITE_FLOAT) v.real = sqlite3_column_double(st, i);
      if (v.type == SQLITE_INTEGER) v.integer = sqlite3_column_int64(st, i);
      values.push_back(std::move(v));
    }
  }
  sqlite3_finalize(st);
  sqlite3_close(src);

  sqlite3* db = nullptr;
  Check(sqlite3_open(fresh_db.c_str(), &db), db, "open fresh");
  Check(sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", nullptr, nullptr, nullptr), db, "pragmas");
  std::string create = "CREATE TABLE \"" + table + "\" (";
  std::string insert = "INSERT INTO \"" + table + "\" (";
  std::string params, update;
  for (size_t c = 0; c < columns.size(); ++c) {
    const std::string& name = columns[c].first;
    create += (c ? ", \"" : "\"") + name + "\" " + columns[c].second + (name == "Id" ? " PRIMARY KEY" : "");
    insert += (c ? ", \"" : "\"") + name + "\"";
    params += c ? ", ?" : "?";
    if (name != "Id") update += std::string(update.empty() ? "" : ", ") + "\"" + name + "\"=excluded.\"" + name + "\"";
  }
  create += ")";
  insert += ") VALUES (" + params + ") ON CONFLICT(\"Id\") DO UPDATE SET " + update;
  Check(sqlite3_exec(db, create.c_str(), nullptr, nullptr, nullptr), db, "create");

  const auto start = std::chrono::steady_clock::now();
  Check(sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr), db, "begin");
  Check(sqlite3_prepare_v2(db, insert.c_str(), -1, &st, nullptr), db, "prepare");
  for (size_t r = 0; r < rows; ++r) {
    for (size_t c = 0; c < columns.size(); ++c) {
      const Value& v = values[r * columns.size() + c];
      int i = static_cast<int>(c) + 1;
      if (v.type == SQLITE_TEXT) sqlite3_bind_text(st, i, v.text.data(), static_cast<int>(v.text.size()), SQLITE_STATIC);
      else if (v.type == SQLITE_FLOAT) sqlite3_bind_double(st, i, v.real);
      else if (v.type == SQLITE_INTEGER) sqlite3_bind_int64(st, i, v.integer);
      else sqlite3_bind_null(st, i);
    }
    Check(sqlite3_step(st), db, "step");
    sqlite3_reset(st);
  }
  sqlite3_finalize(st);
  Check(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), db, "commit");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  sqlite3_close(db);
  return static_cast<double>(rows) / seconds;
}

}  // namespace sfsync::testing
