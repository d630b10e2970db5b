#include "engine/sync/audit.h"

#include "engine/sync/job_store.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <unordered_set>

#include "connectors/salesforce/http/rest_client.h"
#include "engine/core/log.h"
#include "engine/sync/audit_months.h"
#include "engine/sync/job_context.h"
#include "engine/sync/query_builder.h"

namespace sfsync::sync {
namespace {

using salesforce::QueryOptions;
using salesforce::QueryPage;

// Ids per `... WHERE Id IN (...)`: ~2 KB of URI, inside what Salesforce accepts (§2.7).
constexpr size_t kIdsPerLookup = 100;

std::vector<std::string> Difference(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::vector<std::string> out;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

std::string IdIn(const std::vector<std::string>& ids, size_t begin, size_t end) {
  std::string in = "Id IN (";
  for (size_t i = begin; i < end; ++i) in += (i > begin ? ", " : "") + salesforce::SoqlString(ids[i]);
  return in + ")";
}

class ObjectAuditor {
 public:
  ObjectAuditor(JobContext* context, const ObjectPlan& plan, const AuditOptions& options, ObjectAudit* out)
      : client_(context->client()), store_(context->store()), plan_(plan), options_(options), out_(out) {
    for (const store::ColumnSpec& c : plan.table.columns) {
      if (c.source == "CreatedDate") created_ = c.name;
      if (c.source == "IsDeleted") deleted_flag_ = c.name;
    }
  }

  Status Run() {
    SFSYNC_ASSIGN_OR_RETURN(auto counts, CountBuckets());
    out_->buckets = static_cast<int64_t>(counts.size());
    for (const auto& [month, count] : counts) {
      out_->server_rows += count.server;
      out_->local_rows += count.local;
      if (!options_.deep && count.server == count.local) continue;
      BucketAudit bucket;
      bucket.month = month;
      bucket.server = count.server;
      bucket.local = count.local;
      SFSYNC_RETURN_IF_ERROR(options_.deep ? CompareBucket(&bucket) : DiffBucket(&bucket));
      if (bucket.any()) out_->differing.push_back(std::move(bucket));
    }
    return Status::Ok();
  }

 private:
  struct Counts {
    int64_t server = 0;
    int64_t local = 0;
  };

  StatusOr<std::map<std::string, Counts>> CountBuckets() {
    std::map<std::string, Counts> counts;
    if (created_.empty()) {
      int64_t server = 0;
      SFSYNC_RETURN_IF_ERROR(ForEachPage(BuildCountQuery(plan_, ""), {}, [&](const QueryPage& page) {
        server = page.total_size;
        return Status::Ok();
      }));
      SFSYNC_ASSIGN_OR_RETURN(std::vector<std::string> local, LocalIds(""));
      counts[""] = {server, static_cast<int64_t>(local.size())};
      return counts;
    }
    SFSYNC_ASSIGN_OR_RETURN(auto months, CountRowsByMonth(client_, plan_, /*include_deleted=*/false));
    for (const auto& [month, n] : months) counts[month].server += n;
    SFSYNC_ASSIGN_OR_RETURN(auto local, store_->CountByMonth(plan_.table.table, created_, deleted_flag_));
    for (const auto& [key, n] : local) counts[store::IsMonthKey(key) ? key : kNoMonth].local += n;
    return counts;
  }

  // The server's condition for a bucket's rows; the kNoMonth bucket has none on the server.
  std::string Condition(const std::string& month) const { return month.empty() ? "" : CreatedInMonth(month); }

  // Ids of the bucket's stored rows (sorted), those CountByMonth counted in it.
  StatusOr<std::vector<std::string>> LocalIds(const std::string& month) {
    const std::string& table = plan_.table.table;
    if (month.empty()) return store_->ListIds(table, "", "", "", deleted_flag_);
    if (month == kNoMonth) return store_->ListIdsWithoutMonth(table, created_, deleted_flag_);
    // The values starting with "2024-05" are exactly those in ["2024-05", "2024-06").
    return store_->ListIds(table, created_, month, NextMonth(month), deleted_flag_);
  }

  Status DiffBucket(BucketAudit* bucket) {
    std::vector<std::string> server;
    if (bucket->month != kNoMonth) {
      SFSYNC_RETURN_IF_ERROR(
          ForEachPage(BuildAuditQuery(plan_, true, Condition(bucket->month)), {"Id"}, [&](const QueryPage& page) {
            for (size_t r = 0; r < page.rows.rows(); ++r) server.push_back(page.rows.at(r, 0).s);
            return Status::Ok();
          }));
      std::sort(server.begin(), server.end());
    }
    SFSYNC_ASSIGN_OR_RETURN(std::vector<std::string> local, LocalIds(bucket->month));
    std::vector<std::string> missing = Difference(server, local);
    bucket->missing = static_cast<int64_t>(missing.size());
    SFSYNC_ASSIGN_OR_RETURN(std::vector<std::string> elsewhere, SettleStoredOnly(Difference(local, server), bucket));
    bucket->elsewhere = static_cast<int64_t>(elsewhere.size());
    if (!options_.repair) return Status::Ok();
    missing.insert(missing.end(), elsewhere.begin(), elsewhere.end());
    return Fetch(missing);
  }

  Status CompareBucket(BucketAudit* bucket) {
    std::vector<std::string> server;
    if (bucket->month != kNoMonth) {
      SFSYNC_RETURN_IF_ERROR(
          ForEachPage(BuildAuditQuery(plan_, false, Condition(bucket->month)), plan_.select,
                      [&](const QueryPage& page) { return ComparePage(page.rows, bucket, &server); }));
      std::sort(server.begin(), server.end());
    }
    SFSYNC_ASSIGN_OR_RETURN(std::vector<std::string> local, LocalIds(bucket->month));
    // Rows the server has under another month are compared in that month's bucket.
    return SettleStoredOnly(Difference(local, server), bucket).status();
  }

  // Compares one page of the server's rows with the stored ones, and upserts those that are not
  // stored or differ, from the page itself. Appends the page's Ids to *server_ids.
  Status ComparePage(const RowBatch& rows, BucketAudit* bucket, std::vector<std::string>* server_ids) {
    for (size_t r = 0; r < rows.rows(); ++r) server_ids->push_back(rows.at(r, 0).s);
    SFSYNC_ASSIGN_OR_RETURN(store::Store::RowComparison found, store_->CompareRows(plan_.table, rows));
    bucket->missing += static_cast<int64_t>(found.not_stored.size());
    bucket->differing += static_cast<int64_t>(found.differing.size());
    std::unordered_set<std::string> repair(found.not_stored.begin(), found.not_stored.end());
    for (const auto& row : found.differing) {
      for (const std::string& column : row.columns) ++bucket->columns[column];
      repair.insert(row.id);
    }
    if (!options_.repair || repair.empty()) return Status::Ok();
    RowBatch upserts;
    upserts.columns = rows.columns;
    for (size_t r = 0; r < rows.rows(); ++r) {
      if (repair.count(rows.at(r, 0).s) == 0) continue;
      for (size_t c = 0; c < rows.columns.size(); ++c) upserts.cells.push_back(rows.at(r, c));
    }
    return Upsert(upserts);
  }

  // `ids` are stored in the bucket but the server does not list them in it. Looks them up on the
  // server by Id: removes (or flags) those it does not return, and returns those it does.
  StatusOr<std::vector<std::string>> SettleStoredOnly(const std::vector<std::string>& ids, BucketAudit* bucket) {
    std::vector<std::string> found;
    for (size_t i = 0; i < ids.size(); i += kIdsPerLookup) {
      const std::string soql = BuildAuditQuery(plan_, true, IdIn(ids, i, std::min(ids.size(), i + kIdsPerLookup)));
      SFSYNC_RETURN_IF_ERROR(ForEachPage(soql, {"Id"}, [&](const QueryPage& page) {
        for (size_t r = 0; r < page.rows.rows(); ++r) found.push_back(page.rows.at(r, 0).s);
        return Status::Ok();
      }));
    }
    std::sort(found.begin(), found.end());
    const std::vector<std::string> gone = Difference(ids, found);
    bucket->gone = static_cast<int64_t>(gone.size());
    if (options_.repair) SFSYNC_RETURN_IF_ERROR(Remove(gone));
    return found;
  }

  // Upserts the rows with these Ids, read from the server.
  Status Fetch(const std::vector<std::string>& ids) {
    for (size_t i = 0; i < ids.size(); i += kIdsPerLookup) {
      const std::string soql = BuildAuditQuery(plan_, false, IdIn(ids, i, std::min(ids.size(), i + kIdsPerLookup)));
      SFSYNC_RETURN_IF_ERROR(ForEachPage(soql, plan_.select, [&](const QueryPage& page) { return Upsert(page.rows); }));
    }
    return Status::Ok();
  }

  // Writes rows with the sync state as it was: a repair never moves the watermark.
  Status Upsert(const RowBatch& rows) {
    SFSYNC_ASSIGN_OR_RETURN(const store::SyncState* state, State());
    SFSYNC_RETURN_IF_ERROR(store_->ApplyPage(plan_.table, rows, {}, *state));
    out_->fetched += static_cast<int64_t>(rows.rows());
    return Status::Ok();
  }

  Status Remove(const std::vector<std::string>& ids) {
    if (ids.empty()) return Status::Ok();
    SFSYNC_ASSIGN_OR_RETURN(const store::SyncState* state, State());
    std::vector<store::Store::ServerDelete> deletes;
    for (const std::string& id : ids) deletes.push_back({id, ""});
    SFSYNC_ASSIGN_OR_RETURN(int64_t touched,
                            store_->ApplyServerDeletes(plan_.table, deletes, "", plan_.deletes == "soft", *state));
    out_->removed += touched;
    return Status::Ok();
  }

  StatusOr<const store::SyncState*> State() {
    if (!state_) {
      SFSYNC_ASSIGN_OR_RETURN(store::SyncState state, store_->LoadState(plan_.table.table));
      state_ = std::move(state);
    }
    return &*state_;
  }

  // Runs `soql` and calls fn(page) for each page until it fails.
  template <typename Fn>
  Status ForEachPage(const std::string& soql, std::vector<std::string> columns, Fn fn) {
    QueryOptions options;
    options.columns = std::move(columns);
    options.batch_size = plan_.batch_size;
    std::unique_ptr<salesforce::QueryCursor> cursor = client_->Query(soql, options);
    QueryPage page;
    while (cursor->Next(&page)) SFSYNC_RETURN_IF_ERROR(fn(page));
    return cursor->status();
  }

  salesforce::RestClient* client_;
  store::Store* store_;
  const ObjectPlan& plan_;
  AuditOptions options_;
  ObjectAudit* out_;
  std::string created_;       // the CreatedDate column, or empty
  std::string deleted_flag_;  // the IsDeleted column, or empty
  std::optional<store::SyncState> state_;
};

std::string BucketLine(const BucketAudit& b) {
  std::string line = fmt::format("  {:<22} server {} local {}: {} missing locally, {} gone from the server",
                                 b.month.empty() ? "(all rows)" : b.month, b.server, b.local, b.missing, b.gone);
  if (b.elsewhere > 0) line += fmt::format(", {} on the server under another month", b.elsewhere);
  if (b.differing > 0) {
    std::string columns;
    for (const auto& [column, n] : b.columns) columns += fmt::format("{}{} {}", columns.empty() ? "" : ", ", column, n);
    line += fmt::format(", {} differing in values ({})", b.differing, columns);
  }
  return line + "\n";
}

}  // namespace

AuditReport AuditJob(const config::Job& job, salesforce::HttpTransport* transport, Clock* clock,
                     const AuditOptions& options) {
  AuditReport report;
  report.job = job.name;
  report.database = StoreName(job.store);
  report.repaired = options.repair;
  report.deep = options.deep;
  JobContext context(job, transport, clock);
  Status s = context.Authenticate();
  if (s.ok()) s = context.OpenStore();
  if (!s.ok()) {
    report.error = s;
    return report;
  }
  for (const config::ObjectConfig& config : job.objects) {
    ObjectAudit audit;
    audit.object = config.name;
    const int64_t calls_before = context.client()->server_info().api_calls;
    audit.status = [&]() -> Status {
      SFSYNC_ASSIGN_OR_RETURN(ObjectPlan plan, context.Plan(config));
      if (context.store()->CountRows(plan.table.table).status().code() == StatusCode::kNotFound) {
        return FailedPreconditionError("not synced yet: run the job first");
      }
      return ObjectAuditor(&context, plan, options, &audit).Run();
    }();
    audit.api_calls = context.client()->server_info().api_calls - calls_before;
    if (!audit.status.ok()) {
      SFSYNC_LOG(kError, "{}: audit failed: {}", config.name, audit.status.message());
      if (report.error.ok()) report.error = audit.status.Annotate(config.name);
    }
    report.objects.push_back(std::move(audit));
  }
  return report;
}

bool FoundDifferences(const AuditReport& report) {
  for (const ObjectAudit& o : report.objects) {
    if (!o.differing.empty()) return true;
  }
  return false;
}

std::string FormatAuditReport(const AuditReport& r) {
  std::string out = fmt::format("audit of job {} ({}{})\ndatabase: {}\n", r.job,
                                r.repaired ? "repairing" : "report only", r.deep ? ", deep" : "", r.database);
  out += fmt::format("{:<24} {:>8} {:>12} {:>12} {:>10} {:>8} {:>8} {:>8} {:>9}\n", "object", "buckets", "server rows",
                     "local rows", "differing", "values", "fetched", "removed", "api calls");
  for (const ObjectAudit& o : r.objects) {
    if (!o.status.ok()) {
      out += fmt::format("{:<24} FAILED: {}\n", o.object, Redact(o.status.message()));
      continue;
    }
    // Rows differing in values, and per column, over the object's buckets (deep only).
    int64_t values = 0;
    std::map<std::string, int64_t> columns;
    for (const BucketAudit& b : o.differing) {
      values += b.differing;
      for (const auto& [column, n] : b.columns) columns[column] += n;
    }
    out += fmt::format("{:<24} {:>8} {:>12} {:>12} {:>10} {:>8} {:>8} {:>8} {:>9}\n", o.object, o.buckets,
                       o.server_rows, o.local_rows, o.differing.size(), r.deep ? std::to_string(values) : "-",
                       o.fetched, o.removed, o.api_calls);
    for (const BucketAudit& b : o.differing) out += BucketLine(b);
    if (!columns.empty()) {
      std::string list;
      for (const auto& [column, n] : columns) {
        list += fmt::format("{}{} ({} {})", list.empty() ? "" : ", ", column, n, n == 1 ? "row" : "rows");
      }
      out += "  values differ in: " + list + "\n";
    }
  }
  return out;
}

}  // namespace sfsync::sync
