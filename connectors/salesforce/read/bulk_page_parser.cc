#include "connectors/salesforce/read/bulk_page_parser.h"

#include <algorithm>
#include <cctype>

#include "connectors/salesforce/read/csv_reader.h"

namespace sfsync::salesforce {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

Status ParseBulkPage(std::string_view body, const std::vector<std::string>& columns, RowBatch* rows) {
  rows->columns = columns;
  rows->cells.clear();
  CsvReader reader(body);
  std::vector<std::string> fields;
  if (!reader.Next(&fields)) return reader.status();  // OK for an empty body

  // source[c] = the field of each record that holds columns[c].
  std::vector<std::string> header;
  header.reserve(fields.size());
  for (const std::string& name : fields) header.push_back(Lower(name));
  std::vector<size_t> source;
  source.reserve(columns.size());
  for (const std::string& column : columns) {
    auto it = std::find(header.begin(), header.end(), Lower(column));
    if (it == header.end()) return DataLossError("Bulk results have no column " + column);
    source.push_back(static_cast<size_t>(it - header.begin()));
  }

  while (reader.Next(&fields)) {
    if (fields.size() != header.size()) {
      return DataLossError("Bulk results line " + std::to_string(reader.line()) + " has " +
                           std::to_string(fields.size()) + " fields; the header has " + std::to_string(header.size()));
    }
    for (size_t field : source) {
      std::string& value = fields[field];
      value.erase(std::remove(value.begin(), value.end(), '\0'), value.end());
      rows->cells.push_back(value.empty() ? Cell::Null() : Cell::Text(value));
    }
  }
  return reader.status();
}

}  // namespace sfsync::salesforce
