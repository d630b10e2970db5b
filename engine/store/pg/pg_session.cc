#include "engine/store/pg/pg_session.h"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <cstdlib>

#include "engine/core/time_format.h"
#include "engine/store/capture.h"
#include "engine/store/pg/pg_store_internal.h"

namespace sfsync::store::pg {
namespace {

// PostgreSQL's type OIDs (pg_type.dat) of the results read back as numbers.
constexpr Oid kBool = 16, kInt8 = 20, kInt2 = 21, kInt4 = 23, kFloat4 = 700, kFloat8 = 701, kNumeric = 1700;

// ?N -> $N, outside quoted text and identifiers.
std::string Dollars(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  char quote = 0;
  for (size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '?' && i + 1 < sql.size() && sql[i + 1] >= '0' && sql[i + 1] <= '9') {
      out += '$';
      continue;
    }
    out += c;
  }
  return out;
}

std::vector<Param> Params(const std::vector<Cell>& cells) {
  std::vector<Param> out;
  out.reserve(cells.size());
  for (const Cell& c : cells) {
    switch (c.kind) {
      case Cell::Kind::kNull:
        out.emplace_back(std::nullopt);
        break;
      case Cell::Kind::kBool:
        out.emplace_back(c.b ? "1" : "0");
        break;
      case Cell::Kind::kInt:
        out.emplace_back(std::to_string(c.i));
        break;
      case Cell::Kind::kDouble:
        out.emplace_back(DoubleText(c.d));
        break;
      case Cell::Kind::kText:
        out.emplace_back(c.s);
        break;
    }
  }
  return out;
}

bool IsIntegerType(const std::string& t) { return t == "bigint" || t == "integer" || t == "smallint"; }
bool IsRealType(const std::string& t) { return t == "double precision" || t == "real" || t.rfind("numeric", 0) == 0; }

}  // namespace

std::string StorageExpr(const std::string& type, const std::string& expr) {
  if (type == "boolean") return fmt::format("({})::int", expr);
  if (type == "timestamp with time zone") {
    return fmt::format("to_char(({}) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')", expr);
  }
  if (type == "time without time zone") return fmt::format("(to_char({}, 'HH24:MI:SS.MS') || 'Z')", expr);
  if (type == "date") return fmt::format("to_char({}, 'YYYY-MM-DD')", expr);
  return expr;
}

StatusOr<SqlRows> PgSession::Query(std::string_view sql, const std::vector<Cell>& params) {
  SFSYNC_ASSIGN_OR_RETURN(PgResult r, conn_->Query(Dollars(sql), Params(params)));
  SqlRows rows;
  rows.reserve(static_cast<size_t>(r.rows()));
  std::vector<Oid> types;
  for (int c = 0; c < r.columns(); ++c) types.push_back(PQftype(r.get(), c));
  for (int i = 0; i < r.rows(); ++i) {
    std::vector<Cell>& row = rows.emplace_back();
    for (int c = 0; c < r.columns(); ++c) {
      if (r.is_null(i, c)) {
        row.push_back(Cell::Null());
        continue;
      }
      const Oid t = types[static_cast<size_t>(c)];
      if (t == kInt8 || t == kInt2 || t == kInt4) {
        row.push_back(Cell::Int(r.int64(i, c)));
      } else if (t == kBool) {
        row.push_back(Cell::Int(r.text(i, c) == "t" ? 1 : 0));
      } else if (t == kFloat8 || t == kFloat4 || t == kNumeric) {
        row.push_back(Cell::Double(std::strtod(r.text(i, c).c_str(), nullptr)));
      } else {
        row.push_back(Cell::Text(r.text(i, c)));
      }
    }
  }
  return rows;
}

StatusOr<int64_t> PgSession::Run(std::string_view sql, const std::vector<Cell>& params) {
  SFSYNC_ASSIGN_OR_RETURN(PgResult r, conn_->Query(Dollars(sql), Params(params)));
  return r.affected();
}

std::string PgSession::Table(const std::string& table) const {
  return QuoteIdentifier(schema_) + "." + QuoteIdentifier(table);
}

StatusOr<std::vector<std::pair<std::string, std::string>>> PgSession::ColumnTypes(const std::string& table) {
  auto it = types_.find(table);
  if (it != types_.end()) return it->second;
  SFSYNC_ASSIGN_OR_RETURN(
      PgResult r, conn_->Query("SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
                               "JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                               "WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped "
                               "ORDER BY a.attnum",
                               {schema_, table}));
  if (r.rows() == 0) return NotFoundError(fmt::format("no table {}", table));
  std::vector<std::pair<std::string, std::string>> columns;
  for (int i = 0; i < r.rows(); ++i) columns.emplace_back(r.text(i, 0), r.text(i, 1));
  return types_.emplace(table, std::move(columns)).first->second;
}

StatusOr<std::string> PgSession::TypeOf(const std::string& table, const std::string& column) {
  SFSYNC_ASSIGN_OR_RETURN(auto columns, ColumnTypes(table));
  for (const auto& [name, type] : columns) {
    if (name == column) return type;
  }
  return NotFoundError(fmt::format("no column {} in table {}", column, table));
}

StatusOr<std::vector<std::string>> PgSession::Columns(const std::string& table) {
  SFSYNC_ASSIGN_OR_RETURN(auto columns, ColumnTypes(table));
  std::vector<std::string> names;
  for (const auto& [name, type] : columns) names.push_back(name);
  return names;
}

StatusOr<std::string> PgSession::Read(const std::string& table, const std::string& column,
                                      const std::string& qualifier) {
  SFSYNC_ASSIGN_OR_RETURN(std::string type, TypeOf(table, column));
  return StorageExpr(type, (qualifier.empty() ? "" : qualifier + ".") + QuoteIdentifier(column));
}

StatusOr<Cell> PgSession::Retype(const std::string& table, const std::string& column, Cell value) {
  if (value.kind != Cell::Kind::kText) return value;
  StatusOr<std::string> type = TypeOf(table, column);
  if (!type.ok()) {
    if (type.status().code() == StatusCode::kNotFound) return value;  // a column gone since: kept as text
    return type.status();
  }
  const std::string& t = *type;
  char* end = nullptr;
  if (IsIntegerType(t)) {
    const long long v = std::strtoll(value.s.c_str(), &end, 10);
    if (end != value.s.c_str() && *end == '\0') return Cell::Int(v);
  } else if (IsRealType(t)) {
    const double v = std::strtod(value.s.c_str(), &end);
    if (end != value.s.c_str() && *end == '\0') return Cell::Double(v);
  } else if (t == "boolean") {
    if (value.s == "1" || value.s == "t" || value.s == "true") return Cell::Int(1);
    if (value.s == "0" || value.s == "f" || value.s == "false") return Cell::Int(0);
  }
  return value;
}

std::string PgSession::InTextArray(std::string_view expr, int n) const {
  return fmt::format("{} = ANY(${}::text[])", expr, n);
}

Cell PgSession::TextArrayParam(const std::vector<std::string>& items) const { return Cell::Text(TextArray(items)); }

std::string PgSession::JsonMembers(std::string_view json) const { return fmt::format("jsonb_each_text({})", json); }

StatusOr<std::string> PgSession::JsonMember(std::string_view json, const std::string& table,
                                            const std::string& column) {
  SFSYNC_ASSIGN_OR_RETURN(std::string type, TypeOf(table, column));
  return fmt::format("({} ->> {})::{}", json, QuoteLiteral(column), type);
}

std::string PgSession::Now() const { return FormatIsoUtc(clock_->NowMillis()); }

}  // namespace sfsync::store::pg
