// `sfsync export` (README "Exports"): one object's rows, streamed from one read transaction of the
// store, as CSV or JSON Lines, to a file (gzip for .gz) or standard output.
#include <fmt/format.h>

#include "engine/cli/commands.h"
#include "engine/config/job_loader.h"
#include "engine/core/ascii.h"
#include "engine/core/exit_codes.h"
#include "engine/core/log.h"
#include "engine/core/time_format.h"
#include "engine/export/formats.h"
#include "engine/export/sink.h"
#include "engine/store/pg/pg_export.h"
#include "engine/store/table_export.h"
#include "engine/sync/job_store.h"

namespace sfsync::cli {
namespace {

// Rows are written in blocks of about this many bytes: memory stays bounded by one block and one row.
constexpr size_t kBlockBytes = 1 << 20;

}  // namespace

int ExportCommand(const CommonFlags& common, const ExportFlags& flags) {
  if (!SetUpLogging(common)) return kExitUsage;
  // Reads only the database: no Salesforce secret is needed.
  config::LoadOptions options;
  options.offline = true;
  options.offline_reads_store = true;
  auto job = config::LoadJobFile(flags.job_path, config::ProcessEnv(), options);
  if (!job.ok()) {
    PrintErrorLines(job.status().message());
    return ExitCodeFor(job.status());
  }
  const config::ObjectConfig* object = nullptr;
  for (const config::ObjectConfig& o : job->objects) {
    if (EqualsIgnoringAsciiCase(o.name, flags.object) || EqualsIgnoringAsciiCase(o.table, flags.object)) object = &o;
  }
  if (object == nullptr) {
    PrintError(fmt::format("job {} has no object {}", job->name, flags.object));
    return kExitUsage;
  }
  std::string at;
  if (!flags.at.empty()) {
    StatusOr<int64_t> millis = ParseDateTime(flags.at);
    if (!millis.ok()) {
      PrintError(fmt::format("--at {}: not an ISO 8601 date and time (e.g. 2026-09-30T23:59:59Z): {}", flags.at,
                             millis.status().message()));
      return kExitUsage;
    }
    if (job->store.is_postgres()) {
      PrintError("--at reads row versions, which only an SQLite store keeps for now (history: true)");
      return kExitUsage;
    }
    at = FormatIsoUtc(*millis);
  }
  auto sink = exporter::OpenSink(flags.out);
  if (!sink.ok()) {
    PrintError(sink.status().message());
    return kExitUsage;
  }
  const exporter::Format format = flags.format == "jsonl" ? exporter::Format::kJsonl : exporter::Format::kCsv;
  std::vector<store::ExportColumn> columns;
  std::string block;
  int64_t rows = 0;
  const store::ExportQuery query{object->table, flags.columns, flags.where, at};
  auto on_header = [&](const std::vector<store::ExportColumn>& chosen) {
    columns = chosen;
    exporter::AppendHeader(format, columns, &block);
    return Status::Ok();
  };
  auto on_row = [&](const std::vector<Cell>& cells) {
    exporter::AppendRow(format, columns, cells, &block);
    ++rows;
    if (block.size() < kBlockBytes) return Status::Ok();
    Status w = (*sink)->Write(block);
    block.clear();
    return w;
  };
  Status s = job->store.is_postgres()
                 ? store::ExportPostgresTable(sync::PostgresOptionsFor(*job), query, on_header, on_row)
                 : store::ExportSqliteTable(job->store.sqlite_path, query, on_header, on_row);
  if (s.ok()) s = (*sink)->Write(block);
  if (s.ok()) s = (*sink)->Commit();
  if (!s.ok()) {
    PrintError(s.message());
    // A condition, a column or an output path the command line got wrong is a usage error.
    const bool usage = s.reason() == "export.where" || s.reason() == "export.out" || s.reason() == "usage";
    return usage ? kExitUsage : ExitCodeFor(s);
  }
  SFSYNC_LOG(kInfo, "exported {} rows of {} to {}", rows, object->table,
             flags.out == "-" ? "standard output" : flags.out);
  return kExitOk;
}

}  // namespace sfsync::cli
