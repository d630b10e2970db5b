// Bulk API 2.0 ingest jobs (push-back NOTES F7, F8; protocol §7), under
// /services/data/vXX.X/jobs/ingest (v47+):
//
//   POST   jobs/ingest                      create {"object","operation":"insert"|"update"|"upsert"|
//                                           "delete","externalIdFieldName"? (upsert),"contentType"?:"CSV",
//                                           "lineEnding"?:"LF"|"CRLF","columnDelimiter"?:"COMMA"|...}
//                                           -> 200 job info, state Open, contentUrl (no leading slash)
//   PUT    jobs/ingest/{id}/batches         CSV data -> 201, no body (Open jobs only; several uploads
//                                           append, each with the same header line)
//   PATCH  jobs/ingest/{id}                 {"state":"UploadComplete"} (Open) or {"state":"Aborted"}
//   GET    jobs/ingest                      list {"done":true,"records":[...],"nextRecordsUrl":null}
//   GET    jobs/ingest/{id}                 job info with the counters (a poll that may advance the job)
//   DELETE jobs/ingest/{id}                 204 unless InProgress
//   GET    jobs/ingest/{id}/successfulResults   "sf__Id","sf__Created",<header> + a line per saved record
//   GET    jobs/ingest/{id}/failedResults       "sf__Id","sf__Error",<header> + a line per failed record
//   GET    jobs/ingest/{id}/unprocessedrecords  <header> + the records not processed (an aborted
//                                               or failed job's)
//
// State machine:
//   Open --PUT batches--> Open --PATCH UploadComplete--> UploadComplete --poll--> InProgress
//     --poll--> JobComplete (the records are saved now) | Failed (a header naming no field)
//   Open | UploadComplete | InProgress --PATCH Aborted--> Aborted (nothing saved)
// Completion comes at the same status poll (or emulator time) as query jobs' (BulkOptions).
// Each record is saved on its own (partial success) through the REST saver, with its checks,
// validation rules and error codes: an empty cell leaves the field alone (on insert: not set),
// `#N/A` sets it to null (F8). Result CSVs: every value quoted, the uploaded header line as sent
// after the sf__ columns, records joined by the job's line ending with none after the last (as
// the recorded failedResults), in `result_order` (Salesforce does not keep the input order, F7).
// A failed record's sf__Error is "CODE:message --", or "CODE:message:Field1,Field2 --" when the
// error names fields. Results before completion: 412 JOB_NOT_COMPLETE. Each upload is logged in
// the write log (records: {header: cell} as sent, ids: each record's Id cell or null).
//
// Thread-safe (every handler holds the org lock).
#ifndef SFSYNC_TESTS_EMULATOR_API_BULK_INGEST_H_
#define SFSYNC_TESTS_EMULATOR_API_BULK_INGEST_H_

#include <cstdint>
#include <string>

#include "tests/emulator/api/bulk_jobs.h"
#include "tests/emulator/api/org.h"
#include "tests/emulator/api/router.h"
#include "tests/emulator/clock.h"

namespace sfsync::emulator {

enum class ResultOrder { kShuffled, kReversed, kInput };

struct IngestOptions {
  BulkOptions bulk;  // completion polls and seconds
  ResultOrder result_order = ResultOrder::kShuffled;
  uint64_t seed = 1;  // the shuffle's
};

// `org` and `clock` must outlive the router.
void AddBulkIngestRoutes(Router* router, Org* org, const EmulatorClock* clock, IngestOptions options);

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_API_BULK_INGEST_H_
