// CsvReader: RFC 4180 records from a text held in memory (Bulk API 2.0 results, protocol §7.5).
//
// Accepted: fields separated by ','; records ended by LF or CRLF (the last one may have no line end);
// a field in double quotes may hold ',', '"' written as '""', CR and LF, all kept as they are. A
// field not in quotes is taken verbatim up to the next ',' or line end (a lone CR inside it is data).
// A leading UTF-8 byte-order mark is skipped. Refused (kDataLoss, with the line number): a quote
// inside an unquoted field, anything but ',' or a line end after a closing quote, and a quoted
// field still open at the end of the text (a truncated body).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/status.h"

namespace sfsync::salesforce {

class CsvReader {
 public:
  // `text` must outlive the reader.
  explicit CsvReader(std::string_view text);

  // Replaces *fields with the next record's fields (the strings' storage is reused from call to
  // call). Returns false at the end of the text or on a malformed record; status() tells which.
  bool Next(std::vector<std::string>* fields);

  // OK at the end of the text; kDataLoss after a malformed record.
  const Status& status() const { return status_; }
  // The 1-based line on which the record last returned (or refused) begins.
  int64_t line() const { return record_line_; }

 private:
  // Reads one field starting at pos_ into *out; leaves pos_ on the ',' or line end after it.
  bool ReadField(std::string* out);
  bool Fail(const std::string& what);

  std::string_view text_;
  size_t pos_ = 0;
  int64_t line_ = 1;         // line of pos_
  int64_t record_line_ = 0;  // line where the current record began
  Status status_;
  bool failed_ = false;
};

}  // namespace sfsync::salesforce
