#include "tests/emulator/api/csv_writer.h"

#include <vector>

#include "tests/emulator/time_util.h"

namespace sfsync::emulator {
namespace {

void Quoted(std::string* out, std::string_view text) {
  out->push_back('"');
  for (char c : text) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

void Headers(std::string* out, const std::vector<OutputNode>& nodes, const std::string& prefix, const CsvFormat& format,
             bool* first) {
  for (const OutputNode& node : nodes) {
    if (node.kind == OutputNode::Kind::kRelationship) {
      Headers(out, node.children, prefix + node.key + ".", format, first);
      continue;
    }
    if (!*first) out->push_back(format.delimiter);
    *first = false;
    Quoted(out, prefix + node.key);
  }
}

class RowWriter {
 public:
  RowWriter(std::string* out, sqlite3_stmt* row, const CsvFormat& format) : out_(out), row_(row), format_(format) {}

  void Nodes(const std::vector<OutputNode>& nodes, bool null_parent) {
    for (const OutputNode& node : nodes) {
      if (node.kind == OutputNode::Kind::kRelationship) {
        Nodes(node.children, null_parent || sqlite3_column_type(row_, node.column) == SQLITE_NULL);
        continue;
      }
      if (!first_) out_->push_back(format_.delimiter);
      first_ = false;
      if (null_parent || sqlite3_column_type(row_, node.column) == SQLITE_NULL) {
        if (format_.quote_nulls) out_->append("\"\"");
        continue;
      }
      Value(node.field->type, node.column);
    }
  }

 private:
  void Value(FieldType type, int column) {
    scratch_.clear();
    switch (type) {
      case FieldType::kBoolean:
        scratch_ = sqlite3_column_int64(row_, column) != 0 ? "true" : "false";
        break;
      case FieldType::kInt:
        scratch_ = std::to_string(sqlite3_column_int64(row_, column));
        break;
      case FieldType::kDouble:
      case FieldType::kCurrency:
      case FieldType::kPercent:
        AppendJsonDouble(&scratch_, sqlite3_column_double(row_, column), format_.number_style);
        break;
      case FieldType::kDateTime:
        AppendDateTime(&scratch_, sqlite3_column_int64(row_, column));
        scratch_.replace(scratch_.size() - 5, 5, "Z");  // ...000+0000 -> ...000Z
        break;
      default:
        scratch_.assign(reinterpret_cast<const char*>(sqlite3_column_text(row_, column)),
                        static_cast<size_t>(sqlite3_column_bytes(row_, column)));
        break;
    }
    Quoted(out_, scratch_);
  }

  std::string* out_;
  sqlite3_stmt* row_;
  const CsvFormat& format_;
  std::string scratch_;
  bool first_ = true;
};

}  // namespace

void AppendCsvHeader(std::string* out, const CompiledQuery& query, const CsvFormat& format) {
  bool first = true;
  Headers(out, query.output, "", format, &first);
  out->append(format.line_ending);
}

void AppendCsvRecord(std::string* out, const CompiledQuery& query, sqlite3_stmt* row, const CsvFormat& format) {
  RowWriter(out, row, format).Nodes(query.output, false);
  out->append(format.line_ending);
}

}  // namespace sfsync::emulator
