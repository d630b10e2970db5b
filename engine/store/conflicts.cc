// SqliteStore, push-back: open conflicts and their resolutions (engine/store/README.md, "Push-back"). Every write here is
// an EngineWrite, so nothing the engine does to a pushed table is captured as a local edit.
#include <fmt/format.h>

#include "engine/store/sqlite_store.h"

namespace sfsync::store {

StatusOr<std::vector<Conflict>> SqliteStore::ListConflicts(const std::string& table) {
  SFSYNC_ASSIGN_OR_RETURN(Statement stmt, db_.Prepare(
      "SELECT conflict_id, change_id, table_name, \"Id\", kind, column_name, base, local, remote, detected_at "
      "FROM _sfsync_conflicts WHERE resolved_at IS NULL AND (?1 = '' OR table_name = ?1) ORDER BY conflict_id"));
  stmt.BindText(1, table);
  std::vector<Conflict> out;
  while (true) {
    SFSYNC_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    out.push_back({stmt.ColumnInt(0), stmt.ColumnInt(1), stmt.ColumnText(2), stmt.ColumnText(3), stmt.ColumnText(4),
                   stmt.ColumnText(5), stmt.ColumnValue(6), stmt.ColumnValue(7), stmt.ColumnValue(8),
                   stmt.ColumnText(9)});
  }
  return out;
}

Status SqliteStore::ResolveConflict(int64_t conflict_id, const std::string& take, const Cell& value) {
  if (!sticky_.ok()) return sticky_;
  if (take != "local" && take != "remote" && take != "value") {
    return InvalidArgumentError(fmt::format("--take must be local, remote or value, not '{}'", take));
  }
  return Remember([&]() -> Status {
    EngineWrite txn(&db_);
    SFSYNC_RETURN_IF_ERROR(txn.status());
    SFSYNC_RETURN_IF_ERROR(FoldCapture());
    SFSYNC_ASSIGN_OR_RETURN(Statement find, db_.Prepare(
        "SELECT change_id, table_name, \"Id\", kind, column_name, remote FROM _sfsync_conflicts "
        "WHERE conflict_id = ?1 AND resolved_at IS NULL"));
    find.BindInt(1, conflict_id);
    SFSYNC_ASSIGN_OR_RETURN(bool found, find.Step());
    if (!found) return NotFoundError(fmt::format("no open conflict {}", conflict_id));
    const int64_t change_id = find.ColumnInt(0);
    const std::string table = find.ColumnText(1);
    const std::string id = find.ColumnText(2);
    const std::string kind = find.ColumnText(3);
    const std::string column = find.ColumnText(4);
    const Cell remote = find.ColumnValue(5);
    find.Reset();
    auto exec = [&](const std::string& sql, const std::vector<Cell>& params) -> Status {
      SFSYNC_ASSIGN_OR_RETURN(Statement stmt, db_.Prepare(sql));
      for (size_t i = 0; i < params.size(); ++i) stmt.BindValue(static_cast<int>(i + 1), params[i]);
      return stmt.Run();
    };
    const Cell change = Cell::Int(change_id);
    if (kind == "field") {
      if (take == "remote") {
        SFSYNC_RETURN_IF_ERROR(exec(fmt::format("UPDATE {} SET {} = ?1 WHERE \"Id\" = ?2", QuoteIdentifier(table),
                                                QuoteIdentifier(column)),
                                    {remote, Cell::Text(id)}));
        SFSYNC_RETURN_IF_ERROR(exec("DELETE FROM _sfsync_outbox_columns WHERE change_id = ?1 AND column_name = ?2",
                                    {change, Cell::Text(column)}));
      } else {
        if (take == "value") {
          SFSYNC_RETURN_IF_ERROR(exec(fmt::format("UPDATE {} SET {} = ?1 WHERE \"Id\" = ?2", QuoteIdentifier(table),
                                                  QuoteIdentifier(column)),
                                      {value, Cell::Text(id)}));
        }
        // The server's value becomes the base: the next push finds the server still holding it and
        // sends ours (unless the server changed again: a new conflict).
        SFSYNC_RETURN_IF_ERROR(exec("UPDATE _sfsync_outbox_columns SET base = ?3, remote_set = 0 "
                                    "WHERE change_id = ?1 AND column_name = ?2",
                                    {change, Cell::Text(column), remote}));
      }
    } else if (kind == "deleted_remotely") {
      if (take != "remote") {
        return FailedPreconditionError(fmt::format(
            "record {} was deleted in Salesforce: only --take remote (delete the local row) applies; to keep the "
            "local edit, undelete the record in Salesforce first",
            id));
      }
      SFSYNC_RETURN_IF_ERROR(exec(fmt::format("DELETE FROM {} WHERE \"Id\" = ?1", QuoteIdentifier(table)), {Cell::Text(id)}));
      SFSYNC_RETURN_IF_ERROR(exec("UPDATE _sfsync_outbox SET state = 'DONE', message = 'resolved: deleted locally too' "
                                  "WHERE change_id = ?1",
                                  {change}));
    } else {  // edited_remotely: a local delete of a record edited in Salesforce
      if (take == "value") return InvalidArgumentError("--take value applies to field conflicts only");
      // local: delete anyway (the stamp check is passed: base is the server's stamp now);
      // remote: keep the record; the next push restores the row from the server.
      SFSYNC_RETURN_IF_ERROR(exec("UPDATE _sfsync_outbox SET base_stamp = ?2, op = CASE WHEN ?3 = 'remote' "
                                  "THEN 'delete' ELSE op END, insert_key = CASE WHEN ?3 = 'remote' THEN 'restore' "
                                  "ELSE insert_key END WHERE change_id = ?1",
                                  {change, remote, Cell::Text(take)}));
    }
    SFSYNC_RETURN_IF_ERROR(exec("UPDATE _sfsync_conflicts SET resolution = ?2, resolved_value = ?3, resolved_at = ?4 "
                                "WHERE conflict_id = ?1",
                                {Cell::Int(conflict_id), Cell::Text(take), value, Cell::Text(Now())}));
    // Every conflict of the change resolved: it goes out with the next push.
    SFSYNC_RETURN_IF_ERROR(exec("UPDATE _sfsync_outbox SET state = 'PENDING' WHERE change_id = ?1 AND state = "
                                "'CONFLICT' AND NOT EXISTS (SELECT 1 FROM _sfsync_conflicts WHERE change_id = ?1 "
                                "AND resolved_at IS NULL)",
                                {change}));
    return txn.Commit();
  }());
}

}  // namespace sfsync::store
