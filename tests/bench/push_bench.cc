// Benchmark of push-back (README "Push-back", "Performance"), against the emulator with the real
// binary. Two measurements, medians over --repeat runs:
//
//  1. Capture overhead: one UPDATE of a pushable column over every row of a synced table (100,000
//     Accounts by default, the 14 fields of sync_bench plus the key), from a plain SQLite connection
//     as a user's tool would run it, with the capture triggers installed, against the same UPDATE on
//     a copy without them. Target: <= 2x. The capture costs a fixed ~1 us append per changed row, so
//     the ratio falls as rows get wider (about 2.3x at 8 columns, 1.4x at 34: README "Performance").
//  2. Push: --updates rows edited and --inserts rows inserted locally, then `sfsync push`: API calls
//     against the target (ceil(n/200) Collections calls per object and operation, plus
//     ceil(updates/2000) conflict reads), records/s, peak RSS.
//
//   build/bench/push_bench [--rows 100000] [--updates 10000] [--inserts 2000] [--repeat 3]
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "tests/testing/emulator.h"
#include "tests/testing/sqlite_db.h"

namespace sfsync::testing {
namespace {

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

void Exec(sqlite3* db, const std::string& sql) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    std::fprintf(stderr, "sqlite: %s: %s\n", sql.substr(0, 80).c_str(), error ? error : "?");
    std::exit(1);
  }
}

// Seconds one UPDATE of every row takes on `path` (a user's plain connection, autocommit).
double TimeUpdate(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  Exec(db, "PRAGMA synchronous = NORMAL");
  const auto start = std::chrono::steady_clock::now();
  Exec(db, sql);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  sqlite3_close(db);
  return seconds;
}

std::string JobFor(const Emulator& emu, const std::string& db) {
  return JobYaml(emu, db,
                 "  - name: Account\n"
                 "    fields: [Id, Name, Type, Industry, AnnualRevenue, NumberOfEmployees, Phone, Website, BillingCity, "
                 "BillingState, BillingCountry, CreatedDate, SystemModstamp, IsDeleted, Sfsync_Key__c]\n"
                 "    push: true\n"
                 "    external_id: Sfsync_Key__c\n");
}

void Fail(const char* what, const ProcessResult& r) {
  std::fprintf(stderr, "%s failed (exit %d): %s\n", what, r.exit_code, r.err.c_str());
  std::exit(1);
}

int Main(int argc, char** argv) {
  int rows = 100000, updates = 10000, inserts = 2000, repeat = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--rows")) rows = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--updates")) updates = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--inserts")) inserts = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--repeat")) repeat = std::atoi(argv[i + 1]);
  }
  updates = std::min(updates, rows);
  Emulator emu({"--rows", "Account=" + std::to_string(rows), "--rows", "Contact=0", "--rows", "Opportunity=0"});
  try {
    emu.Admin("POST", "/__emulator/schema/Account/fields",
              {{"name", "Sfsync_Key__c"}, {"type", "string"}, {"length", 64}, {"externalId", true}, {"unique", true}});
  } catch (const std::exception&) {
  }

  std::vector<double> with_capture, without_capture, push_seconds, push_rss;
  int64_t writes = 0, reads = 0, total_calls = 0;
  for (int round = 0; round < repeat; ++round) {
    TempDir dir;
    const std::string db = dir.File("sync.db");
    WriteFile(dir.File("job.yaml"), JobFor(emu, db));
    ProcessResult pulled = RunSfsync(dir.File("job.yaml"), {}, {"--quiet", "--log-level", "warn"});
    if (pulled.exit_code != 0) Fail("the first run", pulled);

    // 1. Capture overhead on a copy without triggers, then on the real one.
    const std::string plain = dir.File("plain.db");
    {
      sqlite3* src = nullptr;
      sqlite3_open(db.c_str(), &src);
      Exec(src, "VACUUM INTO '" + plain + "'");
      sqlite3_close(src);
      sqlite3* copy = nullptr;
      sqlite3_open(plain.c_str(), &copy);
      sqlite3_stmt* st = nullptr;
      sqlite3_prepare_v2(copy, "SELECT name FROM sqlite_master WHERE type = 'trigger'", -1, &st, nullptr);
      std::vector<std::string> triggers;
      while (sqlite3_step(st) == SQLITE_ROW) triggers.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
      sqlite3_finalize(st);
      for (const std::string& t : triggers) Exec(copy, "DROP TRIGGER \"" + t + "\"");
      Exec(copy, "PRAGMA journal_mode = WAL");
      sqlite3_close(copy);
    }
    const std::string all_rows = "UPDATE Account SET Phone = coalesce(Phone, '') || '1'";
    without_capture.push_back(TimeUpdate(plain, all_rows));
    with_capture.push_back(TimeUpdate(db, all_rows));
    // That captured every row; start the push measurement from a clean outbox.
    {
      sqlite3* raw = nullptr;
      sqlite3_open(db.c_str(), &raw);
      Exec(raw, "UPDATE _sfsync_ctx SET applying = 1; DELETE FROM _sfsync_capture; DELETE FROM _sfsync_outbox_columns; "
                "DELETE FROM _sfsync_outbox; "
                "UPDATE _sfsync_ctx SET applying = 0");
      sqlite3_close(raw);
    }
    ProcessResult resync = RunSfsync(dir.File("job.yaml"), {}, {"--quiet", "--log-level", "warn"});
    if (resync.exit_code != 0) Fail("the second run", resync);

    // 2. Push `updates` edits and `inserts` new rows.
    {
      sqlite3* raw = nullptr;
      sqlite3_open(db.c_str(), &raw);
      Exec(raw, "UPDATE Account SET Industry = 'Bench " + std::to_string(round) + "' WHERE rowid IN (SELECT rowid FROM "
                "Account ORDER BY Id LIMIT " + std::to_string(updates) + ")");
      Exec(raw, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + std::to_string(inserts) +
                    ") INSERT INTO Account (Name, BillingCity) SELECT 'Bench new ' || " + std::to_string(round) +
                    " || '-' || i, 'Lyon' FROM n");
      sqlite3_close(raw);
    }
    const int64_t calls_before = emu.Stats().at("api_calls");
    const auto start = std::chrono::steady_clock::now();
    ProcessResult pushed = RunSfsyncCommand({"push"}, dir.File("job.yaml"), {"--log-level", "warn"});
    push_seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    if (pushed.exit_code != 0) Fail("the push", pushed);
    push_rss.push_back(static_cast<double>(pushed.max_rss_kib) / 1024.0);
    total_calls = emu.Stats().at("api_calls").get<int64_t>() - calls_before;
    std::smatch m;
    static const std::regex row(R"(Account\s+(\d+)\s+(\d+)\s+\d+\s+\d+\s+\d+\s+\d+\s+\d+\s+(\d+)\s+(\d+))");
    if (!std::regex_search(pushed.out, m, row)) Fail("reading the push summary", pushed);
    writes = std::stoll(m[3]);
    reads = std::stoll(m[4]);
    std::fprintf(stderr, "round %d: update %.3f s with capture, %.3f s without; push %.2f s, %lld writes, %lld reads\n",
                 round + 1, with_capture.back(), without_capture.back(), push_seconds.back(),
                 static_cast<long long>(writes), static_cast<long long>(reads));
  }
  const int64_t target_writes = (updates + 199) / 200 + (inserts + 199) / 200;
  const int64_t target_reads = (updates + 1999) / 2000;
  const double capture = Median(with_capture), plain = Median(without_capture), push = Median(push_seconds);
  std::printf("push_bench: %d Accounts; UPDATE of every row; push of %d updates + %d inserts; median of %d\n\n", rows,
              updates, inserts, repeat);
  std::printf("| what | rows | seconds | rows/s | API calls | peak RSS (MiB) | ratio to baseline |\n");
  std::printf("|---|---:|---:|---:|---:|---:|---:|\n");
  std::printf("| UPDATE of every row, capture triggers on | %d | %.3f | %.0f | 0 | - | %.2f |\n", rows, capture,
              rows / capture, capture / plain);
  std::printf("| baseline: the same UPDATE without triggers | %d | %.3f | %.0f | 0 | - | 1.00 |\n", rows, plain,
              rows / plain);
  std::printf("| sfsync push (%d updates, %d inserts) | %d | %.2f | %.0f | %lld (%lld writes + %lld reads) | %.1f | %.2f |\n",
              updates, inserts, updates + inserts, push, (updates + inserts) / push, static_cast<long long>(total_calls),
              static_cast<long long>(writes), static_cast<long long>(reads), Median(push_rss),
              static_cast<double>(writes + reads) / static_cast<double>(target_writes + target_reads));
  std::printf("| target: ceil(n/200) per operation + ceil(updates/2000) reads | | | | %lld | - | 1.00 |\n",
              static_cast<long long>(target_writes + target_reads));
  return 0;
}

}  // namespace
}  // namespace sfsync::testing

int main(int argc, char** argv) { return sfsync::testing::Main(argc, argv); }
