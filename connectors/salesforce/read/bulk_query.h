// Bulk API 2.0 query jobs (protocol §7), read through the same QueryCursor as REST queries.
//
// For large loads: Salesforce runs the query on its side and hands the result back as CSV pages
// of up to `max_records` rows, instead of 2000-row REST pages. Rows come in no particular order.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "connectors/salesforce/http/rest_client.h"
#include "engine/core/clock.h"
#include "engine/core/statusor.h"

namespace sfsync::salesforce {

struct BulkQueryOptions {
  int64_t max_records = 50000;  // maxRecords: rows per results page (§7.3)
  // Job-status polls: the first right after creation, then after poll_initial, doubling up to
  // poll_max between polls. Sleeps go through the Clock.
  std::chrono::milliseconds poll_initial{500};
  std::chrono::milliseconds poll_max{5000};
  // A job not complete this long after creation is aborted (kDeadlineExceeded, reason "bulk.timeout").
  std::chrono::milliseconds job_timeout{std::chrono::hours(2)};
  // When set, waiting for the job stops soon after it becomes true (kCancelled).
  const std::atomic<bool>* stop = nullptr;
  // Resume the download of this existing job (a load killed mid-way) from `resume_locator` (empty:
  // its first page) instead of creating a job; see StartBulkQuery.
  std::string resume_job_id;
  std::string resume_locator;
};

// Creates a query job for `soql` (operation queryAll when options.include_deleted) and returns a
// cursor over its results. options.columns are matched to the CSV header ignoring case;
// options.prefetch fetches the next results page while the caller processes the current one;
// options.batch_size is not used (pages hold bulk.max_records rows).
//
// Errors here, before any cursor exists:
//  - kUnimplemented, reason "bulk.unsupported": Bulk cannot run this query on this org, though REST
//    may (§7.1: INVALIDENTITY, FUNCTIONALITY_NOT_ENABLED, compound or base64 fields, API_ERROR
//    "Implementation restriction", the daily LIMIT_EXCEEDED, no query-job endpoint, API version
//    before 47.0). The message says why.
//  - kInvalidArgument for an unusable column list (empty, invalid path, duplicate ignoring case);
//  - any other error of RestClient::Call (MALFORMED_QUERY, INVALID_FIELD, REQUEST_LIMIT_EXCEEDED...).
//
// The cursor's first Next() waits for the job (see bulk_query.cc), then each Next() returns one
// results page; QueryPage::total_size is the job's numberRecordsProcessed. status() after the end:
//  - kFailedPrecondition, reason "bulk.failed" / "bulk.aborted": the job failed or was aborted
//    (the message carries Salesforce's errorMessage);
//  - kDeadlineExceeded, reason "bulk.timeout": not complete within job_timeout (it is aborted);
//  - kCancelled: `stop` was raised while waiting;
//  - kDataLoss: a results page was malformed twice in a row, or did not hold the row count its
//    Sforce-NumberOfRecords header announced;
//  - kDataLoss, reason "cursor.stuck": the results stopped advancing: a page pointed to an
//    Sforce-Locator already followed, or a few in a row held no rows (cursor_progress.h);
//  - kDataLoss, reason "cursor.overrun": the pages held more rows than the job's
//    numberRecordsProcessed (when the job info gave it);
//    (for these three, the offending page is not returned)
//  - any error of RestClient::Call.
// Every QueryPage carries bulk_job_id and bulk_next_locator (the Sforce-Locator of the page after
// it, empty after the last): committed with the page's rows, they let a killed load resume the
// download (BulkQueryOptions::resume_job_id) while the job's results live (7 days).
//
// The job is deleted when its results are all read, when it failed, was aborted or timed out, when
// its results turn out bad (kDataLoss: malformed twice, stuck, overrun), and when the cursor ends
// before handing out its first page (aborted first if still running: nothing could have recorded
// its id). A cursor destroyed or failing otherwise after a page (a signal, a kill, the network)
// leaves the job for a resume; best effort: a job left behind expires after 7 days.
//
// With resume_job_id: one GET of the job, no creation. kNotFound, reason "bulk.gone", when the job
// no longer exists (404), failed or was aborted: the caller starts a new job.
//
// `client` and `clock` must outlive the cursor. The cursor is used by one thread.
StatusOr<std::unique_ptr<QueryCursor>> StartBulkQuery(RestClient* client, Clock* clock, const std::string& soql,
                                                      const QueryOptions& options, const BulkQueryOptions& bulk);

}  // namespace sfsync::salesforce
