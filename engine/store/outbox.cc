// SqliteStore, push-back: the capture triggers (capture.h), the pull's view of pending changes, the
// outbox read for pushes and written with their outcomes
// (engine/store/README.md, "Push-back"). Every write here is an EngineWrite, so nothing the engine
// does to a pushed table is captured as a local edit.
#include <fmt/format.h>


#include "engine/core/time_format.h"
#include "engine/core/ascii.h"
#include "engine/store/capture.h"
#include "engine/store/cell_conversion.h"
#include "engine/store/sqlite_store.h"

namespace sfsync::store {
namespace {

constexpr const char* kOpenOrSent = "('PENDING', 'SENT', 'FAILED', 'CONFLICT')";
constexpr const char* kOpen = "('PENDING', 'FAILED', 'CONFLICT')";

bool IsState(const std::string& s) {
  return s == "PENDING" || s == "SENT" || s == "DONE" || s == "FAILED" || s == "CONFLICT";
}

// `values` as a JSON array of strings, for `IN (SELECT value FROM json_each(?))`.
std::string JsonStringArray(const std::vector<std::string>& values) {
  std::string out = "[";
  for (const std::string& v : values) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (char c : v) {
      if (c == '"' || c == '\\') {
        out += '\\';
        out += c;
      } else if (static_cast<unsigned char>(c) < 0x20) {
        out += fmt::format("\\u{:04x}", static_cast<unsigned char>(c));
      } else {
        out += c;
      }
    }
    out += '"';
  }
  return out + "]";
}

std::string ColumnList(const std::vector<std::string>& columns) {
  std::string list;
  for (const std::string& c : columns) list += (list.empty() ? "" : ", ") + QuoteIdentifier(c);
  return list;
}

// The values of `columns` in the row `id` of `table`; nullopt when the row is gone.
StatusOr<std::optional<std::vector<Cell>>> ReadRow(Db* db, const std::string& table, const std::string& id,
                                                   const std::vector<std::string>& columns) {
  if (columns.empty()) return std::optional<std::vector<Cell>>(std::vector<Cell>{});
  SFSYNC_ASSIGN_OR_RETURN(Statement stmt, db->Prepare(fmt::format("SELECT {} FROM {} WHERE \"Id\" = ?1",
                                                                  ColumnList(columns), QuoteIdentifier(table))));
  stmt.BindText(1, id);
  SFSYNC_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<std::vector<Cell>>();
  std::vector<Cell> values;
  for (size_t i = 0; i < columns.size(); ++i) values.push_back(stmt.ColumnValue(static_cast<int>(i)));
  stmt.Reset();
  return std::optional<std::vector<Cell>>(std::move(values));
}

}  // namespace

Status SqliteStore::AbsorbPulledCopy(const std::string& table, const std::string& local_id,
                                     const std::string& server_id) {
  SFSYNC_ASSIGN_OR_RETURN(Statement exists, db_.Prepare(fmt::format(
      "SELECT 1 FROM {} WHERE \"Id\" = ?1", QuoteIdentifier(table))));
  exists.BindText(1, server_id);
  SFSYNC_ASSIGN_OR_RETURN(bool found, exists.Step());
  if (!found) return Status::Ok();
  exists.Reset();
  SFSYNC_ASSIGN_OR_RETURN(Statement edited, db_.Prepare(fmt::format(
      "SELECT DISTINCT c.column_name FROM _sfsync_outbox_columns c JOIN _sfsync_outbox o USING (change_id) "
      "WHERE o.table_name = ?1 AND o.\"Id\" = ?2 AND o.state IN {}", kOpen)));
  edited.BindText(1, table);
  edited.BindText(2, local_id);
  SFSYNC_ASSIGN_OR_RETURN(std::vector<std::string> keep, edited.TextsOfColumn(0));
  SFSYNC_ASSIGN_OR_RETURN(std::vector<std::string> columns, TableColumns(table));
  std::vector<std::string> take;
  for (const std::string& c : columns) {
    bool kept = c == "Id";
    for (const std::string& k : keep) kept = kept || EqualsIgnoringAsciiCase(k, c);
    if (!kept) take.push_back(QuoteIdentifier(c));
  }
  if (!take.empty()) {
    const std::string list = fmt::format("{}", fmt::join(take, ", "));
    SFSYNC_ASSIGN_OR_RETURN(Statement copy, db_.Prepare(fmt::format(
        "UPDATE {0} SET ({1}) = (SELECT {1} FROM {0} WHERE \"Id\" = ?1) WHERE \"Id\" = ?2", QuoteIdentifier(table),
        list)));
    copy.BindText(1, server_id);
    copy.BindText(2, local_id);
    SFSYNC_RETURN_IF_ERROR(copy.Run());
  }
  SFSYNC_ASSIGN_OR_RETURN(Statement drop, db_.Prepare(fmt::format(
      "DELETE FROM {} WHERE \"Id\" = ?1", QuoteIdentifier(table))));
  drop.BindText(1, server_id);
  return drop.Run();
}

StatusOr<std::vector<std::string>> SqliteStore::TableColumns(const std::string& table) {
  SFSYNC_ASSIGN_OR_RETURN(Statement stmt, db_.Prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid"));
  stmt.BindText(1, table);
  return stmt.TextsOfColumn(0);
}

Status SqliteStore::EnsureCapture(const CaptureSpec& spec) {
  if (!sticky_.ok()) return sticky_;
  SFSYNC_ASSIGN_OR_RETURN(bool exists, TableExists(spec.table));
  if (!exists) return NotFoundError(fmt::format("no table {} to capture edits of", spec.table));
  SFSYNC_ASSIGN_OR_RETURN(std::vector<std::string> columns, TableColumns(spec.table));
  const std::vector<std::string> sql = CaptureTriggerSql(spec, columns);
  return Remember([&]() -> Status {
    Transaction txn(&db_);
    SFSYNC_RETURN_IF_ERROR(txn.status());
    SFSYNC_RETURN_IF_ERROR(DropCaptureTriggers(spec.table));
    for (const std::string& create : sql) SFSYNC_RETURN_IF_ERROR(db_.Exec(create));
    SFSYNC_ASSIGN_OR_RETURN(Statement stamp, db_.Prepare(
        "INSERT OR REPLACE INTO _sfsync_capture_tables (table_name, stamp_column) VALUES (?1, ?2)"));
    stamp.BindText(1, spec.table);
    stamp.BindText(2, spec.stamp_column);
    SFSYNC_RETURN_IF_ERROR(stamp.Run());
    return txn.Commit();
  }());
}

Status SqliteStore::DropCaptureTriggers(const std::string& table) {
  SFSYNC_ASSIGN_OR_RETURN(Statement find, db_.Prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND "
                                                      "tbl_name = ?1 COLLATE NOCASE AND substr(name, 1, ?2) = ?3"));
  const std::string prefix = CaptureTriggerPrefix(table);
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
    SFSYNC_RETURN_IF_ERROR(DropCaptureTriggers(table));
    return txn.Commit();
  }());
}

StatusOr<std::unordered_map<std::string, PendingRow>> SqliteStore::PendingRows(const std::string& table,
                                                                              const std::vector<std::string>& ids) {
  std::unordered_map<std::string, PendingRow> out;
  if (ids.empty()) return out;
  SFSYNC_ASSIGN_OR_RETURN(Statement * any, Cached(fmt::format(
      "SELECT EXISTS (SELECT 1 FROM _sfsync_outbox WHERE table_name = ?1 AND state IN {})", kOpenOrSent)));
  any->BindText(1, table);
  SFSYNC_ASSIGN_OR_RETURN(bool row, any->Step());
  const bool has_any = row && any->ColumnInt(0) != 0;
  any->Reset();
  if (!has_any) return out;
  // Only the changes of these rows: a table with many pending changes costs each page its own rows.
  SFSYNC_ASSIGN_OR_RETURN(Statement * list, Cached(fmt::format(
      "SELECT o.change_id, o.\"Id\", o.op, o.state, c.column_name FROM _sfsync_outbox o LEFT JOIN "
      "_sfsync_outbox_columns c ON c.change_id = o.change_id WHERE o.table_name = ?1 AND o.state IN {} "
      "AND o.\"Id\" IN (SELECT value FROM json_each(?2)) ORDER BY o.change_id",
      kOpenOrSent)));
  list->BindText(1, table);
  const std::string wanted = JsonStringArray(ids);
  list->BindText(2, wanted);
  while (true) {
    SFSYNC_ASSIGN_OR_RETURN(bool more, list->Step());
    if (!more) break;
    PendingRow& p = out[list->ColumnText(1)];
    p.op = list->ColumnText(2);
    if (list->ColumnText(3) != "SENT") p.change_id = list->ColumnInt(0);
    if (!list->ColumnIsNull(4)) {
      std::string column = list->ColumnText(4);
      bool seen = false;
      for (const std::string& c : p.columns) seen = seen || EqualsIgnoringAsciiCase(c, column);
      if (!seen) p.columns.push_back(std::move(column));
    }
  }
  return out;
}

Status SqliteStore::KeepLocalValues(const std::string& table, const std::string& id, const PendingRow& pending,
                                    const std::vector<Cell>& local, const std::vector<Cell>& server) {
  std::string sets;
  for (size_t i = 0; i < pending.columns.size(); ++i) {
    sets += fmt::format("{}{} = ?{}", i ? ", " : "", QuoteIdentifier(pending.columns[i]), i + 2);
  }
  SFSYNC_ASSIGN_OR_RETURN(Statement restore,
                          db_.Prepare(fmt::format("UPDATE {} SET {} WHERE \"Id\" = ?1", QuoteIdentifier(table), sets)));
  restore.BindText(1, id);
  for (size_t i = 0; i < local.size(); ++i) restore.BindValue(static_cast<int>(i + 2), local[i]);
  SFSYNC_RETURN_IF_ERROR(restore.Run());
  SFSYNC_ASSIGN_OR_RETURN(Statement * aside, Cached(fmt::format(
      "UPDATE _sfsync_outbox_columns SET remote = ?1, remote_set = 1 WHERE column_name = ?2 AND change_id IN "
      "(SELECT change_id FROM _sfsync_outbox WHERE table_name = ?3 AND \"Id\" = ?4 AND state IN {})",
      kOpenOrSent)));
  for (size_t i = 0; i < server.size(); ++i) {
    aside->BindValue(1, server[i]);
    aside->BindText(2, pending.columns[i]);
    aside->BindText(3, table);
    aside->BindText(4, id);
    SFSYNC_RETURN_IF_ERROR(aside->Run());
  }
  return Status::Ok();
}

Status SqliteStore::FlagRemoteDeleted(const std::string& table, const std::vector<std::string>& ids) {
  if (ids.empty()) return Status::Ok();
  SFSYNC_ASSIGN_OR_RETURN(Statement * flag, Cached(fmt::format(
      "UPDATE _sfsync_outbox SET remote_deleted = 1 WHERE table_name = ?1 AND \"Id\" = ?2 AND state IN {}",
      kOpenOrSent)));
  for (const std::string& id : ids) {
    flag->BindText(1, table);
    flag->BindText(2, id);
    SFSYNC_RETURN_IF_ERROR(flag->Run());
  }
  return Status::Ok();
}

StatusOr<std::vector<Change>> SqliteStore::ListChanges(const std::string& table, const std::vector<std::string>& states,
                                                       const std::vector<std::string>& insert_columns) {
  std::string in;
  for (const std::string& state : states) {
    if (!IsState(state)) return InvalidArgumentError(fmt::format("'{}' is not a change state", state));
    in += (in.empty() ? "'" : ", '") + state + "'";
  }
  std::vector<Change> changes;
  if (in.empty()) return changes;
  SFSYNC_RETURN_IF_ERROR(Fold());
  SFSYNC_ASSIGN_OR_RETURN(Statement list, db_.Prepare(fmt::format(
      "SELECT change_id, \"Id\", op, state, coalesce(base_stamp, ''), insert_key, remote_deleted, attempts, "
      "status_code, message, error_fields FROM _sfsync_outbox WHERE table_name = ?1 AND state IN ({}) "
      "ORDER BY change_id",
      in)));
  list.BindText(1, table);
  while (true) {
    SFSYNC_ASSIGN_OR_RETURN(bool row, list.Step());
    if (!row) break;
    Change c;
    c.change_id = list.ColumnInt(0);
    c.table = table;
    c.id = list.ColumnText(1);
    c.op = list.ColumnText(2);
    c.state = list.ColumnText(3);
    c.base_stamp = list.ColumnText(4);
    c.insert_key = list.ColumnText(5);
    c.remote_deleted = list.ColumnInt(6) != 0;
    c.attempts = list.ColumnInt(7);
    c.status_code = list.ColumnText(8);
    c.message = list.ColumnText(9);
    c.error_fields = list.ColumnText(10);
    changes.push_back(std::move(c));
  }
  SFSYNC_ASSIGN_OR_RETURN(Statement * columns_of, Cached(
      "SELECT column_name, base, remote, remote_set FROM _sfsync_outbox_columns WHERE change_id = ?1 "
      "ORDER BY column_name"));
  for (Change& c : changes) {
    if (c.op == "delete") continue;
    if (c.op == "insert") {
      SFSYNC_ASSIGN_OR_RETURN(auto values, ReadRow(&db_, table, c.id, insert_columns));
      if (!values) continue;
      for (size_t i = 0; i < insert_columns.size(); ++i) {
        c.columns.push_back({insert_columns[i], Cell::Null(), (*values)[i], false, Cell::Null()});
      }
      continue;
    }
    columns_of->BindInt(1, c.change_id);
    std::vector<Change::Column> changed;
    while (true) {
      SFSYNC_ASSIGN_OR_RETURN(bool row, columns_of->Step());
      if (!row) break;
      changed.push_back({columns_of->ColumnText(0), columns_of->ColumnValue(1), Cell::Null(),
                         columns_of->ColumnInt(3) != 0, columns_of->ColumnValue(2)});
    }
    std::vector<std::string> names;
    for (const Change::Column& col : changed) names.push_back(col.name);
    SFSYNC_ASSIGN_OR_RETURN(auto values, ReadRow(&db_, table, c.id, names));
    if (!values) continue;
    for (size_t i = 0; i < changed.size(); ++i) {
      changed[i].local = (*values)[i];
      // Edited back to its base: nothing to send for it.
      if (!(changed[i].local == changed[i].base)) c.columns.push_back(std::move(changed[i]));
    }
  }
  return changes;
}

Status SqliteStore::MarkSent(const std::string& table, const std::vector<SentChange>& sent, int64_t run_id) {
  if (!sticky_.ok()) return sticky_;
  return Remember([&]() -> Status {
    EngineWrite txn(&db_);
    SFSYNC_RETURN_IF_ERROR(txn.status());
    SFSYNC_RETURN_IF_ERROR(FoldCapture());
    SFSYNC_ASSIGN_OR_RETURN(Statement * mark, Cached(
        "UPDATE _sfsync_outbox SET state = 'SENT', attempts = attempts + 1, run_id = ?2, "
        "insert_key = CASE WHEN ?3 <> '' THEN ?3 ELSE insert_key END, updated_at = ?4 WHERE change_id = ?1"));
    const std::string now = Now();
    for (const SentChange& s : sent) {
      mark->BindInt(1, s.change_id);
      mark->BindInt(2, run_id);
      mark->BindText(3, s.insert_key);
      mark->BindText(4, now);
      SFSYNC_RETURN_IF_ERROR(mark->Run());
      if (!s.key_column.empty() && !s.insert_key.empty()) {
        SFSYNC_ASSIGN_OR_RETURN(Statement key, db_.Prepare(fmt::format(
            "UPDATE {} SET {} = ?1 WHERE \"Id\" = (SELECT \"Id\" FROM _sfsync_outbox WHERE change_id = ?2)",
            QuoteIdentifier(table), QuoteIdentifier(s.key_column))));
        key.BindText(1, s.insert_key);
        key.BindInt(2, s.change_id);
        SFSYNC_RETURN_IF_ERROR(key.Run());
      }
    }
    return txn.Commit();
  }());
}

Status SqliteStore::RecordOutcomes(const TableSpec& spec, const std::vector<ChangeOutcome>& outcomes,
                                   const std::vector<std::pair<std::string, std::string>>& lookups,
                                   const RowBatch& restore) {
  if (!sticky_.ok()) return sticky_;
  const std::string table = QuoteIdentifier(spec.table);
  return Remember([&]() -> Status {
    EngineWrite txn(&db_);
    SFSYNC_RETURN_IF_ERROR(txn.status());
    SFSYNC_RETURN_IF_ERROR(FoldCapture());
    const std::string now = Now();
    for (const ChangeOutcome& o : outcomes) {
      SFSYNC_ASSIGN_OR_RETURN(Statement find, db_.Prepare(
          "SELECT \"Id\", op, coalesce(row_before, '') FROM _sfsync_outbox WHERE change_id = ?1"));
      find.BindInt(1, o.change_id);
      SFSYNC_ASSIGN_OR_RETURN(bool found, find.Step());
      if (!found) return NotFoundError(fmt::format("no change {}", o.change_id));
      const std::string id = find.ColumnText(0);
      const std::string op = find.ColumnText(1);
      find.Reset();
      const bool reopen = o.state == "PENDING" || o.state == "FAILED" || o.state == "CONFLICT";
      if (reopen) {
        // An edit made while this change was in flight opened another change of the row: fold it in
        // (this change's bases are older, so they win) before this one is open again.
        SFSYNC_ASSIGN_OR_RETURN(Statement other, db_.Prepare(fmt::format(
            "SELECT change_id, op FROM _sfsync_outbox WHERE table_name = ?1 AND \"Id\" = ?2 AND state IN {} "
            "AND change_id <> ?3",
            kOpen)));
        other.BindText(1, spec.table);
        other.BindText(2, id);
        other.BindInt(3, o.change_id);
        SFSYNC_ASSIGN_OR_RETURN(bool has_other, other.Step());
        if (has_other) {
          const int64_t other_id = other.ColumnInt(0);
          const std::string other_op = other.ColumnText(1);
          other.Reset();
          SFSYNC_RETURN_IF_ERROR(db_.Exec(fmt::format(
              "INSERT OR IGNORE INTO _sfsync_outbox_columns (change_id, column_name, base, remote, remote_set) "
              "SELECT {0}, column_name, base, remote, remote_set FROM _sfsync_outbox_columns WHERE change_id = {1}; "
              "DELETE FROM _sfsync_outbox_columns WHERE change_id = {1}; "
              "UPDATE _sfsync_outbox SET op = CASE WHEN '{2}' = 'delete' THEN 'delete' ELSE op END, "
              "row_before = coalesce((SELECT row_before FROM _sfsync_outbox WHERE change_id = {1}), row_before) "
              "WHERE change_id = {0}; DELETE FROM _sfsync_outbox WHERE change_id = {1};",
              o.change_id, other_id, other_op == "delete" ? "delete" : "update")));
        }
      }
      SFSYNC_ASSIGN_OR_RETURN(Statement * set, Cached(
          "UPDATE _sfsync_outbox SET state = ?2, status_code = ?3, message = ?4, error_fields = ?5, "
          "server_id = CASE WHEN ?6 <> '' THEN ?6 ELSE server_id END, updated_at = ?7 WHERE change_id = ?1"));
      set->BindInt(1, o.change_id);
      set->BindText(2, o.state);
      set->BindText(3, o.status_code);
      set->BindText(4, o.message);
      set->BindText(5, o.error_fields);
      set->BindText(6, o.server_id);
      set->BindText(7, now);
      SFSYNC_RETURN_IF_ERROR(set->Run());

      for (const auto& [column, value] : o.take_remote) {
        SFSYNC_ASSIGN_OR_RETURN(Statement take, db_.Prepare(fmt::format(
            "UPDATE {} SET {} = ?1 WHERE \"Id\" = ?2", table, QuoteIdentifier(column))));
        take.BindValue(1, value);
        take.BindText(2, id);
        SFSYNC_RETURN_IF_ERROR(take.Run());
        SFSYNC_ASSIGN_OR_RETURN(Statement drop, db_.Prepare(
            "DELETE FROM _sfsync_outbox_columns WHERE change_id = ?1 AND column_name = ?2"));
        drop.BindInt(1, o.change_id);
        drop.BindText(2, column);
        SFSYNC_RETURN_IF_ERROR(drop.Run());
      }
      for (const Conflict& c : o.conflicts) {
        SFSYNC_ASSIGN_OR_RETURN(Statement * keep, Cached(
            "INSERT INTO _sfsync_conflicts (change_id, table_name, \"Id\", kind, column_name, base, local, remote, "
            "detected_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"));
        keep->BindInt(1, o.change_id);
        keep->BindText(2, spec.table);
        keep->BindText(3, id);
        keep->BindText(4, c.kind);
        keep->BindText(5, c.column);
        keep->BindValue(6, c.base);
        keep->BindValue(7, c.local);
        keep->BindValue(8, c.remote);
        keep->BindText(9, now);
        SFSYNC_RETURN_IF_ERROR(keep->Run());
      }
      if (!o.server_id.empty() && o.server_id != id) {
        // The record may be in the table already: an earlier push of this insert reached the org but
        // its answer was lost (or not recorded), and a pull since read the record back. That copy has
        // the org's values, this row has the local ones: the row keeps its columns that have an open
        // change (edits made since) and takes the rest from the copy (the org's stamps and what it
        // computed), then the copy goes. Found by the fault loop (tests/integration/fault_loop_test.cc).
        SFSYNC_RETURN_IF_ERROR(AbsorbPulledCopy(spec.table, id, o.server_id));
        // The new record's Id replaces the local one: in the row, in this row's other changes, and in
        // every lookup that points at it.
        SFSYNC_ASSIGN_OR_RETURN(Statement rename, db_.Prepare(fmt::format(
            "UPDATE {} SET \"Id\" = ?1 WHERE \"Id\" = ?2", table)));
        rename.BindText(1, o.server_id);
        rename.BindText(2, id);
        SFSYNC_RETURN_IF_ERROR(rename.Run());
        SFSYNC_ASSIGN_OR_RETURN(Statement moved, db_.Prepare(
            "UPDATE _sfsync_outbox SET \"Id\" = ?1 WHERE table_name = ?3 AND \"Id\" = ?2"));
        moved.BindText(1, o.server_id);
        moved.BindText(2, id);
        moved.BindText(3, spec.table);
        SFSYNC_RETURN_IF_ERROR(moved.Run());
        for (const auto& [lookup_table, lookup_column] : lookups) {
          SFSYNC_ASSIGN_OR_RETURN(Statement remap, db_.Prepare(fmt::format(
              "UPDATE {0} SET {1} = ?1 WHERE {1} = ?2", QuoteIdentifier(lookup_table), QuoteIdentifier(lookup_column))));
          remap.BindText(1, o.server_id);
          remap.BindText(2, id);
          SFSYNC_RETURN_IF_ERROR(remap.Run());
        }
      }
      if (o.restore) {
        SFSYNC_ASSIGN_OR_RETURN(std::vector<std::string> columns, TableColumns(spec.table));
        std::string values;
        for (const std::string& c : columns) {
          values += fmt::format("{}json_extract(row_before, {})", values.empty() ? "" : ", ",
                                "'$.\"" + [&] {
                                  std::string escaped;
                                  for (char ch : c) escaped += ch == '\'' ? std::string("''") : std::string(1, ch);
                                  return escaped;
                                }() + "\"'");
        }
        SFSYNC_RETURN_IF_ERROR(db_.Exec(fmt::format(
            "INSERT OR IGNORE INTO {} ({}) SELECT {} FROM _sfsync_outbox WHERE change_id = {} AND row_before IS NOT NULL",
            table, ColumnList(columns), values, o.change_id)));
      }
    }
    if (restore.rows() > 0) {
      // The server's values of restored rows, over what row_before held.
      std::vector<const ColumnSpec*> columns;
      for (const std::string& source : restore.columns) {
        const ColumnSpec* found = nullptr;
        for (const ColumnSpec& c : spec.columns) {
          if (c.source == source) found = &c;
        }
        if (found == nullptr) return InvalidArgumentError(fmt::format("restore column '{}' is not in the spec", source));
        columns.push_back(found);
      }
      SFSYNC_ASSIGN_OR_RETURN(Statement * upsert, UpsertStatement(spec.table, columns));
      std::vector<Cell> scratch(columns.size());
      for (size_t r = 0; r < restore.rows(); ++r) {
        for (size_t c = 0; c < columns.size(); ++c) {
          const Cell& stored = ToStorage(restore.at(r, c), columns[c]->type, &scratch[c]);
          upsert->BindValue(static_cast<int>(c + 1), stored);
        }
        SFSYNC_RETURN_IF_ERROR(upsert->Run());
      }
    }
    return txn.Commit();
  }());
}

StatusOr<int64_t> SqliteStore::RequeueFailed(const std::string& table) {
  if (!sticky_.ok()) return sticky_;
  int64_t count = 0;
  Status s = Remember([&]() -> Status {
    EngineWrite txn(&db_);
    SFSYNC_RETURN_IF_ERROR(txn.status());
    SFSYNC_RETURN_IF_ERROR(FoldCapture());
    SFSYNC_ASSIGN_OR_RETURN(Statement stmt, db_.Prepare(
        "UPDATE _sfsync_outbox SET state = 'PENDING' WHERE state = 'FAILED' AND (?1 = '' OR table_name = ?1)"));
    stmt.BindText(1, table);
    SFSYNC_RETURN_IF_ERROR(stmt.Run());
    count = db_.changes();
    return txn.Commit();
  }());
  if (!s.ok()) return s;
  return count;
}

StatusOr<std::vector<std::tuple<std::string, std::string, int64_t>>> SqliteStore::CountChanges() {
  SFSYNC_RETURN_IF_ERROR(Fold());
  SFSYNC_ASSIGN_OR_RETURN(Statement stmt, db_.Prepare(
      "SELECT table_name, state, count(*) FROM _sfsync_outbox GROUP BY table_name, state ORDER BY 1, 2"));
  std::vector<std::tuple<std::string, std::string, int64_t>> out;
  while (true) {
    SFSYNC_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    out.emplace_back(stmt.ColumnText(0), stmt.ColumnText(1), stmt.ColumnInt(2));
  }
  return out;
}

}  // namespace sfsync::store
