// Bulk API 2.0 query jobs (protocol §7), under /services/data/vXX.X/jobs/query:
//
//   POST   jobs/query                     create {"operation":"query"|"queryAll","query",
//                                         "contentType"?,"columnDelimiter"?,"lineEnding"?}
//   GET    jobs/query                     list {"done":true,"records":[...],"nextRecordsUrl":null} ⚠
//   GET    jobs/query/{id}                job info (each call is a poll that may advance the job)
//   PATCH  jobs/query/{id}                {"state":"Aborted"}
//   DELETE jobs/query/{id}                204 (a job in a terminal state)
//   GET    jobs/query/{id}/results[?locator=&maxRecords=]   CSV (csv_writer.h)
//
// State machine:
//   UploadComplete --poll--> InProgress --poll--> ... --> JobComplete | Failed
//   UploadComplete | InProgress --PATCH--> Aborted
// A job completes at its --bulk-job-polls'th status poll (default 2: the first poll shows
// InProgress, the second JobComplete), or once --bulk-job-seconds of emulator time have
// passed since its creation when that is set. At completion the query runs and its result is
// kept as CSV: a snapshot, as Salesforce keeps result files; later changes to the org do not
// reach it. A query that no longer compiles then (a field was deleted) fails the job, with
// errorMessage.
//
// Results: pages of maxRecords records (default 50000 ⚠) with Sforce-NumberOfRecords and
// Sforce-Locator (opaque: base64 of the next offset, as Salesforce's `MTAwMDA`; the string
// `null` on the last page); a locator can be fetched again. Before completion: 412
// JOB_NOT_COMPLETE; with another API version than the job's: 409 ⚠. gzip when asked (the
// server's usual Accept-Encoding handling). Bulk errors put errorCode before message
// (error_bulk2_invalidentity.json). Unsupported SOQL is refused at creation: aggregates and
// GROUP BY, sub-queries, compound and base64 fields (FUNCTIONALITY_NOT_ENABLED ⚠); bad SOQL is
// MALFORMED_QUERY / INVALID_FIELD / INVALID_TYPE as in REST.
//
// Thread-safe (every handler holds the org lock).
#ifndef SFSYNC_TESTS_EMULATOR_API_BULK_JOBS_H_
#define SFSYNC_TESTS_EMULATOR_API_BULK_JOBS_H_

#include <cstdint>
#include <optional>
#include <string_view>

#include "tests/emulator/api/org.h"
#include "tests/emulator/api/router.h"
#include "tests/emulator/clock.h"
#include "tests/emulator/json_writer.h"

namespace sfsync::emulator {

struct BulkOptions {
  int complete_after_polls = 2;
  int64_t complete_after_ms = 0;  // 0: polls only
  bool quote_nulls = false;       // CSV nulls as "" rather than an empty field
  NumberStyle number_style = NumberStyle::kDecimal;
};

// A Bulk API error: `status` with [{"errorCode","message"}] (errorCode first, as
// error_bulk2_invalidentity.json).
HttpResponse BulkError(int status, std::string_view code, std::string_view message);
// The character of a columnDelimiter name (COMMA, TAB, PIPE, SEMICOLON, CARET, BACKQUOTE).
std::optional<char> BulkDelimiter(std::string_view name);

// `org` and `clock` must outlive the router.
void AddBulkJobRoutes(Router* router, Org* org, const EmulatorClock* clock, BulkOptions options);

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_API_BULK_JOBS_H_
