// A quiet run costs almost nothing: before the objects run, one Composite call per five objects
// (composite.h: up to 25 subrequests, at most 5 of them queries, one API call) asks, for each
// object already loaded and incremental:
//   - each describe its plan used, with If-Modified-Since (304: the cached plan stands);
//   - one probe query, Id only, LIMIT 1, for any row the incremental read or a parent refresh would
//     read (BuildQuietProbeQuery), through queryAll when the object reads soft deletes;
//   - getDeleted for the window the deletes phase would check, when it is two minutes or more.
// An object whose describes are unchanged and whose probe found nothing skips its incremental read
// and parent refreshes and applies the getDeleted answer it already has: a job of N objects with no
// changes costs ceil(N/5) calls. Anything else (a changed describe, a row found, a failed
// subrequest) means the object runs as usual; the probe only ever saves calls.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "connectors/salesforce/http/rest_client.h"
#include "connectors/salesforce/read/replication.h"
#include "engine/store/store.h"
#include "engine/sync/planner.h"

namespace sfsync::sync {

struct QuietCheck {
  bool describes_unchanged = false;  // every describe the plan used answered 304
  bool quiet = false;                // ... and the probe found no row to read
  // The state the probe asked after: the skip holds only while the object's state is still this.
  store::Watermark watermark;
  std::map<std::string, store::Watermark> parent_watermarks;
  bool has_deletes = false;  // getDeleted answered for [deletes_start, deletes_end]
  int64_t deletes_start = 0;
  int64_t deletes_end = 0;
  salesforce::DeletedResult deleted;
};

struct ProbeCandidate {
  ObjectPlan plan;
  std::vector<std::pair<std::string, int64_t>> describes;  // {object, cached Last-Modified}
  store::SyncState state;
};

// Objects per composite call: one query each, and Salesforce takes five queries per call.
inline constexpr size_t kObjectsPerProbe = 5;

// Sends the candidates' checks, packed into as few composite calls as the limits allow, and returns
// one QuietCheck per candidate, in order. `now_millis` is the server time the deletes window ends
// at. A failed composite call leaves its candidates not quiet and is returned only when it would
// stop the run (StopsRun); other failures are logged.
StatusOr<std::vector<QuietCheck>> ProbeQuiet(salesforce::RestClient* client, int64_t now_millis,
                                             const std::vector<ProbeCandidate>& candidates);

// getDeleted works in whole minutes and needs start < end (§5.2): a shorter window waits.
inline constexpr int64_t kMinDeletesWindowMillis = 2 * 60000;

// Where the getDeleted window for `state` starts (the deletes phase and the quiet check alike):
// deletes_checked_until, else the watermark's instant. ParseDateTime's error for an unreadable one.
StatusOr<int64_t> DeletesWindowStart(const store::SyncState& state);

}  // namespace sfsync::sync
