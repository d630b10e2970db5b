#include "engine/sync/run.h"

#include <fmt/format.h>

#include <map>
#include <memory>

#include "connectors/salesforce/auth.h"
#include "connectors/salesforce/rest_client.h"
#include "engine/core/log.h"
#include "engine/sync/object_sync.h"
#include "engine/sync/planner.h"
#include "engine/sync/run_lock.h"

namespace sfsync::sync {

salesforce::OAuthSettings ToOAuthSettings(const config::Job& job) {
  const config::ConnectionConfig& c = job.connection;
  salesforce::OAuthSettings s;
  s.login_url = c.login_url;
  s.flow = c.auth.flow;
  s.client_id = c.auth.client_id;
  s.client_secret = c.auth.client_secret;
  s.refresh_token = c.auth.refresh_token;
  s.username = c.auth.username;
  s.private_key_file = c.auth.private_key_file;
  s.private_key_passphrase = c.auth.private_key_passphrase;
  s.scopes = c.auth.scopes;
  s.redirect_uri = c.auth.redirect_uri;
  s.session_timeout_seconds = c.auth.session_timeout_seconds;
  s.state_dir = job.state_dir;
  return s;
}

namespace {

using salesforce::RestClient;
using salesforce::SObjectInfo;

// Causes that would fail every later object too, so the run stops instead of trying them.
bool StopsRun(const Status& s) {
  switch (s.code()) {
    case StatusCode::kUnauthenticated:
    case StatusCode::kResourceExhausted:
    case StatusCode::kCancelled:
    case StatusCode::kUnavailable:
    case StatusCode::kDeadlineExceeded:
      return true;
    default:
      return s.reason() == "store" || s.reason() == "tls";
  }
}

class JobRun {
 public:
  JobRun(const config::Job& job, salesforce::HttpTransport* transport, Clock* clock, const RunOptions& options)
      : job_(job), transport_(transport), clock_(clock), options_(options) {
    report_.job = job.name;
    report_.database = job.store.sqlite_path;
  }

  RunReport Run() {
    const auto start = clock_->Monotonic();
    Status s = Authenticate();
    if (s.ok()) s = OpenStore();
    if (s.ok()) {
      SyncObjects();
      Finish();
    } else {
      report_.status = "FAILED";
      report_.error = s;
    }
    report_.seconds = std::chrono::duration<double>(clock_->Monotonic() - start).count();
    if (client_) {
      report_.api_calls = client_->server_info().api_calls;
      report_.limit_info = client_->server_info().limit_info;
    }
    return std::move(report_);
  }

 private:
  Status Authenticate() {
    SFSYNC_ASSIGN_OR_RETURN(tokens_, salesforce::NewTokenProvider(ToOAuthSettings(job_), transport_, clock_));
    SFSYNC_ASSIGN_OR_RETURN(salesforce::Session session, tokens_->Current());
    SFSYNC_LOG(kInfo, "authenticated ({} flow); instance {}", job_.connection.auth.flow, session.instance_url);
    salesforce::RestOptions rest;
    rest.api_version = job_.connection.api_version;
    rest.max_attempts = job_.connection.max_attempts;
    client_ = std::make_unique<RestClient>(transport_, tokens_.get(), clock_, rest);
    return Status::Ok();
  }

  Status OpenStore() {
    SFSYNC_ASSIGN_OR_RETURN(lock_, RunLock::Acquire(job_.store.sqlite_path + ".lock"));
    SFSYNC_ASSIGN_OR_RETURN(store_, store::OpenSqliteStore(job_.store.sqlite_path));
    SFSYNC_ASSIGN_OR_RETURN(report_.run_id, store_->BeginRun(job_.name, clock_->NowMillis()));
    return Status::Ok();
  }

  StatusOr<SObjectInfo> Describe(const std::string& object) {
    auto it = describes_.find(object);
    if (it != describes_.end()) return it->second;
    SFSYNC_ASSIGN_OR_RETURN(salesforce::DescribeResult result, client_->Describe(object));
    return describes_.emplace(object, std::move(result.info)).first->second;
  }

  Status SyncObject(const config::ObjectConfig& config, store::ObjectRunStats* stats) {
    const int64_t calls_before = client_->server_info().api_calls;
    auto planned = [&]() -> StatusOr<ObjectPlan> {
      SFSYNC_ASSIGN_OR_RETURN(SObjectInfo info, Describe(config.name));
      return PlanObject(config, info, [this](const std::string& o) { return Describe(o); });
    }();
    if (!planned.ok()) {
      stats->api_calls = client_->server_info().api_calls - calls_before;
      return planned.status();
    }
    const ObjectPlan& plan = *planned;
    auto changes = store_->EnsureTable(plan.table);
    if (!changes.ok()) return changes.status();
    for (const store::SchemaChange& c : *changes) {
      SFSYNC_LOG(kInfo, "{}: table {}: {} {}", plan.object, plan.table.table, c.column, c.detail);
    }
    SyncSettings settings;
    settings.settle_lag_millis = job_.settle_lag_seconds * 1000;
    settings.stop = options_.stop;
    ObjectSyncer syncer(client_.get(), store_.get(), clock_, &plan, settings);
    Status s = syncer.Run(stats);
    stats->api_calls = client_->server_info().api_calls - calls_before;
    return s;
  }

  void SyncObjects() {
    bool stopping = false;
    for (const config::ObjectConfig& config : job_.objects) {
      store::ObjectRunStats stats;
      stats.object = config.name;
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
        if (StopsRun(s)) stopping = true;
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
    const bool interrupted = report_.error.code() == StatusCode::kCancelled;
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
  salesforce::HttpTransport* transport_;
  Clock* clock_;
  RunOptions options_;
  RunReport report_;
  std::unique_ptr<salesforce::TokenProvider> tokens_;
  std::unique_ptr<RestClient> client_;
  std::unique_ptr<RunLock> lock_;
  std::unique_ptr<store::Store> store_;
  std::map<std::string, SObjectInfo> describes_;
};

}  // namespace

RunReport RunJob(const config::Job& job, salesforce::HttpTransport* transport, Clock* clock,
                 const RunOptions& options) {
  return JobRun(job, transport, clock, options).Run();
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
