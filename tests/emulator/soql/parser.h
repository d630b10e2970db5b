// Parses the supported SOQL subset:
//
//   SELECT (COUNT() | item {, item}) FROM object
//     [WHERE condition] [GROUP BY expr {, expr}]
//     [ORDER BY expr [ASC|DESC] [NULLS FIRST|LAST] {, ...}] [LIMIT n]
//   item      := expr [alias] | ( SELECT field {, field} FROM childRelationship
//                                   [WHERE ...] [ORDER BY ...] [LIMIT n] )
//   expr      := field | function ( [field] )
//   function  := COUNT | COUNT_DISTINCT | MIN | MAX | SUM | AVG
//              | CALENDAR_YEAR | CALENDAR_MONTH | DAY_ONLY
//   condition := NOT operand | operand {AND operand} | operand {OR operand}
//   operand   := ( condition ) | expr op literal | expr [NOT] IN ( literal {, literal} )
//              | expr LIKE 'pattern'
//
// As in Salesforce, AND and OR cannot be mixed without parentheses, and NOT may only open a
// condition (`a AND NOT b` is an error; `a AND (NOT b)` is not). Whether a function, alias or
// grouping is allowed where it appears is the planner's business. Anything else (HAVING,
// OFFSET, other functions, TYPEOF, semi-joins, sub-queries nested in sub-queries, date
// literals like TODAY, bind variables) is rejected with MALFORMED_QUERY rather than answered
// wrongly.
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
