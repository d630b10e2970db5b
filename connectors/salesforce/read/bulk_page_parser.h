// One page of Bulk API 2.0 query results (protocol §7.3, CSV format §7.5) -> the planned columns.
//
// Every page starts with a header record naming the columns as the SELECT wrote them ("Id",
// "Account.Name"); they are matched to the requested columns ignoring case, and header columns
// not requested are skipped. Each further record becomes one row:
//   empty field -> Cell::Null   Bulk cannot tell "" from null (§7.5). Salesforce saves empty text
//                               as null, so REST returns null for it too (a few system fields
//                               come back "" through REST: those differ); also a field of NULs only
//   otherwise   -> Cell::Text   with NUL bytes removed (they occur, §7.5); the store converts
//                               "true", numbers and datetimes to each column's type
#pragma once

#include <memory>

#include <string>
#include <string_view>
#include <vector>

#include "connectors/salesforce/read/csv_reader.h"
#include "engine/core/row.h"
#include "engine/core/status.h"

namespace sfsync::salesforce {

// Replaces *rows with the page in `body` (rows->columns = `columns`). An empty body is a page
// without rows. kDataLoss when the CSV is malformed (csv_reader.h), a requested column is not in
// the header, or a record has more or fewer fields than the header; *rows is then unspecified.
Status ParseBulkPage(std::string_view body, const std::vector<std::string>& columns, RowBatch* rows);

// The same, a few rows at a time, so a 50,000-row page is never all cells at once: Check() reads
// the whole page once without keeping anything (so a malformed page is refused before any of it
// is handed out), then Next() parses up to `max_rows` rows per call. `body` must outlive the reader.
class BulkPageReader {
 public:
  BulkPageReader(std::string_view body, std::vector<std::string> columns);
  // The errors of ParseBulkPage; on success *records is the number of rows the page holds.
  Status Check(size_t* records);
  // REQUIRES: Check() succeeded. Replaces *rows with the next up to `max_rows` rows; false at the
  // end of the page.
  bool Next(size_t max_rows, RowBatch* rows);

 private:
  Status Header(CsvReader* reader);

  std::string_view body_;
  std::vector<std::string> columns_;
  std::vector<size_t> source_;  // source_[c] = the field of each record that holds columns_[c]
  size_t width_ = 0;            // fields per record
  std::unique_ptr<CsvReader> reader_;
  std::vector<std::string> fields_;
};

}  // namespace sfsync::salesforce
