#include "tests/emulator/soql/soql_error.h"

#include <algorithm>

namespace sfsync::emulator {
namespace {

constexpr size_t kWindowReach = 40;

bool IsContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

size_t CountChars(std::string_view text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(),
                                           [](char c) { return !IsContinuationByte(c); }));
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r'; }

}  // namespace

std::string FormatSoqlMessage(std::string_view query, const SoqlError& error) {
  size_t offset = std::min(error.offset, query.size());
  size_t first_token = 0;
  while (first_token < query.size() && (IsSpace(query[first_token]) || query[first_token] == '\n')) {
    ++first_token;
  }
  if (offset <= first_token) return error.detail;

  size_t newline = query.rfind('\n', offset - 1);  // offset > 0 here
  size_t line_start = newline == std::string_view::npos ? 0 : newline + 1;
  size_t line_end = query.find('\n', offset);
  if (line_end == std::string_view::npos) line_end = query.size();
  size_t row = static_cast<size_t>(std::count(query.begin(), query.begin() + static_cast<long>(line_start), '\n')) + 1;

  // Widen to word boundaries so the window never starts or ends inside a token.
  size_t start = offset > line_start + kWindowReach ? offset - kWindowReach : line_start;
  while (start > line_start && !IsSpace(query[start - 1])) --start;
  size_t end = std::min(line_end, offset + kWindowReach);
  while (end < line_end && !IsSpace(query[end])) ++end;
  while (end > offset && IsSpace(query[end - 1])) --end;

  std::string_view window = query.substr(start, end - start);
  size_t caret = CountChars(query.substr(start, offset - start));
  size_t column = CountChars(query.substr(line_start, offset - line_start)) + 1;
  std::string message = "\n";
  message.append(window);
  message.push_back('\n');
  message.append(caret, ' ');
  message.append("^\nERROR at Row:");
  message.append(std::to_string(row));
  message.append(":Column:");
  message.append(std::to_string(column));
  message.push_back('\n');
  message.append(error.detail);
  return message;
}

}  // namespace sfsync::emulator
