// Renders SQLite result rows as Salesforce records (protocol §2.1-§2.4): `attributes` first
// with type and url, then the selected keys in SELECT order with canonical names; parent
// relationships nested with their own `attributes` or `null`; compound addresses and locations
// as objects, or `null` when every component is null; base64 fields as their blob URL;
// parent-to-child sub-queries as a nested QueryResult, or `null` when there are no children.
// AggregateResult rows carry `attributes` with the type only.
#ifndef SFSYNC_TESTS_EMULATOR_API_RECORD_WRITER_H_
#define SFSYNC_TESTS_EMULATOR_API_RECORD_WRITER_H_

#include <sqlite3.h>

#include <map>
#include <string>
#include <string_view>

#include "tests/emulator/json_writer.h"
#include "tests/emulator/org/statement.h"
#include "tests/emulator/soql/planner.h"

namespace sfsync::emulator {

// Not thread-safe (reuses a scratch buffer and prepared statements); use one per page, under
// the org lock.
class RecordWriter {
 public:
  // `api_version` is the URL form, e.g. "v60.0"; record urls use it. `db` runs sub-queries.
  RecordWriter(std::string_view api_version, sqlite3* db);

  // Writes the current row of `row` (a step of query.row_sql) as one record; returns how many
  // child records its sub-queries added.
  size_t Write(JsonWriter* json, const CompiledQuery& query, sqlite3_stmt* row);
  // Writes the current row of `row` (a step of an aggregate match_sql) as an AggregateResult.
  void WriteAggregate(JsonWriter* json, const CompiledQuery& query, sqlite3_stmt* row) const;

 private:
  struct ChildStatements {
    Statement match;
    Statement row;
  };

  void Attributes(JsonWriter* json, std::string_view type, sqlite3_stmt* row, int id_column) const;
  size_t Nodes(JsonWriter* json, const CompiledQuery& query, const std::vector<OutputNode>& nodes,
               sqlite3_stmt* row);
  void Value(JsonWriter* json, FieldType type, sqlite3_stmt* row, int column) const;
  void Blob(JsonWriter* json, const OutputNode& node, sqlite3_stmt* row) const;
  void Address(JsonWriter* json, const OutputNode& node, sqlite3_stmt* row) const;
  void Location(JsonWriter* json, const OutputNode& node, sqlite3_stmt* row) const;
  size_t Children(JsonWriter* json, const CompiledQuery& child, std::string_view parent_id);

  std::string sobjects_prefix_;  // "/services/data/v60.0/sobjects/"
  sqlite3* db_;
  std::map<const CompiledQuery*, ChildStatements> child_statements_;
  mutable std::string scratch_;  // reused per value: no allocation per record
};

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_API_RECORD_WRITER_H_
