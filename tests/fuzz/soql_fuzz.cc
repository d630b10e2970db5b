// SOQL building: a literal made by SoqlString, read back with SOQL's escapes, is the value again and
// never ends early (no injection); field-path and `where` checks never crash.
#include <cstdint>
#include <string>

#include "connectors/salesforce/read/soql.h"
#include "engine/config/soql_condition.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

// Reads a quoted SOQL literal; false if it is not exactly one literal.
bool Unquote(const std::string& literal, std::string* value) {
  if (literal.size() < 2 || literal.front() != '\'' || literal.back() != '\'') return false;
  for (size_t i = 1; i + 1 < literal.size(); ++i) {
    char c = literal[i];
    if (c == '\'') return false;  // an unescaped quote would end the literal: injection
    if (c == '\\') {
      if (i + 2 >= literal.size()) return false;
      const char e = literal[++i];
      switch (e) {
        case 'n': c = '\n'; break;
        case 'r': c = '\r'; break;
        case 't': c = '\t'; break;
        case 'b': c = '\b'; break;
        case 'f': c = '\f'; break;
        case '\\': case '\'': case '"': c = e; break;
        default: return false;
      }
    }
    value->push_back(c);
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string back;
  FUZZ_CHECK(Unquote(sfsync::salesforce::SoqlString(text), &back));
  FUZZ_CHECK(back == text);
  if (sfsync::salesforce::IsValidFieldPath(text)) FUZZ_CHECK(text.find_first_of(" '\"()\\,;") == std::string_view::npos);
  (void)sfsync::config::ScanCondition(text);
  (void)sfsync::config::ConditionProblem(text);
  return 0;
}
