// Store code that does not depend on the database: state codecs, page plans, spec checks.
#include "engine/store/store_common.h"

#include "engine/core/ascii.h"

#include <fmt/format.h>

#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace sfsync::store {

std::string FormatWatermark(const Watermark& w) { return w.empty() ? "(none)" : w.ts + "|" + w.id; }

// parent_watermarks as text: "path\x1fts\x1fid" records separated by "\x1e" (ASCII unit and record
// separators, which appear in no field path, datetime or Id).
std::string EncodeParentWatermarks(const std::map<std::string, Watermark>& watermarks) {
  std::string out;
  for (const auto& [path, w] : watermarks) {
    if (!out.empty()) out += '\x1e';
    out += path + '\x1f' + w.ts + '\x1f' + w.id;
  }
  return out;
}

std::map<std::string, Watermark> DecodeParentWatermarks(const std::string& text) {
  std::map<std::string, Watermark> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\x1e', start);
    if (end == std::string::npos) end = text.size();
    const std::string record = text.substr(start, end - start);
    const size_t a = record.find('\x1f');
    const size_t b = a == std::string::npos ? std::string::npos : record.find('\x1f', a + 1);
    if (b != std::string::npos) out[record.substr(0, a)] = {record.substr(a + 1, b - a - 1), record.substr(b + 1)};
    start = end + 1;
  }
  return out;
}

// load_slices as text: "from\x1fto\x1fafter_id\x1f0|1" records separated by "\x1e".
std::string EncodeLoadSlices(const std::vector<LoadSlice>& slices) {
  std::string out;
  for (const LoadSlice& s : slices) {
    if (!out.empty()) out += '\x1e';
    out += s.from + '\x1f' + s.to + '\x1f' + s.after_id + '\x1f' + (s.done ? '1' : '0');
  }
  return out;
}

std::vector<std::string> SplitOn(const std::string& text, char separator) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    const size_t end = text.find(separator, start);
    out.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) return out;
    start = end + 1;
  }
}

StatusOr<std::vector<LoadSlice>> DecodeLoadSlices(const std::string& text) {
  std::vector<LoadSlice> out;
  if (text.empty()) return out;
  for (const std::string& record : SplitOn(text, '\x1e')) {
    std::vector<std::string> parts = SplitOn(record, '\x1f');
    if (parts.size() != 4 || (parts[3] != "0" && parts[3] != "1")) {
      return DataLossError("_sfsync_state.load_slices holds an unreadable slice: '" + record + "'");
    }
    out.push_back({parts[0], parts[1], parts[2], parts[3] == "1"});
  }
  return out;
}

std::string EncodeBulkResume(const BulkResume& b) { return b.job_id.empty() ? "" : b.job_id + '\x1f' + b.locator; }

StatusOr<BulkResume> DecodeBulkResume(const std::string& text) {
  if (text.empty()) return BulkResume{};
  std::vector<std::string> parts = SplitOn(text, '\x1f');
  if (parts.size() != 2 || parts[0].empty()) {
    return DataLossError("_sfsync_state.bulk_resume is unreadable: '" + text + "'");
  }
  return BulkResume{parts[0], parts[1]};
}

StatusOr<PagePlan> PlanPage(const TableSpec& spec, const RowBatch& rows) {
  PagePlan plan;
  if (rows.cells.empty() && rows.columns.empty()) return plan;
  if (rows.columns.empty() || rows.cells.size() % rows.columns.size() != 0) {
    return InvalidArgumentError(
        fmt::format("page for {} has {} cells for {} columns", spec.table, rows.cells.size(), rows.columns.size()));
  }
  std::unordered_map<std::string_view, const ColumnSpec*> by_source;
  by_source.reserve(spec.columns.size());
  for (const ColumnSpec& c : spec.columns) by_source.emplace(c.source, &c);

  bool have_id = false;
  std::unordered_set<const ColumnSpec*> seen;
  for (size_t i = 0; i < rows.columns.size(); ++i) {
    auto it = by_source.find(rows.columns[i]);
    if (it == by_source.end()) {
      return InvalidArgumentError(
          fmt::format("page column '{}' is not a source in the spec of table {}", rows.columns[i], spec.table));
    }
    if (!seen.insert(it->second).second) {
      return InvalidArgumentError(fmt::format("page column '{}' appears twice", rows.columns[i]));
    }
    plan.columns.push_back(it->second);
    if (it->second->name == "Id") {
      plan.id_index = i;
      have_id = true;
    }
  }
  if (!have_id) return InvalidArgumentError(fmt::format("page for {} has no Id column", spec.table));
  for (size_t r = 0; r < rows.rows(); ++r) {
    const Cell& id = rows.at(r, plan.id_index);
    if (id.kind != Cell::Kind::kText || id.s.empty()) {
      return InvalidArgumentError(fmt::format("row {} of the page for {} has no Id", r, spec.table));
    }
  }
  return plan;
}

// The catalog's value_type: finer than the SQL declared type (a date and a datetime are both TEXT),
// so that changing a field from Date to DateTime keeps the old values apart.
const char* ValueTypeKey(ColumnType type) {
  switch (type) {
    case ColumnType::kText: return "text";
    case ColumnType::kInteger: return "integer";
    case ColumnType::kReal: return "real";
    case ColumnType::kBoolean: return "boolean";
    case ColumnType::kDate: return "date";
    case ColumnType::kDateTime: return "datetime";
    case ColumnType::kTime: return "time";
  }
  return "text";
}

const char* ChangeName(SchemaChange::Kind kind) {
  switch (kind) {
    case SchemaChange::Kind::kCreateTable: return "create_table";
    case SchemaChange::Kind::kAddColumn: return "add_column";
    case SchemaChange::Kind::kRetypeColumn: return "retype_column";
    case SchemaChange::Kind::kRemoveColumn: return "remove_column";
    case SchemaChange::Kind::kRestoreColumn: return "restore_column";
    case SchemaChange::Kind::kWidenColumn: return "widen_column";
  }
  return "?";
}

Status ValidateSpec(const TableSpec& spec) {
  if (spec.table.empty() || spec.table.find('\0') != std::string::npos) {
    return InvalidArgumentError(fmt::format("object {}: the table name is empty or contains a NUL", spec.object));
  }
  const std::string lower_table = AsciiLower(spec.table);
  if (lower_table.starts_with("_sfsync_") || lower_table.starts_with("sqlite_")) {
    return InvalidArgumentError(fmt::format("table name {} is reserved (_sfsync_* and sqlite_* are not for data)",
                                            QuoteIdentifier(spec.table)));
  }
  std::unordered_set<std::string> names;
  std::unordered_set<std::string_view> sources;
  bool have_id = false;
  for (const ColumnSpec& c : spec.columns) {
    if (c.name.empty() || c.name.find('\0') != std::string::npos) {
      return InvalidArgumentError(fmt::format("table {}: a column name is empty or contains a NUL", spec.table));
    }
    if (!names.insert(AsciiLower(c.name)).second) {
      return InvalidArgumentError(
          fmt::format("table {}: column {} appears twice (names ignore case)", spec.table, QuoteIdentifier(c.name)));
    }
    if (!sources.insert(c.source).second) {
      return InvalidArgumentError(fmt::format("table {}: source '{}' feeds two columns", spec.table, c.source));
    }
    if (AsciiLower(c.name) == "id") {
      if (c.name != "Id" || c.type != ColumnType::kText) {
        return InvalidArgumentError(fmt::format("table {}: the key column must be \"Id\" of type text", spec.table));
      }
      have_id = true;
    }
  }
  if (!have_id) return InvalidArgumentError(fmt::format("table {}: the spec has no \"Id\" column", spec.table));
  return Status::Ok();
}

const ColumnSpec* FindSource(const TableSpec& spec, std::string_view source) {
  if (source.empty()) return nullptr;
  for (const ColumnSpec& c : spec.columns) {
    if (c.source == source) return &c;
  }
  return nullptr;
}

StatusOr<DeleteColumns> FindDeleteColumns(const TableSpec& spec, const std::string& guard_source, bool mark_only) {
  DeleteColumns found{FindSource(spec, "IsDeleted"), FindSource(spec, guard_source)};
  if (mark_only && found.is_deleted == nullptr) {
    return InvalidArgumentError(fmt::format("table {} has no IsDeleted column", spec.table));
  }
  if (!guard_source.empty() && found.guard == nullptr) {
    return InvalidArgumentError(fmt::format("table {} has no column for {}", spec.table, guard_source));
  }
  return found;
}

StatusOr<const ColumnSpec*> FindFlagColumn(const TableSpec& spec, const std::string& flag_source) {
  const ColumnSpec* flag = FindSource(spec, flag_source);
  if (flag == nullptr) return InvalidArgumentError(fmt::format("table {} has no column for {}", spec.table, flag_source));
  return flag;
}

Status CheckRunStatus(const std::string& status) {
  for (std::string_view s : {"RUNNING", "SUCCESS", "PARTIAL", "FAILED", "SKIPPED"}) {
    if (status == s) return Status::Ok();
  }
  return InvalidArgumentError(fmt::format("unknown run status '{}'", status));
}

}  // namespace sfsync::store
