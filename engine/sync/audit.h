// `sfsync audit`: finds what the incremental sync cannot see — hard deletes older than the delete
// log, rows lost to a restored backup, rows that stopped matching the job's where, and with `deep`
// values that changed without the row's stamp moving (a formula over a renamed parent) or were
// edited in the table — and repairs it, without moving the watermark.
//
// Per object:
//  1. Buckets. Live rows are counted per CreatedDate month (UTC) on the server
//     (BuildMonthCountQuery) and in the table (rows not flagged IsDeleted; Store::CountByMonth).
//     Stored rows whose CreatedDate names no month (NULL, or a value the store kept as given,
//     engine/store/README.md) are one more bucket, kNoMonth, which the server never has. An object
//     whose job does not sync CreatedDate is one bucket.
//  2. Which buckets are examined: those whose counts disagree; every one with `deep`.
//  3. Plain: the bucket's Ids are listed on both sides and diffed. Server Ids the bucket's stored
//     rows lack are "missing locally" (not stored, flagged deleted, or stored under another month).
//     Deep: the bucket's server rows, every column the job syncs, are read in Id order page by page,
//     and each page is compared with the stored rows of the same Ids (Store::CompareRows, which
//     converts the server's values exactly as a sync stores them): rows not stored are "missing
//     locally", rows stored with other values "differ in values", per column. A row stored under
//     another month differs in CreatedDate and is found in its server month's bucket.
//  4. Stored Ids the server does not list in the bucket are looked up on the server by Id (under the
//     job's where). Those it does not return are "gone from the server": removed (deletes: hard or
//     ignore) or flagged IsDeleted (deletes: soft). Those it returns are "on the server under
//     another month": the stored CreatedDate names another month, or none; plain audit fetches them
//     again, deep compares them in their server month. So no row is removed because of its month.
//  5. Repair, unless options.repair is false: missing and differing rows are upserted from the
//     server (plain: fetched by Id; deep: from the page just read), each write storing the sync
//     state unchanged, as read before the audit.
// Cost in API calls per object: the describe; plain, one count query, one Id query per batch_size
// Ids of each examined bucket, one call per 100 Ids looked up or fetched; deep, the count, a full
// read of the object (one call per page of batch_size rows of each bucket) plus the look-ups.
// Memory: one page of rows and the Ids of one bucket (on each side).
// Plain audit cannot see values, nor a bucket where one row vanished and another appeared (equal
// counts); `deep` sees both.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "connectors/salesforce/http/http_transport.h"
#include "engine/config/job.h"
#include "engine/core/clock.h"
#include "engine/core/status.h"

namespace sfsync::sync {

struct AuditOptions {
  bool repair = true;  // false: report only (--dry-run)
  bool deep = false;   // examine every bucket, comparing values
};

// The bucket of stored rows whose CreatedDate names no month.
inline constexpr char kNoMonth[] = "(no month)";

struct BucketAudit {
  std::string month;                       // "2024-05", kNoMonth, or "" for the whole object (no CreatedDate synced)
  int64_t server = 0;                      // rows the server counts in the bucket
  int64_t local = 0;                       // rows the table counts in it
  int64_t missing = 0;                     // on the server, missing from the bucket's stored rows (deep: not stored)
  int64_t gone = 0;                        // stored in the bucket, not on the server at all
  int64_t elsewhere = 0;                   // plain: stored in the bucket, on the server under another month
  int64_t differing = 0;                   // deep: stored with values other than the server's
  std::map<std::string, int64_t> columns;  // deep: differing rows per column (SQL column name)

  bool any() const { return missing + gone + elsewhere + differing > 0; }
};

struct ObjectAudit {
  std::string object;
  int64_t buckets = 0;
  int64_t server_rows = 0;
  int64_t local_rows = 0;
  std::vector<BucketAudit> differing;  // examined buckets where anything differs
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
  bool deep = false;
};

// Audits every object of the job. Errors of one object (kDataLoss for a malformed server answer,
// such as a month count that is not a number) are that object's status and the report's error;
// the other objects are still audited. Never throws.
AuditReport AuditJob(const config::Job& job, salesforce::HttpTransport* transport, Clock* clock,
                     const AuditOptions& options);

// True when some object has a bucket where anything differs.
bool FoundDifferences(const AuditReport& report);

// The summary table, a line per differing bucket and, with deep, the columns that differ per object.
std::string FormatAuditReport(const AuditReport& report);

}  // namespace sfsync::sync
