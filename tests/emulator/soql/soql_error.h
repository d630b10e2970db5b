// A SOQL error as Salesforce reports it (protocol §3.1, error_invalid_field.json,
// error_invalid_type_in_query.json, error_malformed_query.json).
#ifndef SFSYNC_TESTS_EMULATOR_SOQL_SOQL_ERROR_H_
#define SFSYNC_TESTS_EMULATOR_SOQL_SOQL_ERROR_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace sfsync::emulator {

struct SoqlError {
  std::string error_code;  // MALFORMED_QUERY, INVALID_FIELD, INVALID_TYPE, ...
  std::string detail;      // the last line of the message
  size_t offset = 0;       // byte offset of the offending token in the query
};

// Renders the `message` of a SOQL error:
//   "\n{window}\n{spaces}^\nERROR at Row:{row}:Column:{column}\n{detail}"
// Row and column are 1-based and count characters (not bytes) within the offending line. The
// window is that line cut to about 40 characters either side of the token, at word boundaries
// (Salesforce's exact window rule is unknown; see README). An error on the very first token is
// just the detail, as Salesforce answers `q=invalid` (error_malformed_query.json).
std::string FormatSoqlMessage(std::string_view query, const SoqlError& error);

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_SOQL_SOQL_ERROR_H_
