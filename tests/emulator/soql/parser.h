// Parses the supported SOQL subset:
//
//   SELECT (COUNT() | field {, field}) FROM object
//     [WHERE condition] [ORDER BY field [ASC|DESC] [NULLS FIRST|LAST] {, ...}] [LIMIT n]
//   condition := NOT operand | operand {AND operand} | operand {OR operand}
//   operand   := ( condition ) | field op literal | field [NOT] IN ( literal {, literal} )
//              | field LIKE 'pattern'
//
// As in Salesforce, AND and OR cannot be mixed without parentheses, and NOT may only open a
// condition (`a AND NOT b` is an error; `a AND (NOT b)` is not). Anything else (aliases,
// GROUP BY, OFFSET, functions, sub-queries, date literals like TODAY, bind variables) is
// rejected with MALFORMED_QUERY rather than answered wrongly.
#ifndef SFSYNC_TESTS_EMULATOR_SOQL_PARSER_H_
#define SFSYNC_TESTS_EMULATOR_SOQL_PARSER_H_

#include <optional>
#include <string_view>

#include "tests/emulator/soql/ast.h"
#include "tests/emulator/soql/soql_error.h"

namespace sfsync::emulator {

std::optional<SoqlQuery> ParseSoql(std::string_view soql, SoqlError* error);

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_SOQL_PARSER_H_
