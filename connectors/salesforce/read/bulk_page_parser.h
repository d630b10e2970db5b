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

#include <string>
#include <string_view>
#include <vector>

#include "engine/core/row.h"
#include "engine/core/status.h"

namespace sfsync::salesforce {

// Replaces *rows with the page in `body` (rows->columns = `columns`). An empty body is a page
// without rows. kDataLoss when the CSV is malformed (csv_reader.h), a requested column is not in
// the header, or a record has more or fewer fields than the header; *rows is then unspecified.
Status ParseBulkPage(std::string_view body, const std::vector<std::string>& columns, RowBatch* rows);

}  // namespace sfsync::salesforce
