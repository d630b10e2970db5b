#include "engine/sync/run.h"

#include <fmt/format.h>

#include "connectors/salesforce/http/rest_client.h"
#include "engine/core/exit_codes.h"
#include "engine/core/log.h"
#include "engine/sync/job_context.h"
#include "engine/sync/object_sync.h"

namespace sfsync::sync {
namespace {

using salesforce::RestClient;

class JobRun {
 public:
  JobRun(const config::Job& job, salesforce::HttpTransport* transport, Clock* clock, const RunOptions& options)
      : job_(job), clock_(clock), options_(options), context_(job, transport, clock) {
    report_.job = job.name;
    report_.database = job.store.sqlite_path;
  }

  RunReport Run() {
    const auto start = clock_->Monotonic();
    Status s = context_.Authenticate();
    if (s.ok()) s = context_.OpenStore();
    if (s.ok()) {
      client_ = context_.client();
      store_ = context_.store();
      auto run_id = store_->BeginRun(job_.name, clock_->NowMillis());
      s = run_id.status();
      if (run_id.ok()) report_.run_id = *run_id;
    }
    if (s.ok()) {
      SyncObjects();
      Finish();
      if (options_.after_pull) options_.after_pull(&context_, report_);
    } else {
      report_.status = "FAILED";
      report_.error = s;
    }
    report_.seconds = std::chrono::duration<double>(clock_->Monotonic() - start).count();
    if (context_.client() != nullptr) {
      report_.api_calls = context_.client()->server_info().api_calls;
      report_.limit_info = context_.client()->server_info().limit_info;
    }
    return std::move(report_);
  }

 private:
  Status SyncObject(const config::ObjectConfig& config, store::ObjectRunStats* stats) {
    const int64_t calls_before = client_->server_info().api_calls;
    auto planned = context_.Plan(config);
    if (!planned.ok()) {
      stats->api_calls = client_->server_info().api_calls - calls_before;
      return planned.status();
    }
    const ObjectPlan& plan = *planned;
    for (const std::string& path : plan.unrefreshed_parents) {
      SFSYNC_LOG(kInfo,
                 "{}: fields through {} come from a polymorphic lookup, which has no change stamp: they are "
                 "refreshed when the {} row itself changes (README \"Polymorphic parents\")",
                 plan.object, path, plan.object);
    }
    SyncSettings settings;
    settings.settle_lag_millis = job_.settle_lag_seconds * 1000;
    settings.max_clock_skew_millis = job_.max_clock_skew_seconds * 1000;
    settings.stop = options_.stop;
    settings.job = job_.name;
    settings.org_id = context_.org_id();
    settings.take_over = options_.take_over;
    ObjectSyncer syncer(client_, store_, clock_, &plan, settings);
    Status s = syncer.Run(stats);
    stats->api_calls = client_->server_info().api_calls - calls_before;
    return s;
  }

  void SyncObjects() {
    bool stopping = false;
    for (const config::ObjectConfig& config : job_.objects) {
      store::ObjectRunStats stats;
      stats.object = config.name;
      stats.table = TableFor(config);
      stats.started_millis = clock_->NowMillis();
      Status s;
      if (stopping) {
        stats.status = "SKIPPED";
      } else {
        SFSYNC_LOG(kInfo, "{}: syncing", config.name);
        s = SyncObject(config, &stats);
        stats.status = s.ok() ? "SUCCESS" : s.code() == StatusCode::kCancelled ? "PARTIAL" : "FAILED";
      }
      stats.finished_millis = clock_->NowMillis();
      if (!s.ok()) {
        stats.error = Redact(s.message());
        SFSYNC_LOG(kError, "{}: {}", config.name, s.message());
        if (report_.error.ok()) report_.error = s.Annotate(config.name);
        if (StopsRun(s)) {
          stopping = true;
          report_.stopped_by = s.Annotate(config.name);
        }
      } else if (!stopping) {
        SFSYNC_LOG(kInfo, "{}: {} rows read, {} written, {} deleted, {} API calls", config.name, stats.rows_read,
                   stats.rows_written, stats.rows_deleted, stats.api_calls);
      }
      if (Status r = store_->RecordObjectRun(report_.run_id, stats); !r.ok() && report_.error.ok()) report_.error = r;
      report_.objects.push_back(std::move(stats));
    }
  }

  void Finish() {
    int succeeded = 0;
    for (const auto& o : report_.objects) succeeded += o.status == "SUCCESS";
    const bool interrupted = report_.stopped_by.code() == StatusCode::kCancelled;
    if (report_.error.ok()) {
      report_.status = "SUCCESS";
    } else if (succeeded == 0 && !interrupted) {
      report_.status = "FAILED";
    } else {
      report_.status = "PARTIAL";
    }
    store::RunRecord run;
    run.run_id = report_.run_id;
    run.job = job_.name;
    run.status = report_.status;
    run.finished_millis = clock_->NowMillis();
    run.api_calls = client_->server_info().api_calls;
    run.error = report_.error.ok() ? "" : Redact(report_.error.message());
    if (Status s = store_->FinishRun(run); !s.ok() && report_.error.ok()) report_.error = s;
  }

  const config::Job& job_;
  Clock* clock_;
  RunOptions options_;
  RunReport report_;
  JobContext context_;
  RestClient* client_ = nullptr;
  store::Store* store_ = nullptr;
};

}  // namespace

RunReport RunJob(const config::Job& job, salesforce::HttpTransport* transport, Clock* clock,
                 const RunOptions& options) {
  return JobRun(job, transport, clock, options).Run();
}

int ExitCodeForRun(const RunReport& report) {
  if (report.error.ok()) return kExitOk;
  // A run stopped early exits with the code of what stopped it, which names the cause to fix; a run
  // that finished with some objects failed for their own reasons is PARTIAL (exit 8); one where
  // nothing succeeded exits with the code of its first error.
  if (!report.stopped_by.ok()) return ExitCodeFor(report.stopped_by);
  if (report.status == "PARTIAL") return kExitPartial;
  return ExitCodeFor(report.error);
}

std::string FormatRunSummary(const RunReport& r) {
  std::string out = fmt::format("job {}: {} in {:.2f} s, {} API calls{}\n", r.job, r.status, r.seconds, r.api_calls,
                                r.limit_info.empty() ? "" : " (" + r.limit_info + ")");
  out += fmt::format("database: {}\n", r.database);
  if (r.objects.empty()) return out;
  out += fmt::format("{:<24} {:<8} {:>10} {:>10} {:>8} {:>9} {:>8}  {}\n", "object", "status", "rows read", "written",
                     "deleted", "api calls", "seconds", "watermark");
  for (const auto& o : r.objects) {
    out += fmt::format("{:<24} {:<8} {:>10} {:>10} {:>8} {:>9} {:>8.2f}  {}\n", o.object, o.status, o.rows_read,
                       o.rows_written, o.rows_deleted, o.api_calls,
                       static_cast<double>(o.finished_millis - o.started_millis) / 1000.0,
                       o.watermark_after.empty() ? "-" : o.watermark_after);
  }
  return out;
}

}  // namespace sfsync::sync
