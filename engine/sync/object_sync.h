// Pulling one object into the store: the page loop with its watermark (the heart of the promise
// that a sync never misses, duplicates or loses a row).
//
// Phases of an incremental object (state in store::SyncState, every transition committed with a page):
//
//   (no state) --first run--> LOADING --last page--> INCREMENTAL --every later run--> INCREMENTAL
//   INCREMENTAL --schema change needing a backfill (committed with the ALTER)--> LOADING (reload)
//   INCREMENTAL --delete log no longer reaches the last check--> RESYNC (full pass + sweep)
//
//   LOADING      rows read in Id order (fast inserts), resumable from load_after_id after a crash.
//                load_since = server time minus settle lag, taken before the first query. A first
//                load ends with watermark (load_since, ""); a reload keeps the watermark it had.
//   INCREMENTAL  rows read in (cursor, Id) keyset order after the watermark; the watermark moves to
//                the largest (cursor, Id) of a committed page that is not newer than the cap. Then,
//                per flattened parent relationship, rows whose parent changed are read again in
//                (parent stamp, Id) order under that parent's own watermark, with the same cap. Then
//                getDeleted reports hard deletes and purges since deletes_checked_until.
//   RESYNC       every row read again in Id order; local rows the server no longer has are removed
//                (deletes: hard) or flagged (deletes: soft). Not resumable: a crash means a new pass.
//
// Invariants:
//  1. Rows and the state that covers them commit in one transaction (Store::ApplyPage).
//  2. The watermark never passes the cap = (server Date seen before the query was sent) minus the
//     settle lag. Rows stamped after the cap are stored but not covered, so they are read again next
//     run; rows committed late with a stamp inside the lag are therefore never skipped. Because the
//     cap precedes the query, a row whose position in the result was decided at query time cannot
//     carry a stamp at or below the cap that differs from that position's order.
//  3. The watermark only moves forward.
//  4. A delete reported without row data is applied only to a stored row not newer than the delete,
//     so an undeleted and re-read row is never removed by its older delete.
// Full mode reads everything in Id order every run and, unless deletes: ignore, sweeps like RESYNC.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "connectors/salesforce/rest_client.h"
#include "engine/core/clock.h"
#include "engine/store/store.h"
#include "engine/sync/planner.h"

namespace sfsync::sync {

struct SyncSettings {
  int64_t settle_lag_millis = 60000;
  const std::atomic<bool>* stop = nullptr;  // set by SIGINT/SIGTERM; checked after each committed page
  int max_query_restarts = 3;               // after INVALID_QUERY_LOCATOR
  // getDeleted reaches back 15 days (§5.3); a last check older than this triggers a resync.
  int64_t delete_log_reach_millis = 14LL * 24 * 3600 * 1000;
};

class ObjectSyncer {
 public:
  // All pointers must outlive the syncer.
  ObjectSyncer(salesforce::RestClient* client, store::Store* store, Clock* clock, const ObjectPlan* plan,
               SyncSettings settings);

  // Syncs the object. Fills *stats (rows, API calls, watermarks) whether or not it succeeds.
  // kCancelled when stopped by a signal after a committed page.
  Status Run(store::ObjectRunStats* stats);

 private:
  Status RunLoad(store::SyncState* state);
  Status RunIncremental(store::SyncState* state);
  // Re-reads rows whose flattened parents changed since the parent watermarks.
  Status RunParentRefresh(store::SyncState* state);
  Status RunDeletes(store::SyncState* state);
  // Reads every row in Id order (not resumable), then removes or flags the local rows not seen.
  Status FullPass(store::SyncState* state);
  // Applies one page: splits out soft-deleted rows under deletes: hard, commits rows + state.
  Status Apply(const salesforce::QueryPage& page, store::SyncState* state);
  int64_t ServerNow() const;
  int64_t Cap() const { return ServerNow() - settings_.settle_lag_millis; }
  bool StopRequested() const;

  salesforce::RestClient* client_;
  store::Store* store_;
  Clock* clock_;
  const ObjectPlan* plan_;
  SyncSettings settings_;
  store::ObjectRunStats* stats_ = nullptr;
  bool track_seen_ = false;
  std::vector<std::string> seen_ids_;  // during a full pass
};

std::string WatermarkText(const store::Watermark& w);

}  // namespace sfsync::sync
