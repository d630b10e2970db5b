#include "engine/store/store.h"

namespace sfsync::store {

const char* ColumnTypeName(ColumnType type) {
  switch (type) {
    case ColumnType::kInteger:
    case ColumnType::kBoolean: return "INTEGER";
    case ColumnType::kReal: return "REAL";
    case ColumnType::kText:
    case ColumnType::kDate:
    case ColumnType::kDateTime:
    case ColumnType::kTime: return "TEXT";
  }
  return "TEXT";
}

std::string QuoteIdentifier(std::string_view name) {
  std::string quoted;
  quoted.reserve(name.size() + 2);
  quoted += '"';
  for (char c : name) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

bool NeedsBackfill(const std::vector<SchemaChange>& changes) {
  for (const SchemaChange& c : changes) {
    if (c.kind == SchemaChange::Kind::kAddColumn || c.kind == SchemaChange::Kind::kRetypeColumn ||
        c.kind == SchemaChange::Kind::kRestoreColumn) {
      return true;
    }
  }
  return false;
}

}  // namespace sfsync::store
