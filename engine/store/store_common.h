// What every Store implementation shares and that does not touch a database: the text forms of the
// sync state's structured fields, the plan of a page (which spec column each batch column feeds),
// spec validation, and the catalog's names for types and schema changes. The SQLite store and the
// PostgreSQL store (engine/store/pg) both use these, so both read the same state and refuse the
// same specs and pages.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/statusor.h"
#include "engine/store/store.h"

namespace sfsync::store {

// "ts|id", or "(none)" for an empty watermark.
std::string FormatWatermark(const Watermark& w);

// parent_watermarks as text: "path\x1fts\x1fid" records separated by "\x1e".
std::string EncodeParentWatermarks(const std::map<std::string, Watermark>& watermarks);
std::map<std::string, Watermark> DecodeParentWatermarks(const std::string& text);
// load_slices as text: "from\x1fto\x1fafter_id\x1f0|1" records separated by "\x1e". kDataLoss when
// a record cannot be read.
std::string EncodeLoadSlices(const std::vector<LoadSlice>& slices);
StatusOr<std::vector<LoadSlice>> DecodeLoadSlices(const std::string& text);
// bulk_resume as "job_id\x1flocator", empty for none. kDataLoss when unreadable.
std::string EncodeBulkResume(const BulkResume& b);
StatusOr<BulkResume> DecodeBulkResume(const std::string& text);
std::vector<std::string> SplitOn(const std::string& text, char separator);

// Which spec column each batch column feeds, found once per page before anything is written.
struct PagePlan {
  std::vector<const ColumnSpec*> columns;  // parallel to rows.columns
  size_t id_index = 0;                     // batch column holding the Id
};
// kInvalidArgument for a batch ApplyPage must refuse: a column not in spec, a column twice, no Id
// column, a row without a text Id.
StatusOr<PagePlan> PlanPage(const TableSpec& spec, const RowBatch& rows);

// The catalog's value_type ("text", "integer", "datetime", ...): finer than a declared type.
const char* ValueTypeKey(ColumnType type);
// The schema history's name of a change: create_table, add_column, ...
const char* ChangeName(SchemaChange::Kind kind);
// The spec column that holds `source`; nullptr when none does (or `source` is empty).
const ColumnSpec* FindSource(const TableSpec& spec, std::string_view source);
// ApplyServerDeletes' columns: IsDeleted (needed when `mark_only`) and the guard column (needed when
// `guard_source` is set; null otherwise). kInvalidArgument naming what the spec lacks.
struct DeleteColumns {
  const ColumnSpec* is_deleted = nullptr;
  const ColumnSpec* guard = nullptr;
};
StatusOr<DeleteColumns> FindDeleteColumns(const TableSpec& spec, const std::string& guard_source, bool mark_only);
// PurgeFlaggedRows' flag column; kInvalidArgument when the spec has none.
StatusOr<const ColumnSpec*> FindFlagColumn(const TableSpec& spec, const std::string& flag_source);
// kInvalidArgument unless `status` is a run (or object run) status: RUNNING, SUCCESS, PARTIAL,
// FAILED or SKIPPED.
Status CheckRunStatus(const std::string& status);

// kInvalidArgument for a spec no store accepts: empty or reserved table name, duplicate column
// names (ignoring case) or sources, no "Id" text column.
Status ValidateSpec(const TableSpec& spec);

}  // namespace sfsync::store
