#include "tests/emulator/api/record_writer.h"

#include <vector>

#include "tests/emulator/time_util.h"

namespace sfsync::emulator {
namespace {

std::string_view Text(sqlite3_stmt* row, int column) {
  const unsigned char* text = sqlite3_column_text(row, column);
  return {reinterpret_cast<const char*>(text), static_cast<size_t>(sqlite3_column_bytes(row, column))};
}

bool IsNull(sqlite3_stmt* row, int column) {
  return sqlite3_column_type(row, column) == SQLITE_NULL;
}

}  // namespace

RecordWriter::RecordWriter(std::string_view api_version, sqlite3* db)
    : sobjects_prefix_("/services/data/" + std::string(api_version) + "/sobjects/"), db_(db) {}

size_t RecordWriter::Write(JsonWriter* json, const CompiledQuery& query, sqlite3_stmt* row) {
  json->BeginObject();
  Attributes(json, query.object->name, row, 0);
  size_t children = Nodes(json, query, query.output, row);
  json->EndObject();
  return children;
}

void RecordWriter::WriteAggregate(JsonWriter* json, const CompiledQuery& query,
                                  sqlite3_stmt* row) const {
  json->BeginObject();
  json->Key("attributes");
  json->BeginObject();
  json->Key("type");
  json->String("AggregateResult");  // no url: an AggregateResult is not a record
  json->EndObject();
  for (const OutputNode& node : query.output) {
    json->Key(node.key);
    Value(json, node.value_type, row, node.column);
  }
  json->EndObject();
}

void RecordWriter::Attributes(JsonWriter* json, std::string_view type, sqlite3_stmt* row, int id_column) const {
  json->Key("attributes");
  json->BeginObject();
  json->Key("type");
  json->String(type);
  json->Key("url");
  scratch_.assign(sobjects_prefix_);
  scratch_ += type;
  scratch_.push_back('/');
  scratch_ += Text(row, id_column);
  json->String(scratch_);
  json->EndObject();
}

size_t RecordWriter::Nodes(JsonWriter* json, const CompiledQuery& query,
                           const std::vector<OutputNode>& nodes, sqlite3_stmt* row) {
  size_t children = 0;
  for (const OutputNode& node : nodes) {
    json->Key(node.key);
    switch (node.kind) {
      case OutputNode::Kind::kField:
      case OutputNode::Kind::kValue:
        Value(json, node.field != nullptr ? node.field->type : node.value_type, row, node.column);
        break;
      case OutputNode::Kind::kBlob: Blob(json, node, row); break;
      case OutputNode::Kind::kAddress: Address(json, node, row); break;
      case OutputNode::Kind::kLocation: Location(json, node, row); break;
      case OutputNode::Kind::kRelationship:
        if (IsNull(row, node.column)) {
          json->Null();  // no parent: the whole relationship is null (protocol §2.3)
          break;
        }
        json->BeginObject();
        // A polymorphic parent shows its real type (User, Group, Account...), not Name (§2.3).
        Attributes(json, node.type_column >= 0 ? Text(row, node.type_column) : node.object->name, row, node.column);
        Nodes(json, query, node.children, row);
        json->EndObject();
        break;
      case OutputNode::Kind::kSubquery:
        children += Children(json, *query.children[node.child_plan], Text(row, node.column));
        break;
    }
  }
  return children;
}

void RecordWriter::Value(JsonWriter* json, FieldType type, sqlite3_stmt* row, int column) const {
  if (IsNull(row, column)) {
    json->Null();
    return;
  }
  switch (type) {
    case FieldType::kBoolean: json->Bool(sqlite3_column_int64(row, column) != 0); break;
    case FieldType::kInt: json->Int(sqlite3_column_int64(row, column)); break;
    case FieldType::kDouble:
    case FieldType::kCurrency:
    case FieldType::kPercent: json->Double(sqlite3_column_double(row, column)); break;
    case FieldType::kDateTime:
      scratch_.assign(1, '"');
      AppendDateTime(&scratch_, sqlite3_column_int64(row, column));
      scratch_.push_back('"');
      json->Raw(scratch_);
      break;
    default: json->String(Text(row, column)); break;
  }
}

// `/services/data/vXX.X/sobjects/{type}/{id}/{field}`: the data itself is fetched from there.
void RecordWriter::Blob(JsonWriter* json, const OutputNode& node, sqlite3_stmt* row) const {
  if (IsNull(row, node.column)) {
    json->Null();
    return;
  }
  scratch_.assign(sobjects_prefix_);
  scratch_ += node.object->name;
  scratch_.push_back('/');
  scratch_ += Text(row, node.id_column);
  scratch_.push_back('/');
  scratch_ += node.field->name;
  json->String(scratch_);
}

// Keys in Salesforce's (alphabetical) order, as in sobject_get_account_v62.json. countryCode
// and stateCode are null: the emulated org has no state and country picklists.
void RecordWriter::Address(JsonWriter* json, const OutputNode& node, sqlite3_stmt* row) const {
  const std::vector<int>& c = node.component_columns;  // Street City State PostalCode Country Lat Long Accuracy
  bool any = false;
  for (int column : c) any |= !IsNull(row, column);
  if (!any) {
    json->Null();
    return;
  }
  auto text = [&](int column) {
    if (IsNull(row, column)) {
      json->Null();
    } else {
      json->String(Text(row, column));
    }
  };
  json->BeginObject();
  json->Key("city");
  text(c[1]);
  json->Key("country");
  text(c[4]);
  json->Key("countryCode");
  json->Null();
  json->Key("geocodeAccuracy");
  text(c[7]);
  json->Key("latitude");
  Value(json, FieldType::kDouble, row, c[5]);
  json->Key("longitude");
  Value(json, FieldType::kDouble, row, c[6]);
  json->Key("postalCode");
  text(c[3]);
  json->Key("state");
  text(c[2]);
  json->Key("stateCode");
  json->Null();
  json->Key("street");
  text(c[0]);
  json->EndObject();
}

void RecordWriter::Location(JsonWriter* json, const OutputNode& node, sqlite3_stmt* row) const {
  const std::vector<int>& c = node.component_columns;  // Latitude Longitude
  if (IsNull(row, c[0]) && IsNull(row, c[1])) {
    json->Null();
    return;
  }
  json->BeginObject();
  json->Key("latitude");
  Value(json, FieldType::kDouble, row, c[0]);
  json->Key("longitude");
  Value(json, FieldType::kDouble, row, c[1]);
  json->EndObject();
}

// A sub-query's children of one parent, all in one nested QueryResult (done: true), or null
// when there are none (protocol §2.3).
size_t RecordWriter::Children(JsonWriter* json, const CompiledQuery& child,
                              std::string_view parent_id) {
  auto [it, inserted] = child_statements_.try_emplace(&child);
  ChildStatements& statements = it->second;
  if (inserted) {
    statements.match = Statement(db_, child.match_sql);
    statements.row = Statement(db_, child.row_sql);
  }
  std::vector<int64_t> rows;
  if (statements.match.ok()) {
    statements.match.Bind(1, std::string(parent_id));
    for (size_t i = 0; i < child.match_params.size(); ++i) {
      statements.match.Bind(static_cast<int>(i) + 2, child.match_params[i]);
    }
    while (statements.match.Step() == SQLITE_ROW) rows.push_back(sqlite3_column_int64(statements.match.get(), 0));
    statements.match.Reset();
  }
  if (rows.empty()) {
    json->Null();
    return 0;
  }
  json->BeginObject();
  json->Key("totalSize");
  json->Int(static_cast<int64_t>(rows.size()));
  json->Key("done");
  json->Bool(true);
  json->Key("records");
  json->BeginArray();
  for (int64_t id : rows) {
    statements.row.Bind(1, id);
    if (statements.row.Step() == SQLITE_ROW) Write(json, child, statements.row.get());
    statements.row.Reset();
  }
  json->EndArray();
  json->EndObject();
  return rows.size();
}

}  // namespace sfsync::emulator
