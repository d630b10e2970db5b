// Cell and RowBatch: how records travel from the connector to the store.
//
// A RowBatch is one page of records, flattened: its columns are the planned column names in order
// (for a parent path like Account.Name the column is "Account.Name"), and its cells are row-major.
// Values keep the JSON kind they arrived with; the store converts them to each column's type.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sfsync {

struct Cell {
  enum class Kind : uint8_t { kNull, kBool, kInt, kDouble, kText };

  Kind kind = Kind::kNull;
  bool b = false;
  int64_t i = 0;
  double d = 0;
  std::string s;

  static Cell Null() { return {}; }
  static Cell Bool(bool v) { Cell c; c.kind = Kind::kBool; c.b = v; return c; }
  static Cell Int(int64_t v) { Cell c; c.kind = Kind::kInt; c.i = v; return c; }
  static Cell Double(double v) { Cell c; c.kind = Kind::kDouble; c.d = v; return c; }
  static Cell Text(std::string v) { Cell c; c.kind = Kind::kText; c.s = std::move(v); return c; }

  bool is_null() const { return kind == Kind::kNull; }
  // A readable form for messages and tests: null, true, 42, 1.5, or the text itself.
  std::string DebugString() const;
  bool operator==(const Cell& o) const;
};

struct RowBatch {
  std::vector<std::string> columns;
  std::vector<Cell> cells;  // rows() * columns.size(), row-major

  size_t rows() const { return columns.empty() ? 0 : cells.size() / columns.size(); }
  const Cell& at(size_t row, size_t col) const { return cells[row * columns.size() + col]; }
  Cell& at(size_t row, size_t col) { return cells[row * columns.size() + col]; }
  // Index of a column by exact name, or -1.
  int ColumnIndex(std::string_view name) const;
};

}  // namespace sfsync
