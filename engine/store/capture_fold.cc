// Push-back: the capture log (_sfsync_capture) folded into the outbox, in order (outbox.h).
#include <fmt/format.h>

#include <algorithm>

#include "engine/store/outbox.h"

namespace sfsync::store::outbox {
namespace {

constexpr const char* kOpen = "('PENDING', 'FAILED', 'CONFLICT')";

std::string TextOf(const Cell& c) { return c.kind == Cell::Kind::kText ? c.s : ""; }
int64_t IntOf(const Cell& c) { return c.kind == Cell::Kind::kInt ? c.i : 0; }

// Sets a new update change's base stamp from the row (the table's stamp column, if capture knows one).
Status SetBaseStamp(SqlSession& s, int64_t change_id, const std::string& table, const std::string& id) {
  SFSYNC_ASSIGN_OR_RETURN(
      SqlRows stamp,
      s.Query("SELECT stamp_column FROM _sfsync_capture_tables WHERE table_name = ?1", {Cell::Text(table)}));
  if (stamp.empty() || TextOf(stamp[0][0]).empty()) return Status::Ok();
  SFSYNC_ASSIGN_OR_RETURN(std::string read, s.Read(table, TextOf(stamp[0][0])));
  SFSYNC_ASSIGN_OR_RETURN(
      SqlRows value,
      s.Query(fmt::format("SELECT {} FROM {} WHERE \"Id\" = ?1", read, s.Table(table)), {Cell::Text(id)}));
  if (value.empty()) return Status::Ok();
  return s.Run("UPDATE _sfsync_outbox SET base_stamp = ?2 WHERE change_id = ?1", {Cell::Int(change_id), value[0][0]})
      .status();
}

}  // namespace

Status Fold(SqlSession& s) {
  SFSYNC_ASSIGN_OR_RETURN(SqlRows any, s.Query("SELECT EXISTS (SELECT 1 FROM _sfsync_capture)"));
  if (any.empty() || IntOf(any[0][0]) == 0) return Status::Ok();
  // Taken and removed in one statement: on PostgreSQL an edit committed meanwhile is neither
  // removed unseen nor folded twice; it stays for the next fold.
  SFSYNC_ASSIGN_OR_RETURN(SqlRows entries, s.Query("DELETE FROM _sfsync_capture RETURNING seq, table_name, \"Id\", op, "
                                                   "coalesce(column_name, ''), base, base_stamp, row_before"));
  std::sort(entries.begin(), entries.end(),
            [](const std::vector<Cell>& a, const std::vector<Cell>& b) { return IntOf(a[0]) < IntOf(b[0]); });
  const Cell now = Cell::Text(s.Now());
  for (const std::vector<Cell>& e : entries) {
    const Cell& table = e[1];
    const Cell& id = e[2];
    const std::string op = TextOf(e[3]);
    const std::string column = TextOf(e[4]);
    const Cell& base_stamp = e[6];
    const Cell& row_before = e[7];
    SFSYNC_ASSIGN_OR_RETURN(
        SqlRows found,
        s.Query(fmt::format("SELECT change_id, op FROM _sfsync_outbox WHERE table_name = ?1 AND \"Id\" = ?2 "
                            "AND state IN {}",
                            kOpen),
                {table, id}));
    const int64_t change_id = found.empty() ? 0 : IntOf(found[0][0]);
    const std::string open_op = found.empty() ? "" : TextOf(found[0][1]);
    auto open_new = [&](const std::string& new_op) -> StatusOr<int64_t> {
      SFSYNC_ASSIGN_OR_RETURN(
          SqlRows made,
          s.Query("INSERT INTO _sfsync_outbox (table_name, \"Id\", op, state, base_stamp, row_before, created_at, "
                  "updated_at) VALUES (?1, ?2, ?3, 'PENDING', ?4, ?5, ?6, ?6) RETURNING change_id",
                  {table, id, Cell::Text(new_op), base_stamp, row_before, now}));
      return made.empty() ? 0 : IntOf(made[0][0]);
    };
    if (op == "update") {
      int64_t target = change_id;
      if (target == 0) {
        SFSYNC_ASSIGN_OR_RETURN(target, open_new("update"));
        SFSYNC_RETURN_IF_ERROR(SetBaseStamp(s, target, TextOf(table), TextOf(id)));
      } else {
        SFSYNC_RETURN_IF_ERROR(s.Run("UPDATE _sfsync_outbox SET state = CASE WHEN state = 'FAILED' THEN 'PENDING' "
                                     "ELSE state END, updated_at = ?2 WHERE change_id = ?1",
                                     {Cell::Int(target), now})
                                   .status());
      }
      // The first edit's value is the base: a later one finds the column there and is ignored.
      SFSYNC_RETURN_IF_ERROR(s.Run("INSERT INTO _sfsync_outbox_columns (change_id, column_name, base) "
                                   "VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
                                   {Cell::Int(target), Cell::Text(column), e[5]})
                                 .status());
    } else if (op == "insert") {
      if (change_id != 0 && open_op == "delete") {
        // Deleted, then inserted again with the same Id before a push: the record stays and every
        // column the new row changed is an update, with the deleted row's values as the bases.
        SFSYNC_RETURN_IF_ERROR(s.Run("UPDATE _sfsync_outbox SET op = 'update', state = 'PENDING', updated_at = ?2 "
                                     "WHERE change_id = ?1",
                                     {Cell::Int(change_id), now})
                                   .status());
        SFSYNC_RETURN_IF_ERROR(
            s.Run(fmt::format("INSERT INTO _sfsync_outbox_columns (change_id, column_name, base) SELECT {0}, key, "
                              "value FROM {1} WHERE key <> 'Id' ON CONFLICT DO NOTHING",
                              change_id,
                              s.JsonMembers(fmt::format("(SELECT row_before FROM _sfsync_outbox WHERE change_id = {})",
                                                        change_id))))
                .status());
      } else if (change_id == 0) {
        SFSYNC_RETURN_IF_ERROR(open_new("insert").status());
      }
    } else if (op == "delete") {
      if (change_id != 0 && open_op == "insert") {
        // Inserted and deleted before any push: nothing for Salesforce.
        SFSYNC_RETURN_IF_ERROR(
            s.Run("DELETE FROM _sfsync_outbox_columns WHERE change_id = ?1", {Cell::Int(change_id)}).status());
        SFSYNC_RETURN_IF_ERROR(
            s.Run("DELETE FROM _sfsync_outbox WHERE change_id = ?1", {Cell::Int(change_id)}).status());
      } else if (change_id != 0) {
        // A delete's base is the row the user deleted: a server edit after it is the conflict.
        SFSYNC_RETURN_IF_ERROR(s.Run("UPDATE _sfsync_outbox SET op = 'delete', state = 'PENDING', row_before = ?2, "
                                     "updated_at = ?3, base_stamp = ?4 WHERE change_id = ?1",
                                     {Cell::Int(change_id), row_before, now, base_stamp})
                                   .status());
      } else {
        SFSYNC_RETURN_IF_ERROR(open_new("delete").status());
      }
    }
  }
  return Status::Ok();
}

}  // namespace sfsync::store::outbox
