#include "engine/store/cell_conversion.h"

#include <charconv>
#include <cmath>
#include <string_view>

#include "engine/core/time_format.h"

namespace sfsync::store {
namespace {

// 2^63 as a double; every double d with -2^63 <= d < 2^63 converts to int64 exactly when integral.
constexpr double kTwoPow63 = 9223372036854775808.0;
// Up to 2^53 every integer is a double, so "1.0" reads back as the value it was.
constexpr double kTwoPow53 = 9007199254740992.0;

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const char x = (a[i] >= 'A' && a[i] <= 'Z') ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    if (x != b[i]) return false;
  }
  return true;
}

bool ParseInt(std::string_view text, int64_t* out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, *out);
  return ec == std::errc() && ptr == end;
}

// Decimal or exponent notation only: from_chars would also take "nan" and "inf", which SQLite would
// turn into NULL (and which no Salesforce number is).
bool ParseFiniteDouble(std::string_view text, double* out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, *out, std::chars_format::general);
  return ec == std::errc() && ptr == end && std::isfinite(*out);
}

bool IntegralInRange(double d) { return std::trunc(d) == d && d >= -kTwoPow63 && d < kTwoPow63; }

const Cell& SetInt(int64_t v, Cell* scratch) {
  scratch->kind = Cell::Kind::kInt;
  scratch->i = v;
  return *scratch;
}

const Cell& SetDouble(double v, Cell* scratch) {
  scratch->kind = Cell::Kind::kDouble;
  scratch->d = v;
  return *scratch;
}

const Cell& SetText(std::string_view v, Cell* scratch) {
  scratch->kind = Cell::Kind::kText;
  scratch->s.assign(v);
  return *scratch;
}

const Cell& SetNull(Cell* scratch) {
  scratch->kind = Cell::Kind::kNull;
  return *scratch;
}

const Cell& NumberAsText(const Cell& in, Cell* scratch) {
  char buf[32];
  std::to_chars_result r;
  if (in.kind == Cell::Kind::kInt) {
    r = std::to_chars(buf, buf + sizeof buf, in.i);
  } else if (std::trunc(in.d) == in.d && std::fabs(in.d) < kTwoPow53) {
    // Salesforce writes whole currency and double values as 1.0 (fixtures INDEX.md); keep the ".0".
    r = std::to_chars(buf, buf + sizeof buf, in.d, std::chars_format::fixed, 1);
  } else {
    r = std::to_chars(buf, buf + sizeof buf, in.d);  // shortest text that reads back as the same double
  }
  return SetText(std::string_view(buf, static_cast<size_t>(r.ptr - buf)), scratch);
}

const Cell& ToTextLike(const Cell& in, Cell* scratch) {
  switch (in.kind) {
    case Cell::Kind::kBool: return SetText(in.b ? "true" : "false", scratch);
    case Cell::Kind::kInt:
    case Cell::Kind::kDouble: return NumberAsText(in, scratch);
    default: return in;
  }
}

const Cell& ToBoolean(const Cell& in, Cell* scratch) {
  switch (in.kind) {
    case Cell::Kind::kBool: return SetInt(in.b ? 1 : 0, scratch);
    case Cell::Kind::kInt: return (in.i == 0 || in.i == 1) ? SetInt(in.i, scratch) : in;
    case Cell::Kind::kDouble: return (in.d == 0 || in.d == 1) ? SetInt(in.d == 1 ? 1 : 0, scratch) : in;
    case Cell::Kind::kText:
      if (EqualsIgnoreCase(in.s, "true")) return SetInt(1, scratch);
      if (EqualsIgnoreCase(in.s, "false")) return SetInt(0, scratch);
      return in;
    default: return in;
  }
}

const Cell& ToInteger(const Cell& in, Cell* scratch) {
  switch (in.kind) {
    case Cell::Kind::kBool: return SetInt(in.b ? 1 : 0, scratch);
    case Cell::Kind::kDouble: return IntegralInRange(in.d) ? SetInt(static_cast<int64_t>(in.d), scratch) : in;
    case Cell::Kind::kText: {
      int64_t i;
      if (ParseInt(in.s, &i)) return SetInt(i, scratch);
      double d;
      if (ParseFiniteDouble(in.s, &d) && IntegralInRange(d)) return SetInt(static_cast<int64_t>(d), scratch);
      return in;
    }
    default: return in;
  }
}

const Cell& ToReal(const Cell& in, Cell* scratch) {
  switch (in.kind) {
    case Cell::Kind::kBool: return SetDouble(in.b ? 1 : 0, scratch);
    case Cell::Kind::kInt: return SetDouble(static_cast<double>(in.i), scratch);
    case Cell::Kind::kText: {
      double d;
      return ParseFiniteDouble(in.s, &d) ? SetDouble(d, scratch) : in;
    }
    default: return in;
  }
}

const Cell& ToDateTime(const Cell& in, Cell* scratch) {
  if (in.kind != Cell::Kind::kText) return ToTextLike(in, scratch);
  StatusOr<std::string> normalized = NormalizeDateTime(in.s);
  return normalized.ok() ? SetText(*normalized, scratch) : in;
}

}  // namespace

const Cell& ToStorage(const Cell& in, ColumnType type, Cell* scratch) {
  if (in.kind == Cell::Kind::kNull) return in;
  if (in.kind == Cell::Kind::kText && in.s.empty() && type != ColumnType::kText) return SetNull(scratch);
  switch (type) {
    case ColumnType::kBoolean: return ToBoolean(in, scratch);
    case ColumnType::kInteger: return ToInteger(in, scratch);
    case ColumnType::kReal: return ToReal(in, scratch);
    case ColumnType::kDateTime: return ToDateTime(in, scratch);
    case ColumnType::kText:
    case ColumnType::kDate:
    case ColumnType::kTime: return ToTextLike(in, scratch);
  }
  return in;
}

}  // namespace sfsync::store
