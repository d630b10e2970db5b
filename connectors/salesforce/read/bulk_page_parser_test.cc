#include "connectors/salesforce/read/bulk_page_parser.h"

#include <doctest/doctest.h>

#include "connectors/salesforce/testing/fixtures.h"

namespace sfsync::salesforce {
namespace {

RowBatch MustParse(std::string_view body, const std::vector<std::string>& columns) {
  RowBatch rows;
  Status s = ParseBulkPage(body, columns, &rows);
  INFO(s.ToString());
  REQUIRE(s.ok());
  return rows;
}

TEST_CASE("the recorded results page: 13 Accounts with their names, commas and ampersands kept") {
  RowBatch rows = MustParse(testing::ReadFixture("bulk2_results.csv"), {"Id", "Name"});
  CHECK(rows.columns == std::vector<std::string>{"Id", "Name"});
  REQUIRE(rows.rows() == 13);
  CHECK(rows.at(0, 0) == Cell::Text("0015f00000BCvReAAL"));
  CHECK(rows.at(0, 1) == Cell::Text("Sample Account for Entitlements"));
  CHECK(rows.at(6, 1) == Cell::Text("Grand Hotels & Resorts Ltd"));
  CHECK(rows.at(10, 1) == Cell::Text("United Oil & Gas, UK"));
  CHECK(rows.at(12, 0) == Cell::Text("0015f00000C6beeAAB"));
}

TEST_CASE("columns are matched to the header ignoring case and order, unrequested columns skipped") {
  const std::string body =
      "\"ID\",\"Name\",\"Account.Name\",\"Industry\"\n"
      "\"003A\",\"Jane Dunn\",\"Acme\",\"Energy\"\n";
  RowBatch rows = MustParse(body, {"account.name", "Id", "NAME"});
  CHECK(rows.columns == std::vector<std::string>{"account.name", "Id", "NAME"});
  REQUIRE(rows.rows() == 1);
  CHECK(rows.at(0, 0) == Cell::Text("Acme"));
  CHECK(rows.at(0, 1) == Cell::Text("003A"));
  CHECK(rows.at(0, 2) == Cell::Text("Jane Dunn"));
}

TEST_CASE("empty fields are null whether bare or quoted, and every other value is text") {
  const std::string body =
      "\"Id\",\"Description\",\"IsDeleted\",\"AnnualRevenue\",\"SystemModstamp\",\"Owner.Name\"\n"
      "\"001A\",,\"false\",\"1250000.5\",\"2024-01-02T17:38:59.000Z\",\"\"\n"
      "\"001B\",\"\",\"true\",,\"2024-01-03T00:00:00.000Z\",\"Ann\"\n";
  RowBatch rows = MustParse(body, {"Id", "Description", "IsDeleted", "AnnualRevenue", "SystemModstamp", "Owner.Name"});
  REQUIRE(rows.rows() == 2);
  CHECK(rows.at(0, 1).is_null());
  CHECK(rows.at(0, 2) == Cell::Text("false"));
  CHECK(rows.at(0, 3) == Cell::Text("1250000.5"));
  CHECK(rows.at(0, 4) == Cell::Text("2024-01-02T17:38:59.000Z"));
  CHECK(rows.at(0, 5).is_null());
  CHECK(rows.at(1, 1).is_null());
  CHECK(rows.at(1, 3).is_null());
  CHECK(rows.at(1, 5) == Cell::Text("Ann"));
}

TEST_CASE("NUL bytes are removed from values, and a value of NULs alone is null") {
  constexpr char kBody[] = "\"Id\",\"Name\",\"Note\"\n\"001A\",\"Ac\0me\0\",\"\0\0\"\n";
  const std::string body(kBody, sizeof(kBody) - 1);
  RowBatch rows = MustParse(body, {"Id", "Name", "Note"});
  REQUIRE(rows.rows() == 1);
  CHECK(rows.at(0, 1) == Cell::Text("Acme"));
  CHECK(rows.at(0, 2).is_null());
}

TEST_CASE("embedded line ends and CRLF records") {
  const std::string body =
      "\"Id\",\"Description\"\r\n"
      "\"001A\",\"line 1\nline 2, with \"\"quotes\"\"\"\r\n"
      "\"001B\",\"x\"\r\n";
  RowBatch rows = MustParse(body, {"Id", "Description"});
  REQUIRE(rows.rows() == 2);
  CHECK(rows.at(0, 1) == Cell::Text("line 1\nline 2, with \"quotes\""));
  CHECK(rows.at(1, 0) == Cell::Text("001B"));
}

TEST_CASE("an empty body and a header alone are pages without rows") {
  CHECK(MustParse("", {"Id"}).rows() == 0);
  RowBatch rows = MustParse("\"Id\",\"Name\"\n", {"Id", "Name"});
  CHECK(rows.rows() == 0);
  CHECK(rows.columns == std::vector<std::string>{"Id", "Name"});
}

TEST_CASE("a column missing from the header, a short or long record, or a truncated body is data loss") {
  RowBatch rows;
  Status missing = ParseBulkPage("\"Id\"\n\"001A\"\n", {"Id", "Name"}, &rows);
  CHECK(missing.code() == StatusCode::kDataLoss);
  CHECK(missing.message().find("Name") != std::string::npos);

  Status short_record = ParseBulkPage("\"Id\",\"Name\"\n\"001A\"\n", {"Id", "Name"}, &rows);
  CHECK(short_record.code() == StatusCode::kDataLoss);
  CHECK(short_record.message().find("line 2") != std::string::npos);
  CHECK(ParseBulkPage("\"Id\",\"Name\"\n\"001A\",\"x\",\"y\"\n", {"Id", "Name"}, &rows).code() ==
        StatusCode::kDataLoss);
  CHECK(ParseBulkPage("\"Id\",\"Name\"\n\"001A\",\"trunc", {"Id", "Name"}, &rows).code() == StatusCode::kDataLoss);
}

}  // namespace
}  // namespace sfsync::salesforce
