// Opening the cursor of a load: which API reads the rows (job option `api`, README "Bulk API 2.0").
//
// A load is any read of every row: the initial load, the reload after a schema change, full mode,
// and the full pass of a delete resync. Incremental and parent-refresh reads need keyset order and
// are always REST.
//
//   rest  REST query pages in Id order: SQLite inserts in key order, and a crash resumes after the
//         last committed Id.
//   bulk  one Bulk API 2.0 query job: pages of up to 50,000 rows, far fewer API calls. Rows come in
//         no order, so a load read through Bulk cannot resume mid-way: a crash restarts it (from
//         the Id a REST read had reached, if one had begun).
//   auto  bulk when SELECT COUNT() of the rows to read exceeds kAutoBulkThreshold, else rest.
//         A count the server times out on (QUERY_TIMEOUT) means a very large object: bulk.
// When Bulk refuses the query (reason "bulk.unsupported": object, compound or base64 fields, daily
// job limit...), the load falls back to REST with a warning.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "connectors/salesforce/http/rest_client.h"
#include "engine/core/clock.h"
#include "engine/core/statusor.h"
#include "engine/store/store.h"
#include "engine/sync/planner.h"

namespace sfsync::sync {

// `auto` reads through Bulk above this many rows. Below it REST's Id order and resumability are
// worth more than the calls Bulk saves (50,000 rows are 25 REST pages).
inline constexpr int64_t kAutoBulkThreshold = 50000;

struct LoadCursor {
  std::unique_ptr<salesforce::QueryCursor> cursor;
  // Rows arrive in no particular order: the caller must not record the last Id read as a
  // resume point; each page's bulk_job_id and bulk_next_locator are the resume point instead.
  bool bulk = false;
};

// The locator a load commits with its last Bulk page: every page of the job is stored.
inline constexpr char kBulkAllRead[] = "null";

// Opens the cursor over the rows of `plan` with Id > after_id (every row when empty), with
// `options` (columns, queryAll). `stop` (may be null) interrupts the wait for a Bulk job. With a
// `resume` job id, the download of that Bulk job goes on from its locator instead; when the job is
// gone (deleted, expired, failed) a warning says so and a new job starts.
// Errors: those of counting (auto) and of creating the Bulk job, other than bulk.unsupported.
// `client` and `clock` must outlive the cursor.
StatusOr<LoadCursor> OpenLoadCursor(salesforce::RestClient* client, Clock* clock, const ObjectPlan& plan,
                                    const std::string& after_id, const salesforce::QueryOptions& options,
                                    const std::atomic<bool>* stop, const store::BulkResume& resume = {});

}  // namespace sfsync::sync
