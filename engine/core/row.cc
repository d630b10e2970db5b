#include "engine/core/row.h"

#include <fmt/format.h>

namespace sfsync {

std::string Cell::DebugString() const {
  switch (kind) {
    case Kind::kNull: return "null";
    case Kind::kBool: return b ? "true" : "false";
    case Kind::kInt: return std::to_string(i);
    case Kind::kDouble: return fmt::format("{}", d);
    case Kind::kText: return s;
  }
  return "?";
}

bool Cell::operator==(const Cell& o) const {
  if (kind != o.kind) return false;
  switch (kind) {
    case Kind::kNull: return true;
    case Kind::kBool: return b == o.b;
    case Kind::kInt: return i == o.i;
    case Kind::kDouble: return d == o.d;
    case Kind::kText: return s == o.s;
  }
  return false;
}

int RowBatch::ColumnIndex(std::string_view name) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i] == name) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace sfsync
