#include "connectors/salesforce/read/soql.h"

#include "engine/core/time_format.h"

namespace sfsync::salesforce {

std::string SoqlString(std::string_view value) {
  std::string out;
  out.reserve(value.size() + 2);
  out += '\'';
  for (char c : value) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\'': out += "\\'"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default: out += c;
    }
  }
  out += '\'';
  return out;
}

std::string SoqlDateTime(int64_t epoch_millis) { return FormatIsoUtc(epoch_millis); }

bool IsValidFieldPath(std::string_view path) {
  bool segment_start = true;
  for (char c : path) {
    const bool letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    const bool digit = c >= '0' && c <= '9';
    if (segment_start) {
      if (!letter) return false;
      segment_start = false;
    } else if (c == '.') {
      segment_start = true;
    } else if (!letter && !digit && c != '_') {
      return false;
    }
  }
  return !segment_start;  // rejects "", a trailing '.' and ".."
}

}  // namespace sfsync::salesforce
