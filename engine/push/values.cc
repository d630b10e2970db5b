#include "engine/push/values.h"

#include <fmt/format.h>

#include <charconv>

#include "engine/core/time_format.h"
#include "engine/store/cell_conversion.h"

namespace sfsync::push {
namespace {

Status BadValue(const Cell& stored, const char* want) {
  return Status(StatusCode::kInvalidArgument,
                fmt::format("value {} is not {}", stored.DebugString().substr(0, 80), want), "push.value");
}

bool IsNumber(const Cell& c) { return c.kind == Cell::Kind::kInt || c.kind == Cell::Kind::kDouble; }
double AsDouble(const Cell& c) { return c.kind == Cell::Kind::kInt ? static_cast<double>(c.i) : c.d; }

}  // namespace

StatusOr<Cell> ToApiValue(const Cell& stored, store::ColumnType type) {
  if (stored.is_null()) return Cell::Null();
  using store::ColumnType;
  switch (type) {
    case ColumnType::kBoolean:
      if (stored.kind == Cell::Kind::kInt && (stored.i == 0 || stored.i == 1)) return Cell::Bool(stored.i == 1);
      if (stored.kind == Cell::Kind::kText && (stored.s == "true" || stored.s == "false")) {
        return Cell::Bool(stored.s == "true");
      }
      return BadValue(stored, "a checkbox value (0 or 1)");
    case ColumnType::kInteger:
    case ColumnType::kReal: {
      if (IsNumber(stored)) return stored;
      if (stored.kind == Cell::Kind::kText) {
        Cell scratch;
        const Cell& converted = store::ToStorage(stored, type, &scratch);
        if (IsNumber(converted)) return converted;
      }
      return BadValue(stored, "a number");
    }
    case ColumnType::kDateTime: {
      if (stored.kind != Cell::Kind::kText) return BadValue(stored, "a datetime");
      Cell scratch;
      const Cell& converted = store::ToStorage(stored, type, &scratch);
      if (converted.kind == Cell::Kind::kText && ParseDateTime(converted.s).ok()) return converted;
      return BadValue(stored, "a datetime (yyyy-MM-ddTHH:mm:ss.SSSZ)");
    }
    case ColumnType::kDate:
    case ColumnType::kTime:
    case ColumnType::kText:
      if (stored.kind == Cell::Kind::kText) return stored;
      if (type == ColumnType::kText) {
        Cell scratch;
        return Cell(store::ToStorage(stored, type, &scratch));
      }
      return BadValue(stored, type == ColumnType::kDate ? "a date (yyyy-MM-dd)" : "a time");
  }
  return stored;
}

Cell ServerValueStored(const Cell& server, store::ColumnType type) {
  Cell scratch;
  return Cell(store::ToStorage(server, type, &scratch));
}

bool SameValue(const Cell& a, const Cell& b) {
  if (IsNumber(a) && IsNumber(b)) return AsDouble(a) == AsDouble(b);
  if (a.kind != b.kind) return false;
  return a == b;
}

}  // namespace sfsync::push
