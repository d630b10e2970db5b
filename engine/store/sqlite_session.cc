#include "engine/store/sqlite_session.h"

#include <fmt/format.h>

#include "engine/core/time_format.h"
#include "engine/store/capture.h"

namespace sfsync::store {

StatusOr<Statement*> SqliteSession::Prepared(std::string_view sql, const std::vector<Cell>& params) {
  auto it = cache_->find(std::string(sql));
  if (it == cache_->end()) {
    SFSYNC_ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(sql));
    it = cache_->emplace(std::string(sql), std::move(stmt)).first;
  }
  Statement* stmt = &it->second;
  for (size_t i = 0; i < params.size(); ++i) {
    const int index = static_cast<int>(i + 1);
    const Cell& p = params[i];
    // Copied: the statement is kept, the parameters are not.
    if (p.kind == Cell::Kind::kText) {
      stmt->BindText(index, p.s, /*copy=*/true);
    } else {
      stmt->BindValue(index, p);
    }
  }
  return stmt;
}

StatusOr<SqlRows> SqliteSession::Query(std::string_view sql, const std::vector<Cell>& params) {
  SFSYNC_ASSIGN_OR_RETURN(Statement * stmt, Prepared(sql, params));
  SqlRows rows;
  while (true) {
    SFSYNC_ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) break;
    std::vector<Cell>& out = rows.emplace_back();
    for (int c = 0, n = stmt->ColumnCount(); c < n; ++c) out.push_back(stmt->ColumnValue(c));
  }
  return rows;
}

StatusOr<int64_t> SqliteSession::Run(std::string_view sql, const std::vector<Cell>& params) {
  SFSYNC_ASSIGN_OR_RETURN(Statement * stmt, Prepared(sql, params));
  SFSYNC_RETURN_IF_ERROR(stmt->Run());
  return db_->changes();
}

std::string SqliteSession::Table(const std::string& table) const { return QuoteIdentifier(table); }

StatusOr<std::vector<std::string>> SqliteSession::Columns(const std::string& table) {
  SFSYNC_ASSIGN_OR_RETURN(SqlRows rows,
                          Query("SELECT name FROM pragma_table_info(?1) ORDER BY cid", {Cell::Text(table)}));
  std::vector<std::string> names;
  for (const auto& row : rows) names.push_back(row[0].s);
  return names;
}

StatusOr<std::string> SqliteSession::Read(const std::string&, const std::string& column, const std::string& qualifier) {
  return (qualifier.empty() ? "" : qualifier + ".") + QuoteIdentifier(column);
}

StatusOr<Cell> SqliteSession::Retype(const std::string&, const std::string&, Cell value) { return value; }

std::string SqliteSession::InTextArray(std::string_view expr, int n) const {
  return fmt::format("{} IN (SELECT value FROM json_each(?{}))", expr, n);
}

Cell SqliteSession::TextArrayParam(const std::vector<std::string>& items) const {
  std::string out = "[";
  for (const std::string& v : items) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (char c : v) {
      if (c == '"' || c == '\\') {
        out += '\\';
        out += c;
      } else if (static_cast<unsigned char>(c) < 0x20) {
        out += fmt::format("\\u{:04x}", static_cast<unsigned char>(c));
      } else {
        out += c;
      }
    }
    out += '"';
  }
  return Cell::Text(out + "]");
}

std::string SqliteSession::JsonMembers(std::string_view json) const { return fmt::format("json_each({})", json); }

StatusOr<std::string> SqliteSession::JsonMember(std::string_view json, const std::string&, const std::string& column) {
  return fmt::format("json_extract({}, {})", json, QuoteLiteral("$.\"" + column + "\""));
}

std::string SqliteSession::Now() const { return FormatIsoUtc(clock_->NowMillis()); }

}  // namespace sfsync::store
