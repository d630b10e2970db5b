// The SQL of the capture triggers that record local edits of a pushed table in _sfsync_outbox
// (engine/store/README.md, "Push-back"). Pure text generation: SqliteStore::EnsureCapture runs it.
//
// Every trigger is guarded by `coalesce((SELECT applying FROM _sfsync_ctx), 0) = 0`: the engine sets
// applying to 1 inside its own write transactions only (it is never committed as 1), so its pulls are
// never captured, while every other connection (any client, no extension or function needed) is.
//
//   AFTER UPDATE OF c (one per updateable column, when the value changes): opens or merges the row's
//     change (op update; an open insert or a FAILED change stays or becomes PENDING) and records c's
//     base value (the value before the first edit: later edits never replace it).
//   BEFORE UPDATE OF c (one per other column, Id included, when the value changes): RAISE(ABORT)
//     naming the column and why it cannot be pushed.
//   BEFORE INSERT with a NULL Id: inserts the same row with a local Id ("local-" and 24 hex digits)
//     and drops the original (RAISE(IGNORE)); then AFTER INSERT opens an insert change. A non-null value
//     in a column that cannot be set on create is refused (BEFORE INSERT, RAISE(ABORT)).
//   AFTER DELETE: forgets an insert not yet sent; otherwise opens (or turns the open change into) a
//     delete with the whole row kept as JSON (row_before), to restore it if Salesforce refuses.
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
