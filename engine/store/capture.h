// The SQL of the capture triggers that record local edits of a pushed table in _sfsync_outbox
// (engine/store/README.md, "Push-back"). Pure text generation: SqliteStore::EnsureCapture runs it.
//
// Every trigger is guarded by `coalesce((SELECT applying FROM _sfsync_ctx), 0) = 0`: the engine sets
// applying to 1 inside its own write transactions only (it is never committed as 1), so its pulls are
// never captured, while every other connection (any client, no extension or function needed) is.
//
// The triggers only append to _sfsync_capture (one row per changed column of a row, per insert,
// per delete), the cheapest thing a trigger can do; the engine folds the log into _sfsync_outbox
// (SqliteStore::FoldCapture) inside its own transactions, where edits are merged per row:
//   AFTER UPDATE OF c (one per updateable column, when the value changes): appends c's old value (the
//     base, if it is the row's first edit of c since its last push). The row's base stamp is read at
//     fold time: the engine folds before any write of its own, and edits cannot change the stamp.
//   BEFORE UPDATE OF c (one per other column, Id included, when the value changes): RAISE(ABORT)
//     naming the column and why it cannot be pushed.
//   BEFORE INSERT with a NULL Id: inserts the same row with a local Id ("local-" and 24 hex digits)
//     and drops the original (RAISE(IGNORE)). A non-null value in a column that cannot be set on
//     create is refused (BEFORE INSERT, RAISE(ABORT)). AFTER INSERT appends the insert.
//   AFTER DELETE: appends the delete with the whole row as JSON (row_before), to restore it if
//     Salesforce refuses the delete.
#pragma once

#include <string>
#include <vector>

#include "engine/store/store.h"

namespace sfsync::store {

// Trigger names all start with this and the table name, so DropCaptureSql finds them.
std::string CaptureTriggerPrefix(const std::string& table);

// The CREATE TRIGGER statements for `spec`. `table_columns` are every column of the table as it is
// (PRAGMA table_info order), Id included: columns the spec does not list refuse edits.
std::vector<std::string> CaptureTriggerSql(const CaptureSpec& spec, const std::vector<std::string>& table_columns);

// A SQL string literal: 'text' with quotes doubled.
std::string QuoteLiteral(const std::string& text);

}  // namespace sfsync::store
