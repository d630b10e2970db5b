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

#include "tests/bench/baseline.h"
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
