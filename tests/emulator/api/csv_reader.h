// Reads Bulk API 2.0 job data (RFC 4180 with Salesforce's options, protocol §7): records
// separated by `line_ending` ("\n" or "\r\n"), cells by `delimiter`, a cell in double quotes may
// hold delimiters, line breaks and doubled quotes. Unquoted cells are taken as they are: with an
// LF job a CRLF file leaves "\r" at the end of each record's last cell, as Salesforce does.
// A blank last line is ignored.
#ifndef SFSYNC_TESTS_EMULATOR_API_CSV_READER_H_
#define SFSYNC_TESTS_EMULATOR_API_CSV_READER_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sfsync::emulator {

using CsvRow = std::vector<std::string>;

// The rows of `text`, or nullopt with `error` set for a quote that is never closed or text after
// a closing quote.
std::optional<std::vector<CsvRow>> ReadCsv(std::string_view text, char delimiter, std::string_view line_ending,
                                           std::string* error);

// `value` in double quotes, its quotes doubled (the result CSV's cell).
std::string QuoteCsv(std::string_view value);

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_API_CSV_READER_H_
