// SqliteStore, history mode (history.h; engine/store/README.md, "History").
#include <fmt/format.h>

#include "engine/core/ascii.h"
#include "engine/store/capture.h"
#include "engine/store/history.h"
#include "engine/store/sqlite_store.h"
#include "engine/store/store_common.h"

namespace sfsync::store {

Status SqliteStore::VersionPushed(const std::string& table, const std::vector<ChangeOutcome>& outcomes) {
  bool any = false;
  for (const ChangeOutcome& o : outcomes) any = any || o.state == "DONE";
  if (!any) return Status::Ok();
  SFSYNC_ASSIGN_OR_RETURN(SqlRows on, session_.Query("SELECT history_table FROM _sfsync_history_tables WHERE "
                                                     "table_name = ?1 AND enabled = 1",
                                                     {Cell::Text(table)}));
  if (on.empty()) return Status::Ok();
  const std::string h = QuoteIdentifier(on[0][0].s);
  const std::string t = QuoteIdentifier(table);
  SFSYNC_ASSIGN_OR_RETURN(std::vector<std::string> columns, session_.Columns(table));
  const Cell at = Cell::Text(ServerNow());
  const Cell run = run_id_ > 0 ? Cell::Int(run_id_) : Cell::Null();
  for (const ChangeOutcome& o : outcomes) {
    if (o.state != "DONE") continue;
    SFSYNC_ASSIGN_OR_RETURN(SqlRows change, session_.Query("SELECT \"Id\", op FROM _sfsync_outbox WHERE change_id = ?1",
                                                           {Cell::Int(o.change_id)}));
    if (change.empty() || change[0][1].s == "insert") continue;
    const Cell id = change[0][0];
    std::string values;
    if (change[0][1].s == "delete") {
      // A tombstone: the row's last version, deleted now.
      for (const std::string& c : columns) values += (values.empty() ? "" : ", ") + ("h." + QuoteIdentifier(c));
    } else {
      // The org's row now: its last version with the columns this change sent, as they were sent (a
      // column edited again since then holds the newer edit; the open change keeps the sent value as
      // its base).
      SFSYNC_ASSIGN_OR_RETURN(SqlRows sent, session_.Query("SELECT column_name FROM _sfsync_outbox_columns WHERE "
                                                           "change_id = ?1",
                                                           {Cell::Int(o.change_id)}));
      for (const std::string& c : columns) {
        bool was_sent = false;
        for (const auto& row : sent) was_sent = was_sent || EqualsIgnoringAsciiCase(row[0].s, c);
        const std::string q = QuoteIdentifier(c);
        std::string value = "h." + q;
        if (was_sent) {
          const std::string open = fmt::format(
              "FROM _sfsync_outbox o JOIN _sfsync_outbox_columns oc ON oc.change_id = o.change_id WHERE "
              "o.table_name = ?1 AND o.\"Id\" = ?2 AND o.state IN ('PENDING', 'FAILED', 'CONFLICT') AND "
              "oc.column_name = {}",
              QuoteLiteral(c));
          value = fmt::format("CASE WHEN EXISTS (SELECT 1 {0}) THEN (SELECT oc.base {0}) ELSE t.{1} END", open, q);
        }
        values += (values.empty() ? "" : ", ") + value;
      }
    }
    std::string list;
    for (const std::string& c : columns) list += (list.empty() ? "" : ", ") + QuoteIdentifier(c);
    const bool tombstone = change[0][1].s == "delete";
    SFSYNC_ASSIGN_OR_RETURN(SqlRows last, session_.Query(fmt::format("SELECT _version FROM {} WHERE \"Id\" = ?1 AND "
                                                                     "_valid_to IS NULL AND _is_deleted = 0",
                                                                     h),
                                                         {id}));
    if (last.empty()) continue;  // no version to follow
    const Cell version = last[0][0];
    SFSYNC_RETURN_IF_ERROR(
        session_
            .Run(fmt::format("UPDATE {} SET _valid_to = max(?2, _valid_from) WHERE _version = ?1", h), {version, at})
            .status());
    SFSYNC_RETURN_IF_ERROR(
        session_
            .Run(fmt::format("INSERT INTO {h} ({list}, _valid_from, _is_deleted, _run_id) SELECT {values}, "
                             "h._valid_to, {del}, ?4 FROM {h} h {join} WHERE h._version = ?5",
                             fmt::arg("h", h), fmt::arg("list", list), fmt::arg("values", values),
                             fmt::arg("del", tombstone ? 1 : 0),
                             fmt::arg("join", tombstone ? "" : fmt::format("JOIN {} t ON t.\"Id\" = h.\"Id\"", t))),
                 {Cell::Text(table), id, at, run, version})
            .status());
    SFSYNC_RETURN_IF_ERROR(
        session_.Run(fmt::format("DELETE FROM {} WHERE \"Id\" = ?1 AND _valid_to = _valid_from", h), {id}).status());
  }
  return Status::Ok();
}

Status SqliteStore::EnsureHistory(const HistorySpec& spec, bool enabled) {
  if (!sticky_.ok()) return sticky_;
  SFSYNC_ASSIGN_OR_RETURN(bool exists, TableExists(spec.table));
  if (!exists) return NotFoundError(fmt::format("no table {} to keep the history of", spec.table));
  const std::string history = HistoryTableName(spec.table);
  if (!enabled) {
    // Most tables never had history: nothing to write, no write lock taken.
    SFSYNC_ASSIGN_OR_RETURN(SqlRows on, session_.Query("SELECT 1 FROM _sfsync_history_tables WHERE table_name = ?1 "
                                                       "AND enabled = 1",
                                                       {Cell::Text(spec.table)}));
    if (on.empty()) return Status::Ok();
  }
  Status s = Remember([&]() -> Status {
    EngineWrite txn(&db_, ServerNow(), run_id_);
    SFSYNC_RETURN_IF_ERROR(txn.status());
    SFSYNC_ASSIGN_OR_RETURN(
        SqlRows registered,
        session_.Query("SELECT enabled FROM _sfsync_history_tables WHERE table_name = ?1", {Cell::Text(spec.table)}));
    SFSYNC_ASSIGN_OR_RETURN(bool history_exists, TableExists(history));
    if (!enabled) {
      SFSYNC_RETURN_IF_ERROR(DropTriggers(spec.table, HistoryTriggerPrefix(spec.table)));
      if (!registered.empty()) {
        SFSYNC_RETURN_IF_ERROR(session_
                                   .Run("UPDATE _sfsync_history_tables SET enabled = 0, updated_at = ?2 WHERE "
                                        "table_name = ?1 AND enabled = 1",
                                        {Cell::Text(spec.table), Cell::Text(Now())})
                                   .status());
      }
      return txn.Commit();
    }
    if (history_exists && registered.empty()) {
      return RefusedError(fmt::format(
          "table {} exists and sfsync did not create it; history: true keeps versions of {} there: rename it", history,
          spec.table));
    }
    SFSYNC_ASSIGN_OR_RETURN(std::vector<std::string> columns, session_.Columns(spec.table));
    const std::string h = QuoteIdentifier(history);
    std::string list;
    for (const std::string& c : columns) list += (list.empty() ? "" : ", ") + QuoteIdentifier(c);
    const std::string at = ServerNow();
    const std::string from =
        spec.stamp_column.empty()
            ? QuoteLiteral(at)
            : fmt::format("coalesce({}, {})", QuoteIdentifier(spec.stamp_column), QuoteLiteral(at));
    const std::string run = run_id_ > 0 ? std::to_string(run_id_) : "NULL";
    bool seed = false;
    if (!history_exists) {
      for (const std::string& sql : HistoryTableSql(spec.table, columns)) SFSYNC_RETURN_IF_ERROR(db_.Exec(sql));
      seed = true;
    } else {
      SFSYNC_ASSIGN_OR_RETURN(std::vector<std::string> kept, session_.Columns(history));
      for (const std::string& c : columns) {
        bool found = false;
        for (const std::string& k : kept) found = found || EqualsIgnoringAsciiCase(k, c);
        if (!found)
          SFSYNC_RETURN_IF_ERROR(db_.Exec(fmt::format("ALTER TABLE {} ADD COLUMN {}", h, QuoteIdentifier(c))));
      }
      if (registered[0][0].kind == Cell::Kind::kInt && registered[0][0].i == 0) {
        // History was off: what changed meanwhile is unknown. Close every open version now and
        // start again from the table's rows.
        SFSYNC_RETURN_IF_ERROR(db_.Exec(fmt::format(
            "UPDATE {} SET _valid_to = max({}, _valid_from) WHERE _valid_to IS NULL", h, QuoteLiteral(at))));
        seed = true;
      }
    }
    if (seed) {
      // From the row's stamp, but never before a version it follows (history turned on again).
      SFSYNC_RETURN_IF_ERROR(db_.Exec(fmt::format(
          "INSERT INTO {h} ({list}, _valid_from, _is_deleted, _run_id) SELECT {list}, max({from}, coalesce((SELECT "
          "max(_valid_to) FROM {h} WHERE \"Id\" = {t}.\"Id\"), '')), 0, {run} FROM {t}",
          fmt::arg("h", h), fmt::arg("list", list), fmt::arg("from", from), fmt::arg("run", run),
          fmt::arg("t", QuoteIdentifier(spec.table)))));
    }
    SFSYNC_RETURN_IF_ERROR(DropTriggers(spec.table, HistoryTriggerPrefix(spec.table)));
    for (const std::string& sql : HistoryTriggerSql(spec.table, columns, spec.stamp_column)) {
      SFSYNC_RETURN_IF_ERROR(db_.Exec(sql));
    }
    SFSYNC_RETURN_IF_ERROR(
        session_
            .Run("INSERT INTO _sfsync_history_tables (table_name, history_table, stamp_column, enabled, created_at, "
                 "updated_at) VALUES (?1, ?2, ?3, 1, ?4, ?4) ON CONFLICT (table_name) DO UPDATE SET stamp_column = "
                 "excluded.stamp_column, enabled = 1, updated_at = excluded.updated_at",
                 {Cell::Text(spec.table), Cell::Text(history), Cell::Text(spec.stamp_column), Cell::Text(at)})
            .status());
    return txn.Commit();
  }());
  ForgetStatements();
  return s;
}

}  // namespace sfsync::store
