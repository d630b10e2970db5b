#include "connectors/salesforce/read/csv_reader.h"

#include <algorithm>

namespace sfsync::salesforce {
namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

}  // namespace

CsvReader::CsvReader(std::string_view text) : text_(text) {
  if (text_.substr(0, kByteOrderMark.size()) == kByteOrderMark) pos_ = kByteOrderMark.size();
}

bool CsvReader::Fail(const std::string& what) {
  failed_ = true;
  status_ = DataLossError("CSV line " + std::to_string(line_) + ": " + what);
  return false;
}

bool CsvReader::Next(std::vector<std::string>* fields) {
  if (failed_ || pos_ >= text_.size()) return false;
  record_line_ = line_;
  size_t count = 0;
  while (true) {
    if (count == fields->size()) fields->emplace_back();
    std::string* field = &(*fields)[count++];
    field->clear();
    if (!ReadField(field)) return false;
    if (pos_ >= text_.size()) break;
    const char c = text_[pos_];
    if (c == ',') {
      ++pos_;
      continue;
    }
    // ReadField stops only at ',', '\n', "\r\n" or the end.
    pos_ += c == '\r' ? 2 : 1;
    ++line_;
    break;
  }
  fields->resize(count);
  return true;
}

bool CsvReader::ReadField(std::string* out) {
  const size_t size = text_.size();
  if (pos_ < size && text_[pos_] == '"') {
    ++pos_;
    while (true) {
      const size_t quote = text_.find('"', pos_);
      if (quote == std::string_view::npos) {
        return Fail("a quoted field is not closed before the end of the text (truncated?)");
      }
      const std::string_view chunk = text_.substr(pos_, quote - pos_);
      line_ += std::count(chunk.begin(), chunk.end(), '\n');
      out->append(chunk);
      pos_ = quote + 1;
      if (pos_ < size && text_[pos_] == '"') {  // "" is one quote
        out->push_back('"');
        ++pos_;
        continue;
      }
      break;
    }
    if (pos_ >= size || text_[pos_] == ',' || text_[pos_] == '\n' ||
        (text_[pos_] == '\r' && pos_ + 1 < size && text_[pos_ + 1] == '\n')) {
      return true;
    }
    return Fail("unexpected character after a closing quote");
  }
  const size_t start = pos_;
  while (pos_ < size) {
    const char c = text_[pos_];
    if (c == ',' || c == '\n') break;
    if (c == '\r' && pos_ + 1 < size && text_[pos_ + 1] == '\n') break;
    if (c == '"') return Fail("a quote inside an unquoted field");
    ++pos_;
  }
  out->append(text_.substr(start, pos_ - start));
  return true;
}

}  // namespace sfsync::salesforce
