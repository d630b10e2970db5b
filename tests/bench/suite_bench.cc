// The benchmark suite (README "Performance"; run by scripts/bench): every figure of issue 11 from
// one run, printed as one table with its target.
//
//   build/bench/suite_bench --peer DIR [--rows 1000000] [--latency-ms 200] [--concurrency N]
//                           [--only loopback,peer,latency,bulk,rss,quiet,postgres,history] [--check]
//
// --peer DIR is a node_modules folder holding jsforce 3.10.16 and better-sqlite3 12 (scripts/bench
// installs them into .deps/bench-node); without it the peer rows are skipped.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/bench/baseline.h"
#include "tests/bench/pg_baseline.h"
#include "tests/testing/emulator.h"
#include "tests/testing/pg_cluster.h"
#include "tests/testing/pg_reader.h"
#include "tests/testing/process.h"
#include "tests/testing/sqlite_db.h"

namespace sfsync::testing {
namespace {

// 15 Account fields.
constexpr char kAccountFields[] =
    "Id,Name,Type,Industry,AnnualRevenue,NumberOfEmployees,Phone,Website,BillingCity,BillingState,BillingCountry,"
    "AccountNumber,CreatedDate,SystemModstamp,IsDeleted";

struct Options {
  int64_t rows = 1000000;
  int latency_ms = 200;
  int concurrency = 0;  // 0: the job's default
  std::string peer;     // node_modules with jsforce and better-sqlite3
  std::string only;
  bool check = false;  // exit 1 when a target is missed (the ctest smoke run uses it)
};

struct Run {
  bool ok = false;
  double seconds = 0;
  int64_t calls = 0;
  double rss_mib = 0;
};

struct Row {
  std::string scenario, sfsync, other, ratio, calls, rss, target, verdict;
};

std::vector<Row> g_rows;

void Add(Row row) {
  std::fprintf(stderr, "  %s: %s | %s | %s\n", row.scenario.c_str(), row.sfsync.c_str(), row.other.c_str(),
               row.verdict.c_str());
  g_rows.push_back(std::move(row));
}

std::string Fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string YamlList(const std::string& commas) {
  std::string out = "[";
  for (char c : commas) out += c == ',' ? std::string(", ") : std::string(1, c);
  return out + "]";
}

std::string ObjectsYaml(const std::vector<std::pair<std::string, std::string>>& objects, const std::string& extra) {
  std::string yaml;
  for (const auto& [name, fields] : objects) yaml += "  - name: " + name + "\n    fields: " + YamlList(fields) + "\n" + extra;
  return yaml;
}

// One `sfsync run` of `objects_yaml` into a fresh database (or `db`, when given); into database
// `pg_db` of `pg` instead when `pg` is given.
Run Sfsync(Emulator& emu, const Options& o, const std::string& objects_yaml, TempDir& dir, const std::string& db,
           PgCluster* pg = nullptr, const std::string& pg_db = "") {
  std::string job = JobYaml(emu, db, objects_yaml);
  if (o.concurrency > 0) job = WithConnection(job, "max_concurrent_requests: " + std::to_string(o.concurrency));
  if (pg != nullptr) job = UsePostgresStore(job, pg->Url(pg_db));
  WriteFile(dir.File("job.yaml"), job);
  const auto start = std::chrono::steady_clock::now();
  ProcessResult r = RunSfsync(dir.File("job.yaml"), pg != nullptr ? PgEnv(*pg) : std::map<std::string, std::string>{},
                              {"--quiet", "--log-level", "info"});
  Run run;
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (r.exit_code != 0) {
    std::fprintf(stderr, "sfsync failed (%d): %s\n", r.exit_code, r.err.substr(0, 2000).c_str());
    return run;
  }
  run.ok = true;
  const std::string calls = "SELECT api_calls FROM _sfsync_runs ORDER BY run_id DESC LIMIT 1";
  run.calls = std::stoll(pg != nullptr ? PgReader(pg->Url(pg_db), pg->password(), "sfsync").Scalar(calls)
                                       : SqliteDb(db).Scalar(calls));
  run.rss_mib = static_cast<double>(LoggedPeakRssKib(r.err)) / 1024.0;
  return run;
}

// The Node peer over `specs` ("Object=F1,F2"), sequentially; its wall time.
Run Peer(Emulator& emu, const Options& o, const std::vector<std::string>& specs, TempDir& dir) {
  Run run;
  if (o.peer.empty()) return run;
  std::vector<std::string> argv = {"/usr/bin/env", "node", SourceDir() + "/tests/bench/peer/peer_sync.js", emu.url(),
                                   dir.File("peer.db")};
  argv.insert(argv.end(), specs.begin(), specs.end());
  std::map<std::string, std::string> env = TestAuthEnv();
  env["NODE_PATH"] = o.peer;
  const auto start = std::chrono::steady_clock::now();
  ProcessResult r = RunProcess(argv, env);
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (r.exit_code != 0) {
    std::fprintf(stderr, "peer failed (%d): %s\n", r.exit_code, r.err.substr(0, 2000).c_str());
    return run;
  }
  run.ok = true;
  run.rss_mib = static_cast<double>(r.max_rss_kib) / 1024.0;
  return run;
}

bool Wanted(const Options& o, const char* name) {
  return o.only.empty() || ("," + o.only + ",").find(std::string(",") + name + ",") != std::string::npos;
}

std::string Verdict(bool met) { return met ? "met" : "MISSED"; }

void Loopback(const Options& o) {
  std::fprintf(stderr, "loopback: %lld Accounts...\n", static_cast<long long>(o.rows));
  Emulator emu({"--rows", "Account=" + std::to_string(o.rows), "--rows", "Contact=0", "--rows", "Opportunity=0"});
  const std::string objects = ObjectsYaml({{"Account", kAccountFields}}, "");
  double rest_rss = 0;
  if (Wanted(o, "loopback") || Wanted(o, "peer") || Wanted(o, "rss")) {
    TempDir dir;
    Run rest = Sfsync(emu, o, objects, dir, dir.File("rest.db"));
    if (!rest.ok) return;
    rest_rss = rest.rss_mib;
    const double rate = static_cast<double>(o.rows) / rest.seconds;
    const double base = BaselineRowsPerSecond(dir.File("rest.db"), dir.File("baseline.db"));
    const int64_t pages = (o.rows + 1999) / 2000;
    if (Wanted(o, "loopback")) {
      Add({"loopback, " + std::to_string(o.rows) + " rows x 15 fields, REST (rows/s)", Fmt("%.0f", rate),
           "direct SQLite " + Fmt("%.0f", base), Fmt("%.2f", rate / base), std::to_string(rest.calls),
           Fmt("%.0f MiB", rest.rss_mib), ">= 0.6 of direct SQLite; calls = pages + O(1) (" + std::to_string(pages) + ")",
           Verdict(rate / base >= 0.6 && rest.calls <= pages + 10)});
    }
    if (Wanted(o, "peer")) {
      TempDir peer_dir;
      Run peer = Peer(emu, o, {std::string("Account=") + kAccountFields}, peer_dir);
      if (peer.ok) {
        Add({"loopback, same sync by jsforce 3.10.16 + better-sqlite3 (seconds)", Fmt("%.2f s", rest.seconds),
             Fmt("%.2f s", peer.seconds), Fmt("%.1fx", peer.seconds / rest.seconds), "-", Fmt("%.0f MiB", peer.rss_mib),
             ">= 5x the peer", Verdict(peer.seconds / rest.seconds >= 5)});
      }
    }
  }
  if (Wanted(o, "bulk")) {
    TempDir dir;
    Run bulk = Sfsync(emu, o, ObjectsYaml({{"Account", kAccountFields}}, "    api: bulk\n"), dir, dir.File("bulk.db"));
    if (bulk.ok) {
      Add({"Bulk API 2.0, " + std::to_string(o.rows) + " rows (seconds)", Fmt("%.2f s", bulk.seconds), "-", "-",
           std::to_string(bulk.calls), Fmt("%.0f MiB", bulk.rss_mib), "<= 20 calls + polls; RSS <= 64 MiB",
           Verdict(bulk.rss_mib <= 64 && bulk.calls <= 30)});
    }
  }
  if (Wanted(o, "rss") && rest_rss > 0) {
    const int64_t small = std::max<int64_t>(o.rows / 10, 1000);
    Emulator small_emu({"--rows", "Account=" + std::to_string(small), "--rows", "Contact=0", "--rows", "Opportunity=0"});
    TempDir dir;
    Run r = Sfsync(small_emu, o, objects, dir, dir.File("small.db"));
    if (r.ok) {
      Add({"peak RSS, REST, " + std::to_string(small) + " vs " + std::to_string(o.rows) + " rows",
           Fmt("%.0f MiB", rest_rss), Fmt("%.0f MiB", r.rss_mib), Fmt("+%.0f MiB", rest_rss - r.rss_mib), "-", "-",
           "<= 64 MiB, flat in N", Verdict(rest_rss <= 64 && rest_rss - r.rss_mib <= 8)});
    }
  }
}

void Latency(const Options& o) {
  const int64_t each = o.rows / 4;
  const std::vector<std::pair<std::string, std::string>> objects = {
      {"Account", "Id,Name,Industry,AnnualRevenue,BillingCity,CreatedDate,SystemModstamp"},
      {"Contact", "Id,FirstName,LastName,Email,Phone,CreatedDate,SystemModstamp"},
      {"Opportunity", "Id,Name,StageName,Amount,CloseDate,CreatedDate,SystemModstamp"},
      {"Lead", "Id,FirstName,LastName,Company,Email,CreatedDate,SystemModstamp"}};
  std::vector<std::string> args;
  for (const auto& [name, fields] : objects) {
    args.push_back("--rows");
    args.push_back(name + "=" + std::to_string(each));
  }
  args.push_back("--fault");
  args.push_back("latency:ms=" + std::to_string(o.latency_ms) + ",path=/services/data/*/query*");
  std::fprintf(stderr, "latency: 4 x %lld rows, %d ms per query page...\n", static_cast<long long>(each), o.latency_ms);
  Emulator emu(args);
  TempDir dir;
  Run run = Sfsync(emu, o, ObjectsYaml(objects, ""), dir, dir.File("latency.db"));
  if (!run.ok) return;
  const int64_t pages = 4 * ((each + 1999) / 2000);
  const double sequential = static_cast<double>(pages) * o.latency_ms / 1000.0;
  const int concurrency = o.concurrency > 0 ? o.concurrency : 10;  // the job's default
  Add({"4 objects x " + std::to_string(each) + " rows, " + std::to_string(o.latency_ms) + " ms per page (seconds)",
       Fmt("%.2f s", run.seconds), "sequential paging " + Fmt("%.1f s", sequential), Fmt("%.1fx", sequential / run.seconds),
       std::to_string(run.calls), Fmt("%.0f MiB", run.rss_mib),
       ">= 6x sequential with <= 10 requests in flight (" + std::to_string(concurrency) + " used)",
       Verdict(sequential / run.seconds >= 6 && concurrency <= 10)});
  if (Wanted(o, "peer")) {
    std::vector<std::string> specs;
    for (const auto& [name, fields] : objects) specs.push_back(name + "=" + fields);
    TempDir peer_dir;
    Run peer = Peer(emu, o, specs, peer_dir);
    if (peer.ok) {
      Add({"the same by the peer, sequential (seconds)", Fmt("%.2f s", run.seconds), Fmt("%.2f s", peer.seconds),
           Fmt("%.1fx", peer.seconds / run.seconds), "-", Fmt("%.0f MiB", peer.rss_mib), ">= 6x the peer",
           Verdict(peer.seconds / run.seconds >= 6)});
    }
  }
}

void Quiet(const Options& o) {
  const char* names[] = {"Account", "Contact", "Opportunity", "Lead", "Case", "Task", "Event", "Invoice__c", "User",
                         "Attachment"};
  std::vector<std::string> args;
  for (const char* n : {"Account", "Contact", "Opportunity", "Lead", "Case", "Task", "Event", "Invoice__c"}) {
    args.push_back("--rows");
    args.push_back(std::string(n) + "=500");
  }
  Emulator emu(args);
  std::vector<std::pair<std::string, std::string>> objects;
  for (const char* n : names) objects.push_back({n, "Id,CreatedDate,SystemModstamp"});
  TempDir dir;
  const std::string db = dir.File("quiet.db");
  Run load = Sfsync(emu, o, ObjectsYaml(objects, ""), dir, db);
  if (!load.ok) return;
  Run quiet = Sfsync(emu, o, ObjectsYaml(objects, ""), dir, db);
  if (!quiet.ok) return;
  Add({"no-change incremental run, 10 objects (API calls)", std::to_string(quiet.calls), "first run " +
       std::to_string(load.calls), "-", std::to_string(quiet.calls), Fmt("%.0f MiB", quiet.rss_mib),
       "ceil(10/5) = 2 calls", Verdict(quiet.calls == 2)});
}

// History mode's cost (README "History and point in time"): the same load with and without
// `history: true` (every loaded row is a changed row: one version each), medians of 3, and a full
// pass over unchanged rows (each upsert checked, no version written).
void History(const Options& o) {
  const int64_t rows = std::min<int64_t>(o.rows, 200000);
  std::fprintf(stderr, "history: %lld Accounts, with and without history...\n", static_cast<long long>(rows));
  Emulator emu({"--rows", "Account=" + std::to_string(rows), "--rows", "Contact=0", "--rows", "Opportunity=0"});
  std::vector<double> plain, kept, plain_full, kept_full;
  Run last;
  for (int i = 0; i < 3; ++i) {
    for (bool history : {false, true}) {
      TempDir dir;
      const std::string objects = ObjectsYaml({{"Account", kAccountFields}}, history ? "    history: true\n" : "");
      Run load = Sfsync(emu, o, objects, dir, dir.File("h.db"));
      if (!load.ok) return;
      (history ? kept : plain).push_back(load.seconds);
      if (history) last = load;
      // A full pass: every row read and upserted again, none changed.
      std::string job = JobYaml(emu, dir.File("h.db"), objects);
      WriteFile(dir.File("job.yaml"), job);
      const auto start = std::chrono::steady_clock::now();
      ProcessResult full = RunSfsync(dir.File("job.yaml"), {}, {"--quiet", "--full"});
      if (full.exit_code != 0) return;
      (history ? kept_full : plain_full)
          .push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
      if (history) {
        const std::string versions = SqliteDb(dir.File("h.db")).Scalar("SELECT count(*) FROM \"Account__history\"");
        if (versions != std::to_string(rows))
          std::fprintf(stderr, "history: %s versions, not %lld\n", versions.c_str(), static_cast<long long>(rows));
      }
    }
  }
  const double with = Median(kept), without = Median(plain);
  const double per_row_us = (with - without) / static_cast<double>(rows) * 1e6;
  Add({"history: true, load of " + std::to_string(rows) + " rows x 15 fields (rows/s; each a version)",
       Fmt("%.0f", static_cast<double>(rows) / with),
       "without history " + Fmt("%.0f", static_cast<double>(rows) / without), Fmt("%.2f", without / with),
       std::to_string(last.calls), Fmt("%.0f MiB", last.rss_mib),
       "measured: " + Fmt("%.1f us", per_row_us) + " per changed row (issue 15 sets no target)", "met"});
  const double full_with = Median(kept_full), full_without = Median(plain_full);
  Add({"history: true, full pass over " + std::to_string(rows) + " unchanged rows (seconds; no version written)",
       Fmt("%.2f s", full_with), "without history " + Fmt("%.2f s", full_without),
       Fmt("%.2f", full_without / full_with), "-", "-", "measured (issue 15 sets no target)", "met"});
}

// The same load as the loopback row, into PostgreSQL (a throw-away cluster on the same cores).
void Postgres(const Options& o) {
  std::fprintf(stderr, "postgres: %lld Accounts...\n", static_cast<long long>(o.rows));
  PgCluster pg;
  const std::string database = pg.CreateDatabase();
  Emulator emu({"--rows", "Account=" + std::to_string(o.rows), "--rows", "Contact=0", "--rows", "Opportunity=0"});
  TempDir dir;
  Run run = Sfsync(emu, o, ObjectsYaml({{"Account", kAccountFields}}, ""), dir, dir.File("unused.db"), &pg, database);
  if (!run.ok) return;
  const double rate = static_cast<double>(o.rows) / run.seconds;
  std::vector<double> copies;
  for (int i = 0; i < 3; ++i) copies.push_back(PgCopyRowsPerSecond(pg.Url(database), pg.password(), "sfsync", "Account"));
  const double base = Median(copies);
  const int64_t pages = (o.rows + 1999) / 2000;
  Add({"PostgreSQL, " + std::to_string(o.rows) + " rows x 15 fields, REST (rows/s)", Fmt("%.0f", rate),
       "direct COPY " + Fmt("%.0f", base), Fmt("%.2f", rate / base), std::to_string(run.calls),
       Fmt("%.0f MiB", run.rss_mib), ">= 0.5 of a direct COPY into the same table shape",
       Verdict(rate / base >= 0.5 && run.calls <= pages + 10)});
}

int Main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--check")) {
      o.check = true;
      continue;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "%s needs a value\n", argv[i]);
      return 2;
    }
    if (!std::strcmp(argv[i], "--rows")) o.rows = std::atoll(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--latency-ms")) o.latency_ms = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--concurrency")) o.concurrency = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--peer")) o.peer = argv[i + 1];
    else if (!std::strcmp(argv[i], "--only")) o.only = argv[i + 1];
    else {
      std::fprintf(stderr, "unknown option %s\n", argv[i]);
      return 2;
    }
    ++i;
  }
  const auto start = std::chrono::steady_clock::now();
  if (Wanted(o, "loopback") || Wanted(o, "peer") || Wanted(o, "bulk") || Wanted(o, "rss")) Loopback(o);
  if (Wanted(o, "latency")) Latency(o);
  if (Wanted(o, "quiet")) Quiet(o);
  if (Wanted(o, "postgres")) Postgres(o);
  if (Wanted(o, "history")) History(o);
  std::printf("sfsync benchmark suite: %lld rows, %d ms per page under latency, 2-core machine, emulator on the same "
              "cores (%.0f s)\n\n",
              static_cast<long long>(o.rows), o.latency_ms,
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  std::printf("| scenario | sfsync | compared with | ratio | API calls | peak RSS | target | |\n");
  std::printf("|---|---:|---:|---:|---:|---:|---|---|\n");
  bool all = true;
  for (const Row& r : g_rows) {
    std::printf("| %s | %s | %s | %s | %s | %s | %s | %s |\n", r.scenario.c_str(), r.sfsync.c_str(), r.other.c_str(),
                r.ratio.c_str(), r.calls.c_str(), r.rss.c_str(), r.target.c_str(), r.verdict.c_str());
    all = all && r.verdict == "met";
  }
  if (g_rows.empty()) return 1;
  return o.check && !all ? 1 : 0;
}

}  // namespace
}  // namespace sfsync::testing

int main(int argc, char** argv) {
  // Caught here, not left to std::terminate: unwinding runs the destructors that stop the emulator
  // and the throw-away PostgreSQL cluster.
  try {
    return sfsync::testing::Main(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "suite_bench: %s\n", e.what());
    return 1;
  }
}
