// SqliteStore: opening, the page write (ApplyPage), sync state and the simple reads.
//
// Invariants kept here (ARCHITECTURE.md):
//  1. A watermark never moves past a row that is not committed: the rows of a page and the state
//     holding its watermark are written in one BEGIN IMMEDIATE ... COMMIT, so a crash at any point
//     leaves either the whole page with its watermark or neither (WAL; tested by crash_test.cc).
//  2. A watermark never moves backwards: ApplyPage reads the stored watermark inside the same
//     transaction (the write lock is already held, so no other writer can slip in between) and
//     refuses a page behind it before writing anything.
//  3. After the first storage error nothing more is written (sticky_), so a caller that ignores an
//     error cannot commit a later watermark over a page that was lost.
#include "engine/core/ascii.h"
#include "engine/store/sqlite_store.h"
#include "engine/store/outbox.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <string_view>
#include <unordered_set>

#include "engine/core/time_format.h"
#include "engine/store/cell_conversion.h"
#include "engine/store/metadata.h"
#include "engine/store/store_common.h"

namespace sfsync::store {
namespace {

constexpr const char* kReadState =
    "SELECT object, job, org_id, fields, where_clause, deletes, mode, cursor_field, watermark_ts, watermark_id, "
    "load_in_progress, load_after_id, load_since, deletes_checked_until, parent_watermarks, full_pass_reason, "
    "load_slices, bulk_resume FROM _sfsync_state WHERE table_name = ?1";

// INSERT OR REPLACE keeps the stored spelling of the table name only if it is the same; a table
// named in another case is the same table (COLLATE NOCASE), and its row is replaced whole.
constexpr const char* kWriteState =
    "INSERT OR REPLACE INTO _sfsync_state (table_name, object, job, org_id, fields, where_clause, deletes, mode, "
    "cursor_field, watermark_ts, watermark_id, load_in_progress, load_after_id, load_since, deletes_checked_until, "
    "parent_watermarks, full_pass_reason, updated_at, load_slices, bulk_resume) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)";

void BindStorage(Statement* stmt, int index, const Cell& value) {
  switch (value.kind) {
    case Cell::Kind::kNull: stmt->BindNull(index); break;
    case Cell::Kind::kInt: stmt->BindInt(index, value.i); break;
    case Cell::Kind::kDouble: stmt->BindDouble(index, value.d); break;
    case Cell::Kind::kText: stmt->BindText(index, value.s); break;
    case Cell::Kind::kBool: stmt->BindInt(index, value.b ? 1 : 0); break;  // ToStorage never returns it
  }
}

// Refuses a database that has tables but no _sfsync_meta: sfsync did not create it, and switching it
// to WAL or adding the metadata tables would already change someone else's file. Reads only.
Status CheckIsSfsyncStore(Db* db, const std::string& path) {
  SFSYNC_ASSIGN_OR_RETURN(
      std::string has_meta,
      db->QueryText("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '_sfsync_meta'"));
  if (has_meta != "0") return Status::Ok();
  SFSYNC_ASSIGN_OR_RETURN(std::string others,
                          db->QueryText("SELECT count(*) || ' ' || coalesce(group_concat(name, ', '), '') FROM "
                                        "(SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
                                        "ORDER BY name)"));
  if (others.rfind("0 ", 0) == 0) return Status::Ok();  // an empty database: ours to set up
  const size_t space = others.find(' ');
  std::string names = others.substr(space + 1);
  if (names.size() > 200) names = names.substr(0, 200) + "...";
  return RefusedError(fmt::format(
      "'{}' is an SQLite database that sfsync did not create ({} schema objects: {}); nothing was written to it. "
      "Point store.sqlite at a new file (sfsync keeps its own tables and _sfsync_* metadata there)",
      path, others.substr(0, space), names));
}

}  // namespace

EngineWrite::EngineWrite(Db* db, const std::string& at, int64_t run_id) : db_(db), txn_(db) {
  status_ = txn_.status();
  // `at` is the storage datetime form (digits, '-', ':', '.', 'T', 'Z'): safe as a literal.
  if (status_.ok()) {
    status_ =
        db_->Exec(fmt::format("UPDATE _sfsync_ctx SET applying = 1, at = '{}', run_id = {}, delete_at = NULL "
                              "WHERE k = 1",
                              at, run_id > 0 ? std::to_string(run_id) : "NULL"));
  }
}

Status EngineWrite::Commit() {
  SFSYNC_RETURN_IF_ERROR(status_);
  // Nothing of the transaction's context is committed: the row is as every connection sees it outside.
  SFSYNC_RETURN_IF_ERROR(
      db_->Exec("UPDATE _sfsync_ctx SET applying = 0, at = NULL, run_id = NULL, delete_at = NULL WHERE k = 1"));
  return txn_.Commit();
}

StatusOr<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path, const SqliteStoreOptions& options) {
  SFSYNC_ASSIGN_OR_RETURN(Db db, Db::Open(path, options.vfs, options.busy_timeout_millis));
  SFSYNC_RETURN_IF_ERROR(CheckIsSfsyncStore(&db, path));
  SFSYNC_ASSIGN_OR_RETURN(std::string mode, db.QueryText("PRAGMA journal_mode = WAL"));
  // An in-memory database reports "memory": it has nothing to keep safe across a crash.
  if (mode != "wal" && mode != "memory") {
    return RefusedError(fmt::format("'{}' cannot use WAL journaling (journal_mode is '{}')", path, mode));
  }
  // synchronous=NORMAL in WAL mode syncs at checkpoints, not at every commit: a killed process loses
  // nothing committed, a power cut may lose the last commits but never leaves a half-written one.
  SFSYNC_RETURN_IF_ERROR(
      db.Exec(fmt::format("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = OFF; PRAGMA cache_size = -{}; "
                          "PRAGMA journal_size_limit = 67108864;",
                          options.cache_size_mib * 1024)));
  SFSYNC_RETURN_IF_ERROR(InitMetadata(&db));
  Clock* clock = options.clock != nullptr ? options.clock : SystemClock();
  return std::unique_ptr<Store>(new SqliteStore(std::move(db), clock));
}

Status SqliteStore::Remember(Status status) {
  if (!status.ok() && status.reason() == kStoreReason && sticky_.ok()) sticky_ = status;
  return status;
}

std::string SqliteStore::Now() { return FormatIsoUtc(clock_->NowMillis()); }

std::string SqliteStore::ServerNow() { return FormatIsoUtc(clock_->NowMillis() + server_offset_millis_); }

StatusOr<Statement*> SqliteStore::Cached(const std::string& sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    SFSYNC_ASSIGN_OR_RETURN(Statement stmt, db_.Prepare(sql));
    it = statements_.emplace(sql, std::move(stmt)).first;
  }
  return &it->second;
}

StatusOr<Statement*> SqliteStore::UpsertStatement(const std::string& table,
                                                  const std::vector<const ColumnSpec*>& columns) {
  std::string key = table;
  for (const ColumnSpec* c : columns) {
    key += '\0';
    key += c->name;
  }
  auto it = upserts_.find(key);
  if (it != upserts_.end()) return &it->second;

  std::string names, params, updates;
  for (size_t i = 0; i < columns.size(); ++i) {
    const std::string quoted = QuoteIdentifier(columns[i]->name);
    names += (i ? ", " : "") + quoted;
    params += fmt::format("{}?{}", i ? ", " : "", i + 1);
    if (columns[i]->name != "Id") updates += (updates.empty() ? "" : ", ") + quoted + " = excluded." + quoted;
  }
  const std::string sql =
      fmt::format("INSERT INTO {} ({}) VALUES ({}) ON CONFLICT (\"Id\") DO {}", QuoteIdentifier(table), names, params,
                  updates.empty() ? std::string("NOTHING") : "UPDATE SET " + updates);
  SFSYNC_ASSIGN_OR_RETURN(Statement stmt, db_.Prepare(sql));
  return &upserts_.emplace(std::move(key), std::move(stmt)).first->second;
}

void SqliteStore::ForgetStatements() {
  statements_.clear();
  upserts_.clear();
}

StatusOr<SyncState> SqliteStore::ReadState(const std::string& table) {
  SFSYNC_ASSIGN_OR_RETURN(Statement * stmt, Cached(kReadState));
  stmt->BindText(1, table);
  SyncState state;
  SFSYNC_ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (row) {
    state.claim = TableClaim{stmt->ColumnText(1), stmt->ColumnText(0), stmt->ColumnText(2), stmt->ColumnText(3),
                             stmt->ColumnText(4), stmt->ColumnText(5), stmt->ColumnText(6)};
    state.cursor_field = stmt->ColumnText(7);
    state.watermark.ts = stmt->ColumnText(8);
    state.watermark.id = stmt->ColumnText(9);
    state.load_in_progress = stmt->ColumnInt(10) != 0;
    state.load_after_id = stmt->ColumnText(11);
    state.load_since = stmt->ColumnText(12);
    state.deletes_checked_until = stmt->ColumnText(13);
    state.parent_watermarks = DecodeParentWatermarks(stmt->ColumnText(14));
    state.full_pass_reason = stmt->ColumnText(15);
    StatusOr<std::vector<LoadSlice>> slices = DecodeLoadSlices(stmt->ColumnText(16));
    StatusOr<BulkResume> bulk = DecodeBulkResume(stmt->ColumnText(17));
    stmt->Reset();
    if (!slices.ok()) return slices.status();
    if (!bulk.ok()) return bulk.status();
    state.load_slices = std::move(*slices);
    state.bulk_resume = std::move(*bulk);
  }
  return state;
}

Status SqliteStore::WriteState(const std::string& table, const SyncState& state) {
  SFSYNC_ASSIGN_OR_RETURN(Statement * stmt, Cached(kWriteState));
  const std::string now = Now();
  // BindText keeps a pointer to the text until the statement runs: every bound text must outlive it.
  const std::string parents = EncodeParentWatermarks(state.parent_watermarks);
  const std::string slices = EncodeLoadSlices(state.load_slices);
  const std::string bulk = EncodeBulkResume(state.bulk_resume);
  const TableClaim& claim = state.claim;
  stmt->BindText(1, table);
  stmt->BindText(2, claim.object);
  stmt->BindText(3, claim.job);
  stmt->BindText(4, claim.org_id);
  stmt->BindText(5, claim.fields);
  stmt->BindText(6, claim.where);
  stmt->BindText(7, claim.deletes);
  stmt->BindText(8, claim.mode);
  stmt->BindText(9, state.cursor_field);
  stmt->BindText(10, state.watermark.ts);
  stmt->BindText(11, state.watermark.id);
  stmt->BindInt(12, state.load_in_progress ? 1 : 0);
  stmt->BindText(13, state.load_after_id);
  stmt->BindText(14, state.load_since);
  stmt->BindText(15, state.deletes_checked_until);
  stmt->BindText(16, parents);
  stmt->BindText(17, state.full_pass_reason);
  stmt->BindText(18, now);
  stmt->BindText(19, slices);
  stmt->BindText(20, bulk);
  return stmt->Run();
}

StatusOr<SyncState> SqliteStore::LoadState(const std::string& table) { return ReadState(table); }

Status SqliteStore::SaveState(const std::string& table, const SyncState& state) {
  if (!sticky_.ok()) return sticky_;
  return Remember(WriteState(table, state));
}

Status SqliteStore::ApplyPage(const TableSpec& spec, const RowBatch& rows, const std::vector<std::string>& delete_ids,
                              const SyncState& state, const std::vector<std::string>& delete_times) {
  if (!sticky_.ok()) return sticky_;
  if (!delete_times.empty() && delete_times.size() != delete_ids.size()) {
    return InvalidArgumentError(fmt::format("{} delete times for {} deletes", delete_times.size(), delete_ids.size()));
  }
  SFSYNC_ASSIGN_OR_RETURN(PagePlan plan, PlanPage(spec, rows));
  return Remember(WritePage(spec, plan.columns, rows, delete_ids, state, delete_times));
}

Status SqliteStore::CheckWatermarkForward(const std::string& table, const SyncState& state) {
  SFSYNC_ASSIGN_OR_RETURN(SyncState stored, ReadState(table));
  if (state.watermark < stored.watermark) {
    return RefusedError(fmt::format("the watermark of table {} would move backwards: stored {}, new {}", table,
                                    FormatWatermark(stored.watermark), FormatWatermark(state.watermark)));
  }
  return Status::Ok();
}

Status SqliteStore::WritePage(const TableSpec& spec, const std::vector<const ColumnSpec*>& columns,
                              const RowBatch& rows, const std::vector<std::string>& delete_ids, const SyncState& state,
                              const std::vector<std::string>& delete_times) {
  EngineWrite txn(&db_, ServerNow(), run_id_);
  SFSYNC_RETURN_IF_ERROR(txn.status());
  // The check comes first so a refused page writes nothing; the state write comes last.
  SFSYNC_RETURN_IF_ERROR(CheckWatermarkForward(spec.table, state));
  // Edits captured since the engine last looked are folded first, so the pull sees every one.
  SFSYNC_RETURN_IF_ERROR(outbox::Fold(session_));
  if (rows.rows() > 0) {
    size_t id_index = 0;
    for (size_t c = 0; c < columns.size(); ++c) {
      if (columns[c]->name == "Id") id_index = c;
    }
    // Rows with local changes not yet pushed (push-back): usually none, found with one query.
    SFSYNC_ASSIGN_OR_RETURN(outbox::PagePending pending,
                            outbox::BeforePage(session_, spec.table, columns, rows, id_index));
    SFSYNC_ASSIGN_OR_RETURN(Statement * upsert, UpsertStatement(spec.table, columns));
    // One scratch cell per column: a converted value must stay alive until its row is stepped,
    // because text is bound without copying.
    std::vector<Cell> scratch(columns.size());
    for (size_t r = 0; r < rows.rows(); ++r) {
      if (!pending.skip.empty() && pending.skip[r]) continue;
      for (size_t c = 0; c < columns.size(); ++c) {
        BindStorage(upsert, static_cast<int>(c + 1), ToStorage(rows.at(r, c), columns[c]->type, &scratch[c]));
      }
      SFSYNC_RETURN_IF_ERROR(upsert->Run());
    }
    SFSYNC_RETURN_IF_ERROR(outbox::AfterPage(session_, spec.table, pending));
  }
  if (!delete_ids.empty()) {
    // A row with a local change is not deleted by the server's delete: an edited one's change is
    // flagged, and the push reports the conflict.
    SFSYNC_ASSIGN_OR_RETURN(auto held, outbox::HoldDeletes(session_, spec.table, delete_ids));
    SFSYNC_ASSIGN_OR_RETURN(Statement * del,
                            Cached(fmt::format("DELETE FROM {} WHERE \"Id\" = ?1", QuoteIdentifier(spec.table))));
    SFSYNC_ASSIGN_OR_RETURN(Statement * dated, Cached("UPDATE _sfsync_ctx SET delete_at = nullif(?1, '') WHERE k = 1"));
    for (size_t i = 0; i < delete_ids.size(); ++i) {
      const std::string& id = delete_ids[i];
      if (held.count(id) != 0) continue;
      if (!delete_times.empty()) {  // the history triggers date the delete by it
        dated->BindText(1, delete_times[i]);
        SFSYNC_RETURN_IF_ERROR(dated->Run());
      }
      del->BindText(1, id);
      SFSYNC_RETURN_IF_ERROR(del->Run());
    }
  }
  SFSYNC_RETURN_IF_ERROR(WriteState(spec.table, state));
  return txn.Commit();
}

StatusOr<int64_t> SqliteStore::ApplyServerDeletes(const TableSpec& spec, const std::vector<ServerDelete>& deletes,
                                                  const std::string& guard_source, bool mark_only,
                                                  const SyncState& state) {
  if (!sticky_.ok()) return sticky_;
  SFSYNC_ASSIGN_OR_RETURN(DeleteColumns columns, FindDeleteColumns(spec, guard_source, mark_only));
  const ColumnSpec* is_deleted = columns.is_deleted;
  const ColumnSpec* guard = columns.guard;
  std::string sql = mark_only ? fmt::format("UPDATE {} SET {} = 1 WHERE \"Id\" = ?1 AND {} IS NOT 1",
                                            QuoteIdentifier(spec.table), QuoteIdentifier(is_deleted->name),
                                            QuoteIdentifier(is_deleted->name))
                              : fmt::format("DELETE FROM {} WHERE \"Id\" = ?1", QuoteIdentifier(spec.table));
  // Stored datetimes and deleted_at are both in the storage form, which compares in time order.
  if (guard != nullptr) sql += fmt::format(" AND ({0} IS NULL OR {0} <= ?2)", QuoteIdentifier(guard->name));
  int64_t touched = 0;
  Status s = Remember([&]() -> Status {
    EngineWrite txn(&db_, ServerNow(), run_id_);
    SFSYNC_RETURN_IF_ERROR(txn.status());
    SFSYNC_RETURN_IF_ERROR(CheckWatermarkForward(spec.table, state));
    SFSYNC_RETURN_IF_ERROR(outbox::Fold(session_));
    SFSYNC_ASSIGN_OR_RETURN(Statement * stmt, Cached(sql));
    std::vector<std::string> ids;
    for (const ServerDelete& d : deletes) ids.push_back(d.id);
    // Rows with a local change stay (an edited one is flagged: the push reports the conflict).
    SFSYNC_ASSIGN_OR_RETURN(auto held, outbox::HoldDeletes(session_, spec.table, ids));
    // The history triggers date the delete by the server's deletion date.
    SFSYNC_ASSIGN_OR_RETURN(Statement * dated, Cached("UPDATE _sfsync_ctx SET delete_at = nullif(?1, '') WHERE k = 1"));
    for (const ServerDelete& d : deletes) {
      if (held.count(d.id) != 0) continue;
      dated->BindText(1, d.deleted_at);
      SFSYNC_RETURN_IF_ERROR(dated->Run());
      stmt->BindText(1, d.id);
      if (guard != nullptr) stmt->BindText(2, d.deleted_at);
      SFSYNC_RETURN_IF_ERROR(stmt->Run());
      touched += db_.changes();
    }
    SFSYNC_RETURN_IF_ERROR(WriteState(spec.table, state));
    return txn.Commit();
  }());
  if (!s.ok()) return s;
  return touched;
}

StatusOr<int64_t> SqliteStore::PurgeFlaggedRows(const TableSpec& spec, const std::string& flag_source,
                                                const SyncState& state) {
  if (!sticky_.ok()) return sticky_;
  SFSYNC_ASSIGN_OR_RETURN(const ColumnSpec* flag, FindFlagColumn(spec, flag_source));
  int64_t deleted = 0;
  Status s = Remember([&]() -> Status {
    EngineWrite txn(&db_, ServerNow(), run_id_);
    SFSYNC_RETURN_IF_ERROR(txn.status());
    SFSYNC_RETURN_IF_ERROR(CheckWatermarkForward(spec.table, state));
    SFSYNC_RETURN_IF_ERROR(
        db_.Exec(fmt::format("DELETE FROM {} WHERE {} = 1", QuoteIdentifier(spec.table), QuoteIdentifier(flag->name))));
    deleted = db_.changes();
    SFSYNC_RETURN_IF_ERROR(WriteState(spec.table, state));
    return txn.Commit();
  }());
  if (!s.ok()) return s;
  return deleted;
}

Status SqliteStore::SaveDescribe(const std::string& table, const std::string& object,
                                 const CachedDescribe& describe) {
  if (!sticky_.ok()) return sticky_;
  SFSYNC_ASSIGN_OR_RETURN(
      Statement * stmt,
      Cached("INSERT OR REPLACE INTO _sfsync_describes (table_name, object, last_modified_millis, body, fetched_at) "
             "VALUES (?1, ?2, ?3, ?4, ?5)"));
  stmt->BindText(1, table);
  stmt->BindText(2, object);
  stmt->BindInt(3, describe.last_modified_millis);
  stmt->BindText(4, describe.body);
  const std::string now = Now();
  stmt->BindText(5, now);
  return Remember(stmt->Run());
}

StatusOr<CachedDescribe> SqliteStore::LoadDescribe(const std::string& table, const std::string& object) {
  SFSYNC_ASSIGN_OR_RETURN(
      Statement * stmt,
      Cached("SELECT last_modified_millis, body FROM _sfsync_describes WHERE table_name = ?1 AND object = ?2"));
  stmt->BindText(1, table);
  stmt->BindText(2, object);
  SFSYNC_ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return NotFoundError(fmt::format("no cached describe of {} for table {}", object, table));
  CachedDescribe cached{stmt->ColumnInt(0), stmt->ColumnText(1)};
  stmt->Reset();
  return cached;
}

StatusOr<bool> SqliteStore::TableExists(const std::string& table) {
  SFSYNC_ASSIGN_OR_RETURN(
      Statement * stmt, Cached("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1 COLLATE NOCASE"));
  stmt->BindText(1, table);
  SFSYNC_ASSIGN_OR_RETURN(bool row, stmt->Step());
  const bool exists = row && stmt->ColumnInt(0) > 0;
  stmt->Reset();
  return exists;
}

Status SqliteStore::CheckColumnExists(const std::string& table, const std::string& column) {
  SFSYNC_ASSIGN_OR_RETURN(Statement * has_column,
                          Cached("SELECT count(*) FROM pragma_table_info(?1) WHERE name = ?2 COLLATE NOCASE"));
  has_column->BindText(1, table);
  has_column->BindText(2, column);
  SFSYNC_ASSIGN_OR_RETURN(bool row, has_column->Step());
  const bool found = row && has_column->ColumnInt(0) > 0;
  has_column->Reset();
  if (!found) return NotFoundError(fmt::format("table {} has no column {}", table, column));
  return Status::Ok();
}

StatusOr<std::vector<std::string>> SqliteStore::ListIds(const std::string& table, const std::string& column,
                                                        const std::string& lo, const std::string& hi,
                                                        const std::string& exclude_flag) {
  SFSYNC_ASSIGN_OR_RETURN(bool exists, TableExists(table));
  if (!exists) return NotFoundError(fmt::format("no table {}", table));
  std::string sql = "SELECT \"Id\" FROM " + QuoteIdentifier(table);
  std::vector<const std::string*> bounds;
  if (!column.empty()) {
    SFSYNC_RETURN_IF_ERROR(CheckColumnExists(table, column));
    std::vector<std::string> conditions;
    if (!lo.empty()) {
      bounds.push_back(&lo);
      conditions.push_back(fmt::format("{} >= ?{}", QuoteIdentifier(column), bounds.size()));
    }
    if (!hi.empty()) {
      bounds.push_back(&hi);
      conditions.push_back(fmt::format("{} < ?{}", QuoteIdentifier(column), bounds.size()));
    }
    if (!conditions.empty()) sql += fmt::format(" WHERE {}", fmt::join(conditions, " AND "));
  }
  if (!exclude_flag.empty()) {
    SFSYNC_RETURN_IF_ERROR(CheckColumnExists(table, exclude_flag));
    sql += fmt::format(" {} {} IS NOT 1", bounds.empty() ? "WHERE" : "AND", QuoteIdentifier(exclude_flag));
  }
  sql += " ORDER BY \"Id\"";
  SFSYNC_ASSIGN_OR_RETURN(Statement stmt, db_.Prepare(sql));
  for (size_t i = 0; i < bounds.size(); ++i) stmt.BindText(static_cast<int>(i + 1), *bounds[i]);
  std::vector<std::string> ids;
  while (true) {
    SFSYNC_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    ids.push_back(stmt.ColumnText(0));
  }
  return ids;
}

StatusOr<std::vector<std::pair<std::string, int64_t>>> SqliteStore::CountByMonth(const std::string& table,
                                                                                  const std::string& column,
                                                                                  const std::string& exclude_flag) {
  SFSYNC_ASSIGN_OR_RETURN(bool exists, TableExists(table));
  if (!exists) return NotFoundError(fmt::format("no table {}", table));
  // (SQLite would read an unknown "column" as a string literal, so check it exists first.)
  SFSYNC_RETURN_IF_ERROR(CheckColumnExists(table, column));
  // substr of the storage datetime form (2024-05-01T...Z) is its UTC month; SOQL's CALENDAR_MONTH()
  // groups in UTC too.
  std::string filter;
  if (!exclude_flag.empty()) {
    SFSYNC_RETURN_IF_ERROR(CheckColumnExists(table, exclude_flag));
    filter = fmt::format(" WHERE {} IS NOT 1", QuoteIdentifier(exclude_flag));
  }
  SFSYNC_ASSIGN_OR_RETURN(Statement stmt, db_.Prepare(fmt::format(
      "SELECT coalesce(substr({0}, 1, 7), ''), count(*) FROM {1}{2} GROUP BY 1 ORDER BY 1", QuoteIdentifier(column),
      QuoteIdentifier(table), filter)));
  std::vector<std::pair<std::string, int64_t>> counts;
  while (true) {
    SFSYNC_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    counts.emplace_back(stmt.ColumnText(0), stmt.ColumnInt(1));
  }
  return counts;
}

StatusOr<int64_t> SqliteStore::CountRows(const std::string& table) {
  SFSYNC_ASSIGN_OR_RETURN(bool exists, TableExists(table));
  if (!exists) return NotFoundError(fmt::format("no table {}", table));
  SFSYNC_ASSIGN_OR_RETURN(Statement stmt, db_.Prepare("SELECT count(*) FROM " + QuoteIdentifier(table)));
  SFSYNC_ASSIGN_OR_RETURN(bool row, stmt.Step());
  return row ? stmt.ColumnInt(0) : int64_t{0};
}

}  // namespace sfsync::store
