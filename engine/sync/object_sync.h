// Pulling one object into its table: the page loop with its watermark (the heart of the promise
// that a sync never misses, duplicates or loses a row).
//
// Before reading, the table's stored state is reconciled with this run's claim (state_reconcile.h:
// which job, object, org and query shape filled it) and the table is created or evolved
// (Store::EnsureTable). Then, per run (state in store::SyncState, every transition committed with a
// page or on its own before the first page):
//
//   (no state) --first run--> LOADING --last page--> INCREMENTAL --every later run--> INCREMENTAL
//   INCREMENTAL --schema change needing a backfill (committed with the ALTER)--> LOADING (reload)
//   INCREMENTAL --cursor field changed--> LOADING (a new watermark)
//   any --where or delete mode changed, org changed, delete log no longer reaching the last check-->
//        FULL PASS owed (full_pass_reason, committed first)
//
//   LOADING      rows read in Id order (fast inserts), resumable from load_after_id after a crash.
//                A large REST load that is held back by network latency (pace_meter.h) reads the
//                rest in CreatedDate slices by parallel cursors, each in Id order and resumable from
//                its own last Id (load_slices.h, store::LoadSlice); the load ends, and the watermark
//                is set, only when every slice is done.
//                load_since = server time minus settle lag, taken before the first query. A first
//                load ends with watermark (load_since, ""); a reload keeps the watermark it had.
//   INCREMENTAL  three phases, each with its own watermark; a phase that fails for its own reasons
//                (a refused query, a malformed page) does not stop the others, and the error says
//                which failed and which did not run:
//                 1. rows read in (cursor, Id) keyset order after the watermark; the watermark moves
//                    to the largest (cursor, Id) of a committed page that is not newer than the cap;
//                 2. per flattened parent relationship, rows whose parent changed, read again in
//                    (parent stamp, Id) order under that parent's own watermark, with the same cap
//                    (polymorphic parents have no stamp: planner.h);
//                 3. getDeleted reports hard deletes and purges since deletes_checked_until.
//   FULL PASS    every row read again in Id order; local rows the server no longer returns are
//                removed (deletes: hard) or flagged (deletes: soft). Restarted from the last Id read
//                after an expired cursor; a crash means a new pass (the reason stays stored until a
//                pass completes). Afterwards the watermark is at least the pass's start.
//
// Invariants:
//  1. Rows and the state that covers them commit in one transaction (Store::ApplyPage); the state
//     in memory moves only after its page committed, and after a failed phase it is read back from
//     the store, so no later page can commit a watermark over a page that was lost.
//  2. The watermark never passes the cap = (server time seen before the query was sent) minus the
//     settle lag. Rows stamped after the cap are stored but not covered, so they are read again next
//     run; rows committed late with a stamp inside the lag are therefore never skipped. The server
//     time is the response's Date header, unless it is missing or further than max_clock_skew from
//     this machine's clock: then the earlier of the two is used, with a warning (a server clock far
//     ahead would otherwise move a first load's watermark past rows not yet read).
//  3. The watermark only moves forward, except when the state is restarted on purpose (cursor field
//     or org changed): that state is committed on its own before the first page.
//  4. A delete reported without row data is applied only to a stored row not newer than the delete,
//     so an undeleted and re-read row is never removed by its older delete.
//  5. A run spends at most max_api_calls calls on one object, so a server that never finishes a
//     cursor cannot drain the org's daily quota (reason "budget.exceeded").
// Full mode reads everything in Id order every run and, unless deletes: ignore, sweeps like a full
// pass. Loads and full passes read through Bulk API 2.0 instead when the job says api: bulk or auto
// (load_cursor.h). Those rows come in no order, so load_after_id stays where it was and a crash
// restarts the Bulk read from it.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "connectors/salesforce/http/rest_client.h"
#include "engine/core/clock.h"
#include "engine/store/store.h"
#include "engine/sync/planner.h"
#include "engine/sync/progress.h"

namespace sfsync::sync {

struct QuietCheck;

struct SyncSettings {
  int64_t settle_lag_millis = 60000;
  const std::atomic<bool>* stop = nullptr;  // set by SIGINT/SIGTERM; checked after each committed page
  int max_query_restarts = 3;               // after INVALID_QUERY_LOCATOR
  // getDeleted reaches back 15 days (§5.3); a last check older than this triggers a full pass.
  int64_t delete_log_reach_millis = 14LL * 24 * 3600 * 1000;
  // A server Date further than this from the local clock is not trusted blindly (invariant 2).
  int64_t max_clock_skew_millis = 300000;
  // API calls one object may spend in one run (invariant 5): 100 million rows in REST pages of 2,000.
  int64_t max_api_calls = 50000;
  // Who is syncing, recorded in the table's claim (store::TableClaim).
  std::string job;
  std::string org_id;      // 00D..., from the session's identity URL; empty when unknown
  bool take_over = false;  // claim tables another job filled (sfsync run --take-over)
  // Parallel cursors a REST load may use (load_slices.h): its share of max_concurrent_requests.
  int max_slices = 1;
  // What the run's composite quiet check found for this object (quiet_probe.h); may be null.
  const QuietCheck* quiet = nullptr;
  // Told of every committed page (rows so far, rows expected); may be null.
  ProgressSink* progress = nullptr;
  // Read every row again now (sfsync run --full), as a full pass: rows the server no longer has are
  // found too.
  bool full_requested = false;
};

// True for failures that would fail every later phase and object too (authentication, the API
// limit, the network after retries, the local database, TLS, a signal): the run stops.
bool StopsRun(const Status& s);

class ObjectSyncer {
 public:
  // All pointers must outlive the syncer.
  ObjectSyncer(salesforce::RestClient* client, store::Store* store, Clock* clock, const ObjectPlan* plan,
               SyncSettings settings);

  // Creates or evolves the table and syncs the object. Fills *stats (rows, API calls, the committed
  // watermarks before and after) whether or not it succeeds. kCancelled when stopped by a signal
  // after a committed page; reason store::kRefusedReason when the table's state belongs to another
  // job or object.
  Status Run(store::ObjectRunStats* stats);

 private:
  // Reconciles the stored state with this run's claim, creates or evolves the table and commits the
  // resulting state (with the ALTER when a backfill is needed).
  Status Prepare(const store::SyncState& stored, store::SyncState* state);
  Status Sync(const store::SyncState& stored);
  Status RunLoad(store::SyncState* state);
  // Reads the load in one cursor from load_after_id (REST in Id order, or Bulk). With `may_slice`, a
  // REST read that turns out held back by the network (pace_meter.h) with at least two slices of
  // rows left stops after a committed page and sets *latency_bound: the rest is read in slices.
  Status RunOnePassLoad(store::SyncState* state, bool may_slice, bool* latency_bound);
  // Asks for rows per CreatedDate month and, when worth it, commits the slices the rest of the load
  // will read (state->load_slices), each starting after load_after_id. A failure of that query
  // means one pass, not an error (unless it would stop the run).
  Status PlanLoadSlices(store::SyncState* state);
  // Reads the unfinished slices of state->load_slices side by side, one cursor each (each fetching
  // its next page while the others are applied), committing every page with its slice's resume
  // point. A slice that fails does not stop the others; the first failure is returned once they end.
  Status RunSlicedLoad(store::SyncState* state);
  // The incremental phases (see above), each run unless an earlier one stopped the run.
  Status RunIncrementalPhases(store::SyncState* state);
  Status RunIncremental(store::SyncState* state);
  // Re-reads rows whose flattened parents changed since the parent watermarks.
  Status RunParentRefresh(store::SyncState* state);
  Status RunDeletes(store::SyncState* state);
  // Reads every row, removes or flags the local rows not seen, and moves the watermark to at least
  // the pass's start; clears full_pass_reason.
  Status RunFullPass(store::SyncState* state);
  // Applies one page with `state`: splits out soft-deleted rows under deletes: hard, commits rows +
  // state, and counts them.
  Status Apply(const salesforce::QueryPage& page, const store::SyncState& state);
  Status CheckBudget() const;
  // Columns, queryAll and page size of every read of all rows (loads, slices, full passes).
  salesforce::QueryOptions LoadQueryOptions() const;
  // True when the quiet check found nothing to read after exactly this state (quiet_probe.h).
  bool QuietFor(const store::SyncState& state) const;
  int64_t ServerNow();
  int64_t Cap() { return ServerNow() - settings_.settle_lag_millis; }
  bool StopRequested() const;
  const std::string& table() const { return plan_->table.table; }

  salesforce::RestClient* client_;
  store::Store* store_;
  Clock* clock_;
  const ObjectPlan* plan_;
  SyncSettings settings_;
  store::ObjectRunStats* stats_ = nullptr;
  int64_t calls_at_start_ = 0;
  bool warned_clock_ = false;
  bool track_seen_ = false;
  std::vector<std::string> seen_ids_;  // during a full pass
};

// A watermark as run history and the summary show it: "ts|id", or "ts" when no row is at ts yet.
std::string WatermarkText(const store::Watermark& w);

}  // namespace sfsync::sync
