// The text of an export's rows: RFC 4180 CSV with a header, or JSON Lines with types kept. Values
// arrive in the store's storage form with the column's value type (store/table_export.h).
//
//   CSV    comma-separated, CRLF line ends (RFC 4180), a field quoted when it holds a comma, a
//          quote, CR or LF (quotes doubled). NULL is an empty field; an empty text is "" (quoted),
//          so the two stay apart. Booleans are true/false, numbers as stored.
//   JSONL  one object per row, members in the columns' order: numbers as numbers, booleans as
//          true/false, NULL as null, dates, datetimes (yyyy-MM-ddTHH:mm:ss.SSSZ) and times as
//          strings. A real that JSON cannot hold (NaN, infinity) is null.
#pragma once

#include <string>
#include <vector>

#include "engine/core/row.h"
#include "engine/store/table_export.h"

namespace sfsync::exporter {

enum class Format { kCsv, kJsonl };

// Appends the header line (CSV: the column names; JSONL: nothing).
void AppendHeader(Format format, const std::vector<store::ExportColumn>& columns, std::string* out);
// Appends one row's line.
void AppendRow(Format format, const std::vector<store::ExportColumn>& columns, const std::vector<Cell>& cells,
               std::string* out);

}  // namespace sfsync::exporter
