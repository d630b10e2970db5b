// SqliteStore, push-back (engine/store/README.md, "Push-back"): the capture triggers (capture.h),
// and the outbox calls, each outbox.h's logic on this connection inside an EngineWrite, so nothing
// the engine writes to a pushed table is captured as a local edit.
#include <fmt/format.h>

#include "engine/store/capture.h"
#include "engine/store/cell_conversion.h"
#include "engine/store/outbox.h"
#include "engine/store/sqlite_store.h"
#include "engine/store/store_common.h"

namespace sfsync::store {

Status SqliteStore::EnsureCapture(const CaptureSpec& spec) {
  if (!sticky_.ok()) return sticky_;
  SFSYNC_ASSIGN_OR_RETURN(bool exists, TableExists(spec.table));
  if (!exists) return NotFoundError(fmt::format("no table {} to capture edits of", spec.table));
  SFSYNC_ASSIGN_OR_RETURN(std::vector<std::string> columns, session_.Columns(spec.table));
  const std::vector<std::string> sql = CaptureTriggerSql(spec, columns);
  return Remember([&]() -> Status {
    Transaction txn(&db_);
    SFSYNC_RETURN_IF_ERROR(txn.status());
    SFSYNC_RETURN_IF_ERROR(DropTriggers(spec.table, CaptureTriggerPrefix(spec.table)));
    for (const std::string& create : sql) SFSYNC_RETURN_IF_ERROR(db_.Exec(create));
    SFSYNC_RETURN_IF_ERROR(session_
                               .Run("INSERT INTO _sfsync_capture_tables (table_name, stamp_column) VALUES (?1, ?2) "
                                    "ON CONFLICT (table_name) DO UPDATE SET stamp_column = excluded.stamp_column",
                                    {Cell::Text(spec.table), Cell::Text(spec.stamp_column)})
                               .status());
    return txn.Commit();
  }());
}

Status SqliteStore::DropTriggers(const std::string& table, const std::string& prefix) {
  SFSYNC_ASSIGN_OR_RETURN(Statement find, db_.Prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND "
                                                      "tbl_name = ?1 COLLATE NOCASE AND substr(name, 1, ?2) = ?3"));
  find.BindText(1, table);
  find.BindInt(2, static_cast<int64_t>(prefix.size()));
  find.BindText(3, prefix);
  SFSYNC_ASSIGN_OR_RETURN(std::vector<std::string> names, find.TextsOfColumn(0));
  for (const std::string& name : names) SFSYNC_RETURN_IF_ERROR(db_.Exec("DROP TRIGGER " + QuoteIdentifier(name)));
  return Status::Ok();
}

Status SqliteStore::DropCapture(const std::string& table) {
  if (!sticky_.ok()) return sticky_;
  return Remember([&]() -> Status {
    Transaction txn(&db_);
    SFSYNC_RETURN_IF_ERROR(txn.status());
    SFSYNC_RETURN_IF_ERROR(DropTriggers(table, CaptureTriggerPrefix(table)));
    return txn.Commit();
  }());
}

Status SqliteStore::Fold() {
  if (!sticky_.ok()) return sticky_;
  return Remember([&]() -> Status {
    EngineWrite txn(&db_, ServerNow(), run_id_);
    SFSYNC_RETURN_IF_ERROR(txn.status());
    SFSYNC_RETURN_IF_ERROR(outbox::Fold(session_));
    return txn.Commit();
  }());
}

StatusOr<std::vector<Change>> SqliteStore::ListChanges(const std::string& table, const std::vector<std::string>& states,
                                                       const std::vector<std::string>& insert_columns) {
  SFSYNC_RETURN_IF_ERROR(Fold());
  return outbox::ListChanges(session_, table, states, insert_columns);
}

Status SqliteStore::MarkSent(const std::string& table, const std::vector<SentChange>& sent, int64_t run_id) {
  if (!sticky_.ok()) return sticky_;
  return Remember([&]() -> Status {
    EngineWrite txn(&db_, ServerNow(), run_id_);
    SFSYNC_RETURN_IF_ERROR(txn.status());
    SFSYNC_RETURN_IF_ERROR(outbox::Fold(session_));
    SFSYNC_RETURN_IF_ERROR(outbox::MarkSent(session_, table, sent, run_id));
    return txn.Commit();
  }());
}

Status SqliteStore::RecordOutcomes(const TableSpec& spec, const std::vector<ChangeOutcome>& outcomes,
                                   const std::vector<std::pair<std::string, std::string>>& lookups,
                                   const RowBatch& restore) {
  if (!sticky_.ok()) return sticky_;
  return Remember([&]() -> Status {
    EngineWrite txn(&db_, ServerNow(), run_id_);
    SFSYNC_RETURN_IF_ERROR(txn.status());
    SFSYNC_RETURN_IF_ERROR(outbox::Fold(session_));
    SFSYNC_RETURN_IF_ERROR(VersionPushed(spec.table, outcomes));
    SFSYNC_RETURN_IF_ERROR(outbox::RecordOutcomes(session_, spec.table, outcomes, lookups));
    if (restore.rows() > 0) {
      // The server's values of restored rows, over what row_before held.
      SFSYNC_ASSIGN_OR_RETURN(PagePlan plan, PlanPage(spec, restore));
      SFSYNC_ASSIGN_OR_RETURN(Statement * upsert, UpsertStatement(spec.table, plan.columns));
      std::vector<Cell> scratch(plan.columns.size());
      for (size_t r = 0; r < restore.rows(); ++r) {
        for (size_t c = 0; c < plan.columns.size(); ++c) {
          upsert->BindValue(static_cast<int>(c + 1), ToStorage(restore.at(r, c), plan.columns[c]->type, &scratch[c]));
        }
        SFSYNC_RETURN_IF_ERROR(upsert->Run());
      }
    }
    return txn.Commit();
  }());
}

StatusOr<std::vector<Conflict>> SqliteStore::ListConflicts(const std::string& table) {
  return outbox::ListConflicts(session_, table);
}

Status SqliteStore::ResolveConflict(int64_t conflict_id, const std::string& take, const Cell& value) {
  if (!sticky_.ok()) return sticky_;
  return Remember([&]() -> Status {
    EngineWrite txn(&db_, ServerNow(), run_id_);
    SFSYNC_RETURN_IF_ERROR(txn.status());
    SFSYNC_RETURN_IF_ERROR(outbox::Fold(session_));
    SFSYNC_RETURN_IF_ERROR(outbox::ResolveConflict(session_, conflict_id, take, value));
    return txn.Commit();
  }());
}

StatusOr<int64_t> SqliteStore::RequeueFailed(const std::string& table) {
  if (!sticky_.ok()) return sticky_;
  int64_t count = 0;
  Status s = Remember([&]() -> Status {
    EngineWrite txn(&db_, ServerNow(), run_id_);
    SFSYNC_RETURN_IF_ERROR(txn.status());
    SFSYNC_RETURN_IF_ERROR(outbox::Fold(session_));
    SFSYNC_ASSIGN_OR_RETURN(count, outbox::RequeueFailed(session_, table));
    return txn.Commit();
  }());
  if (!s.ok()) return s;
  return count;
}

StatusOr<std::vector<std::tuple<std::string, std::string, int64_t>>> SqliteStore::CountChanges() {
  SFSYNC_RETURN_IF_ERROR(Fold());
  return outbox::CountChanges(session_);
}

}  // namespace sfsync::store
