#include "engine/store/capture.h"

#include <fmt/format.h>

#include <unordered_map>

namespace sfsync::store {
namespace {

constexpr const char* kNotApplying = "coalesce((SELECT applying FROM _sfsync_ctx WHERE k = 1), 0) = 0";
constexpr const char* kOpenStates = "state IN ('PENDING', 'FAILED', 'CONFLICT')";
constexpr const char* kNow = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return s;
}

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
  for (const CaptureSpec::Column& c : spec.columns) by_name[Lower(c.name)] = &c;

  // Updates: capture pushable columns, refuse the others.
  for (const std::string& column : table_columns) {
    const std::string col = QuoteIdentifier(column);
    auto it = by_name.find(Lower(column));
    const CaptureSpec::Column* spec_column = it == by_name.end() ? nullptr : it->second;
    if (spec_column != nullptr && spec_column->updateable && Lower(column) != "id") {
      sql.push_back(fmt::format(
          "CREATE TRIGGER {name} AFTER UPDATE OF {col} ON {table} "
          "WHEN OLD.{col} IS NOT NEW.{col} AND {guard} BEGIN "
          "INSERT INTO _sfsync_outbox (table_name, \"Id\", op, state, base_stamp, created_at, updated_at) "
          "VALUES ({table_lit}, NEW.\"Id\", 'update', 'PENDING', {stamp}, {now}, {now}) "
          "ON CONFLICT (table_name, \"Id\") WHERE {open} DO UPDATE SET state = CASE WHEN state = 'FAILED' "
          "THEN 'PENDING' ELSE state END, updated_at = excluded.updated_at; "
          "INSERT INTO _sfsync_outbox_columns (change_id, column_name, base) "
          "SELECT change_id, {col_lit}, OLD.{col} FROM _sfsync_outbox WHERE table_name = {table_lit} "
          "AND \"Id\" = NEW.\"Id\" AND {open} ON CONFLICT DO NOTHING; END",
          fmt::arg("name", TriggerName(spec.table, "u", column)), fmt::arg("col", col), fmt::arg("table", table),
          fmt::arg("guard", kNotApplying), fmt::arg("table_lit", table_lit), fmt::arg("stamp", stamp),
          fmt::arg("now", kNow), fmt::arg("open", kOpenStates), fmt::arg("col_lit", QuoteLiteral(column))));
      continue;
    }
    std::string why = Lower(column) == "id" ? "the Id is Salesforce's; insert a new row instead"
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
    if (Lower(column) == "id") continue;
    auto it = by_name.find(Lower(column));
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
              (Lower(column) == "id" ? std::string("'local-' || lower(hex(randomblob(12)))")
                                     : "NEW." + QuoteIdentifier(column));
  }
  sql.push_back(fmt::format(
      "CREATE TRIGGER {name} BEFORE INSERT ON {table} WHEN NEW.\"Id\" IS NULL AND {guard} BEGIN "
      "INSERT INTO {table} ({names}) VALUES ({values}); SELECT RAISE(IGNORE); END",
      fmt::arg("name", TriggerName(spec.table, "local_id")), fmt::arg("table", table), fmt::arg("guard", kNotApplying),
      fmt::arg("names", names), fmt::arg("values", values)));
  sql.push_back(fmt::format(
      "CREATE TRIGGER {name} AFTER INSERT ON {table} WHEN {guard} BEGIN "
      "SELECT RAISE(ABORT, {message}) WHERE EXISTS (SELECT 1 FROM _sfsync_outbox WHERE table_name = {table_lit} "
      "AND \"Id\" = NEW.\"Id\" AND op = 'delete' AND state IN ('PENDING', 'SENT', 'FAILED', 'CONFLICT')); "
      "INSERT INTO _sfsync_outbox (table_name, \"Id\", op, state, created_at, updated_at) "
      "VALUES ({table_lit}, NEW.\"Id\", 'insert', 'PENDING', {now}, {now}); END",
      fmt::arg("name", TriggerName(spec.table, "i")), fmt::arg("table", table), fmt::arg("guard", kNotApplying),
      fmt::arg("table_lit", table_lit), fmt::arg("now", kNow),
      fmt::arg("message", QuoteLiteral(fmt::format(
                              "sfsync: a row of table {} deleted locally cannot be inserted again with its Id before the "
                              "delete is pushed (sfsync push), or use a new Id",
                              spec.table)))));

  // Deletes: an insert never sent is forgotten; anything else becomes a delete.
  sql.push_back(fmt::format(
      "CREATE TRIGGER {name} AFTER DELETE ON {table} WHEN {guard} BEGIN "
      "INSERT INTO _sfsync_outbox (table_name, \"Id\", op, state, base_stamp, row_before, created_at, updated_at) "
      "SELECT {table_lit}, OLD.\"Id\", 'delete', 'PENDING', {stamp}, {row}, {now}, {now} "
      "WHERE NOT EXISTS (SELECT 1 FROM _sfsync_outbox WHERE table_name = {table_lit} AND \"Id\" = OLD.\"Id\" "
      "AND op = 'insert' AND state IN ('PENDING', 'FAILED', 'CONFLICT')) "
      "ON CONFLICT (table_name, \"Id\") WHERE {open} DO UPDATE SET op = 'delete', state = 'PENDING', "
      "row_before = excluded.row_before, updated_at = excluded.updated_at; "
      "DELETE FROM _sfsync_outbox_columns WHERE change_id IN (SELECT change_id FROM _sfsync_outbox WHERE "
      "table_name = {table_lit} AND \"Id\" = OLD.\"Id\" AND op = 'insert' AND {open}); "
      "DELETE FROM _sfsync_outbox WHERE table_name = {table_lit} AND \"Id\" = OLD.\"Id\" AND op = 'insert' "
      "AND {open}; END",
      fmt::arg("name", TriggerName(spec.table, "d")), fmt::arg("table", table), fmt::arg("guard", kNotApplying),
      fmt::arg("table_lit", table_lit), fmt::arg("stamp", stamp), fmt::arg("row", RowJson(table_columns)),
      fmt::arg("now", kNow), fmt::arg("open", kOpenStates)));
  return sql;
}

}  // namespace sfsync::store
