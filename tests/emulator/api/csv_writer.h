// Bulk API 2.0 result CSV (protocol §7.5): a header of the selected fields (parent fields in
// dot notation, `Account.Name`), then one line per record, every value in double quotes with
// embedded quotes doubled and embedded newlines kept. Booleans are true/false, numbers plain
// decimals, datetimes `yyyy-MM-ddTHH:mm:ss.SSSZ` (⚠ the Z form), nulls an empty field (⚠ or
// `""` with quote_nulls).
#ifndef SFSYNC_TESTS_EMULATOR_API_CSV_WRITER_H_
#define SFSYNC_TESTS_EMULATOR_API_CSV_WRITER_H_

#include <sqlite3.h>

#include <string>

#include "tests/emulator/json_writer.h"
#include "tests/emulator/soql/planner.h"

namespace sfsync::emulator {

struct CsvFormat {
  char delimiter = ',';
  std::string line_ending = "\n";
  bool quote_nulls = false;
  NumberStyle number_style = NumberStyle::kDecimal;
};

// Appends the header line of `query` (a record query of fields and parent fields only).
void AppendCsvHeader(std::string* out, const CompiledQuery& query, const CsvFormat& format);
// Appends the current row of `row` (a step of query.row_sql) as one line.
void AppendCsvRecord(std::string* out, const CompiledQuery& query, sqlite3_stmt* row, const CsvFormat& format);

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_API_CSV_WRITER_H_
