#include <cstdio>

#include "engine/cli/commands.h"
#include "engine/core/exit_codes.h"
#include "engine/core/log.h"
#include "engine/sync/audit.h"

namespace sfsync::cli {

int AuditCommand(const CommonFlags& common, const AuditFlags& flags) {
  config::Job job;
  if (int rc = LoadJobForCommand(common, flags.job_path, &job); rc != kExitOk) return rc;
  std::unique_ptr<salesforce::HttpTransport> transport = TransportFor(job);
  sync::AuditOptions options;
  options.repair = !flags.dry_run;
  options.deep = flags.deep;
  sync::AuditReport report = sync::AuditJob(job, transport.get(), SystemClock(), options);
  if (!report.objects.empty()) std::fputs(Redact(sync::FormatAuditReport(report)).c_str(), stdout);
  std::fflush(stdout);
  if (!report.error.ok()) {
    PrintError(report.error.message());
    return ExitCodeFor(report.error);
  }
  if (flags.dry_run && sync::FoundDifferences(report)) {
    PrintError("the database differs from the org (see the table above); sfsync audit without --dry-run repairs it");
    return kExitDrift;
  }
  return kExitOk;
}

}  // namespace sfsync::cli
