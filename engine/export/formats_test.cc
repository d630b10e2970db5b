#include "engine/export/formats.h"

#include <doctest/doctest.h>

namespace sfsync::exporter {
namespace {

const std::vector<store::ExportColumn> kColumns = {{"Id", "text"},          {"Name", "text"},
                                                   {"IsActive", "boolean"}, {"Employees", "integer"},
                                                   {"Revenue", "real"},     {"SystemModstamp", "datetime"}};

TEST_CASE("csv: a header, quoted fields only where needed, NULL apart from empty text, CRLF ends") {
  std::string out;
  AppendHeader(Format::kCsv, kColumns, &out);
  AppendRow(Format::kCsv, kColumns,
            {Cell::Text("001A"), Cell::Text("Acme, \"Big\"\nInc"), Cell::Int(1), Cell::Int(42), Cell::Double(1234.5),
             Cell::Text("2024-05-01T10:00:00.000Z")},
            &out);
  AppendRow(Format::kCsv, kColumns,
            {Cell::Text("001B"), Cell::Text(""), Cell::Int(0), Cell::Null(), Cell::Double(0.1), Cell::Null()}, &out);
  CHECK(out ==
        "Id,Name,IsActive,Employees,Revenue,SystemModstamp\r\n"
        "001A,\"Acme, \"\"Big\"\"\nInc\",true,42,1234.5,2024-05-01T10:00:00.000Z\r\n"
        "001B,\"\",false,,0.1,\r\n");
}

TEST_CASE("jsonl: one object per row, types kept, strings escaped, non-finite reals null") {
  std::string out;
  AppendHeader(Format::kJsonl, kColumns, &out);
  CHECK(out.empty());
  AppendRow(Format::kJsonl, kColumns,
            {Cell::Text("001A"), Cell::Text("Tab\there \"q\" \\ \x01"), Cell::Int(1), Cell::Int(-7),
             Cell::Double(1e300 * 1e300), Cell::Text("2024-05-01T10:00:00.000Z")},
            &out);
  AppendRow(
      Format::kJsonl, kColumns,
      {Cell::Text("001B"), Cell::Null(), Cell::Int(0), Cell::Int(9007199254740993), Cell::Double(2.5), Cell::Null()},
      &out);
  CHECK(out ==
        "{\"Id\":\"001A\",\"Name\":\"Tab\\there \\\"q\\\" \\\\ \\u0001\",\"IsActive\":true,\"Employees\":-7,"
        "\"Revenue\":null,\"SystemModstamp\":\"2024-05-01T10:00:00.000Z\"}\n"
        "{\"Id\":\"001B\",\"Name\":null,\"IsActive\":false,\"Employees\":9007199254740993,\"Revenue\":2.5,"
        "\"SystemModstamp\":null}\n");
}

}  // namespace
}  // namespace sfsync::exporter
