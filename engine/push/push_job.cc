#include "engine/push/push_job.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <map>

#include "engine/core/ascii.h"
#include "engine/core/exit_codes.h"
#include "engine/core/log.h"
#include "engine/push/push_plan.h"

namespace sfsync::push {
namespace {

// Parents before children: a table comes after every other pushed table it has a lookup to. A cycle
// keeps the job's order for the tables in it.
std::vector<size_t> InsertOrder(const std::vector<PushTable>& tables) {
  std::vector<size_t> order;
  std::vector<bool> placed(tables.size(), false);
  while (order.size() < tables.size()) {
    bool progress = false;
    for (size_t i = 0; i < tables.size(); ++i) {
      if (placed[i]) continue;
      bool ready = true;
      for (const PushColumn& c : tables[i].columns) {
        for (size_t j = 0; j < tables.size(); ++j) {
          if (j == i || placed[j]) continue;
          for (const std::string& target : c.reference_to) ready = ready && !EqualsIgnoringAsciiCase(target, tables[j].object);
        }
      }
      if (ready) {
        placed[i] = true;
        order.push_back(i);
        progress = true;
      }
    }
    if (!progress) {
      for (size_t i = 0; i < tables.size(); ++i) {
        if (!placed[i]) {
          placed[i] = true;
          order.push_back(i);
          break;
        }
      }
    }
  }
  return order;
}

}  // namespace

bool JobPushes(const config::Job& job) {
  return std::any_of(job.objects.begin(), job.objects.end(), [](const config::ObjectConfig& o) { return o.push; });
}

PushReport PushWithContext(const config::Job& job, sync::JobContext* context, Clock* clock,
                           const PushOptions& options) {
  PushReport report;
  report.job = job.name;
  report.dry_run = options.dry_run;
  store::Store* store = context->store();
  const int64_t calls_before = context->client()->server_info().api_calls;
  auto finish = [&](Status error) {
    report.error = std::move(error);
    report.api_calls = context->client()->server_info().api_calls - calls_before;
    int64_t left = 0;
    for (const auto& o : report.objects) left += o.failed + o.conflicts + o.waiting + o.unknown;
    report.status = !report.error.ok() ? (report.objects.empty() ? "FAILED" : "PARTIAL") : left > 0 ? "PARTIAL"
                                                                                                    : "SUCCESS";
    return report;
  };

  std::vector<PushTable> tables;
  for (const config::ObjectConfig& config : job.objects) {
    if (!config.push) continue;
    if (!options.only_object.empty() && !EqualsIgnoringAsciiCase(options.only_object, config.name) &&
        !EqualsIgnoringAsciiCase(options.only_object, sync::TableFor(config))) {
      continue;
    }
    StatusOr<sync::ObjectPlan> plan = context->Plan(config);
    if (!plan.ok()) return finish(plan.status().Annotate(config.name));
    StatusOr<salesforce::SObjectInfo> info = context->Describe(plan->table.table, plan->object);
    if (!info.ok()) return finish(info.status().Annotate(config.name));
    StatusOr<PushTable> table = PlanPushTable(config, *plan, *info);
    if (!table.ok()) return finish(table.status());
    // Installing the capture finds a missing table too (a dry run only looks).
    const Status installed =
        options.dry_run ? store->CountRows(table->table).status() : store->EnsureCapture(table->Capture());
    if (installed.code() == StatusCode::kNotFound) {
      return finish(Status(StatusCode::kFailedPrecondition,
                           fmt::format("{}: table {} does not exist yet; run the job once (sfsync run) before pushing",
                                       config.name, table->table),
                           std::string(store::kRefusedReason)));
    }
    if (!installed.ok()) return finish(installed.Annotate(config.name));
    if (!options.dry_run) {
      if (options.retry_failed) {
        StatusOr<int64_t> requeued = store->RequeueFailed(table->table);
        if (!requeued.ok()) return finish(requeued.status());
        if (*requeued > 0) SFSYNC_LOG(kInfo, "{}: {} failed changes queued again", config.name, *requeued);
      }
    }
    tables.push_back(std::move(*table));
  }
  // History versions of what Salesforce takes are dated by the org's clock (its Date header), as the
  // pull dates the changes it reads, when the two clocks are within the skew allowed.
  if (const int64_t server = context->client()->server_info().server_date_millis; server != 0) {
    const int64_t offset = server - clock->NowMillis();
    if (std::llabs(offset) <= job.max_clock_skew_seconds * 1000) store->SetServerClockOffset(offset);
  }
  if (!options.only_object.empty() && tables.empty()) {
    return finish(Status(StatusCode::kInvalidArgument,
                         fmt::format("the job pushes no object named {} (push: true)", options.only_object), "usage"));
  }

  // Every (table, column) that may hold an Id of each pushed object, for rewriting local Ids.
  auto lookups_of = [&](const PushTable& target) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const PushTable& t : tables) {
      for (const PushColumn& c : t.columns) {
        for (const std::string& ref : c.reference_to) {
          if (EqualsIgnoringAsciiCase(ref, target.object)) out.emplace_back(t.table, c.name);
        }
      }
    }
    return out;
  };
  PushSettings settings;
  settings.conflicts = job.push_conflicts;
  settings.dry_run = options.dry_run;
  settings.stop = options.stop;
  settings.run_id = options.run_id;
  settings.bulk_threshold = job.push_bulk_threshold;
  const std::vector<size_t> order = InsertOrder(tables);
  report.objects.resize(tables.size());
  for (size_t i = 0; i < tables.size(); ++i) {
    report.objects[i].object = tables[i].object;
    report.objects[i].table = tables[i].table;
  }
  // Inserts and updates, parents first; then deletes, children first.
  for (size_t i : order) {
    ObjectPusher pusher(context->client(), store, clock, &tables[i], lookups_of(tables[i]), settings);
    if (Status s = pusher.PushUpserts(&report.objects[i]); !s.ok()) return finish(s.Annotate(tables[i].object));
  }
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    ObjectPusher pusher(context->client(), store, clock, &tables[*it], lookups_of(tables[*it]), settings);
    if (Status s = pusher.PushDeletes(&report.objects[*it]); !s.ok()) return finish(s.Annotate(tables[*it].object));
  }
  for (const ObjectPushStats& o : report.objects) {
    SFSYNC_LOG(kInfo, "{}: pushed {} inserts, {} updates, {} deletes; {} conflicts, {} failed, {} waiting", o.object,
               o.inserted, o.updated, o.deleted, o.conflicts, o.failed, o.waiting + o.unknown);
  }
  return finish(Status::Ok());
}

PushReport PushJob(const config::Job& job, salesforce::HttpTransport* transport, Clock* clock,
                   const PushOptions& options) {
  sync::JobContext context(job, transport, clock);
  Status s = context.Authenticate();
  if (s.ok()) s = context.OpenStore();
  if (!s.ok()) {
    PushReport report;
    report.job = job.name;
    report.status = "FAILED";
    report.error = s;
    report.dry_run = options.dry_run;
    return report;
  }
  return PushWithContext(job, &context, clock, options);
}

RunAndPushReport RunJobAndPush(const config::Job& job, salesforce::HttpTransport* transport, Clock* clock,
                               const sync::RunOptions& options) {
  RunAndPushReport out;
  sync::RunOptions with_push = options;
  if (JobPushes(job)) {
    with_push.after_pull = [&](sync::JobContext* context, const sync::RunReport& run) {
      if (!run.stopped_by.ok()) return;  // stopped early: the push waits for the next run
      PushOptions push;
      push.stop = options.stop;
      push.run_id = run.run_id;
      out.push = PushWithContext(job, context, clock, push);
    };
  }
  out.run = sync::RunJob(job, transport, clock, with_push);
  return out;
}

int ExitCodeForPush(const PushReport& report) {
  if (!report.error.ok()) return ExitCodeFor(report.error);
  if (report.status == "PARTIAL") return kExitPushIncomplete;
  return kExitOk;
}

int ExitCodeForRunAndPush(const RunAndPushReport& report) {
  const int run = sync::ExitCodeForRun(report.run);
  if (run != kExitOk || !report.push) return run;
  return ExitCodeForPush(*report.push);
}

bool PushedAnything(const PushReport& report) {
  for (const auto& o : report.objects) {
    if (o.inserted + o.updated + o.deleted + o.already_done + o.conflicts + o.failed + o.waiting + o.unknown > 0) {
      return true;
    }
  }
  return false;
}

std::string FormatPushSummary(const PushReport& r) {
  std::string out = fmt::format("push {}{}: {}, {} API calls\n", r.job, r.dry_run ? " (dry run: nothing sent)" : "",
                                r.status, r.api_calls);
  if (r.objects.empty()) return out;
  out += fmt::format("{:<24} {:>8} {:>8} {:>8} {:>8} {:>9} {:>7} {:>8} {:>7} {:>6} {:>5}\n", "object", "inserted",
                     "updated", "deleted", "no-op", "conflicts", "failed", "waiting", "writes", "reads", "bulk");
  for (const auto& o : r.objects) {
    out += fmt::format("{:<24} {:>8} {:>8} {:>8} {:>8} {:>9} {:>7} {:>8} {:>7} {:>6} {:>5}\n", o.object, o.inserted,
                       o.updated, o.deleted, o.already_done, o.conflicts, o.failed, o.waiting + o.unknown,
                       o.write_calls, o.read_calls, o.bulk_jobs);
  }
  if (r.dry_run) {
    for (const auto& o : r.objects) {
      for (const std::string& line : o.plan) out += "  " + line + "\n";
    }
  }
  return out;
}

}  // namespace sfsync::push
