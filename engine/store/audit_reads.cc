// SqliteStore: the reads `sfsync audit` compares the server with (store.h): the rows whose datetime
// names no month, and rows compared value by value. Both are read-only.
//
// Why SQLite compares the values: a value is stored under its column's affinity, which may change it
// once more after ToStorage (a REAL column turns the integer 5 into 5.0, and text that looks like a
// number into a number). A comparison `column IS ?` applies the same affinity to the bound value
// (SQLite's "type conversions prior to comparison"), so "equal" means exactly "writing the server's
// value again would store what is already there", and a repaired row compares equal next time.
#include <fmt/format.h>

#include <unordered_map>

#include "engine/store/cell_conversion.h"
#include "engine/store/sqlite_store.h"

namespace sfsync::store {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

bool IsMonthKey(std::string_view key) {
  if (key.size() != 7 || key[4] != '-') return false;
  for (size_t i = 0; i < key.size(); ++i) {
    if (i != 4 && !IsDigit(key[i])) return false;
  }
  const int month = (key[5] - '0') * 10 + (key[6] - '0');
  return month >= 1 && month <= 12;
}

StatusOr<std::vector<std::string>> SqliteStore::ListIdsWithoutMonth(const std::string& table, const std::string& column,
                                                                    const std::string& exclude_flag) {
  SFSYNC_ASSIGN_OR_RETURN(bool exists, TableExists(table));
  if (!exists) return NotFoundError(fmt::format("no table {}", table));
  SFSYNC_RETURN_IF_ERROR(CheckColumnExists(table, column));
  // The negation of IsMonthKey over CountByMonth's key (the first 7 characters); NULL names no month.
  std::string sql = fmt::format(
      "SELECT \"Id\" FROM {1} WHERE NOT coalesce({0} GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]*' AND "
      "substr({0}, 6, 2) BETWEEN '01' AND '12', 0)",
      QuoteIdentifier(column), QuoteIdentifier(table));
  if (!exclude_flag.empty()) {
    SFSYNC_RETURN_IF_ERROR(CheckColumnExists(table, exclude_flag));
    sql += fmt::format(" AND {} IS NOT 1", QuoteIdentifier(exclude_flag));
  }
  SFSYNC_ASSIGN_OR_RETURN(Statement stmt, db_.Prepare(sql + " ORDER BY \"Id\""));
  return stmt.TextsOfColumn(0);
}

StatusOr<Store::RowComparison> SqliteStore::CompareRows(const TableSpec& spec, const RowBatch& rows) {
  RowComparison out;
  if (rows.rows() == 0) return out;
  std::unordered_map<std::string_view, const ColumnSpec*> by_source;
  for (const ColumnSpec& c : spec.columns) by_source.emplace(c.source, &c);
  std::vector<const ColumnSpec*> columns;
  int id_index = -1;
  std::string sql = "SELECT ";
  for (size_t i = 0; i < rows.columns.size(); ++i) {
    auto it = by_source.find(rows.columns[i]);
    if (it == by_source.end()) {
      return InvalidArgumentError(
          fmt::format("column '{}' is not a source in the spec of table {}", rows.columns[i], spec.table));
    }
    if (it->second->name == "Id") id_index = static_cast<int>(i);
    columns.push_back(it->second);
    sql += fmt::format("{}{} IS ?{}", i > 0 ? ", " : "", QuoteIdentifier(it->second->name), i + 2);
  }
  if (id_index < 0) return InvalidArgumentError(fmt::format("rows compared with {} have no Id column", spec.table));
  for (size_t r = 0; r < rows.rows(); ++r) {
    const Cell& id = rows.at(r, static_cast<size_t>(id_index));
    if (id.kind != Cell::Kind::kText || id.s.empty()) {
      return InvalidArgumentError(fmt::format("row {} compared with {} has no Id", r, spec.table));
    }
  }
  SFSYNC_ASSIGN_OR_RETURN(bool exists, TableExists(spec.table));
  if (!exists) return NotFoundError(fmt::format("no table {}", spec.table));
  SFSYNC_ASSIGN_OR_RETURN(Statement * stmt,
                          Cached(sql + " FROM " + QuoteIdentifier(spec.table) + " WHERE \"Id\" = ?1"));
  // One scratch cell per column: text is bound without copying, so a converted value must live
  // until its row is stepped.
  std::vector<Cell> scratch(columns.size());
  for (size_t r = 0; r < rows.rows(); ++r) {
    const std::string& id = rows.at(r, static_cast<size_t>(id_index)).s;
    stmt->BindText(1, id);
    for (size_t c = 0; c < columns.size(); ++c) {
      stmt->BindValue(static_cast<int>(c + 2), ToStorage(rows.at(r, c), columns[c]->type, &scratch[c]));
    }
    SFSYNC_ASSIGN_OR_RETURN(bool stored, stmt->Step());
    if (!stored) {
      out.not_stored.push_back(id);
      continue;
    }
    RowComparison::Differing row{id, {}};
    for (size_t c = 0; c < columns.size(); ++c) {
      if (stmt->ColumnInt(static_cast<int>(c)) == 0) row.columns.push_back(columns[c]->name);
    }
    stmt->Reset();
    if (!row.columns.empty()) out.differing.push_back(std::move(row));
  }
  return out;
}

}  // namespace sfsync::store
