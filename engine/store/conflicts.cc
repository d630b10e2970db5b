// Push-back: open conflicts and their resolutions (outbox.h).
#include <fmt/format.h>

#include "engine/store/outbox.h"

namespace sfsync::store::outbox {
namespace {

std::string TextOf(const Cell& c) { return c.kind == Cell::Kind::kText ? c.s : ""; }
int64_t IntOf(const Cell& c) { return c.kind == Cell::Kind::kInt ? c.i : 0; }

}  // namespace

StatusOr<std::vector<Conflict>> ListConflicts(SqlSession& s, const std::string& table) {
  SFSYNC_ASSIGN_OR_RETURN(
      SqlRows rows,
      s.Query("SELECT conflict_id, change_id, table_name, \"Id\", kind, column_name, base, local, remote, detected_at "
              "FROM _sfsync_conflicts WHERE resolved_at IS NULL AND (?1 = '' OR table_name = ?1) ORDER BY conflict_id",
              {Cell::Text(table)}));
  std::vector<Conflict> out;
  for (auto& row : rows) {
    const std::string of = TextOf(row[2]);
    const std::string column = TextOf(row[5]);
    std::vector<Cell> values;
    for (int i = 6; i <= 8; ++i) {
      if (column.empty()) {
        values.push_back(std::move(row[i]));
        continue;
      }
      SFSYNC_ASSIGN_OR_RETURN(Cell v, s.Retype(of, column, std::move(row[i])));
      values.push_back(std::move(v));
    }
    out.push_back({IntOf(row[0]), IntOf(row[1]), of, TextOf(row[3]), TextOf(row[4]), column, std::move(values[0]),
                   std::move(values[1]), std::move(values[2]), TextOf(row[9])});
  }
  return out;
}

Status ResolveConflict(SqlSession& s, int64_t conflict_id, const std::string& take, const Cell& value) {
  if (take != "local" && take != "remote" && take != "value") {
    return InvalidArgumentError(fmt::format("--take must be local, remote or value, not '{}'", take));
  }
  SFSYNC_ASSIGN_OR_RETURN(SqlRows found, s.Query("SELECT change_id, table_name, \"Id\", kind, column_name, remote FROM "
                                                 "_sfsync_conflicts WHERE conflict_id = ?1 AND resolved_at IS NULL",
                                                 {Cell::Int(conflict_id)}));
  if (found.empty()) return NotFoundError(fmt::format("no open conflict {}", conflict_id));
  const int64_t change_id = IntOf(found[0][0]);
  const std::string table = TextOf(found[0][1]);
  const std::string id = TextOf(found[0][2]);
  const std::string kind = TextOf(found[0][3]);
  const std::string column = TextOf(found[0][4]);
  Cell remote = std::move(found[0][5]);
  if (!column.empty()) {
    SFSYNC_ASSIGN_OR_RETURN(remote, s.Retype(table, column, std::move(remote)));
  }
  auto exec = [&](const std::string& sql, const std::vector<Cell>& params) -> Status {
    return s.Run(sql, params).status();
  };
  const Cell change = Cell::Int(change_id);
  const std::string set_column =
      kind == "field" ? fmt::format("UPDATE {} SET {} = ?1 WHERE \"Id\" = ?2", s.Table(table), QuoteIdentifier(column))
                      : "";
  if (kind == "field") {
    if (take == "remote") {
      SFSYNC_RETURN_IF_ERROR(exec(set_column, {remote, Cell::Text(id)}));
      SFSYNC_RETURN_IF_ERROR(exec("DELETE FROM _sfsync_outbox_columns WHERE change_id = ?1 AND column_name = ?2",
                                  {change, Cell::Text(column)}));
    } else {
      if (take == "value") {
        SFSYNC_RETURN_IF_ERROR(exec(set_column, {value, Cell::Text(id)}));
      }
      // The server's value becomes the base: the next push finds the server still holding it and
      // sends ours (unless the server changed again: a new conflict).
      SFSYNC_RETURN_IF_ERROR(
          exec("UPDATE _sfsync_outbox_columns SET base = ?3, remote_set = 0 "
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
    SFSYNC_RETURN_IF_ERROR(exec(fmt::format("DELETE FROM {} WHERE \"Id\" = ?1", s.Table(table)), {Cell::Text(id)}));
    SFSYNC_RETURN_IF_ERROR(
        exec("UPDATE _sfsync_outbox SET state = 'DONE', message = 'resolved: deleted locally too' "
             "WHERE change_id = ?1",
             {change}));
  } else {  // edited_remotely: a local delete of a record edited in Salesforce
    if (take == "value") return InvalidArgumentError("--take value applies to field conflicts only");
    // local: delete anyway (the stamp check is passed: base is the server's stamp now);
    // remote: keep the record; the next push restores the row from the server.
    SFSYNC_RETURN_IF_ERROR(
        exec("UPDATE _sfsync_outbox SET base_stamp = ?2, op = CASE WHEN ?3 = 'remote' "
             "THEN 'delete' ELSE op END, insert_key = CASE WHEN ?3 = 'remote' THEN 'restore' "
             "ELSE insert_key END WHERE change_id = ?1",
             {change, remote, Cell::Text(take)}));
  }
  SFSYNC_RETURN_IF_ERROR(
      exec("UPDATE _sfsync_conflicts SET resolution = ?2, resolved_value = ?3, resolved_at = ?4 "
           "WHERE conflict_id = ?1",
           {Cell::Int(conflict_id), Cell::Text(take), value, Cell::Text(s.Now())}));
  // Every conflict of the change resolved: it goes out with the next push.
  return exec(
      "UPDATE _sfsync_outbox SET state = 'PENDING' WHERE change_id = ?1 AND state = 'CONFLICT' AND NOT "
      "EXISTS (SELECT 1 FROM _sfsync_conflicts WHERE change_id = ?1 AND resolved_at IS NULL)",
      {change});
}

}  // namespace sfsync::store::outbox
