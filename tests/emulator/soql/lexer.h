// Splits SOQL text into tokens. Keywords are returned as identifiers; the parser compares
// them case-insensitively, as SOQL does.
#ifndef SFSYNC_TESTS_EMULATOR_SOQL_LEXER_H_
#define SFSYNC_TESTS_EMULATOR_SOQL_LEXER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tests/emulator/soql/soql_error.h"

namespace sfsync::emulator {

enum class TokenKind {
  kIdentifier,
  kString,    // 'text' with escapes decoded
  kNumber,    // 42, -7, 3.25
  kDate,      // 2024-05-01
  kDateTime,  // 2024-05-01T10:00:00Z, ...000+0000, ...+00:00
  kTime,      // 13:45:00.000Z (value normalized to HH:mm:ss.SSSZ)
  kComma,
  kDot,
  kLeftParen,
  kRightParen,
  kOperator,  // = != <> < <= > >=
  kColon,     // a bind variable, which the REST API does not accept
  kEnd,
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;          // as written (for error messages)
  std::string value;         // kString: decoded; kOperator: the operator
  std::string like_pattern;  // kString: the value as a LIKE pattern with `\` as escape
  int64_t epoch_ms = 0;      // kDateTime
  size_t offset = 0;         // byte offset in the query
};

// Returns the tokens, ending with a kEnd token at the end of the text, or fills `error`
// (MALFORMED_QUERY) and returns nullopt.
std::optional<std::vector<Token>> Tokenize(std::string_view soql, SoqlError* error);

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_SOQL_LEXER_H_
