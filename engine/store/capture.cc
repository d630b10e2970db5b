#include "engine/core/ascii.h"
#include "engine/store/capture.h"

#include <fmt/format.h>

#include <unordered_map>

namespace sfsync::store {
namespace {

constexpr const char* kNotApplying = "coalesce((SELECT applying FROM _sfsync_ctx WHERE k = 1), 0) = 0";

std::string TriggerName(const std::string& table, const std::string& kind, const std::string& column = {}) {
  return QuoteIdentifier(CaptureTriggerPrefix(table) + kind + (column.empty() ? "" : "_" + column));
}

// json_object over every column, in groups (SQLite caps a function's arguments at 127), merged with
// json_patch; a null value drops out of the merged object, and reads back as null.
std::string RowJson(const std::vector<std::string>& columns) {
  std::string out;
  for (size_t start = 0; start < columns.size(); start += 50) {
    std::string group = "json_object(";
    for (size_t i = start; i < columns.size() && i < start + 50; ++i) {
      group += fmt::format("{}{}, OLD.{}", i == start ? "" : ", ", QuoteLiteral(columns[i]), QuoteIdentifier(columns[i]));
    }
    group += ")";
    out = out.empty() ? group : fmt::format("json_patch({}, {})", out, group);
  }
  return out.empty() ? "'{}'" : out;
}

}  // namespace

std::string QuoteLiteral(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

std::string CaptureTriggerPrefix(const std::string& table) { return "_sfsync_cap_" + table + "_"; }

std::vector<std::string> CaptureTriggerSql(const CaptureSpec& spec, const std::vector<std::string>& table_columns) {
  std::vector<std::string> sql;
  const std::string table = QuoteIdentifier(spec.table);
  const std::string table_lit = QuoteLiteral(spec.table);
  const std::string stamp = spec.stamp_column.empty() ? "NULL" : "OLD." + QuoteIdentifier(spec.stamp_column);
  std::unordered_map<std::string, const CaptureSpec::Column*> by_name;
  for (const CaptureSpec::Column& c : spec.columns) by_name[AsciiLower(c.name)] = &c;

  // Updates: capture pushable columns, refuse the others.
  for (const std::string& column : table_columns) {
    const std::string col = QuoteIdentifier(column);
    auto it = by_name.find(AsciiLower(column));
    const CaptureSpec::Column* spec_column = it == by_name.end() ? nullptr : it->second;
    if (spec_column != nullptr && spec_column->updateable && AsciiLower(column) != "id") {
      // One append per changed column and row: the fold (outbox.cc) merges them into the change.
      sql.push_back(fmt::format(
          "CREATE TRIGGER {name} AFTER UPDATE OF {col} ON {table} "
          "WHEN OLD.{col} IS NOT NEW.{col} AND {guard} BEGIN "
          "INSERT INTO _sfsync_capture (table_name, \"Id\", op, column_name, base) "
          "VALUES ({table_lit}, NEW.\"Id\", 'update', {col_lit}, OLD.{col}); END",
          fmt::arg("name", TriggerName(spec.table, "u", column)), fmt::arg("col", col), fmt::arg("table", table),
          fmt::arg("guard", kNotApplying), fmt::arg("table_lit", table_lit), fmt::arg("col_lit", QuoteLiteral(column))));
      continue;
    }
    std::string why = AsciiLower(column) == "id" ? "the Id is Salesforce's; insert a new row instead"
                      : spec_column == nullptr ? "it is not a synced field of the object any more"
                                               : spec_column->why_not;
    sql.push_back(fmt::format(
        "CREATE TRIGGER {name} BEFORE UPDATE OF {col} ON {table} WHEN OLD.{col} IS NOT NEW.{col} AND {guard} "
        "BEGIN SELECT RAISE(ABORT, {message}); END",
        fmt::arg("name", TriggerName(spec.table, "r", column)), fmt::arg("col", col), fmt::arg("table", table),
        fmt::arg("guard", kNotApplying),
        fmt::arg("message", QuoteLiteral(fmt::format("sfsync: column {} of table {} cannot be pushed to Salesforce ({})",
                                                     column, spec.table, why)))));
  }

  // Inserts: refuse values Salesforce would not take, give a NULL Id a local one, capture.
  for (const std::string& column : table_columns) {
    if (AsciiLower(column) == "id") continue;
    auto it = by_name.find(AsciiLower(column));
    if (it != by_name.end() && it->second->createable) continue;
    const std::string why = it == by_name.end() ? "it is not a synced field of the object any more" : it->second->why_not;
    sql.push_back(fmt::format(
        "CREATE TRIGGER {name} BEFORE INSERT ON {table} WHEN NEW.{col} IS NOT NULL AND {guard} "
        "BEGIN SELECT RAISE(ABORT, {message}); END",
        fmt::arg("name", TriggerName(spec.table, "n", column)), fmt::arg("col", QuoteIdentifier(column)),
        fmt::arg("table", table), fmt::arg("guard", kNotApplying),
        fmt::arg("message",
                 QuoteLiteral(fmt::format("sfsync: column {} of table {} cannot be set on a new row ({}); leave it NULL",
                                          column, spec.table, why)))));
  }
  std::string names, values;
  for (const std::string& column : table_columns) {
    names += (names.empty() ? "" : ", ") + QuoteIdentifier(column);
    values += std::string(values.empty() ? "" : ", ") +
              (AsciiLower(column) == "id" ? std::string("'local-' || lower(hex(randomblob(12)))")
                                     : "NEW." + QuoteIdentifier(column));
  }
  sql.push_back(fmt::format(
      "CREATE TRIGGER {name} BEFORE INSERT ON {table} WHEN NEW.\"Id\" IS NULL AND {guard} BEGIN "
      "INSERT INTO {table} ({names}) VALUES ({values}); SELECT RAISE(IGNORE); END",
      fmt::arg("name", TriggerName(spec.table, "local_id")), fmt::arg("table", table), fmt::arg("guard", kNotApplying),
      fmt::arg("names", names), fmt::arg("values", values)));
  sql.push_back(fmt::format(
      "CREATE TRIGGER {name} AFTER INSERT ON {table} WHEN {guard} BEGIN "
      "INSERT INTO _sfsync_capture (table_name, \"Id\", op) VALUES ({table_lit}, NEW.\"Id\", 'insert'); END",
      fmt::arg("name", TriggerName(spec.table, "i")), fmt::arg("table", table), fmt::arg("guard", kNotApplying),
      fmt::arg("table_lit", table_lit)));

  // Deletes: the whole row is kept, to restore it if Salesforce refuses the delete.
  sql.push_back(fmt::format(
      "CREATE TRIGGER {name} AFTER DELETE ON {table} WHEN {guard} BEGIN "
      "INSERT INTO _sfsync_capture (table_name, \"Id\", op, base_stamp, row_before) "
      "VALUES ({table_lit}, OLD.\"Id\", 'delete', {stamp}, {row}); END",
      fmt::arg("name", TriggerName(spec.table, "d")), fmt::arg("table", table), fmt::arg("guard", kNotApplying),
      fmt::arg("table_lit", table_lit), fmt::arg("stamp", stamp), fmt::arg("row", RowJson(table_columns))));
  return sql;
}

}  // namespace sfsync::store
