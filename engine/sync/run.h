// Running a job once: authenticate, then sync each object in the job's order, recording history.
//
// Run lifecycle (one function per transition, in run.cc):
//
//   START --Authenticate--> AUTHENTICATED --OpenStore (lock, BeginRun)--> SYNCING
//   SYNCING --SyncObject, per object--> SYNCING | STOPPING
//   SYNCING|STOPPING --Finish--> SUCCESS | PARTIAL | FAILED
//
//  - Authentication comes before the store is touched: a run refused by the org writes nothing.
//  - An object failing with a cause local to it (bad field, cursor errors, malformed responses) is
//    recorded FAILED and the run goes on with the next object: the run ends PARTIAL.
//  - A cause that would fail every later object too (authentication, REQUEST_LIMIT_EXCEEDED, storage
//    errors, SIGINT/SIGTERM) stops the run; the objects not reached are recorded SKIPPED.
//  - The run is SUCCESS when every object succeeded, FAILED when none did, PARTIAL otherwise.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "connectors/salesforce/http/http_transport.h"
#include "engine/config/job.h"
#include "engine/core/clock.h"
#include "engine/core/status.h"
#include "engine/store/store.h"
#include "engine/sync/progress.h"

namespace sfsync::sync {

class JobContext;
struct RunReport;

struct RunOptions {
  const std::atomic<bool>* stop = nullptr;  // SIGINT/SIGTERM flag
  bool take_over = false;                   // claim the job's tables from another job (state_reconcile.h)
  // Called after the pull is recorded, in the same session and under the same lock (the push,
  // engine/push/push_job.h); not called when the run never reached the store.
  std::function<void(JobContext* context, const RunReport& report)> after_pull;
  // Told of each object's progress (a live display); may be null.
  ProgressSink* progress = nullptr;
  // Objects (by name or table, ignoring case) to read every row of again now (sfsync run --full).
  std::vector<std::string> full;
};

struct RunReport {
  std::string job;
  std::string status;  // SUCCESS | PARTIAL | FAILED
  Status error;        // the first error that failed an object or stopped the run; OK on success
  Status stopped_by;   // the error that stopped the run early (StopsRun), if one did
  std::vector<store::ObjectRunStats> objects;
  std::string database;
  int64_t run_id = 0;   // 0 when the run never reached the store
  double seconds = 0;
  int64_t api_calls = 0;
  std::string limit_info;  // last Sforce-Limit-Info
  int64_t peak_rss_kib = 0;  // this process's peak resident memory when the run ended (0: unknown)
};

// Runs `job` once through `transport`. Never throws; every failure is in the report.
RunReport RunJob(const config::Job& job, salesforce::HttpTransport* transport, Clock* clock,
                 const RunOptions& options);

// Records in the job's run history a run that did not happen (status SKIPPED, `reason` as its
// error): a daemon job whose prerequisite (`after:`) failed. Takes the database's run lock (exit 11
// when another run holds it); connects to nothing.
Status RecordSkippedRun(const config::Job& job, Clock* clock, const std::string& reason);

// The process exit code of a run (README "Exit codes"): 0 on success; 8 when it finished PARTIAL
// because some objects failed for their own reasons; else the code of its first error (a run stopped
// by a signal, the API limit, authentication, the network or the database says which).
int ExitCodeForRun(const RunReport& report);

// The per-object table printed after a run (its first line is FormatRunSummaryLine).
std::string FormatRunSummary(const RunReport& report);
// The run in one line (no newline): status, time, objects, rows, API calls, usage, memory, and the
// objects that did not succeed, e.g.
//   job demo: SUCCESS in 0.45 s, 3 objects, 20000 rows read (20000 written, 0 deleted), 21 API calls
//   (api-usage=20/15000), peak memory 37 MiB
std::string FormatRunSummaryLine(const RunReport& report);

}  // namespace sfsync::sync
