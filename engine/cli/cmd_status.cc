// `sfsync status JOB|DB [--json]`: per table, how it stands (last run, rows, watermark and lag,
// push-back backlog, schema changes not looked at yet), the job's budgets and its last runs; read
// from the database, without connecting. Given a database file instead of a job, every job that
// writes it is shown.
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <tuple>
#include <nlohmann/json.hpp>

#include "engine/cli/commands.h"
#include "engine/config/job_loader.h"
#include "engine/core/clock.h"
#include "engine/core/exit_codes.h"
#include "engine/core/log.h"
#include "engine/core/time_format.h"
#include "engine/store/pg/pg_status.h"
#include "engine/store/status_reader.h"
#include "engine/store/store.h"
#include "engine/sync/job_store.h"

namespace sfsync::cli {
namespace {

using ordered_json = nlohmann::ordered_json;

bool IsSqliteFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  char magic[16] = {};
  f.read(magic, sizeof magic);
  return f.gcount() == 16 && std::string(magic, 15) == "SQLite format 3";
}

std::string WatermarkText(const store::Watermark& w) {
  if (w.empty()) return "";
  return w.id.empty() ? w.ts : w.ts + "|" + w.id;
}

// Milliseconds from the watermark to now; -1 when there is none.
int64_t LagMillis(const store::TableStatus& t, int64_t now) {
  if (t.watermark.empty()) return -1;
  StatusOr<int64_t> at = ParseDateTime(t.watermark.ts);
  return at.ok() ? now - *at : -1;
}

std::string When(int64_t millis, int64_t now) {
  if (millis <= 0) return "-";
  return FormatIsoUtc(millis).substr(0, 19) + "Z (" + FormatAgo(now - millis) + ")";
}

std::string StateNote(const store::TableStatus& t) {
  if (!t.full_pass_reason.empty()) return "full pass owed: " + t.full_pass_reason;
  if (t.load_in_progress) return t.watermark.empty() ? "first load in progress" : "reload in progress";
  if (t.watermark.empty()) return "not loaded yet";
  return "";
}

ordered_json TableJson(const store::TableStatus& t, int64_t now) {
  ordered_json j;
  j["table"] = t.table;
  j["object"] = t.object;
  j["job"] = t.job;
  j["mode"] = t.mode;
  j["rows"] = t.rows;
  j["watermark"] = WatermarkText(t.watermark);
  const int64_t lag = LagMillis(t, now);
  j["lag_seconds"] = lag < 0 ? ordered_json(nullptr) : ordered_json(lag / 1000);
  j["state"] = StateNote(t);
  if (t.last_run.status.empty()) {
    j["last_run"] = nullptr;
  } else {
    j["last_run"] = {{"run_id", t.last_run_id},
                     {"status", t.last_run.status},
                     {"started", FormatIsoUtc(t.last_run.started_millis)},
                     {"finished", t.last_run.finished_millis > 0 ? FormatIsoUtc(t.last_run.finished_millis) : ""},
                     {"rows_read", t.last_run.rows_read},
                     {"rows_written", t.last_run.rows_written},
                     {"rows_deleted", t.last_run.rows_deleted},
                     {"api_calls", t.last_run.api_calls},
                     {"error", t.last_run.error}};
  }
  j["push"] = {{"pending", t.pending_changes}, {"failed", t.failed_changes}, {"conflicts", t.conflicts}};
  ordered_json changes = ordered_json::array();
  for (const store::SchemaChangeRecord& c : t.new_schema_changes) {
    changes.push_back({{"change", c.change}, {"column", c.column}, {"detail", c.detail}, {"at", c.at}});
  }
  j["schema_changes_since_last_look"] = std::move(changes);
  return j;
}

std::string FormatText(const store::DatabaseStatus& st, const config::Job* job, int64_t now, const std::string& target) {
  std::string out;
  if (job != nullptr) {
    out += fmt::format("job {}: database {}\n", job->name, st.path);
  } else {
    out += fmt::format("database {}\n", st.path);
  }
  if (st.tables.empty()) out += "no table synced yet\n";
  if (!st.tables.empty()) {
    out += fmt::format("{:<20} {:<8} {:<32} {:>9} {:>6}  {:<43} {:<14} {}\n", "object", "status", "last run", "rows",
                       "calls", "watermark", "lag", "push-back");
  }
  int64_t conflicts = 0;
  for (const store::TableStatus& t : st.tables) {
    const int64_t lag = LagMillis(t, now);
    std::string name = t.object == t.table ? t.object : t.object + " (" + t.table + ")";
    if (job == nullptr) name = t.job + "/" + name;
    out += fmt::format("{:<20} {:<8} {:<32} {:>9} {:>6}  {:<43} {:<14} {} pending, {} failed, {} conflicts\n", name,
                       t.last_run.status.empty() ? "-" : t.last_run.status, When(t.last_run.started_millis, now), t.rows,
                       t.last_run.status.empty() ? 0 : t.last_run.api_calls,
                       t.watermark.empty() ? "-" : WatermarkText(t.watermark),
                       lag < 0 ? "-" : FormatDuration(lag), t.pending_changes, t.failed_changes, t.conflicts);
    if (const std::string note = StateNote(t); !note.empty()) out += "  " + note + "\n";
    if (!t.last_run.error.empty()) out += "  last error: " + t.last_run.error + "\n";
    conflicts += t.conflicts;
  }
  bool any_schema = false;
  for (const store::TableStatus& t : st.tables) {
    for (const store::SchemaChangeRecord& c : t.new_schema_changes) {
      if (!any_schema) out += "schema changes since the last look:\n";
      any_schema = true;
      out += fmt::format("  {} {}: {}{}{} ({})\n", c.at.substr(0, 19) + "Z", t.table, c.change,
                         c.column.empty() ? "" : " " + c.column, c.detail.empty() ? "" : ": " + c.detail, t.object);
    }
  }
  if (job != nullptr && (job->max_api_calls > 0 || job->max_percent_of_daily > 0)) {
    out += "budget:";
    if (job->max_api_calls > 0) out += fmt::format(" {} API calls per run (max_api_calls)", job->max_api_calls);
    if (job->max_percent_of_daily > 0) {
      out += fmt::format("{} stop at {}% of the org's daily API requests (max_percent_of_daily)",
                         job->max_api_calls > 0 ? ";" : "", job->max_percent_of_daily);
    }
    out += "\n";
  }
  out += "last runs:\n";
  if (st.runs.empty()) out += "  none\n";
  for (const store::RunRecord& r : st.runs) {
    const double seconds = r.finished_millis > r.started_millis ? (r.finished_millis - r.started_millis) / 1000.0 : 0;
    out += fmt::format("  run {:<5} {:<8} {:<32} {:>7.1f} s {:>6} API calls{}{}\n", r.run_id, r.status,
                       When(r.started_millis, now), seconds, r.api_calls, job == nullptr ? "  job " + r.job : "",
                       r.error.empty() ? "" : "  " + r.error);
  }
  if (conflicts > 0) {
    out += fmt::format("open conflicts: {} (sfsync conflicts list {})\n", conflicts, target);
  }
  return out;
}

}  // namespace

int StatusCommand(const CommonFlags& common, const StatusFlags& flags) {
  if (!SetUpLogging(common)) return kExitUsage;
  config::Job job;
  const bool by_job = !IsSqliteFile(flags.target);
  std::string db_path = flags.target;
  if (by_job) {
    // A status needs no Salesforce secret: the job is read offline, so it works where only the
    // database is (a PostgreSQL store's own password is still read).
    config::LoadOptions options;
    options.offline = true;
    options.offline_reads_store = true;
    auto loaded = config::LoadJobFile(flags.target, config::ProcessEnv(), options);
    if (!loaded.ok()) {
      PrintErrorLines(loaded.status().message());
      return ExitCodeFor(loaded.status());
    }
    job = std::move(*loaded);
    db_path = sync::StoreName(job.store);
  }
  const bool postgres = by_job && job.store.is_postgres();
  const int64_t now = SystemClock()->NowMillis();
  auto never_run = [&]() {
    if (flags.json) {
      ordered_json j = {{"job", job.name}, {"database", db_path}, {"checked", FormatIsoUtc(now)}, {"never_run", true}};
      std::puts(j.dump(2).c_str());
    } else {
      std::printf("job %s: database %s\nnever run (%s)\n", job.name.c_str(), db_path.c_str(),
                  postgres ? "no sfsync tables in its schema yet" : "no database yet");
    }
    return kExitOk;
  };
  if (by_job && !postgres && !std::filesystem::exists(db_path)) return never_run();
  // Opening through the store refuses a file sfsync did not create and brings its metadata up to
  // date; counting the changes folds edits captured since the last look into the outbox.
  std::vector<std::tuple<std::string, std::string, int64_t>> changes;
  {
    auto store = postgres ? sync::OpenPostgresUnlocked(job) : store::OpenSqliteStore(db_path);
    if (postgres && store.status().code() == StatusCode::kNotFound) return never_run();
    if (!store.ok()) {
      PrintError("database " + db_path + ": " + store.status().message());
      return ExitCodeFor(store.status());
    }
    auto counted = (*store)->CountChanges();
    if (!counted.ok()) {
      PrintError("database " + db_path + ": " + counted.status().message());
      return ExitCodeFor(counted.status());
    }
    changes = std::move(*counted);
  }
  auto st = postgres ? store::ReadPostgresStatus(sync::PostgresOptionsFor(job), job.name, flags.runs)
                     : store::ReadDatabaseStatus(db_path, by_job ? job.name : "", flags.runs);
  if (postgres && st.status().code() == StatusCode::kNotFound) return never_run();
  if (!st.ok()) {
    PrintError("database " + db_path + ": " + st.status().message());
    return ExitCodeFor(st.status());
  }
  if (flags.json) {
    ordered_json j;
    if (by_job) j["job"] = job.name;
    j["database"] = db_path;
    j["checked"] = FormatIsoUtc(now);
    j["objects"] = ordered_json::array();
    for (const store::TableStatus& t : st->tables) j["objects"].push_back(TableJson(t, now));
    if (by_job) {
      j["budget"] = {{"max_api_calls", job.max_api_calls}, {"max_percent_of_daily", job.max_percent_of_daily}};
    }
    j["runs"] = ordered_json::array();
    for (const store::RunRecord& r : st->runs) {
      j["runs"].push_back({{"run_id", r.run_id},
                           {"job", r.job},
                           {"status", r.status},
                           {"started", FormatIsoUtc(r.started_millis)},
                           {"finished", r.finished_millis > 0 ? FormatIsoUtc(r.finished_millis) : ""},
                           {"api_calls", r.api_calls},
                           {"error", r.error}});
    }
    std::puts(Redact(j.dump(2)).c_str());
  } else {
    std::string text = FormatText(*st, by_job ? &job : nullptr, now, flags.target);
    std::string backlog;
    for (const auto& [table, state, n] : changes) {
      if (state != "DONE") backlog += fmt::format("  {} {} {}\n", table, state, n);
    }
    if (!backlog.empty()) text += "push-back changes by table and state:\n" + backlog;
    std::fputs(Redact(text).c_str(), stdout);
  }
  std::fflush(stdout);
  // Shown once: the next status lists only newer schema changes. A database busy with a sync keeps
  // its marker; they are shown again next time.
  if (Status s = postgres ? store::MarkPostgresSchemaChangesSeen(sync::PostgresOptionsFor(job), st->schema_seq)
                          : store::MarkSchemaChangesSeen(db_path, st->schema_seq);
      !s.ok()) {
    SFSYNC_LOG(kDebug, "status: schema changes not marked as seen: {}", s.message());
  }
  return kExitOk;
}

}  // namespace sfsync::cli
