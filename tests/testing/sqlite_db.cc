#include "tests/testing/sqlite_db.h"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <stdexcept>

namespace sfsync::testing {

SqliteDb::SqliteDb(const std::string& path) {
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : "open failed";
    sqlite3_close(db_);
    throw std::runtime_error("cannot open " + path + ": " + msg);
  }
  sqlite3_busy_timeout(db_, 5000);
}

SqliteDb::~SqliteDb() { sqlite3_close(db_); }

std::vector<std::vector<SqlValue>> SqliteDb::Query(const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    throw std::runtime_error(std::string("bad SQL: ") + sqlite3_errmsg(db_) + ": " + sql);
  }
  std::vector<std::vector<SqlValue>> rows;
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    std::vector<SqlValue> row;
    for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
      SqlValue v;
      switch (sqlite3_column_type(stmt, i)) {
        case SQLITE_NULL: v.type = "null"; break;
        case SQLITE_INTEGER: v.type = "integer"; break;
        case SQLITE_FLOAT: v.type = "real"; break;
        case SQLITE_TEXT: v.type = "text"; break;
        default: v.type = "blob"; break;
      }
      const unsigned char* t = sqlite3_column_text(stmt, i);
      v.text = t ? reinterpret_cast<const char*>(t) : "";
      row.push_back(std::move(v));
    }
    rows.push_back(std::move(row));
  }
  sqlite3_finalize(stmt);
  if (rc != SQLITE_DONE) throw std::runtime_error(std::string("query failed: ") + sqlite3_errmsg(db_));
  return rows;
}

std::string SqliteDb::Scalar(const std::string& sql) {
  auto rows = Query(sql);
  if (rows.empty() || rows[0].empty()) throw std::runtime_error("no rows: " + sql);
  return rows[0][0].text;
}

int64_t SqliteDb::Count(const std::string& table) {
  return std::stoll(Scalar("SELECT count(*) FROM \"" + table + "\""));
}

std::vector<std::pair<std::string, std::string>> SqliteDb::Columns(const std::string& table) {
  std::vector<std::pair<std::string, std::string>> out;
  for (auto& row : Query("PRAGMA table_info(\"" + table + "\")")) out.emplace_back(row[1].text, row[2].text);
  return out;
}

std::string DumpTables(const std::function<std::vector<std::vector<SqlValue>>(const std::string&)>& query,
                       const std::string& tables_sql) {
  std::string out;
  for (auto& t : query(tables_sql)) {
    out += "## " + t[0].text + "\n";
    std::vector<std::string> lines;
    for (auto& row : query("SELECT * FROM \"" + t[0].text + "\"")) {
      std::string line;
      for (auto& v : row) line += v.type + ":" + v.text + "|";
      lines.push_back(line);
    }
    std::sort(lines.begin(), lines.end());
    for (auto& l : lines) out += l + "\n";
  }
  return out;
}

std::string DumpDatabase(const std::string& path) {
  SqliteDb db(path);
  return DumpTables([&](const std::string& sql) { return db.Query(sql); },
                    "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name");
}

bool WaitForRows(const std::string& db, const std::string& table, int64_t rows, BackgroundProcess* p) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    if (!p->Running()) return false;
    if (FileExists(db)) {
      try {
        if (SqliteDb(db).Count(table) >= rows) return true;
      } catch (const std::exception&) {
        // The table may not exist yet.
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return false;
}

}  // namespace sfsync::testing
