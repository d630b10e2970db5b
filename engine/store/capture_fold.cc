// SqliteStore, push-back: folding the capture log (_sfsync_capture) into the outbox, in order (engine/store/README.md, "Push-back"). Every write here is
// an EngineWrite, so nothing the engine does to a pushed table is captured as a local edit.
#include <fmt/format.h>

#include "engine/store/sqlite_store.h"

namespace sfsync::store {
namespace {

constexpr const char* kOpen = "('PENDING', 'FAILED', 'CONFLICT')";

}  // namespace

Status SqliteStore::FoldCapture() {
  SFSYNC_ASSIGN_OR_RETURN(Statement * any, Cached("SELECT EXISTS (SELECT 1 FROM _sfsync_capture)"));
  SFSYNC_ASSIGN_OR_RETURN(bool row, any->Step());
  const bool has_any = row && any->ColumnInt(0) != 0;
  any->Reset();
  if (!has_any) return Status::Ok();
  struct Entry {
    int64_t seq;
    std::string table, id, op, column;
    Cell base;
    Cell base_stamp;
    Cell row_before;
  };
  std::vector<Entry> entries;
  {
    SFSYNC_ASSIGN_OR_RETURN(Statement read, db_.Prepare(
        "SELECT seq, table_name, \"Id\", op, coalesce(column_name, ''), base, base_stamp, row_before "
        "FROM _sfsync_capture ORDER BY seq"));
    while (true) {
      SFSYNC_ASSIGN_OR_RETURN(bool more, read.Step());
      if (!more) break;
      entries.push_back({read.ColumnInt(0), read.ColumnText(1), read.ColumnText(2), read.ColumnText(3),
                         read.ColumnText(4), read.ColumnValue(5), read.ColumnValue(6), read.ColumnValue(7)});
    }
  }
  const std::string now = Now();
  SFSYNC_ASSIGN_OR_RETURN(Statement * find, Cached(fmt::format(
      "SELECT change_id, op FROM _sfsync_outbox WHERE table_name = ?1 AND \"Id\" = ?2 AND state IN {}", kOpen)));
  SFSYNC_ASSIGN_OR_RETURN(Statement * open_change, Cached(
      "INSERT INTO _sfsync_outbox (table_name, \"Id\", op, state, base_stamp, row_before, created_at, updated_at) "
      "VALUES (?1, ?2, ?3, 'PENDING', ?4, ?5, ?6, ?6)"));
  SFSYNC_ASSIGN_OR_RETURN(Statement * requeue, Cached(
      "UPDATE _sfsync_outbox SET state = CASE WHEN state = 'FAILED' THEN 'PENDING' ELSE state END, updated_at = ?2 "
      "WHERE change_id = ?1"));
  SFSYNC_ASSIGN_OR_RETURN(Statement * add_column, Cached(
      "INSERT OR IGNORE INTO _sfsync_outbox_columns (change_id, column_name, base) VALUES (?1, ?2, ?3)"));
  for (const Entry& e : entries) {
    find->BindText(1, e.table);
    find->BindText(2, e.id);
    SFSYNC_ASSIGN_OR_RETURN(bool found, find->Step());
    const int64_t change_id = found ? find->ColumnInt(0) : 0;
    const std::string op = found ? find->ColumnText(1) : "";
    find->Reset();
    auto open_new = [&](const std::string& new_op) -> StatusOr<int64_t> {
      open_change->BindText(1, e.table);
      open_change->BindText(2, e.id);
      open_change->BindText(3, new_op);
      open_change->BindValue(4, e.base_stamp);
      open_change->BindValue(5, e.row_before);
      open_change->BindText(6, now);
      SFSYNC_RETURN_IF_ERROR(open_change->Run());
      return db_.last_insert_rowid();
    };
    if (e.op == "update") {
      int64_t id = change_id;
      if (id == 0) {
        SFSYNC_ASSIGN_OR_RETURN(id, open_new("update"));
        SFSYNC_RETURN_IF_ERROR(SetBaseStamp(id, e.table, e.id));
      } else {
        requeue->BindInt(1, id);
        requeue->BindText(2, now);
        SFSYNC_RETURN_IF_ERROR(requeue->Run());
      }
      // The first edit's value is the base: a later one finds the column there and is ignored.
      add_column->BindInt(1, id);
      add_column->BindText(2, e.column);
      add_column->BindValue(3, e.base);
      SFSYNC_RETURN_IF_ERROR(add_column->Run());
    } else if (e.op == "insert") {
      if (change_id != 0 && op == "delete") {
        // Deleted, then inserted again with the same Id before a push: the record stays and every
        // column the new row changed is an update, with the deleted row's values as the bases.
        SFSYNC_RETURN_IF_ERROR(db_.Exec(fmt::format(
            "UPDATE _sfsync_outbox SET op = 'update', state = 'PENDING', updated_at = '{1}' WHERE change_id = {0}; "
            "INSERT OR IGNORE INTO _sfsync_outbox_columns (change_id, column_name, base) SELECT {0}, key, value "
            "FROM json_each((SELECT row_before FROM _sfsync_outbox WHERE change_id = {0})) WHERE key <> 'Id';",
            change_id, now)));
      } else if (change_id == 0) {
        SFSYNC_RETURN_IF_ERROR(open_new("insert").status());
      }
    } else if (e.op == "delete") {
      if (change_id != 0 && op == "insert") {
        // Inserted and deleted before any push: nothing for Salesforce.
        SFSYNC_RETURN_IF_ERROR(db_.Exec(fmt::format(
            "DELETE FROM _sfsync_outbox_columns WHERE change_id = {0}; DELETE FROM _sfsync_outbox WHERE change_id = {0};",
            change_id)));
      } else if (change_id != 0) {
        SFSYNC_ASSIGN_OR_RETURN(Statement to_delete, db_.Prepare(
            "UPDATE _sfsync_outbox SET op = 'delete', state = 'PENDING', row_before = ?2, updated_at = ?3, "
            "base_stamp = ?4 WHERE change_id = ?1"));
        to_delete.BindInt(1, change_id);
        to_delete.BindValue(2, e.row_before);
        to_delete.BindText(3, now);
        // A delete's base is the row the user deleted: a server edit after it is the conflict.
        to_delete.BindValue(4, e.base_stamp);
        SFSYNC_RETURN_IF_ERROR(to_delete.Run());
      } else {
        SFSYNC_RETURN_IF_ERROR(open_new("delete").status());
      }
    }
  }
  SFSYNC_ASSIGN_OR_RETURN(Statement clear, db_.Prepare("DELETE FROM _sfsync_capture WHERE seq <= ?1"));
  clear.BindInt(1, entries.back().seq);
  return clear.Run();
}

Status SqliteStore::SetBaseStamp(int64_t change_id, const std::string& table, const std::string& id) {
  SFSYNC_ASSIGN_OR_RETURN(Statement * column, Cached(
      "SELECT stamp_column FROM _sfsync_capture_tables WHERE table_name = ?1"));
  column->BindText(1, table);
  SFSYNC_ASSIGN_OR_RETURN(bool found, column->Step());
  const std::string stamp = found ? column->ColumnText(0) : "";
  column->Reset();
  if (stamp.empty()) return Status::Ok();
  SFSYNC_ASSIGN_OR_RETURN(Statement * set, Cached(fmt::format(
      "UPDATE _sfsync_outbox SET base_stamp = (SELECT {} FROM {} WHERE \"Id\" = ?2) WHERE change_id = ?1",
      QuoteIdentifier(stamp), QuoteIdentifier(table))));
  set->BindInt(1, change_id);
  set->BindText(2, id);
  return set->Run();
}

Status SqliteStore::Fold() {
  if (!sticky_.ok()) return sticky_;
  return Remember([&]() -> Status {
    EngineWrite txn(&db_);
    SFSYNC_RETURN_IF_ERROR(txn.status());
    SFSYNC_RETURN_IF_ERROR(FoldCapture());
    return txn.Commit();
  }());
}

}  // namespace sfsync::store
