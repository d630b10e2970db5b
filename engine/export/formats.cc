#include "engine/export/formats.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

namespace sfsync::exporter {
namespace {

void AppendNumber(double d, std::string* out) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  out->append(buf, end);
}

// The value's text for CSV, as it would be read back; false for NULL.
bool PlainText(const store::ExportColumn& column, const Cell& c, std::string* text) {
  switch (c.kind) {
    case Cell::Kind::kNull:
      return false;
    case Cell::Kind::kBool:
      *text = c.b ? "true" : "false";
      return true;
    case Cell::Kind::kInt:
      *text = column.value_type == "boolean" && (c.i == 0 || c.i == 1) ? (c.i ? "true" : "false") : std::to_string(c.i);
      return true;
    case Cell::Kind::kDouble:
      text->clear();
      AppendNumber(c.d, text);
      return true;
    case Cell::Kind::kText:
      *text = c.s;
      return true;
  }
  return false;
}

void AppendCsvField(const std::string& text, bool quote_empty, std::string* out) {
  const bool quote = (text.empty() && quote_empty) || text.find_first_of(",\"\r\n") != std::string::npos;
  if (!quote) {
    out->append(text);
    return;
  }
  out->push_back('"');
  for (char ch : text) {
    if (ch == '"') out->push_back('"');
    out->push_back(ch);
  }
  out->push_back('"');
}

void AppendJsonString(const std::string& s, std::string* out) {
  out->push_back('"');
  for (unsigned char ch : s) {
    switch (ch) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (ch < 0x20) {
          out->append(fmt::format("\\u{:04x}", ch));
        } else {
          out->push_back(static_cast<char>(ch));
        }
    }
  }
  out->push_back('"');
}

void AppendJsonValue(const store::ExportColumn& column, const Cell& c, std::string* out) {
  switch (c.kind) {
    case Cell::Kind::kNull:
      out->append("null");
      return;
    case Cell::Kind::kBool:
      out->append(c.b ? "true" : "false");
      return;
    case Cell::Kind::kInt:
      if (column.value_type == "boolean" && (c.i == 0 || c.i == 1)) {
        out->append(c.i ? "true" : "false");
      } else {
        out->append(std::to_string(c.i));
      }
      return;
    case Cell::Kind::kDouble:
      if (std::isfinite(c.d)) {
        AppendNumber(c.d, out);
      } else {
        out->append("null");
      }
      return;
    case Cell::Kind::kText:
      AppendJsonString(c.s, out);
      return;
  }
}

}  // namespace

void AppendHeader(Format format, const std::vector<store::ExportColumn>& columns, std::string* out) {
  if (format != Format::kCsv) return;
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) out->push_back(',');
    AppendCsvField(columns[i].name, true, out);
  }
  out->append("\r\n");
}

void AppendRow(Format format, const std::vector<store::ExportColumn>& columns, const std::vector<Cell>& cells,
               std::string* out) {
  if (format == Format::kCsv) {
    std::string text;
    for (size_t i = 0; i < columns.size(); ++i) {
      if (i > 0) out->push_back(',');
      if (PlainText(columns[i], cells[i], &text)) AppendCsvField(text, true, out);
    }
    out->append("\r\n");
    return;
  }
  out->push_back('{');
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) out->push_back(',');
    AppendJsonString(columns[i].name, out);
    out->push_back(':');
    AppendJsonValue(columns[i], cells[i], out);
  }
  out->append("}\n");
}

}  // namespace sfsync::exporter
