#include "engine/store/snapshot.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "engine/core/time_format.h"
#include "engine/store/capture.h"
#include "engine/store/history.h"
#include "engine/store/sqlite_db.h"
#include "engine/store/store.h"
#include "engine/store/table_export.h"

namespace sfsync::store {
namespace {

constexpr int kBusyMillis = 5000;


// Removes `path` (and its journal) unless released: a failed snapshot leaves nothing behind.
class PartialFile {
 public:
  explicit PartialFile(std::string path) : path_(std::move(path)) {}
  ~PartialFile() {
    if (!released_) {
      ::unlink(path_.c_str());
      ::unlink((path_ + "-journal").c_str());
    }
  }
  void Release() { released_ = true; }

 private:
  std::string path_;
  bool released_ = false;
};

// The store at `source`, refused unless it exists and sfsync wrote it.
StatusOr<Db> OpenSource(const std::string& source) {
  std::error_code ec;
  if (!std::filesystem::exists(source, ec)) {
    return RefusedError(fmt::format("{} does not exist yet: run the job first (sfsync run)", source));
  }
  SFSYNC_ASSIGN_OR_RETURN(Db src, Db::Open(source, "", kBusyMillis));
  SFSYNC_ASSIGN_OR_RETURN(std::string meta,
                          src.QueryText("SELECT count(*) FROM sqlite_master WHERE name = '_sfsync_meta'"));
  if (meta != "1") return RefusedError(fmt::format("{} is not a database sfsync wrote", source));
  return src;
}

// PRAGMA integrity_check of the finished (closed) `partial`, then its rename to `out`.
Status CheckAndRename(const std::string& partial, const std::string& out) {
  {
    SFSYNC_ASSIGN_OR_RETURN(Db dst, Db::Open(partial, "", kBusyMillis));
    SFSYNC_ASSIGN_OR_RETURN(std::string integrity, dst.QueryText("PRAGMA integrity_check"));
    if (integrity != "ok") return RefusedError(fmt::format("the snapshot failed its integrity check: {}", integrity));
  }
  if (::rename(partial.c_str(), out.c_str()) != 0) {
    return RefusedError(fmt::format("{}: cannot rename {} into place: {}", out, partial, std::strerror(errno)));
  }
  return Status::Ok();
}

}  // namespace

StatusOr<SnapshotInfo> SnapshotSqliteStore(const std::string& source, const std::string& out, const std::string& job,
                                           int64_t now_millis) {
  SFSYNC_ASSIGN_OR_RETURN(Db src, OpenSource(source));

  const std::string partial = out + ".partial";
  ::unlink(partial.c_str());
  PartialFile cleanup(partial);
  // Db::Open creates the file 0600: the org's data stays the user's.
  SFSYNC_ASSIGN_OR_RETURN(Db dst, Db::Open(partial, "", kBusyMillis));
  {
    sqlite3_backup* backup = sqlite3_backup_init(dst.raw(), "main", src.raw(), "main");
    if (backup == nullptr) return SqliteError(dst.raw(), sqlite3_errcode(dst.raw()), "starting the snapshot");
    // One step copies every page under one read transaction of the source: one committed state.
    int rc = sqlite3_backup_step(backup, -1);
    const int finish = sqlite3_backup_finish(backup);
    if (rc != SQLITE_DONE) return SqliteError(dst.raw(), rc, fmt::format("copying {}", source));
    if (finish != SQLITE_OK) return SqliteError(dst.raw(), finish, fmt::format("copying {}", source));
  }
  SnapshotInfo info;
  info.taken_at = FormatIsoUtc(now_millis);
  // A file to carry around: no -wal beside it, and no push-back capture (edits here go nowhere).
  SFSYNC_ASSIGN_OR_RETURN(std::string mode, dst.QueryText("PRAGMA journal_mode = DELETE"));
  if (mode != "delete") return RefusedError(fmt::format("{}: cannot leave WAL mode ({})", partial, mode));
  {
    SFSYNC_ASSIGN_OR_RETURN(Statement triggers,
                            dst.Prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE "
                                        "'\\_sfsync\\_cap\\_%' ESCAPE '\\'"));
    SFSYNC_ASSIGN_OR_RETURN(std::vector<std::string> names, triggers.TextsOfColumn(0));
    for (const std::string& name : names) SFSYNC_RETURN_IF_ERROR(dst.Exec("DROP TRIGGER " + QuoteIdentifier(name)));
  }
  {
    SFSYNC_ASSIGN_OR_RETURN(Statement last,
                            dst.Prepare("SELECT run_id, coalesce(finished_millis, 0) FROM _sfsync_runs WHERE status <> "
                                        "'RUNNING' AND (?1 = '' OR job = ?1) ORDER BY run_id DESC LIMIT 1"));
    last.BindText(1, job);
    SFSYNC_ASSIGN_OR_RETURN(bool found, last.Step());
    if (found) {
      info.last_run_id = last.ColumnInt(0);
      info.last_run_finished = FormatIsoUtc(last.ColumnInt(1));
    }
  }
  SFSYNC_ASSIGN_OR_RETURN(std::string tables, dst.QueryText("SELECT count(*) FROM _sfsync_state"));
  info.tables = std::stoll(tables);
  SFSYNC_RETURN_IF_ERROR(dst.Exec("CREATE TABLE _sfsync_snapshot (key TEXT PRIMARY KEY, value TEXT NOT NULL)"));
  {
    SFSYNC_ASSIGN_OR_RETURN(Statement put, dst.Prepare("INSERT INTO _sfsync_snapshot (key, value) VALUES (?1, ?2)"));
    const std::vector<std::pair<std::string, std::string>> rows = {
        {"taken_at", info.taken_at},
        {"source", std::filesystem::absolute(source).string()},
        {"job", job},
        {"last_run_id", std::to_string(info.last_run_id)},
        {"last_run_finished", info.last_run_finished}};
    for (const auto& [key, value] : rows) {
      put.BindText(1, key);
      put.BindText(2, value);
      SFSYNC_RETURN_IF_ERROR(put.Run());
    }
  }
  dst = Db();  // closed: everything is on disk before the check and the rename
  SFSYNC_RETURN_IF_ERROR(CheckAndRename(partial, out));
  cleanup.Release();
  return info;
}

StatusOr<SnapshotInfo> SnapshotSqliteStoreAt(const std::string& source, const std::string& out, const std::string& job,
                                             const std::string& at, const std::vector<std::string>& tables,
                                             int64_t now_millis) {
  SFSYNC_ASSIGN_OR_RETURN(Db src, OpenSource(source));
  const std::string partial = out + ".partial";
  ::unlink(partial.c_str());
  PartialFile cleanup(partial);
  {
    // Created here, 0600, in rollback-journal mode: the org's data stays the user's, and the file
    // needs nothing beside it.
    SFSYNC_ASSIGN_OR_RETURN(Db dst, Db::Open(partial, "", kBusyMillis));
    SFSYNC_RETURN_IF_ERROR(dst.QueryText("PRAGMA journal_mode = DELETE").status());
  }
  SnapshotInfo info;
  info.taken_at = FormatIsoUtc(now_millis);
  {
    SFSYNC_RETURN_IF_ERROR(src.Exec("ATTACH " + QuoteLiteral(partial) + " AS snap"));
    // One transaction: every table read from the same committed state of the store.
    SFSYNC_RETURN_IF_ERROR(src.Exec("BEGIN"));
    for (const std::string& table : tables) {
      SFSYNC_ASSIGN_OR_RETURN(std::string history, HistoryTableOf(&src, table));
      SFSYNC_ASSIGN_OR_RETURN(Statement cols, src.Prepare("SELECT t.name, t.type, t.pk, h.name IS NOT NULL FROM "
                                                          "pragma_table_info(?1, 'main') t LEFT JOIN "
                                                          "pragma_table_info(?2, 'main') h ON h.name = t.name "
                                                          "COLLATE NOCASE ORDER BY t.cid"));
      cols.BindText(1, table);
      cols.BindText(2, history);
      std::string defs, names;
      while (true) {
        SFSYNC_ASSIGN_OR_RETURN(bool more, cols.Step());
        if (!more) break;
        const std::string name = QuoteIdentifier(cols.ColumnText(0));
        defs += fmt::format("{}{} {}{}", defs.empty() ? "" : ", ", name, cols.ColumnText(1),
                            cols.ColumnInt(2) > 0 ? " PRIMARY KEY" : "");
        if (cols.ColumnInt(3) != 0) names += (names.empty() ? "" : ", ") + name;
      }
      if (defs.empty()) return RefusedError(fmt::format("no table {} in {}", table, source));
      SFSYNC_RETURN_IF_ERROR(src.Exec(fmt::format("CREATE TABLE snap.{} ({})", QuoteIdentifier(table), defs)));
      SFSYNC_RETURN_IF_ERROR(
          src.Exec(fmt::format("INSERT INTO snap.{0} ({1}) SELECT {1} FROM main.{2} WHERE {3} "
                               "ORDER BY \"Id\"",
                               QuoteIdentifier(table), names, QuoteIdentifier(history), HistoryAsOfCondition(at))));
      info.rows += src.changes();
      ++info.tables;
    }
    std::string list;
    for (const std::string& t : tables) list += (list.empty() ? "" : ",") + t;
    SFSYNC_RETURN_IF_ERROR(src.Exec("CREATE TABLE snap._sfsync_snapshot (key TEXT PRIMARY KEY, value TEXT NOT NULL)"));
    SFSYNC_ASSIGN_OR_RETURN(Statement put,
                            src.Prepare("INSERT INTO snap._sfsync_snapshot (key, value) VALUES (?1, ?2)"));
    const std::vector<std::pair<std::string, std::string>> rows = {
        {"at", at},
        {"taken_at", info.taken_at},
        {"source", std::filesystem::absolute(source).string()},
        {"job", job},
        {"tables", list}};
    for (const auto& [key, value] : rows) {
      put.BindText(1, key);
      put.BindText(2, value);
      SFSYNC_RETURN_IF_ERROR(put.Run());
    }
    SFSYNC_RETURN_IF_ERROR(src.Exec("COMMIT"));
    SFSYNC_RETURN_IF_ERROR(src.Exec("DETACH snap"));
  }
  SFSYNC_RETURN_IF_ERROR(CheckAndRename(partial, out));
  cleanup.Release();
  return info;
}

}  // namespace sfsync::store
