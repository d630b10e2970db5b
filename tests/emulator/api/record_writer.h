// Renders SQLite result rows as Salesforce records (protocol §2.1-§2.4): `attributes` first
// with type and url, then the selected keys in SELECT order with canonical names; parent
// relationships nested with their own `attributes` or `null`; compound addresses as an object,
// or `null` when every component is null.
#ifndef SFSYNC_TESTS_EMULATOR_API_RECORD_WRITER_H_
#define SFSYNC_TESTS_EMULATOR_API_RECORD_WRITER_H_

#include <sqlite3.h>

#include <string>
#include <string_view>

#include "tests/emulator/json_writer.h"
#include "tests/emulator/soql/planner.h"

namespace sfsync::emulator {

// Not thread-safe (reuses a scratch buffer); use one per page.
class RecordWriter {
 public:
  // `api_version` is the URL form, e.g. "v60.0"; record urls use it.
  explicit RecordWriter(std::string_view api_version);

  // Writes the current row of `row` (a step of query.row_sql) as one record.
  void Write(JsonWriter* json, const CompiledQuery& query, sqlite3_stmt* row) const;

 private:
  void Attributes(JsonWriter* json, const ObjectDef& object, sqlite3_stmt* row, int id_column) const;
  void Nodes(JsonWriter* json, const std::vector<OutputNode>& nodes, sqlite3_stmt* row) const;
  void FieldValue(JsonWriter* json, const FieldDef& field, sqlite3_stmt* row, int column) const;
  void Address(JsonWriter* json, const OutputNode& node, sqlite3_stmt* row) const;

  std::string sobjects_prefix_;  // "/services/data/v60.0/sobjects/"
  mutable std::string scratch_;  // reused per value: no allocation per record
};

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_API_RECORD_WRITER_H_
