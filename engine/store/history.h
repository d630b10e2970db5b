// The SQL of history mode on SQLite (engine/store/README.md, "History"): the versions table of a
// synced table and the triggers that fill it. Pure text generation: SqliteStore::EnsureHistory runs it.
//
// `<table>__history` holds every column of the table, untyped (a value is kept exactly as the table
// stored it, whatever retypes come later), and:
//   _version     INTEGER PRIMARY KEY: the order versions were written
//   _valid_from  when the version became the row's state (storage datetime form)
//   _valid_to    when the next version replaced it; NULL for the row's current version
//   _is_deleted  1 for a tombstone: the row left the table (a hard delete; with `deletes: soft` a
//                deleted record is an ordinary version whose IsDeleted is 1)
//   _run_id      the run that wrote it (_sfsync_runs); NULL outside a run (a standalone push)
// The row as it was at instant T is the version with _valid_from <= T < coalesce(_valid_to, +inf)
// and _is_deleted = 0.
//
// Triggers fire only inside the engine's own write transactions (_sfsync_ctx.applying = 1), and
// never for a local insert's row (a local Id): local edits are not the org's state until pushed.
// They date a version by the server's stamp when the change carries one (an inserted row's stamp;
// an update that moved the stamp), else by the server's deletion date (_sfsync_ctx.delete_at:
// getDeleted, queryAll), else by the engine write's own time on the org's clock (_sfsync_ctx.at: a
// sweep, a backfill of a new column, a parent's field refreshed, a pushed insert getting its Id).
// A version is never dated before the version it replaces (a clock behind is clamped); a version
// replaced at the instant it began is dropped (it was never the state at any instant). An update
// that changes no column writes nothing.
#pragma once

#include <string>
#include <vector>

namespace sfsync::store {

// "<table>__history".
std::string HistoryTableName(const std::string& table);

// Trigger names all start with this, so they can be found and dropped.
std::string HistoryTriggerPrefix(const std::string& table);

// CREATE TABLE of the history table and its indexes, for the table's columns (Id among them).
std::vector<std::string> HistoryTableSql(const std::string& table, const std::vector<std::string>& columns);

// The CREATE TRIGGER statements. `columns` are the table's columns (Id among them), every one of
// which the history table must have; `stamp_column` may be empty.
std::vector<std::string> HistoryTriggerSql(const std::string& table, const std::vector<std::string>& columns,
                                           const std::string& stamp_column);

// The condition choosing, in a history table, the rows as they were at `at` (storage datetime form):
// each row's version valid then, tombstones left out.
std::string HistoryAsOfCondition(const std::string& at);

}  // namespace sfsync::store
