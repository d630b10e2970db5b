// The `where` of a job's object is a SOQL condition that the engine pastes into its own query
// (engine/sync/query_builder.cc):
//   SELECT ... FROM Object WHERE (<condition>) AND <the engine's own conditions> ORDER BY ...
// This scanner reads the condition just far enough to know it stays inside those parentheses. It
// is not a SOQL parser: field names, operators and types are still Salesforce's to judge.
//
// Tokens (ScanCondition), separated by optional whitespace (space, tab, CR, LF):
//   kString      'text', with SOQL's backslash escapes \n \N \r \R \t \T \b \B \f \F \" \' \\ \_ \%
//                and \uXXXX; any other backslash is an error (as Salesforce says)
//   kWord        a name, field path, keyword or date literal: a letter or '_', then letters, digits,
//                '_' and '.' (Account.Owner.Name, NOT, LIKE, TODAY, USD100)
//   kDateLiteral a word with a ":N" argument: LAST_N_DAYS:30, NEXT_N_FISCAL_QUARTERS:2
//   kNumber      [+-]digits[.digits]
//   kDate        YYYY-MM-DD
//   kDateTime    YYYY-MM-DDThh:mm:ss[.fff](Z|+hh:mm|-hh:mm|+hhmm|-hhmm)
//   kOperator    = != <> < <= > >=
//   kComma, kOpenParen, kCloseParen
//
// ConditionProblem refuses, with what is wrong and where (column N of the condition, counted in
// characters from 1; "line L, column N" once the condition spans lines):
//   - a string literal left open, or a backslash escape SOQL does not have;
//   - ';' and every other character SOQL has only inside string literals (", `, *, /, $, [, ...,
//     and any non-ASCII character), '!' without '=', ':' outside a date literal;
//   - a token starting with a digit that is not a number, date or datetime;
//   - ')' closing a parenthesis that was never opened, and '(' never closed;
//   - outside parentheses, a keyword that would end the WHERE clause: ORDER BY, GROUP BY, LIMIT,
//     OFFSET, HAVING, WITH, FOR VIEW / UPDATE / REFERENCE, USING SCOPE, UPDATE TRACKING /
//     VIEWSTAT, FROM, SELECT. Inside parentheses they belong to a subquery
//     (Id IN (SELECT AccountId FROM Contact WHERE ...)), which Salesforce checks.
// Escapes:
// https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_quotedstringescapes.htm
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sfsync::config {

enum class ConditionTokenKind {
  kString,
  kWord,
  kDateLiteral,
  kNumber,
  kDate,
  kDateTime,
  kOperator,
  kComma,
  kOpenParen,
  kCloseParen,
};

struct ConditionToken {
  ConditionTokenKind kind;
  std::string_view text;  // as written, quotes included; points into the scanned condition
  size_t offset = 0;      // byte offset in the condition
};

struct ConditionScan {
  std::vector<ConditionToken> tokens;  // every token before the first problem
  std::string problem;                 // "" when the whole condition scanned
};

// Splits `condition` into tokens; stops at the first character or literal it cannot read.
ConditionScan ScanCondition(std::string_view condition);

// What keeps `condition` from being pasted into the engine's WHERE, or "" when nothing does. Says
// what is wrong, where, and how to write it instead.
std::string ConditionProblem(std::string_view condition);

}  // namespace sfsync::config
