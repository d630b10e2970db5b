#include "tests/emulator/api/record_writer.h"

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

RecordWriter::RecordWriter(std::string_view api_version)
    : sobjects_prefix_("/services/data/" + std::string(api_version) + "/sobjects/") {}

void RecordWriter::Write(JsonWriter* json, const CompiledQuery& query, sqlite3_stmt* row) const {
  json->BeginObject();
  Attributes(json, *query.object, row, 0);
  Nodes(json, query.output, row);
  json->EndObject();
}

void RecordWriter::Attributes(JsonWriter* json, const ObjectDef& object, sqlite3_stmt* row,
                              int id_column) const {
  json->Key("attributes");
  json->BeginObject();
  json->Key("type");
  json->String(object.name);
  json->Key("url");
  scratch_.assign(sobjects_prefix_);
  scratch_ += object.name;
  scratch_.push_back('/');
  scratch_ += Text(row, id_column);
  json->String(scratch_);
  json->EndObject();
}

void RecordWriter::Nodes(JsonWriter* json, const std::vector<OutputNode>& nodes,
                         sqlite3_stmt* row) const {
  for (const OutputNode& node : nodes) {
    json->Key(node.key);
    switch (node.kind) {
      case OutputNode::Kind::kField: FieldValue(json, *node.field, row, node.column); break;
      case OutputNode::Kind::kAddress: Address(json, node, row); break;
      case OutputNode::Kind::kRelationship:
        if (IsNull(row, node.column)) {
          json->Null();  // no parent: the whole relationship is null (protocol §2.3)
          break;
        }
        json->BeginObject();
        Attributes(json, *node.object, row, node.column);
        Nodes(json, node.children, row);
        json->EndObject();
        break;
    }
  }
}

void RecordWriter::FieldValue(JsonWriter* json, const FieldDef& field, sqlite3_stmt* row,
                              int column) const {
  if (IsNull(row, column)) {
    json->Null();
    return;
  }
  switch (field.type) {
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

// Keys in Salesforce's (alphabetical) order, as in sobject_get_account_v62.json. countryCode
// and stateCode are null: the emulated org has no state and country picklists.
void RecordWriter::Address(JsonWriter* json, const OutputNode& node, sqlite3_stmt* row) const {
  const std::vector<int>& c = node.address_columns;  // Street City State PostalCode Country Lat Long Accuracy
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
  auto number = [&](int column) {
    if (IsNull(row, column)) {
      json->Null();
    } else {
      json->Double(sqlite3_column_double(row, column));
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
  number(c[5]);
  json->Key("longitude");
  number(c[6]);
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

}  // namespace sfsync::emulator
