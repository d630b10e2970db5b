// Push-back: the pull's view of pending changes, and the outbox read for pushes and written with
// their outcomes (outbox.h).
#include "engine/store/outbox.h"

#include <fmt/format.h>

#include "engine/core/ascii.h"
#include "engine/store/cell_conversion.h"

namespace sfsync::store::outbox {
namespace {

constexpr const char* kOpenOrSent = "('PENDING', 'SENT', 'FAILED', 'CONFLICT')";
constexpr const char* kOpen = "('PENDING', 'FAILED', 'CONFLICT')";

bool IsState(const std::string& s) {
  return s == "PENDING" || s == "SENT" || s == "DONE" || s == "FAILED" || s == "CONFLICT";
}

std::string TextOf(const Cell& c) { return c.kind == Cell::Kind::kText ? c.s : ""; }
int64_t IntOf(const Cell& c) { return c.kind == Cell::Kind::kInt ? c.i : 0; }

bool Contains(const std::vector<std::string>& names, const std::string& name) {
  for (const std::string& n : names) {
    if (EqualsIgnoringAsciiCase(n, name)) return true;
  }
  return false;
}

// The storage-form values of `columns` in the row `id` of `table`; nullopt when the row is gone.
StatusOr<std::optional<std::vector<Cell>>> ReadRow(SqlSession& s, const std::string& table, const std::string& id,
                                                   const std::vector<std::string>& columns) {
  if (columns.empty()) return std::optional<std::vector<Cell>>(std::vector<Cell>{});
  std::string list;
  for (const std::string& c : columns) {
    SFSYNC_ASSIGN_OR_RETURN(std::string read, s.Read(table, c));
    list += (list.empty() ? "" : ", ") + read;
  }
  SFSYNC_ASSIGN_OR_RETURN(
      SqlRows rows,
      s.Query(fmt::format("SELECT {} FROM {} WHERE \"Id\" = ?1", list, s.Table(table)), {Cell::Text(id)}));
  if (rows.empty()) return std::optional<std::vector<Cell>>();
  return std::optional<std::vector<Cell>>(std::move(rows[0]));
}

// Keeps the local values of a row's pending columns over the page's row just written, and sets the
// server's values aside for the conflict check.
Status KeepLocalValues(SqlSession& s, const std::string& table, const PagePending::Keep& keep) {
  std::string sets;
  std::vector<Cell> params = {Cell::Text(keep.id)};
  for (size_t i = 0; i < keep.pending.columns.size(); ++i) {
    sets += fmt::format("{}{} = ?{}", i ? ", " : "", QuoteIdentifier(keep.pending.columns[i]), i + 2);
    params.push_back(keep.local[i]);
  }
  SFSYNC_RETURN_IF_ERROR(
      s.Run(fmt::format("UPDATE {} SET {} WHERE \"Id\" = ?1", s.Table(table), sets), params).status());
  const std::string aside = fmt::format(
      "UPDATE _sfsync_outbox_columns SET remote = ?1, remote_set = 1 WHERE column_name = ?2 AND change_id IN "
      "(SELECT change_id FROM _sfsync_outbox WHERE table_name = ?3 AND \"Id\" = ?4 AND state IN {})",
      kOpenOrSent);
  for (size_t i = 0; i < keep.server.size(); ++i) {
    SFSYNC_RETURN_IF_ERROR(
        s.Run(aside, {keep.server[i], Cell::Text(keep.pending.columns[i]), Cell::Text(table), Cell::Text(keep.id)})
            .status());
  }
  return Status::Ok();
}

// Before a pushed insert's row (`local_id`) takes the record's `server_id`: when a pull already
// stored that record under `server_id`, the row takes the copy's values except in the columns with
// an open local change, and the copy is deleted.
Status AbsorbPulledCopy(SqlSession& s, const std::string& table, const std::string& local_id,
                        const std::string& server_id) {
  SFSYNC_ASSIGN_OR_RETURN(SqlRows exists, s.Query(fmt::format("SELECT 1 FROM {} WHERE \"Id\" = ?1", s.Table(table)),
                                                  {Cell::Text(server_id)}));
  if (exists.empty()) return Status::Ok();
  SFSYNC_ASSIGN_OR_RETURN(
      SqlRows edited,
      s.Query(fmt::format("SELECT DISTINCT c.column_name FROM _sfsync_outbox_columns c JOIN _sfsync_outbox o "
                          "USING (change_id) WHERE o.table_name = ?1 AND o.\"Id\" = ?2 AND o.state IN {}",
                          kOpen),
              {Cell::Text(table), Cell::Text(local_id)}));
  std::vector<std::string> keep;
  for (const auto& row : edited) keep.push_back(TextOf(row[0]));
  SFSYNC_ASSIGN_OR_RETURN(std::vector<std::string> columns, s.Columns(table));
  std::vector<std::string> take;
  for (const std::string& c : columns) {
    if (c != "Id" && !Contains(keep, c)) take.push_back(QuoteIdentifier(c));
  }
  if (!take.empty()) {
    const std::string list = fmt::format("{}", fmt::join(take, ", "));
    // A one-column list is written without the parentheses, which PostgreSQL reads as a row.
    const std::string target = take.size() == 1 ? list : "(" + list + ")";
    SFSYNC_RETURN_IF_ERROR(s.Run(fmt::format("UPDATE {0} SET {1} = (SELECT {2} FROM {0} WHERE \"Id\" = ?1) "
                                             "WHERE \"Id\" = ?2",
                                             s.Table(table), target, list),
                                 {Cell::Text(server_id), Cell::Text(local_id)})
                               .status());
  }
  return s.Run(fmt::format("DELETE FROM {} WHERE \"Id\" = ?1", s.Table(table)), {Cell::Text(server_id)}).status();
}

}  // namespace

StatusOr<std::unordered_map<std::string, PendingRow>> PendingRows(SqlSession& s, const std::string& table,
                                                                  const std::vector<std::string>& ids) {
  std::unordered_map<std::string, PendingRow> out;
  if (ids.empty()) return out;
  SFSYNC_ASSIGN_OR_RETURN(
      SqlRows any,
      s.Query(fmt::format("SELECT EXISTS (SELECT 1 FROM _sfsync_outbox WHERE table_name = ?1 AND state IN {})",
                          kOpenOrSent),
              {Cell::Text(table)}));
  if (any.empty() || IntOf(any[0][0]) == 0) return out;
  // Only the changes of these rows: a table with many pending changes costs each page its own rows.
  SFSYNC_ASSIGN_OR_RETURN(
      SqlRows rows,
      s.Query(fmt::format("SELECT o.change_id, o.\"Id\", o.op, o.state, c.column_name FROM _sfsync_outbox o LEFT JOIN "
                          "_sfsync_outbox_columns c ON c.change_id = o.change_id WHERE o.table_name = ?1 AND "
                          "o.state IN {} AND {} ORDER BY o.change_id",
                          kOpenOrSent, s.InTextArray("o.\"Id\"", 2)),
              {Cell::Text(table), s.TextArrayParam(ids)}));
  for (const auto& row : rows) {
    PendingRow& p = out[TextOf(row[1])];
    p.op = TextOf(row[2]);
    if (TextOf(row[3]) != "SENT") p.change_id = IntOf(row[0]);
    if (!row[4].is_null() && !Contains(p.columns, TextOf(row[4]))) p.columns.push_back(TextOf(row[4]));
  }
  return out;
}

StatusOr<PagePending> BeforePage(SqlSession& s, const std::string& table, const std::vector<const ColumnSpec*>& columns,
                                 const RowBatch& rows, size_t id_index) {
  PagePending out;
  std::vector<std::string> ids;
  ids.reserve(rows.rows());
  for (size_t r = 0; r < rows.rows(); ++r) ids.push_back(rows.at(r, id_index).s);
  // Rows with local changes not yet pushed: usually none, found with one query.
  SFSYNC_ASSIGN_OR_RETURN(auto pending, PendingRows(s, table, ids));
  if (pending.empty()) return out;
  for (size_t r = 0; r < rows.rows(); ++r) {
    auto it = pending.find(ids[r]);
    if (it == pending.end()) continue;
    // A row deleted locally is not brought back; an insert's local Id is never the server's.
    if (it->second.op != "update") {
      out.skip.resize(rows.rows(), false);
      out.skip[r] = true;
      continue;
    }
    PagePending::Keep keep;
    keep.id = ids[r];
    keep.pending.change_id = it->second.change_id;
    keep.pending.op = it->second.op;
    for (size_t c = 0; c < columns.size(); ++c) {
      if (!Contains(it->second.columns, columns[c]->name)) continue;
      keep.pending.columns.push_back(columns[c]->name);
      Cell scratch;
      keep.server.push_back(ToStorage(rows.at(r, c), columns[c]->type, &scratch));
    }
    if (keep.pending.columns.empty()) continue;
    SFSYNC_ASSIGN_OR_RETURN(auto local, ReadRow(s, table, ids[r], keep.pending.columns));
    keep.local = local ? std::move(*local) : std::vector<Cell>(keep.pending.columns.size(), Cell::Null());
    out.keep.push_back(std::move(keep));
  }
  return out;
}

Status AfterPage(SqlSession& s, const std::string& table, const PagePending& pending) {
  for (const PagePending::Keep& keep : pending.keep) SFSYNC_RETURN_IF_ERROR(KeepLocalValues(s, table, keep));
  return Status::Ok();
}

StatusOr<std::unordered_set<std::string>> HoldDeletes(SqlSession& s, const std::string& table,
                                                      const std::vector<std::string>& ids) {
  std::unordered_set<std::string> held;
  SFSYNC_ASSIGN_OR_RETURN(auto pending, PendingRows(s, table, ids));
  const std::string flag =
      fmt::format("UPDATE _sfsync_outbox SET remote_deleted = 1 WHERE table_name = ?1 AND \"Id\" = ?2 AND state IN {}",
                  kOpenOrSent);
  for (const auto& [id, row] : pending) {
    // A local insert is no server row; a local delete needs no second one; a local edit is a conflict.
    held.insert(id);
    if (row.op == "update") SFSYNC_RETURN_IF_ERROR(s.Run(flag, {Cell::Text(table), Cell::Text(id)}).status());
  }
  return held;
}

StatusOr<std::vector<Change>> ListChanges(SqlSession& s, const std::string& table,
                                          const std::vector<std::string>& states,
                                          const std::vector<std::string>& insert_columns) {
  std::string in;
  for (const std::string& state : states) {
    if (!IsState(state)) return InvalidArgumentError(fmt::format("'{}' is not a change state", state));
    in += (in.empty() ? "'" : ", '") + state + "'";
  }
  std::vector<Change> changes;
  if (in.empty()) return changes;
  SFSYNC_ASSIGN_OR_RETURN(
      SqlRows rows,
      s.Query(fmt::format("SELECT change_id, \"Id\", op, state, coalesce(base_stamp, ''), insert_key, remote_deleted, "
                          "attempts, status_code, message, error_fields FROM _sfsync_outbox WHERE table_name = ?1 AND "
                          "state IN ({}) ORDER BY change_id",
                          in),
              {Cell::Text(table)}));
  for (const auto& row : rows) {
    Change c;
    c.change_id = IntOf(row[0]);
    c.table = table;
    c.id = TextOf(row[1]);
    c.op = TextOf(row[2]);
    c.state = TextOf(row[3]);
    c.base_stamp = TextOf(row[4]);
    c.insert_key = TextOf(row[5]);
    c.remote_deleted = IntOf(row[6]) != 0;
    c.attempts = IntOf(row[7]);
    c.status_code = TextOf(row[8]);
    c.message = TextOf(row[9]);
    c.error_fields = TextOf(row[10]);
    changes.push_back(std::move(c));
  }
  for (Change& c : changes) {
    if (c.op == "delete") continue;
    if (c.op == "insert") {
      SFSYNC_ASSIGN_OR_RETURN(auto values, ReadRow(s, table, c.id, insert_columns));
      if (!values) continue;
      for (size_t i = 0; i < insert_columns.size(); ++i) {
        c.columns.push_back({insert_columns[i], Cell::Null(), (*values)[i], false, Cell::Null()});
      }
      continue;
    }
    SFSYNC_ASSIGN_OR_RETURN(SqlRows columns_of,
                            s.Query("SELECT column_name, base, remote, remote_set FROM _sfsync_outbox_columns "
                                    "WHERE change_id = ?1 ORDER BY column_name",
                                    {Cell::Int(c.change_id)}));
    std::vector<Change::Column> changed;
    std::vector<std::string> names;
    for (auto& col : columns_of) {
      const std::string name = TextOf(col[0]);
      SFSYNC_ASSIGN_OR_RETURN(Cell base, s.Retype(table, name, std::move(col[1])));
      SFSYNC_ASSIGN_OR_RETURN(Cell remote, s.Retype(table, name, std::move(col[2])));
      changed.push_back({name, std::move(base), Cell::Null(), IntOf(col[3]) != 0, std::move(remote)});
      names.push_back(name);
    }
    SFSYNC_ASSIGN_OR_RETURN(auto values, ReadRow(s, table, c.id, names));
    if (!values) continue;
    for (size_t i = 0; i < changed.size(); ++i) {
      changed[i].local = (*values)[i];
      // Edited back to its base: nothing to send for it.
      if (!(changed[i].local == changed[i].base)) c.columns.push_back(std::move(changed[i]));
    }
  }
  return changes;
}

Status MarkSent(SqlSession& s, const std::string& table, const std::vector<SentChange>& sent, int64_t run_id) {
  const Cell now = Cell::Text(s.Now());
  for (const SentChange& sc : sent) {
    SFSYNC_RETURN_IF_ERROR(s.Run("UPDATE _sfsync_outbox SET state = 'SENT', attempts = attempts + 1, run_id = ?2, "
                                 "insert_key = CASE WHEN ?3 <> '' THEN ?3 ELSE insert_key END, updated_at = ?4 "
                                 "WHERE change_id = ?1",
                                 {Cell::Int(sc.change_id), Cell::Int(run_id), Cell::Text(sc.insert_key), now})
                               .status());
    if (!sc.key_column.empty() && !sc.insert_key.empty()) {
      SFSYNC_RETURN_IF_ERROR(s.Run(fmt::format("UPDATE {} SET {} = ?1 WHERE \"Id\" = (SELECT \"Id\" FROM "
                                               "_sfsync_outbox WHERE change_id = ?2)",
                                               s.Table(table), QuoteIdentifier(sc.key_column)),
                                   {Cell::Text(sc.insert_key), Cell::Int(sc.change_id)})
                                 .status());
    }
  }
  return Status::Ok();
}

Status RecordOutcomes(SqlSession& s, const std::string& table, const std::vector<ChangeOutcome>& outcomes,
                      const std::vector<std::pair<std::string, std::string>>& lookups) {
  const Cell now = Cell::Text(s.Now());
  const Cell table_cell = Cell::Text(table);
  for (const ChangeOutcome& o : outcomes) {
    const Cell change = Cell::Int(o.change_id);
    SFSYNC_ASSIGN_OR_RETURN(SqlRows found,
                            s.Query("SELECT \"Id\", op FROM _sfsync_outbox WHERE change_id = ?1", {change}));
    if (found.empty()) return NotFoundError(fmt::format("no change {}", o.change_id));
    const std::string id = TextOf(found[0][0]);
    const bool reopen = o.state == "PENDING" || o.state == "FAILED" || o.state == "CONFLICT";
    if (reopen) {
      // An edit made while this change was in flight opened another change of the row: fold it in
      // (this change's bases are older, so they win) before this one is open again.
      SFSYNC_ASSIGN_OR_RETURN(
          SqlRows other,
          s.Query(fmt::format("SELECT change_id, op FROM _sfsync_outbox WHERE table_name = ?1 AND \"Id\" = ?2 AND "
                              "state IN {} AND change_id <> ?3",
                              kOpen),
                  {table_cell, Cell::Text(id), change}));
      if (!other.empty()) {
        const Cell other_id = Cell::Int(IntOf(other[0][0]));
        const bool other_deletes = TextOf(other[0][1]) == "delete";
        SFSYNC_RETURN_IF_ERROR(
            s.Run(fmt::format("INSERT INTO _sfsync_outbox_columns (change_id, column_name, base, remote, remote_set) "
                              "SELECT {}, column_name, base, remote, remote_set FROM _sfsync_outbox_columns "
                              "WHERE change_id = {} ON CONFLICT DO NOTHING",
                              o.change_id, other_id.i))
                .status());
        SFSYNC_RETURN_IF_ERROR(s.Run("DELETE FROM _sfsync_outbox_columns WHERE change_id = ?1", {other_id}).status());
        SFSYNC_RETURN_IF_ERROR(
            s.Run(fmt::format("UPDATE _sfsync_outbox SET op = {}, row_before = coalesce((SELECT row_before FROM "
                              "_sfsync_outbox WHERE change_id = ?2), row_before) WHERE change_id = ?1",
                              other_deletes ? "'delete'" : "op"),
                  {change, other_id})
                .status());
        SFSYNC_RETURN_IF_ERROR(s.Run("DELETE FROM _sfsync_outbox WHERE change_id = ?1", {other_id}).status());
      }
    }
    SFSYNC_RETURN_IF_ERROR(s.Run("UPDATE _sfsync_outbox SET state = ?2, status_code = ?3, message = ?4, "
                                 "error_fields = ?5, server_id = CASE WHEN ?6 <> '' THEN ?6 ELSE server_id END, "
                                 "updated_at = ?7 WHERE change_id = ?1",
                                 {change, Cell::Text(o.state), Cell::Text(o.status_code), Cell::Text(o.message),
                                  Cell::Text(o.error_fields), Cell::Text(o.server_id), now})
                               .status());
    for (const auto& [column, value] : o.take_remote) {
      SFSYNC_RETURN_IF_ERROR(
          s.Run(fmt::format("UPDATE {} SET {} = ?1 WHERE \"Id\" = ?2", s.Table(table), QuoteIdentifier(column)),
                {value, Cell::Text(id)})
              .status());
      SFSYNC_RETURN_IF_ERROR(s.Run("DELETE FROM _sfsync_outbox_columns WHERE change_id = ?1 AND column_name = ?2",
                                   {change, Cell::Text(column)})
                                 .status());
    }
    for (const Conflict& c : o.conflicts) {
      SFSYNC_RETURN_IF_ERROR(s.Run("INSERT INTO _sfsync_conflicts (change_id, table_name, \"Id\", kind, column_name, "
                                   "base, local, remote, detected_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                                   {change, table_cell, Cell::Text(id), Cell::Text(c.kind), Cell::Text(c.column),
                                    c.base, c.local, c.remote, now})
                                 .status());
    }
    if (!o.server_id.empty() && o.server_id != id) {
      // The record may be in the table already: an earlier push of this insert reached the org but
      // its answer was lost (or not recorded), and a pull since read the record back. That copy has
      // the org's values, this row has the local ones: the row keeps its columns that have an open
      // change (edits made since) and takes the rest from the copy (the org's stamps and what it
      // computed), then the copy goes. Found by the fault loop (tests/integration/fault_loop_test.cc).
      SFSYNC_RETURN_IF_ERROR(AbsorbPulledCopy(s, table, id, o.server_id));
      // The new record's Id replaces the local one: in the row, in this row's other changes, and in
      // every lookup that points at it.
      const Cell server_id = Cell::Text(o.server_id);
      SFSYNC_RETURN_IF_ERROR(
          s.Run(fmt::format("UPDATE {} SET \"Id\" = ?1 WHERE \"Id\" = ?2", s.Table(table)), {server_id, Cell::Text(id)})
              .status());
      SFSYNC_RETURN_IF_ERROR(s.Run("UPDATE _sfsync_outbox SET \"Id\" = ?1 WHERE table_name = ?3 AND \"Id\" = ?2",
                                   {server_id, Cell::Text(id), table_cell})
                                 .status());
      for (const auto& [lookup_table, lookup_column] : lookups) {
        SFSYNC_RETURN_IF_ERROR(s.Run(fmt::format("UPDATE {0} SET {1} = ?1 WHERE {1} = ?2", s.Table(lookup_table),
                                                 QuoteIdentifier(lookup_column)),
                                     {server_id, Cell::Text(id)})
                                   .status());
      }
    }
    if (o.restore) {
      SFSYNC_ASSIGN_OR_RETURN(std::vector<std::string> columns, s.Columns(table));
      std::string names, values;
      for (const std::string& c : columns) {
        SFSYNC_ASSIGN_OR_RETURN(std::string member, s.JsonMember("row_before", table, c));
        names += (names.empty() ? "" : ", ") + QuoteIdentifier(c);
        values += (values.empty() ? "" : ", ") + member;
      }
      SFSYNC_RETURN_IF_ERROR(s.Run(fmt::format("INSERT INTO {} ({}) SELECT {} FROM _sfsync_outbox WHERE change_id = ?1 "
                                               "AND row_before IS NOT NULL ON CONFLICT DO NOTHING",
                                               s.Table(table), names, values),
                                   {change})
                                 .status());
    }
  }
  return Status::Ok();
}

StatusOr<int64_t> RequeueFailed(SqlSession& s, const std::string& table) {
  return s.Run("UPDATE _sfsync_outbox SET state = 'PENDING' WHERE state = 'FAILED' AND (?1 = '' OR table_name = ?1)",
               {Cell::Text(table)});
}

StatusOr<std::vector<std::tuple<std::string, std::string, int64_t>>> CountChanges(SqlSession& s) {
  SFSYNC_ASSIGN_OR_RETURN(SqlRows rows, s.Query("SELECT table_name, state, count(*) FROM _sfsync_outbox "
                                                "GROUP BY table_name, state ORDER BY 1, 2"));
  std::vector<std::tuple<std::string, std::string, int64_t>> out;
  for (const auto& row : rows) out.emplace_back(TextOf(row[0]), TextOf(row[1]), IntOf(row[2]));
  return out;
}

}  // namespace sfsync::store::outbox
