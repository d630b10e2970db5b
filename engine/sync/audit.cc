#include "engine/sync/audit.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "connectors/salesforce/rest_client.h"
#include "engine/core/log.h"
#include "engine/core/time_format.h"
#include "engine/sync/job_context.h"
#include "engine/sync/query_builder.h"

namespace sfsync::sync {
namespace {

using salesforce::QueryOptions;
using salesforce::QueryPage;

// Ids per `SELECT ... WHERE Id IN (...)`: ~2 KB of URI, inside what Salesforce accepts (§2.7).
constexpr size_t kIdsPerFetch = 100;

std::string NextMonthStart(const std::string& month) {
  int year = std::stoi(month.substr(0, 4));
  int mon = std::stoi(month.substr(5, 2)) + 1;
  if (mon == 13) {
    mon = 1;
    ++year;
  }
  return fmt::format("{:04}-{:02}-01T00:00:00.000Z", year, mon);
}

const store::ColumnSpec* ColumnFor(const ObjectPlan& plan, const std::string& source) {
  for (const store::ColumnSpec& c : plan.table.columns) {
    if (c.source == source) return &c;
  }
  return nullptr;
}

std::string JoinWhere(const std::string& job_where, const std::string& ours) {
  if (job_where.empty()) return ours.empty() ? "" : " WHERE " + ours;
  return " WHERE (" + job_where + ")" + (ours.empty() ? "" : " AND " + ours);
}

int64_t CellInt(const Cell& c) {
  if (c.kind == Cell::Kind::kInt) return c.i;
  if (c.kind == Cell::Kind::kDouble) return static_cast<int64_t>(c.d);
  if (c.kind == Cell::Kind::kText) return std::stoll(c.s);
  return 0;
}

class ObjectAuditor {
 public:
  ObjectAuditor(JobContext* context, const ObjectPlan& plan, const AuditOptions& options, ObjectAudit* out)
      : client_(context->client()), store_(context->store()), plan_(plan), options_(options), out_(out) {
    created_ = ColumnFor(plan, "CreatedDate");
    if (const store::ColumnSpec* d = ColumnFor(plan, "IsDeleted")) deleted_flag_ = d->name;
  }

  Status Run() {
    SFSYNC_ASSIGN_OR_RETURN(std::vector<std::string> buckets, DifferingBuckets());
    for (const std::string& month : buckets) SFSYNC_RETURN_IF_ERROR(DiffBucket(month));
    return Status::Ok();
  }

 private:
  // Compares counts per bucket; returns the buckets to diff.
  StatusOr<std::vector<std::string>> DifferingBuckets() {
    std::map<std::string, std::pair<int64_t, int64_t>> counts;  // month -> (server, local)
    if (created_ != nullptr) {
      const std::string soql = "SELECT CALENDAR_YEAR(CreatedDate), CALENDAR_MONTH(CreatedDate), COUNT(Id) FROM " +
                               plan_.object + JoinWhere(plan_.where, "") +
                               " GROUP BY CALENDAR_YEAR(CreatedDate), CALENDAR_MONTH(CreatedDate)";
      SFSYNC_RETURN_IF_ERROR(ForEachRow(soql, {"expr0", "expr1", "expr2"}, [&](const RowBatch& rows, size_t r) {
        if (rows.at(r, 0).is_null()) return;
        const std::string month =
            fmt::format("{:04}-{:02}", CellInt(rows.at(r, 0)), CellInt(rows.at(r, 1)));
        counts[month].first += CellInt(rows.at(r, 2));
      }));
      SFSYNC_ASSIGN_OR_RETURN(auto local, store_->CountByMonth(plan_.table.table, created_->name, deleted_flag_));
      for (const auto& [month, n] : local) counts[month].second += n;
    } else {
      SFSYNC_RETURN_IF_ERROR(ForEachRow("SELECT COUNT() FROM " + plan_.object + JoinWhere(plan_.where, ""), {},
                                        [](const RowBatch&, size_t) {}));
      SFSYNC_ASSIGN_OR_RETURN(std::vector<std::string> ids, store_->ListIds(plan_.table.table, "", "", "", deleted_flag_));
      counts[""] = {last_total_size_, static_cast<int64_t>(ids.size())};
    }
    std::vector<std::string> differing;
    for (const auto& [month, pair] : counts) {
      out_->server_rows += pair.first;
      out_->local_rows += pair.second;
      if (options_.deep || pair.first != pair.second) differing.push_back(month);
    }
    out_->buckets = static_cast<int64_t>(counts.size());
    return differing;
  }

  Status DiffBucket(const std::string& month) {
    std::string range;
    std::string lo, hi;
    if (!month.empty()) {
      lo = month + "-01T00:00:00.000Z";
      hi = NextMonthStart(month);
      range = fmt::format("CreatedDate >= {} AND CreatedDate < {}", lo, hi);
    }
    std::vector<std::string> server;
    SFSYNC_RETURN_IF_ERROR(ForEachRow("SELECT Id FROM " + plan_.object + JoinWhere(plan_.where, range) +
                                          " ORDER BY Id ASC",
                                      {"Id"}, [&](const RowBatch& rows, size_t r) { server.push_back(rows.at(r, 0).s); }));
    SFSYNC_ASSIGN_OR_RETURN(std::vector<std::string> local,
                            store_->ListIds(plan_.table.table, month.empty() ? "" : created_->name, lo, hi, deleted_flag_));
    std::sort(server.begin(), server.end());
    std::vector<std::string> missing, extra;
    std::set_difference(server.begin(), server.end(), local.begin(), local.end(), std::back_inserter(missing));
    std::set_difference(local.begin(), local.end(), server.begin(), server.end(), std::back_inserter(extra));
    if (missing.empty() && extra.empty()) return Status::Ok();
    out_->differing.push_back({month, static_cast<int64_t>(server.size()), static_cast<int64_t>(local.size()),
                               static_cast<int64_t>(missing.size()), static_cast<int64_t>(extra.size())});
    if (!options_.repair) return Status::Ok();
    SFSYNC_RETURN_IF_ERROR(Fetch(missing));
    return Remove(extra);
  }

  // Upserts the rows with these Ids, read from the server; the sync state is stored unchanged.
  Status Fetch(const std::vector<std::string>& ids) {
    SFSYNC_ASSIGN_OR_RETURN(store::SyncState state, store_->LoadState(plan_.table.table));
    for (size_t i = 0; i < ids.size(); i += kIdsPerFetch) {
      std::string in;
      for (size_t j = i; j < std::min(ids.size(), i + kIdsPerFetch); ++j) {
        in += (j > i ? ", " : "") + salesforce::SoqlString(ids[j]);
      }
      std::string soql = BuildLoadQuery(plan_, "");
      soql.insert(soql.find(" ORDER BY"), (plan_.where.empty() ? " WHERE" : " AND") + std::string(" Id IN (") + in + ")");
      QueryOptions options;
      options.columns = plan_.select;
      options.batch_size = plan_.batch_size;
      std::unique_ptr<salesforce::QueryCursor> cursor = client_->Query(soql, options);
      QueryPage page;
      while (cursor->Next(&page)) {
        SFSYNC_RETURN_IF_ERROR(store_->ApplyPage(plan_.table, page.rows, {}, state));
        out_->fetched += static_cast<int64_t>(page.rows.rows());
      }
      SFSYNC_RETURN_IF_ERROR(cursor->status());
    }
    return Status::Ok();
  }

  Status Remove(const std::vector<std::string>& ids) {
    if (ids.empty()) return Status::Ok();
    SFSYNC_ASSIGN_OR_RETURN(store::SyncState state, store_->LoadState(plan_.table.table));
    std::vector<store::Store::ServerDelete> deletes;
    for (const std::string& id : ids) deletes.push_back({id, ""});
    SFSYNC_ASSIGN_OR_RETURN(int64_t touched, store_->ApplyServerDeletes(plan_.table, deletes, "",
                                                                        plan_.deletes == "soft", state));
    out_->removed += touched;
    return Status::Ok();
  }

  template <typename Fn>
  Status ForEachRow(const std::string& soql, std::vector<std::string> columns, Fn fn) {
    QueryOptions options;
    options.columns = std::move(columns);
    std::unique_ptr<salesforce::QueryCursor> cursor = client_->Query(soql, options);
    QueryPage page;
    while (cursor->Next(&page)) {
      last_total_size_ = page.total_size;
      for (size_t r = 0; r < page.rows.rows(); ++r) fn(page.rows, r);
    }
    return cursor->status();
  }

  salesforce::RestClient* client_;
  store::Store* store_;
  const ObjectPlan& plan_;
  AuditOptions options_;
  ObjectAudit* out_;
  const store::ColumnSpec* created_ = nullptr;
  std::string deleted_flag_;
  int64_t last_total_size_ = 0;
};

}  // namespace

AuditReport AuditJob(const config::Job& job, salesforce::HttpTransport* transport, Clock* clock,
                     const AuditOptions& options) {
  AuditReport report;
  report.job = job.name;
  report.database = job.store.sqlite_path;
  report.repaired = options.repair;
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

std::string FormatAuditReport(const AuditReport& r) {
  std::string out = fmt::format("audit of job {}{}\ndatabase: {}\n", r.job, r.repaired ? " (repairing)" : " (report only)",
                                r.database);
  out += fmt::format("{:<24} {:>8} {:>12} {:>12} {:>10} {:>8} {:>8} {:>9}\n", "object", "buckets", "server rows",
                     "local rows", "differing", "fetched", "removed", "api calls");
  for (const ObjectAudit& o : r.objects) {
    if (!o.status.ok()) {
      out += fmt::format("{:<24} FAILED: {}\n", o.object, Redact(o.status.message()));
      continue;
    }
    out += fmt::format("{:<24} {:>8} {:>12} {:>12} {:>10} {:>8} {:>8} {:>9}\n", o.object, o.buckets, o.server_rows,
                       o.local_rows, o.differing.size(), o.fetched, o.removed, o.api_calls);
    for (const BucketAudit& b : o.differing) {
      out += fmt::format("  {:<22} server {} local {}: {} missing locally, {} gone from the server\n",
                         b.month.empty() ? "(all rows)" : b.month, b.server, b.local, b.missing, b.extra);
    }
  }
  return out;
}

}  // namespace sfsync::sync
