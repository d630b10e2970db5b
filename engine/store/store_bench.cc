// store_bench: upsert throughput of ApplyPage against a raw prepared-statement loop.
// Not a test and not built by default:  ninja -C build store_bench && build/store_bench [rows] [dir]
//
// Rows look like a Salesforce page after the connector: 12 columns (Id, five texts, two integers,
// two reals, a boolean, a +0000 datetime), values in the JSON kinds the REST API uses. Each case
// writes into a fresh database file, so the numbers include WAL growth and checkpoints.
#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <random>

#include "engine/core/time_format.h"
#include "engine/store/store.h"

namespace sfsync::store {
namespace {

constexpr size_t kPageRows = 2000;
constexpr int kRepeats = 3;
const std::vector<std::string> kColumns = {"Id",        "Name",      "Industry", "Street",      "City",   "Phone",
                                           "Employees", "Locations", "Revenue",  "Probability", "Active", "Modstamp"};

TableSpec BenchSpec() {
  TableSpec spec{"Account", "Account", {}};
  const ColumnType types[] = {ColumnType::kText, ColumnType::kText, ColumnType::kText,    ColumnType::kText,
                              ColumnType::kText, ColumnType::kText, ColumnType::kInteger, ColumnType::kInteger,
                              ColumnType::kReal, ColumnType::kReal, ColumnType::kBoolean, ColumnType::kDateTime};
  for (size_t i = 0; i < kColumns.size(); ++i) spec.columns.push_back({kColumns[i], kColumns[i], types[i], ""});
  return spec;
}

std::string IdOf(size_t i) { return fmt::format("001{:012d}AAA", i); }

std::vector<Cell> RowOf(size_t i) {
  return {Cell::Text(IdOf(i)),
          Cell::Text(fmt::format("Account number {}", i)),
          Cell::Text(i % 3 ? "Manufacturing" : "Energy"),
          Cell::Text(fmt::format("{} Market Street\nSuite {}", i % 9000, i % 40)),
          Cell::Text("San Francisco"),
          Cell::Text(fmt::format("(415) 555-{:04d}", i % 10000)),
          Cell::Int(static_cast<int64_t>(i % 5000)),
          Cell::Double(static_cast<double>(i % 7)),
          Cell::Double(1000.5 * static_cast<double>(i % 1000)),
          Cell::Double(0.25),
          Cell::Bool(i % 2 == 0),
          Cell::Text(FormatSalesforceDateTime(1714557600000 + static_cast<int64_t>(i) * 1000))};
}

double Seconds(const std::function<void()>& work) {
  const auto start = std::chrono::steady_clock::now();
  work();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void Check(bool ok, const std::string& what) {
  if (!ok) {
    fmt::print(stderr, "store_bench: {}\n", what);
    std::exit(1);
  }
}

double ApplyPages(const std::string& path, const std::vector<std::vector<Cell>>& rows) {
  StatusOr<std::unique_ptr<Store>> store = OpenSqliteStore(path);
  Check(store.ok(), store.status().ToString());
  const TableSpec spec = BenchSpec();
  Check((*store)->EnsureTable(spec).ok(), "EnsureTable");
  // Pages are built before the clock starts: the connector hands over finished pages.
  std::vector<RowBatch> pages;
  for (size_t first = 0; first < rows.size(); first += kPageRows) {
    RowBatch page;
    page.columns = kColumns;
    for (size_t r = first; r < std::min(rows.size(), first + kPageRows); ++r) {
      page.cells.insert(page.cells.end(), rows[r].begin(), rows[r].end());
    }
    pages.push_back(std::move(page));
  }
  SyncState state;
  return Seconds([&] {
    for (size_t p = 0; p < pages.size(); ++p) {
      state.watermark = {FormatIsoUtc(1714557600000 + static_cast<int64_t>(p)), ""};
      const Status s = (*store)->ApplyPage(spec, pages[p], {}, state);
      Check(s.ok(), s.ToString());
    }
  });
}

void Exec(sqlite3* db, const char* sql) { Check(sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK, sql); }

// The floor: one prepared upsert, values bound straight from already-typed cells, `per_txn` rows
// per transaction, no conversion, no state row, no checks.
double RawLoop(const std::string& path, const std::vector<std::vector<Cell>>& rows, size_t per_txn) {
  sqlite3* db = nullptr;
  Check(sqlite3_open(path.c_str(), &db) == SQLITE_OK, "open");
  Exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536;");
  Exec(db,
       "CREATE TABLE Account (\"Id\" TEXT NOT NULL PRIMARY KEY, Name TEXT, Industry TEXT, Street TEXT, City TEXT, "
       "Phone TEXT, Employees INTEGER, Locations INTEGER, Revenue REAL, Probability REAL, Active INTEGER, "
       "Modstamp TEXT)");
  std::string names, params, updates;
  for (size_t i = 0; i < kColumns.size(); ++i) {
    names += (i ? "," : "") + kColumns[i];
    params += fmt::format("{}?{}", i ? "," : "", i + 1);
    if (i) updates += fmt::format("{}{}=excluded.{}", i > 1 ? "," : "", kColumns[i], kColumns[i]);
  }
  const std::string sql =
      fmt::format("INSERT INTO Account ({}) VALUES ({}) ON CONFLICT(Id) DO UPDATE SET {}", names, params, updates);
  sqlite3_stmt* stmt = nullptr;
  Check(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK, sqlite3_errmsg(db));
  const double seconds = Seconds([&] {
    for (size_t r = 0; r < rows.size(); ++r) {
      if (r % per_txn == 0) Exec(db, "BEGIN");
      for (size_t c = 0; c < rows[r].size(); ++c) {
        const Cell& v = rows[r][c];
        const int i = static_cast<int>(c + 1);
        switch (v.kind) {
          case Cell::Kind::kText:
            sqlite3_bind_text(stmt, i, v.s.data(), static_cast<int>(v.s.size()), SQLITE_STATIC);
            break;
          case Cell::Kind::kInt: sqlite3_bind_int64(stmt, i, v.i); break;
          case Cell::Kind::kDouble: sqlite3_bind_double(stmt, i, v.d); break;
          case Cell::Kind::kBool: sqlite3_bind_int(stmt, i, v.b); break;
          case Cell::Kind::kNull: sqlite3_bind_null(stmt, i); break;
        }
      }
      Check(sqlite3_step(stmt) == SQLITE_DONE, sqlite3_errmsg(db));
      sqlite3_reset(stmt);
      if ((r + 1) % per_txn == 0 || r + 1 == rows.size()) Exec(db, "COMMIT");
    }
  });
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return seconds;
}

}  // namespace
}  // namespace sfsync::store

int main(int argc, char** argv) {
  using namespace sfsync::store;
  const size_t n = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 200000;
  const std::filesystem::path dir = argc > 2 ? argv[2] : std::filesystem::temp_directory_path() / "sfsync-store-bench";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);

  std::vector<std::vector<sfsync::Cell>> in_order;
  for (size_t i = 0; i < n; ++i) in_order.push_back(RowOf(i));
  std::vector<std::vector<sfsync::Cell>> shuffled = in_order;
  std::shuffle(shuffled.begin(), shuffled.end(), std::mt19937_64(42));

  fmt::print("{} rows x {} columns, SQLite {}, WAL, synchronous=NORMAL, 64 MiB cache\n\n", n, kColumns.size(),
             sqlite3_libversion());
  // Repeats are interleaved across cases, so a burst of load from elsewhere on the machine hits
  // every case alike; each case reports its best run.
  struct Case {
    std::string name;
    std::function<double(const std::string&)> run;
    double best = 1e300;
  };
  std::vector<Case> cases = {
      {"ApplyPage, 2000-row pages, Id order", [&](const std::string& p) { return ApplyPages(p, in_order); }},
      {"ApplyPage, 2000-row pages, random order", [&](const std::string& p) { return ApplyPages(p, shuffled); }},
      {"raw prepared loop, one transaction, Id order", [&](const std::string& p) { return RawLoop(p, in_order, n); }},
      {"raw prepared loop, one transaction, random order",
       [&](const std::string& p) { return RawLoop(p, shuffled, n); }},
      {"raw prepared loop, 2000 rows/txn, Id order",
       [&](const std::string& p) { return RawLoop(p, in_order, kPageRows); }},
      {"raw prepared loop, 2000 rows/txn, random order",
       [&](const std::string& p) { return RawLoop(p, shuffled, kPageRows); }},
  };
  int file = 0;
  for (int r = 0; r < kRepeats; ++r) {
    for (Case& c : cases) c.best = std::min(c.best, c.run((dir / fmt::format("bench{}.db", file++)).string()));
  }
  fmt::print("best of {} interleaved runs per case, each into a fresh file\n", kRepeats);
  fmt::print("{:<48} {:>9} {:>11}\n", "case", "seconds", "rows/s");
  for (const Case& c : cases)
    fmt::print("{:<48} {:>9.2f} {:>11.0f}\n", c.name, c.best, static_cast<double>(n) / c.best);
  std::filesystem::remove_all(dir);
  return 0;
}
