// `sfsync audit`: finds rows the incremental sync cannot see — hard deletes older than the delete
// log, rows lost to a restored backup, drift from edits to the local tables — and repairs them.
//
// Per object, without touching the watermark:
//  1. Count live rows per CreatedDate month on the server (SOQL COUNT() ... GROUP BY
//     CALENDAR_YEAR, CALENDAR_MONTH, in UTC) and locally (rows not flagged IsDeleted). An object
//     whose job does not sync CreatedDate is one bucket.
//  2. Only in buckets whose counts disagree (every bucket with `deep`), list Ids on both sides and
//     diff them.
//  3. Repair: rows the server has and the table lacks are fetched by Id and upserted; rows the
//     table has and the server no longer has are removed (deletes: hard) or flagged (deletes: soft).
// The limit: a bucket where one row vanished and another appeared has equal counts; `deep` finds it.
#pragma once

#include <string>
#include <vector>

#include "connectors/salesforce/http_transport.h"
#include "engine/config/job.h"
#include "engine/core/clock.h"
#include "engine/core/status.h"

namespace sfsync::sync {

struct AuditOptions {
  bool repair = true;  // false: report only
  bool deep = false;   // diff the Ids of every bucket, not only those whose counts disagree
};

struct BucketAudit {
  std::string month;  // "2024-05", or "" for the whole object
  int64_t server = 0;
  int64_t local = 0;
  int64_t missing = 0;  // on the server, not in the table
  int64_t extra = 0;    // in the table, not on the server
};

struct ObjectAudit {
  std::string object;
  int64_t buckets = 0;
  int64_t server_rows = 0;
  int64_t local_rows = 0;
  std::vector<BucketAudit> differing;  // buckets whose Ids differ
  int64_t fetched = 0;                 // rows upserted by the repair
  int64_t removed = 0;                 // rows deleted or flagged by the repair
  int64_t api_calls = 0;
  Status status;
};

struct AuditReport {
  std::string job;
  std::string database;
  std::vector<ObjectAudit> objects;
  Status error;  // the first error (authentication, store, or an object's)
  bool repaired = false;
};

AuditReport AuditJob(const config::Job& job, salesforce::HttpTransport* transport, Clock* clock,
                     const AuditOptions& options);

std::string FormatAuditReport(const AuditReport& report);

}  // namespace sfsync::sync
