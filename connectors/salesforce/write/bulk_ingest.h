// Bulk API 2.0 ingest jobs (push-back NOTES F7-F9): the write path for large pushes. One job per
// object and operation: create it, upload the records as CSV, close it (UploadComplete), poll until
// JobComplete, read the successful, failed and unprocessed results back, delete the job.
//
// Results are matched to records by a key column, never by position: Salesforce does not keep the
// order of the upload (F7). The key is `Id` for update and delete, the external-id field for upsert;
// each result row carries the columns as uploaded, so its key cell finds the record. CSV cells: an
// empty cell leaves a field unchanged on update, `#N/A` sets it to null (F8); text is quoted as
// RFC 4180 asks.
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <vector>

#include "connectors/salesforce/http/rest_client.h"
#include "connectors/salesforce/write/collections.h"
#include "engine/core/clock.h"
#include "engine/core/row.h"
#include "engine/core/statusor.h"

namespace sfsync::salesforce {

struct IngestRequest {
  std::string object;
  std::string operation;         // update | upsert | delete
  std::string external_id_field; // upsert: the key field; results are matched on it
  // The records: one key per record (Id for update/delete, the key value for upsert) and the
  // fields to set (update/upsert), as RecordWrite holds them. Records may set different fields: the
  // CSV has the union of the fields, and a record that does not set one leaves its cell empty.
  std::vector<RecordWrite> records;
  std::vector<std::string> keys;  // parallel to records
};

struct IngestOptions {
  std::chrono::milliseconds poll_initial{500};
  std::chrono::milliseconds poll_max{5000};
  std::chrono::seconds timeout{7200};  // a job not complete by then is aborted
  const std::atomic<bool>* stop = nullptr;
};

// Results parallel to request.records: success with the record's Id (and `created` for upserts),
// or the error as "STATUS_CODE:message" in errors[0]. A record Salesforce did not process (the job
// failed or was aborted part way) has success false and status code "UNPROCESSED". A Status error
// means the job's outcome could not be read: the records' outcome is unknown.
StatusOr<std::vector<SaveResult>> RunIngestJob(RestClient* client, Clock* clock, const IngestRequest& request,
                                               const IngestOptions& options = {});

// An sf__Error cell, "STATUS_CODE:message:Field1,Field2 --" (the fields part may be missing).
RecordError ParseIngestError(std::string text);

// The CSV of the request's records (exposed for tests): a header of Id or the key field, then the
// union of the fields in first-seen order; null -> #N/A, a field a record does not set -> empty.
std::string IngestCsv(const IngestRequest& request);

}  // namespace sfsync::salesforce
