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
  BulkPageReader reader(body, columns);
  size_t records = 0;
  SFSYNC_RETURN_IF_ERROR(reader.Check(&records));
  reader.Next(records, rows);
  return Status::Ok();
}

BulkPageReader::BulkPageReader(std::string_view body, std::vector<std::string> columns)
    : body_(body), columns_(std::move(columns)) {}

Status BulkPageReader::Header(CsvReader* reader) {
  std::vector<std::string> fields;
  if (!reader->Next(&fields)) return reader->status();  // OK for an empty body
  std::vector<std::string> header;
  header.reserve(fields.size());
  for (const std::string& name : fields) header.push_back(Lower(name));
  source_.clear();
  for (const std::string& column : columns_) {
    auto it = std::find(header.begin(), header.end(), Lower(column));
    if (it == header.end()) return DataLossError("Bulk results have no column " + column);
    source_.push_back(static_cast<size_t>(it - header.begin()));
  }
  width_ = header.size();
  return Status::Ok();
}

Status BulkPageReader::Check(size_t* records) {
  *records = 0;
  CsvReader reader(body_);
  SFSYNC_RETURN_IF_ERROR(Header(&reader));
  while (reader.Next(&fields_)) {
    if (fields_.size() != width_) {
      return DataLossError("Bulk results line " + std::to_string(reader.line()) + " has " +
                           std::to_string(fields_.size()) + " fields; the header has " + std::to_string(width_));
    }
    ++*records;
  }
  SFSYNC_RETURN_IF_ERROR(reader.status());
  reader_ = std::make_unique<CsvReader>(body_);
  return Header(reader_.get());
}

bool BulkPageReader::Next(size_t max_rows, RowBatch* rows) {
  rows->columns = columns_;
  rows->cells.clear();
  if (reader_ == nullptr) return false;
  rows->cells.reserve(max_rows * columns_.size());
  while (rows->rows() < max_rows && reader_->Next(&fields_)) {
    for (size_t field : source_) {
      std::string& value = fields_[field];
      value.erase(std::remove(value.begin(), value.end(), '\0'), value.end());
      rows->cells.push_back(value.empty() ? Cell::Null() : Cell::Text(value));
    }
  }
  return rows->rows() > 0;
}

}  // namespace sfsync::salesforce
