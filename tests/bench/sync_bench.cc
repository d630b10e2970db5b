// Benchmark: sync N Accounts from the emulator into a fresh SQLite file with the real sfsync binary,
// against a baseline that upserts the same rows into SQLite directly with one prepared statement in
// one transaction (the local limit). Prints a table of medians over --repeat runs, one line per
// API the initial load reads through (--api: rest, bulk or auto, comma-separated, e.g. rest,bulk).
//
//   build/bench/sync_bench [--rows 200000] [--repeat 3] [--batch 2000] [--api rest]
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "tests/testing/emulator.h"
#include "tests/testing/sqlite_db.h"

namespace sfsync::testing {
namespace {

constexpr char kFields[] =
    "[Id, Name, Type, Industry, AnnualRevenue, NumberOfEmployees, Phone, Website, BillingCity, BillingState, "
    "BillingCountry, CreatedDate, SystemModstamp, IsDeleted]";

struct Sample {
  double seconds = 0;
  double rows_per_s = 0;
  int64_t api_calls = 0;
  double rss_mib = 0;
};

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

void Check(int rc, sqlite3* db, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    std::fprintf(stderr, "sqlite %s: %s\n", what, sqlite3_errmsg(db));
    std::exit(1);
  }
}

// Reads every row of the synced table, then times upserting them into a fresh database with one
// prepared statement in one transaction (same pragmas as the engine: WAL, synchronous=NORMAL).
double BaselineRowsPerSecond(const std::string& synced_db, const std::string& fresh_db) {
  sqlite3* src = nullptr;
  Check(sqlite3_open_v2(synced_db.c_str(), &src, SQLITE_OPEN_READONLY, nullptr), src, "open");
  std::vector<std::pair<std::string, std::string>> columns;
  sqlite3_stmt* st = nullptr;
  Check(sqlite3_prepare_v2(src, "PRAGMA table_info(\"Account\")", -1, &st, nullptr), src, "pragma");
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
  Check(sqlite3_prepare_v2(src, "SELECT * FROM \"Account\" ORDER BY \"Id\"", -1, &st, nullptr), src, "select");
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
  std::string create = "CREATE TABLE \"Account\" (";
  std::string insert = "INSERT INTO \"Account\" (";
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

// `repeat` initial loads of every Account through `api`, each into a fresh database; each adds a
// baseline measurement to *baselines. Empty when a run failed.
std::vector<Sample> RunSamples(Emulator& emu, const std::string& api, int rows, int repeat, int batch,
                               std::vector<double>* baselines) {
  std::vector<Sample> samples;
  for (int k = 0; k < repeat; ++k) {
    TempDir dir;
    const std::string db = dir.File("bench.db");
    WriteFile(dir.File("job.yaml"), JobYaml(emu, db,
                                            std::string("  - name: Account\n    fields: ") + kFields +
                                                "\n    batch_size: " + std::to_string(batch) + "\n    api: " + api +
                                                "\n"));
    auto before = emu.Stats();
    const auto start = std::chrono::steady_clock::now();
    ProcessResult r = RunSfsync(dir.File("job.yaml"), {}, {"--quiet", "--log-level", "warn"});
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (r.exit_code != 0) {
      std::fprintf(stderr, "sfsync failed (%d): %s\n", r.exit_code, r.err.c_str());
      return {};
    }
    auto after = emu.Stats();
    int64_t synced = SqliteDb(db).Count("Account");
    if (synced != rows) {
      std::fprintf(stderr, "expected %d rows, got %lld\n", rows, static_cast<long long>(synced));
      return {};
    }
    Sample s;
    s.seconds = seconds;
    s.rows_per_s = rows / seconds;
    s.api_calls = after["api_calls"].get<int64_t>() - before["api_calls"].get<int64_t>() +
                  after["token_requests"].get<int64_t>() - before["token_requests"].get<int64_t>();
    s.rss_mib = static_cast<double>(r.max_rss_kib) / 1024.0;
    samples.push_back(s);
    baselines->push_back(BaselineRowsPerSecond(db, dir.File("baseline.db")));
    std::fprintf(stderr, "api %s, run %d: %.2f s, %.0f rows/s, baseline %.0f rows/s\n", api.c_str(), k + 1, seconds,
                 s.rows_per_s, baselines->back());
  }
  return samples;
}

std::vector<std::string> SplitCommas(const std::string& text) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    parts.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return parts;
}

int Main(int argc, char** argv) {
  int rows = 200000, repeat = 3, batch = 2000;
  std::string api_list = "rest";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--rows")) rows = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--repeat")) repeat = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--batch")) batch = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--api")) api_list = argv[i + 1];
  }
  const std::vector<std::string> apis = SplitCommas(api_list);
  for (const std::string& api : apis) {
    if (api != "rest" && api != "bulk" && api != "auto") {
      std::fprintf(stderr, "--api takes rest, bulk or auto (comma-separated), not '%s'\n", api.c_str());
      return 2;
    }
  }
  std::fprintf(stderr, "starting emulator with %d Accounts...\n", rows);
  Emulator emu({"--rows", "Account=" + std::to_string(rows), "--rows", "Contact=0", "--rows", "Opportunity=0"});
  std::vector<std::vector<Sample>> samples_by_api;
  std::vector<double> baselines;
  for (const std::string& api : apis) {
    samples_by_api.push_back(RunSamples(emu, api, rows, repeat, batch, &baselines));
    if (samples_by_api.back().empty()) return 1;
  }
  const double base = Median(baselines);
  std::printf("sync_bench: %d Accounts x 14 columns, batch %d, median of %d runs\n\n", rows, batch, repeat);
  std::printf("| what | rows | seconds | rows/s | API calls | peak RSS (MiB) | ratio to baseline |\n");
  std::printf("|---|---:|---:|---:|---:|---:|---:|\n");
  for (size_t a = 0; a < apis.size(); ++a) {
    const std::vector<Sample>& samples = samples_by_api[a];
    std::vector<double> secs, rates, rss;
    for (auto& s : samples) {
      secs.push_back(s.seconds);
      rates.push_back(s.rows_per_s);
      rss.push_back(s.rss_mib);
    }
    const double rate = Median(rates);
    std::printf("| sfsync run, api: %s (emulator -> SQLite) | %d | %.2f | %.0f | %lld | %.1f | %.2f |\n",
                apis[a].c_str(), rows, Median(secs), rate, static_cast<long long>(samples[0].api_calls), Median(rss),
                rate / base);
  }
  std::printf("| baseline: one prepared upsert, one transaction | %d | %.2f | %.0f | 0 | - | 1.00 |\n", rows,
              rows / base, base);
  return 0;
}

}  // namespace
}  // namespace sfsync::testing

int main(int argc, char** argv) { return sfsync::testing::Main(argc, argv); }
