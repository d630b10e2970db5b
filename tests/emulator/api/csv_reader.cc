#include "tests/emulator/api/csv_reader.h"

namespace sfsync::emulator {

std::optional<std::vector<CsvRow>> ReadCsv(std::string_view text, char delimiter, std::string_view line_ending,
                                           std::string* error) {
  std::vector<CsvRow> rows;
  CsvRow row;
  std::string cell;
  size_t i = 0;
  bool at_cell_start = true;
  auto end_row = [&] {
    row.push_back(std::move(cell));
    cell.clear();
    rows.push_back(std::move(row));
    row.clear();
    at_cell_start = true;
  };
  while (i < text.size()) {
    if (at_cell_start && text[i] == '"') {
      // A quoted cell: up to the closing quote; "" is a quote.
      ++i;
      while (true) {
        if (i >= text.size()) {
          *error = "a quoted value is never closed (record " + std::to_string(rows.size() + 1) + ")";
          return std::nullopt;
        }
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            cell.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        cell.push_back(text[i++]);
      }
      at_cell_start = false;
      if (i < text.size() && text[i] != delimiter && text.substr(i, line_ending.size()) != line_ending) {
        *error = "text after a closing quote (record " + std::to_string(rows.size() + 1) + ")";
        return std::nullopt;
      }
      continue;
    }
    if (text[i] == delimiter) {
      row.push_back(std::move(cell));
      cell.clear();
      at_cell_start = true;
      ++i;
    } else if (text.substr(i, line_ending.size()) == line_ending) {
      end_row();
      i += line_ending.size();
    } else {
      cell.push_back(text[i++]);
      at_cell_start = false;
    }
  }
  if (!row.empty() || !cell.empty() || !at_cell_start) end_row();
  return rows;
}

std::string QuoteCsv(std::string_view value) {
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace sfsync::emulator
