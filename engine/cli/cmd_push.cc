// `sfsync push` and `sfsync conflicts` (README "Push-back").
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>

#include "engine/cli/commands.h"
#include "engine/core/exit_codes.h"
#include "engine/core/log.h"
#include "engine/push/push_job.h"
#include "engine/store/store.h"
#include "engine/sync/job_context.h"
#include "engine/sync/job_store.h"

namespace sfsync::cli {
namespace {

// Opens the job's database for the commands that only read or settle local state (no connection,
// no run lock: their writes are single transactions).
StatusOr<std::unique_ptr<store::Store>> OpenJobStore(const config::Job& job) {
  if (job.store.is_postgres()) {
    auto store = sync::OpenPostgresUnlocked(job);
    if (store.status().code() == StatusCode::kNotFound) {
      return Status(StatusCode::kFailedPrecondition,
                    fmt::format("{} holds no sfsync tables yet: run the job first (sfsync run)", sync::StoreName(job.store)),
                    std::string(store::kRefusedReason));
    }
    return store;
  }
  if (!std::filesystem::exists(job.store.sqlite_path)) {
    return Status(StatusCode::kFailedPrecondition,
                  fmt::format("{} does not exist yet: run the job first (sfsync run)", job.store.sqlite_path),
                  std::string(store::kRefusedReason));
  }
  return store::OpenSqliteStore(job.store.sqlite_path);
}

std::string Show(const Cell& c) { return c.is_null() ? "NULL" : c.DebugString(); }

int ListErrors(const config::Job& job, const PushFlags& flags) {
  auto store = OpenJobStore(job);
  if (!store.ok()) {
    PrintError(store.status().message());
    return ExitCodeFor(store.status());
  }
  int64_t shown = 0;
  for (const config::ObjectConfig& o : job.objects) {
    if (!o.push) continue;
    const std::string table = sync::TableFor(o);
    if (!flags.object.empty() && flags.object != o.name && flags.object != table) continue;
    auto changes = (*store)->ListChanges(table, {"FAILED", "PENDING", "SENT"}, {});
    if (!changes.ok()) {
      PrintError(changes.status().message());
      return ExitCodeFor(changes.status());
    }
    for (const store::Change& c : *changes) {
      if (c.state != "FAILED" && c.status_code.empty()) continue;  // pending, never failed
      std::fputs(Redact(fmt::format("{} {} {} {} {}: {}{}\n", table, c.id, c.op, c.state, c.status_code, c.message,
                                    c.error_fields.empty() ? "" : " [" + c.error_fields + "]"))
                     .c_str(),
                 stdout);
      ++shown;
    }
  }
  if (shown == 0) std::fputs("no failed changes\n", stdout);
  return kExitOk;
}

}  // namespace

int PushCommand(const CommonFlags& common, const PushFlags& flags) {
  config::Job job;
  if (int rc = LoadJobForCommand(common, flags.job_path, &job); rc != kExitOk) return rc;
  if (!push::JobPushes(job)) {
    PrintError(fmt::format("job {} pushes no object: set push: true on the objects whose edits should reach "
                           "Salesforce",
                           job.name));
    return kExitInvalidJob;
  }
  if (flags.errors) return ListErrors(job, flags);
  std::unique_ptr<salesforce::HttpTransport> transport = TransportFor(job);
  push::PushOptions options;
  options.only_object = flags.object;
  options.dry_run = flags.dry_run;
  options.retry_failed = flags.retry;
  options.stop = InstallStopSignalHandlers("sfsync: stopping after the current call (signal again to abort)\n");
  push::PushReport report = push::PushJob(job, transport.get(), SystemClock(), options);
  if (!flags.quiet) std::fputs(Redact(push::FormatPushSummary(report)).c_str(), stdout);
  std::fflush(stdout);
  if (!report.error.ok()) {
    PrintError(report.error.message());
  } else if (report.status != "SUCCESS" && !report.dry_run) {
    PrintError("some changes were not pushed: sfsync push --errors lists failures, sfsync conflicts list the conflicts");
  }
  return report.dry_run && report.error.ok() ? kExitOk : push::ExitCodeForPush(report);
}

int ConflictsCommand(const CommonFlags& common, const ConflictsFlags& flags) {
  config::Job job;
  if (int rc = LoadJobForCommand(common, flags.job_path, &job); rc != kExitOk) return rc;
  auto store = OpenJobStore(job);
  if (!store.ok()) {
    PrintError(store.status().message());
    return ExitCodeFor(store.status());
  }
  if (flags.action == "list") {
    auto conflicts = (*store)->ListConflicts("");
    if (!conflicts.ok()) {
      PrintError(conflicts.status().message());
      return ExitCodeFor(conflicts.status());
    }
    if (conflicts->empty()) {
      std::fputs("no open conflicts\n", stdout);
      return kExitOk;
    }
    std::fputs(fmt::format("{:>6}  {:<16} {:<18} {:<16} {:<16} {:<20} {:<20} {}\n", "id", "table", "record", "kind",
                           "column", "base", "local", "remote")
                   .c_str(),
               stdout);
    for (const store::Conflict& c : *conflicts) {
      std::fputs(Redact(fmt::format("{:>6}  {:<16} {:<18} {:<16} {:<16} {:<20} {:<20} {}\n", c.conflict_id, c.table,
                                    c.id, c.kind, c.column.empty() ? "-" : c.column, Show(c.base), Show(c.local),
                                    Show(c.remote)))
                     .c_str(),
                 stdout);
    }
    return kExitOk;
  }
  Cell value = Cell::Null();
  if (flags.take == "value") {
    if (flags.value_null != flags.value.empty()) {  // exactly one of --value V and --null
      PrintError("--take value needs --value V or --null");
      return kExitUsage;
    }
    if (!flags.value_null) value = Cell::Text(flags.value);
  } else if (!flags.value.empty() || flags.value_null) {
    PrintError("--value and --null go with --take value only");
    return kExitUsage;
  }
  Status s = (*store)->ResolveConflict(flags.conflict_id, flags.take, value);
  if (!s.ok()) {
    PrintError(s.message());
    return s.code() == StatusCode::kNotFound || s.code() == StatusCode::kInvalidArgument ||
                   s.code() == StatusCode::kFailedPrecondition
               ? kExitUsage
               : ExitCodeFor(s);
  }
  std::fputs(fmt::format("conflict {} resolved: {}\n", flags.conflict_id, flags.take).c_str(), stdout);
  return kExitOk;
}

}  // namespace sfsync::cli
