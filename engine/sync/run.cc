#include "engine/sync/run.h"

#include "engine/sync/job_store.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <thread>

#include "connectors/salesforce/http/rest_client.h"
#include "engine/core/ascii.h"
#include "engine/core/exit_codes.h"
#include "engine/core/log.h"
#include "engine/core/memory.h"
#include "engine/store/serialized_store.h"
#include "engine/sync/job_context.h"
#include "engine/sync/object_sync.h"
#include "engine/sync/quiet_probe.h"
#include "engine/sync/run_lock.h"

namespace sfsync::sync {
namespace {

using salesforce::RestClient;

// N of "api-usage=N/M" (Sforce-Limit-Info); -1 when absent.
int64_t ApiUsage(const std::string& limit_info) {
  const size_t at = limit_info.find("api-usage=");
  if (at == std::string::npos) return -1;
  return std::strtoll(limit_info.c_str() + at + 10, nullptr, 10);
}

class JobRun {
 public:
  JobRun(const config::Job& job, salesforce::HttpTransport* transport, Clock* clock, const RunOptions& options)
      : job_(job), clock_(clock), options_(options), context_(job, transport, clock) {
    report_.job = job.name;
    report_.database = StoreName(job.store);
  }

  RunReport Run() {
    // Every line of this run names its job and, once the store gave one, its run id (json logs).
    LogTags tags = CurrentLogTags();
    tags.job = job_.name;
    const LogContext log_context(std::move(tags));
    const auto start = clock_->Monotonic();
    Status s = context_.Authenticate();
    if (s.ok()) s = context_.OpenStore();
    if (s.ok()) {
      client_ = context_.client();
      store_ = context_.store();
      auto run_id = store_->BeginRun(job_.name, clock_->NowMillis());
      s = run_id.status();
      if (run_id.ok()) {
        report_.run_id = *run_id;
        SetLogRunId(*run_id);
      }
    }
    if (s.ok()) {
      SyncObjects();
      Finish();
      if (options_.after_pull) options_.after_pull(&context_, report_);
    } else {
      NameDatabase(&s);
      report_.status = "FAILED";
      report_.error = s;
    }
    report_.seconds = std::chrono::duration<double>(clock_->Monotonic() - start).count();
    report_.peak_rss_kib = PeakRssKib();
    // A run refused before the store says only why (one line); the others say what they used.
    if (report_.run_id != 0) SFSYNC_LOG(kInfo, "peak memory {} KiB", report_.peak_rss_kib);
    if (context_.client() != nullptr) {
      report_.api_calls = context_.client()->server_info().api_calls + object_calls_.load();
      // The latest usage seen, from whichever client saw it: the org's counter only grows.
      const std::string& mine = context_.client()->server_info().limit_info;
      report_.limit_info = ApiUsage(limit_info_) > ApiUsage(mine) ? limit_info_ : mine;
    }
    return std::move(report_);
  }

 private:
  // One object, planned already, synced through its own client (its API calls are its own) and the
  // shared, serialized store.
  Status SyncPlanned(const ObjectPlan& plan, store::Store* store, int slices, const QuietCheck* quiet, bool full,
                     store::ObjectRunStats* stats) {
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
    settings.max_slices = slices;
    settings.quiet = quiet;
    settings.progress = options_.progress;
    settings.full_requested = full;
    std::unique_ptr<RestClient> client = context_.NewClient();
    ObjectSyncer syncer(client.get(), store, clock_, &plan, settings);
    Status s = syncer.Run(stats);
    const salesforce::ServerInfo info = client->server_info();
    stats->api_calls += info.api_calls;
    object_calls_ += info.api_calls;
    std::lock_guard<std::mutex> lock(mu_);
    if (ApiUsage(info.limit_info) > ApiUsage(limit_info_)) limit_info_ = info.limit_info;
    return s;
  }

  // Records how an object ended (log, report, run history); a cause that would fail every later
  // object too stops the objects not started yet.
  // A store error names the database file it is about (the log and the final error line).
  void NameDatabase(Status* s) const {
    const bool store_error = s->reason() == "store" || s->reason() == "store.refused";
    if (store_error && s->message().find(StoreName(job_.store)) == std::string::npos) {
      *s = s->Annotate("database " + StoreName(job_.store));
    }
  }

  void Conclude(Status s, store::Store* store, store::ObjectRunStats* stats) {
    stats->finished_millis = clock_->NowMillis();
    if (stats->status.empty()) {
      stats->status = s.ok() ? "SUCCESS" : s.code() == StatusCode::kCancelled ? "PARTIAL" : "FAILED";
    }
    std::lock_guard<std::mutex> lock(mu_);
    if (!s.ok()) {
      NameDatabase(&s);
      stats->error = Redact(s.message());
      // A deliberate stop (a signal, a budget) is not an error of the object.
      const LogLevel level = s.code() == StatusCode::kCancelled                 ? LogLevel::kInfo
                             : s.reason() == salesforce::kBudgetReason ? LogLevel::kWarn
                                                                          : LogLevel::kError;
      Log(level, "{}: {}", stats->object, s.message());
      if (report_.error.ok()) report_.error = s.Annotate(stats->object);
      if (StopsRun(s) && report_.stopped_by.ok()) report_.stopped_by = s.Annotate(stats->object);
    } else if (stats->status == "SUCCESS") {
      LogWithFields(LogLevel::kInfo,
                    {{"rows_read", stats->rows_read},
                     {"rows_written", stats->rows_written},
                     {"rows_deleted", stats->rows_deleted},
                     {"api_calls", stats->api_calls},
                     {"watermark", stats->watermark_after}},
                    "{}: done", stats->object);
    }
    if (Status r = store->RecordObjectRun(report_.run_id, *stats); !r.ok() && report_.error.ok()) report_.error = r;
  }

  bool FullRequested(const config::ObjectConfig& config) const {
    for (const std::string& name : options_.full) {
      if (EqualsIgnoringAsciiCase(name, config.name) || EqualsIgnoringAsciiCase(name, TableFor(config))) return true;
    }
    return false;
  }

  bool Stopping() {
    std::lock_guard<std::mutex> lock(mu_);
    return !report_.stopped_by.ok();
  }

  // The composite quiet check (quiet_probe.h) of the objects that are loaded, incremental and have
  // their describes cached; the others get no check.
  std::vector<std::optional<QuietCheck>> ProbeObjects() {
    std::vector<std::optional<QuietCheck>> out(job_.objects.size());
    std::vector<ProbeCandidate> candidates;
    std::vector<size_t> index;
    for (size_t i = 0; i < job_.objects.size(); ++i) {
      const config::ObjectConfig& config = job_.objects[i];
      if (config.mode != "incremental" || FullRequested(config)) continue;
      StatusOr<store::SyncState> state = store_->LoadState(TableFor(config));
      if (!state.ok() || state->watermark.empty() || state->load_in_progress || !state->full_pass_reason.empty()) {
        continue;
      }
      StatusOr<JobContext::CachedPlan> cached = context_.PlanFromCache(config);
      if (!cached.ok() || !cached->plan.incremental) continue;
      candidates.push_back({std::move(cached->plan), std::move(cached->describes), std::move(*state)});
      index.push_back(i);
    }
    if (candidates.empty()) return out;
    const int64_t server = client_->server_info().server_date_millis;
    const int64_t now = server != 0 ? server : clock_->NowMillis() / 1000 * 1000;
    StatusOr<std::vector<QuietCheck>> checks = ProbeQuiet(client_, now, candidates);
    if (!checks.ok()) {
      SFSYNC_LOG(kWarn, "the quiet check failed ({}); the objects read as usual", checks.status().message());
      return out;
    }
    int quiet = 0;
    for (size_t k = 0; k < candidates.size(); ++k) {
      QuietCheck& check = (*checks)[k];
      const std::string table = TableFor(job_.objects[index[k]]);
      if (check.describes_unchanged) {
        for (const auto& [object, modified] : candidates[k].describes) {
          if (!context_.AcceptCachedDescribe(table, object).ok()) check.quiet = check.describes_unchanged = false;
        }
      }
      quiet += check.quiet;
      out[index[k]] = std::move(check);
    }
    SFSYNC_LOG(kInfo, "quiet check: {} of {} objects have nothing new to read", quiet, candidates.size());
    return out;
  }

  // Plans every object in the job's order (describes, one thread), then syncs the planned ones side
  // by side: up to max_concurrent_requests objects at once, each large load split into slices that
  // share the same cap (RequestGate), every write through one serialized store.
  void SyncObjects() {
    const size_t n = job_.objects.size();
    report_.objects.resize(n);
    std::vector<std::optional<ObjectPlan>> plans(n);
    const std::vector<std::optional<QuietCheck>> quiet = ProbeObjects();
    for (size_t i = 0; i < n; ++i) {
      const config::ObjectConfig& config = job_.objects[i];
      store::ObjectRunStats& stats = report_.objects[i];
      stats.object = config.name;
      stats.table = TableFor(config);
      stats.started_millis = clock_->NowMillis();
      if (Stopping()) {
        stats.status = "SKIPPED";
        Conclude(Status::Ok(), store_, &stats);
        continue;
      }
      const int64_t calls_before = client_->server_info().api_calls;
      StatusOr<ObjectPlan> planned = context_.Plan(config);
      stats.api_calls = client_->server_info().api_calls - calls_before;
      if (planned.ok()) {
        plans[i] = std::move(*planned);
      } else {
        Conclude(planned.status(), store_, &stats);
      }
    }
    store::SerializedStore serialized(store_);
    const int cap = std::max(1, job_.connection.max_concurrent_requests);
    const size_t workers = std::min<size_t>(n, static_cast<size_t>(cap));
    // A load's share of the request cap: all of it when one object runs, less when several do.
    const int slices = static_cast<int>((cap + workers - 1) / std::max<size_t>(workers, 1));
    std::atomic<size_t> next{0};
    const LogTags run_tags = CurrentLogTags();
    auto work = [&] {
      for (size_t i = next++; i < n; i = next++) {
        if (!plans[i]) continue;
        store::ObjectRunStats& stats = report_.objects[i];
        LogTags tags = run_tags;
        tags.object = stats.object;
        const LogContext object_context(std::move(tags));
        if (Stopping()) {
          stats.status = "SKIPPED";
          Conclude(Status::Ok(), &serialized, &stats);
          continue;
        }
        SFSYNC_LOG(kInfo, "{}: syncing", stats.object);
        stats.started_millis = clock_->NowMillis();
        if (options_.progress != nullptr) options_.progress->Started(stats.object);
        const Status s = SyncPlanned(*plans[i], &serialized, slices, quiet[i] ? &*quiet[i] : nullptr,
                                     FullRequested(job_.objects[i]), &stats);
        Conclude(s, &serialized, &stats);
        if (options_.progress != nullptr) options_.progress->Finished(stats.object, stats.status);
      }
    };
    std::vector<std::thread> threads;
    for (size_t w = 1; w < workers; ++w) threads.emplace_back(work);
    work();
    for (std::thread& t : threads) t.join();
  }

  void Finish() {
    int succeeded = 0;
    for (const auto& o : report_.objects) succeeded += o.status == "SUCCESS";
    // Stopped on purpose (a signal, or a budget reached): what committed is whole, the rest waits
    // for the next run.
    const bool interrupted = report_.stopped_by.code() == StatusCode::kCancelled ||
                             report_.stopped_by.reason() == salesforce::kBudgetReason;
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
    run.api_calls = client_->server_info().api_calls + object_calls_.load();
    run.error = report_.error.ok() ? "" : Redact(report_.error.message());
    if (Status s = store_->FinishRun(run); !s.ok() && report_.error.ok()) report_.error = s;
    StatusOr<int64_t> pruned = store_->PruneRuns(job_.name, job_.keep_runs);
    if (!pruned.ok()) {
      SFSYNC_LOG(kWarn, "pruning run history failed: {}", pruned.status().message());
    } else if (*pruned > 0) {
      SFSYNC_LOG(kDebug, "run history: {} runs older than the newest {} removed (keep_runs)", *pruned, job_.keep_runs);
    }
  }

  const config::Job& job_;
  Clock* clock_;
  RunOptions options_;
  RunReport report_;
  JobContext context_;
  RestClient* client_ = nullptr;
  store::Store* store_ = nullptr;
  std::atomic<int64_t> object_calls_{0};  // API calls of the objects' own clients
  std::mutex mu_;                         // guards report_ and limit_info_ while objects run
  std::string limit_info_;
};

}  // namespace

RunReport RunJob(const config::Job& job, salesforce::HttpTransport* transport, Clock* clock,
                 const RunOptions& options) {
  return JobRun(job, transport, clock, options).Run();
}

Status RecordSkippedRun(const config::Job& job, Clock* clock, const std::string& reason) {
  SFSYNC_ASSIGN_OR_RETURN(JobStore opened, OpenJobStore(job));
  store::Store* store = opened.store.get();
  const int64_t now = clock->NowMillis();
  SFSYNC_ASSIGN_OR_RETURN(int64_t run_id, store->BeginRun(job.name, now));
  store::RunRecord run;
  run.run_id = run_id;
  run.job = job.name;
  run.status = "SKIPPED";
  run.finished_millis = now;
  run.error = reason;
  SFSYNC_RETURN_IF_ERROR(store->FinishRun(run));
  return store->PruneRuns(job.name, job.keep_runs).status();
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

std::string FormatRunSummaryLine(const RunReport& r) {
  int64_t read = 0, written = 0, deleted = 0;
  std::vector<std::string> not_ok;
  for (const auto& o : r.objects) {
    read += o.rows_read;
    written += o.rows_written;
    deleted += o.rows_deleted;
    if (o.status != "SUCCESS") not_ok.push_back(o.object + " " + o.status);
  }
  std::string line = fmt::format("job {}: {} in {:.2f} s", r.job, r.status, r.seconds);
  if (!r.objects.empty()) {
    line += fmt::format(", {} objects, {} rows read ({} written, {} deleted)", r.objects.size(), read, written, deleted);
  }
  line += fmt::format(", {} API calls{}", r.api_calls, r.limit_info.empty() ? "" : " (" + r.limit_info + ")");
  if (r.peak_rss_kib > 0) line += fmt::format(", peak memory {} MiB", (r.peak_rss_kib + 1023) / 1024);
  if (!not_ok.empty()) {
    line += ": ";
    for (size_t i = 0; i < not_ok.size(); ++i) line += (i > 0 ? ", " : "") + not_ok[i];
  }
  return line;
}

std::string FormatRunSummary(const RunReport& r) {
  std::string out = FormatRunSummaryLine(r) + "\n";
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
