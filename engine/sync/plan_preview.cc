#include "engine/sync/plan_preview.h"

#include "engine/sync/job_store.h"

#include <fmt/format.h>

#include <filesystem>
#include <map>
#include <optional>

#include "connectors/salesforce/read/describe.h"
#include "engine/core/time_format.h"
#include "engine/store/store.h"
#include "engine/sync/job_context.h"
#include "engine/sync/load_cursor.h"
#include "engine/sync/planner.h"
#include "engine/sync/query_builder.h"
#include "engine/sync/state_reconcile.h"

namespace sfsync::sync {
namespace {

using salesforce::RestClient;

std::string WatermarkText(const store::Watermark& w) { return w.id.empty() ? w.ts : w.ts + "|" + w.id; }

int64_t Pages(int64_t rows, int64_t per_page) { return rows <= 0 ? 1 : (rows + per_page - 1) / per_page; }

std::string ChangeText(const store::SchemaChange& c) {
  using Kind = store::SchemaChange::Kind;
  switch (c.kind) {
    case Kind::kCreateTable: return "create table" + (c.detail.empty() ? "" : ": " + c.detail);
    case Kind::kAddColumn: return "add column " + c.column + (c.detail.empty() ? "" : ": " + c.detail);
    case Kind::kRetypeColumn: return "retype column " + c.column + (c.detail.empty() ? "" : ": " + c.detail);
    case Kind::kRemoveColumn: return "column " + c.column + " no longer synced" + (c.detail.empty() ? "" : ": " + c.detail);
    case Kind::kRestoreColumn: return "restore column " + c.column + (c.detail.empty() ? "" : ": " + c.detail);
    case Kind::kWidenColumn: return "widen column " + c.column + (c.detail.empty() ? "" : ": " + c.detail);
  }
  return c.detail;
}

class Previewer {
 public:
  Previewer(const config::Job& job, RestClient* client, store::Store* store)
      : job_(job), client_(client), store_(store) {}

  ObjectPreview Preview(const config::ObjectConfig& config) {
    ObjectPreview p;
    p.object = config.name;
    p.table = TableFor(config);
    const std::string& table = p.table;
    StatusOr<ObjectPlan> plan = PlanFor(config, table);
    if (!plan.ok() && client_ == nullptr && plan.status().code() == StatusCode::kNotFound) {
      p.action = "unknown";  // offline, and never described: nothing to tell from
      p.why = plan.status().message();
      return p;
    }
    if (!plan.ok()) {
      p.error = plan.status().message();
      return p;
    }
    store::SyncState stored;
    if (store_ != nullptr) {
      StatusOr<store::SyncState> loaded = store_->LoadState(table);
      if (!loaded.ok()) {
        p.error = loaded.status().message();
        return p;
      }
      stored = std::move(*loaded);
    }
    store::TableClaim claim;
    claim.job = job_.name;
    claim.object = plan->object;
    claim.fields.clear();
    for (size_t i = 0; i < plan->select.size(); ++i) claim.fields += (i > 0 ? "," : "") + plan->select[i];
    claim.where = plan->where;
    claim.deletes = plan->deletes;
    claim.mode = plan->incremental ? "incremental" : "full";
    StatusOr<ReconciledState> reconciled = ReconcileState(table, stored, claim, plan->cursor_field, false);
    if (!reconciled.ok()) {
      p.error = reconciled.status().message();
      return p;
    }
    p.notices = reconciled->notices;
    const store::SyncState& state = reconciled->state;

    bool backfill = false;
    if (store_ != nullptr) {
      StatusOr<std::vector<store::SchemaChange>> changes = store_->PreviewTable(plan->table);
      if (!changes.ok()) {
        p.error = changes.status().message();
        return p;
      }
      for (const store::SchemaChange& c : *changes) p.schema_changes.push_back(ChangeText(c));
      backfill = store::NeedsBackfill(*changes);
    } else {
      p.schema_changes.push_back(fmt::format("create table ({} columns)", plan->table.columns.size()));
    }

    const bool loaded_before = !state.watermark.empty() || state.load_in_progress;
    if (!plan->incremental) {
      p.action = "full";
      p.why = config.mode == "full" ? "mode: full" : "the object has no timestamp field to read changes by";
      Count(*plan, BuildCountQuery(*plan, ""), &p);
      LoadApi(config, *plan, &p);
    } else if (!state.full_pass_reason.empty()) {
      p.action = "full pass";
      p.why = state.full_pass_reason;
      Count(*plan, BuildCountQuery(*plan, ""), &p);
      LoadApi(config, *plan, &p);
    } else if (backfill && loaded_before) {
      p.action = "reload";
      p.why = "new or retyped columns need values for the rows already stored";
      Count(*plan, BuildCountQuery(*plan, ""), &p);
      LoadApi(config, *plan, &p);
    } else if (state.load_in_progress && state.watermark.empty()) {
      p.action = "resume load";
      p.why = !state.bulk_resume.job_id.empty() ? "Bulk job " + state.bulk_resume.job_id + " is read on"
              : !state.load_slices.empty()      ? fmt::format("{} slices, each after its last Id", state.load_slices.size())
              : state.load_after_id.empty()     ? "interrupted before its first page"
                                                : "after Id " + state.load_after_id;
      Count(*plan, BuildCountQuery(*plan, state.load_after_id), &p);
      LoadApi(config, *plan, &p);
    } else if (state.load_in_progress) {
      p.action = "reload";
      p.why = "an interrupted reload goes on" + (state.load_after_id.empty() ? "" : " after Id " + state.load_after_id);
      Count(*plan, BuildCountQuery(*plan, state.load_after_id), &p);
      LoadApi(config, *plan, &p);
    } else if (state.watermark.empty()) {
      p.action = "load";
      p.why = "never loaded";
      Count(*plan, BuildCountQuery(*plan, ""), &p);
      LoadApi(config, *plan, &p);
    } else {
      p.action = "incremental";
      p.why = "changed after " + WatermarkText(state.watermark);
      p.api = "REST";
      Count(*plan, BuildIncrementalCountQuery(*plan, state), &p);
      if (p.expected_rows == 0) {
        p.expected_calls = 0;
        p.why += "; nothing changed (the run's quiet check costs one call per five such objects)";
      } else if (p.expected_rows > 0) {
        const bool deletes = plan->deletes != "ignore" && plan->replicateable;
        p.expected_calls = Pages(p.expected_rows, plan->batch_size) + static_cast<int64_t>(plan->parent_cursors.size()) +
                           (deletes ? 1 : 0);
      }
    }
    // The run also describes the object (conditionally) and, after a load, asks getDeleted.
    if (p.expected_calls > 0 || (p.expected_calls == 0 && p.action != "incremental")) {
      p.expected_calls += 1 + (p.action != "incremental" && plan->deletes != "ignore" && plan->replicateable ? 1 : 0);
    }
    return p;
  }

 private:
  // Describes through the cache the run would use: conditionally (304: the cached body), or from the
  // cache alone offline. Nothing is cached here: the run does that.
  StatusOr<salesforce::SObjectInfo> Describe(const std::string& table, const std::string& object) {
    const std::string key = table + "\n" + object;
    if (auto it = described_.find(key); it != described_.end()) return it->second;
    std::optional<store::CachedDescribe> cached;
    if (store_ != nullptr) {
      StatusOr<store::CachedDescribe> c = store_->LoadDescribe(table, object);
      if (c.ok()) cached = std::move(*c);
    }
    StatusOr<salesforce::SObjectInfo> info = [&]() -> StatusOr<salesforce::SObjectInfo> {
      if (client_ == nullptr) {
        if (!cached) {
          return NotFoundError(fmt::format("{}: not described yet (no cached describe): plan it online", object));
        }
        return salesforce::ParseDescribe(cached->body);
      }
      std::optional<int64_t> since;
      if (cached && cached->last_modified_millis > 0) since = cached->last_modified_millis;
      SFSYNC_ASSIGN_OR_RETURN(salesforce::DescribeResult r, client_->Describe(object, since));
      if (r.not_modified && cached) return salesforce::ParseDescribe(cached->body);
      if (r.not_modified) {
        SFSYNC_ASSIGN_OR_RETURN(r, client_->Describe(object));
      }
      return std::move(r.info);
    }();
    if (info.ok()) described_.emplace(key, *info);
    return info;
  }

  StatusOr<ObjectPlan> PlanFor(const config::ObjectConfig& config, const std::string& table) {
    SFSYNC_ASSIGN_OR_RETURN(salesforce::SObjectInfo info, Describe(table, config.name));
    return PlanObject(config, info, [this, &table](const std::string& o) { return Describe(table, o); });
  }

  void Count(const ObjectPlan& plan, const std::string& soql, ObjectPreview* p) {
    if (client_ == nullptr) return;
    salesforce::QueryOptions options;
    options.include_deleted = plan.query_all;
    options.prefetch = false;
    std::unique_ptr<salesforce::QueryCursor> cursor = client_->Query(soql, options);
    salesforce::QueryPage page;
    if (cursor->Next(&page)) {
      p->expected_rows = page.total_size;
    } else {
      p->error = cursor->status().Annotate("counting rows").message();
    }
  }

  void LoadApi(const config::ObjectConfig& config, const ObjectPlan& plan, ObjectPreview* p) {
    const bool bulk = config.api == "bulk" ||
                      (config.api == "auto" && p->expected_rows > kAutoBulkThreshold);
    if (config.api == "auto" && p->expected_rows < 0) {
      p->api = "REST or Bulk API 2.0 (api: auto)";
    } else {
      p->api = bulk ? "Bulk API 2.0" : "REST";
    }
    if (p->expected_rows < 0) return;
    // A Bulk read: create, about three polls, its result pages, delete. A REST read: its pages.
    p->expected_calls = bulk ? 5 + Pages(p->expected_rows, plan.bulk_max_records) : Pages(p->expected_rows, plan.batch_size);
    if (config.api == "auto") ++p->expected_calls;  // the COUNT() that chooses
  }

  const config::Job& job_;
  RestClient* client_;
  store::Store* store_;
  std::map<std::string, salesforce::SObjectInfo> described_;
};

}  // namespace

PlanReport PreviewJob(const config::Job& job, salesforce::HttpTransport* transport, Clock* clock, bool offline) {
  PlanReport report;
  report.job = job.name;
  report.database = StoreName(job.store);
  report.offline = offline;
  report.max_api_calls = job.max_api_calls;
  report.max_percent_of_daily = job.max_percent_of_daily;
  std::unique_ptr<store::Store> store;
  if (job.store.is_postgres() || std::filesystem::exists(job.store.sqlite_path)) {
    StatusOr<std::unique_ptr<store::Store>> opened =
        job.store.is_postgres() ? OpenPostgresUnlocked(job) : store::OpenSqliteStore(job.store.sqlite_path);
    if (opened.ok()) {
      store = std::move(*opened);
    } else if (!(job.store.is_postgres() && opened.status().code() == StatusCode::kNotFound)) {  // never run
      report.error = opened.status().Annotate("database " + StoreName(job.store));
      return report;
    }
  }
  // The budgets are the run's: planning is not held to them (it costs a few calls, shown).
  config::Job unbudgeted = job;
  unbudgeted.max_api_calls = 0;
  unbudgeted.max_percent_of_daily = 0;
  JobContext context(unbudgeted, transport, clock);
  if (!offline) {
    if (Status s = context.Authenticate(); !s.ok()) {
      report.error = s;
      return report;
    }
  }
  Previewer previewer(job, offline ? nullptr : context.client(), store.get());
  for (const config::ObjectConfig& config : job.objects) report.objects.push_back(previewer.Preview(config));
  if (!offline) {
    report.api_calls = context.client()->server_info().api_calls;
    report.limit_info = context.client()->server_info().limit_info;
  }
  return report;
}

}  // namespace sfsync::sync
