// Pushing a job's captured changes: every object with `push: true`, inserts and updates parents
// first, then deletes children first (README "Push-back"). Used by `sfsync push` on its own and by
// `sfsync run` (and the daemon) after the pull, through RunJobAndPush.
#pragma once

#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "connectors/salesforce/http/http_transport.h"
#include "engine/config/job.h"
#include "engine/core/clock.h"
#include "engine/core/status.h"
#include "engine/push/pusher.h"
#include "engine/sync/job_context.h"
#include "engine/sync/run.h"

namespace sfsync::push {

struct PushOptions {
  std::string only_object;  // --object: push this object (name or table) only
  bool dry_run = false;     // read, check conflicts, print the plan; send and change nothing
  bool retry_failed = false;  // FAILED changes are PENDING again first (--retry)
  const std::atomic<bool>* stop = nullptr;
  int64_t run_id = 0;
};

struct PushReport {
  std::string job;
  std::string status;  // SUCCESS | PARTIAL (changes left failed, in conflict, waiting or unknown) | FAILED
  Status error;        // what stopped the push (auth, the API limit, the network, the database)
  std::vector<ObjectPushStats> objects;
  int64_t api_calls = 0;
  bool dry_run = false;
};

// True when the job pushes at least one object.
bool JobPushes(const config::Job& job);

// Pushes through a context that is authenticated and holds the store (run by RunJobAndPush after
// the pull, or by PushJob). Installs the capture triggers of every pushed table first (not in a dry
// run), so edits are captured from the first run on.
PushReport PushWithContext(const config::Job& job, sync::JobContext* context, Clock* clock,
                           const PushOptions& options);

// Authenticates, takes the job's lock, opens the store and pushes (`sfsync push`).
PushReport PushJob(const config::Job& job, salesforce::HttpTransport* transport, Clock* clock,
                   const PushOptions& options);

// A pull (sync::RunJob), then, when the job pushes and the pull was not stopped early, a push in
// the same session and under the same lock.
struct RunAndPushReport {
  sync::RunReport run;
  std::optional<PushReport> push;
};
RunAndPushReport RunJobAndPush(const config::Job& job, salesforce::HttpTransport* transport, Clock* clock,
                               const sync::RunOptions& options);

// Exit codes (README "Exit codes"): the code of what stopped the push; 14 when changes were left
// FAILED, in CONFLICT, waiting or unknown; else 0.
int ExitCodeForPush(const PushReport& report);
int ExitCodeForRunAndPush(const RunAndPushReport& report);

// True when the push sent, settled or left any change (its table is worth printing after a pull).
bool PushedAnything(const PushReport& report);

// The per-object table printed after a push (and the dry run's plan).
std::string FormatPushSummary(const PushReport& report);

}  // namespace sfsync::push
