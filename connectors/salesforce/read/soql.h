// SOQL text helpers (injection-safe literals, protocol §5.1). Declared here so the query parser can
// use them without the REST client; rest_client.h includes this header.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sfsync::salesforce {

// 'O\'Brien' style string literal, quotes included, with \\ \' \" \n \r \t \b \f escaped.
std::string SoqlString(std::string_view value);
// Unquoted datetime literal in UTC: 2024-05-01T10:00:00.000Z
std::string SoqlDateTime(int64_t epoch_millis);
// True for a valid API name (letters, digits, underscores; starts with a letter) or a dotted path of them.
bool IsValidFieldPath(std::string_view path);

}  // namespace sfsync::salesforce
