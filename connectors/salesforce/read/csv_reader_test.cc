#include "connectors/salesforce/read/csv_reader.h"

#include <doctest/doctest.h>

#include "connectors/salesforce/testing/fixtures.h"

namespace sfsync::salesforce {
namespace {

using Records = std::vector<std::vector<std::string>>;

// Every record of `text`; REQUIREs that the reader ends cleanly.
Records ReadAll(std::string_view text) {
  CsvReader reader(text);
  Records records;
  std::vector<std::string> fields;
  while (reader.Next(&fields)) records.push_back(fields);
  INFO(reader.status().ToString());
  REQUIRE(reader.status().ok());
  return records;
}

// The error that ends reading `text`, after the records before it.
Status ReadError(std::string_view text, Records* before = nullptr) {
  CsvReader reader(text);
  std::vector<std::string> fields;
  while (reader.Next(&fields)) {
    if (before != nullptr) before->push_back(fields);
  }
  return reader.status();
}

TEST_CASE("quoted and unquoted fields, LF line ends, a final line end or none") {
  CHECK(ReadAll("\"Id\",\"Name\"\n\"001\",\"Acme\"\n") == Records{{"Id", "Name"}, {"001", "Acme"}});
  CHECK(ReadAll("Id,Name\n001,Acme") == Records{{"Id", "Name"}, {"001", "Acme"}});
  CHECK(ReadAll("\"a\",b,\"c\"\n") == Records{{"a", "b", "c"}});
  CHECK(ReadAll("").empty());
}

TEST_CASE("CRLF line ends are not part of the last field") {
  CHECK(ReadAll("\"Id\",\"Name\"\r\n\"001\",\"Acme\"\r\n") == Records{{"Id", "Name"}, {"001", "Acme"}});
  CHECK(ReadAll("Id,Name\r\n001,Acme\r\n") == Records{{"Id", "Name"}, {"001", "Acme"}});
  // A lone CR is data in an unquoted field.
  CHECK(ReadAll("a\rb,c\n") == Records{{"a\rb", "c"}});
}

TEST_CASE("doubled quotes are one quote, inside a field and at its edges") {
  CHECK(ReadAll("\"say \"\"hi\"\"\",\"\"\"\",\"\"\"x\"\"\"\n") == Records{{"say \"hi\"", "\"", "\"x\""}});
}

TEST_CASE("commas and line ends inside quotes are data") {
  const Records records = ReadAll(
      "\"Name\",\"Street\"\n"
      "\"United Oil & Gas, UK\",\"312 Constitution Place\nAustin, TX 78767\nUSA\"\n"
      "\"CRLF inside\",\"line 1\r\nline 2\"\r\n"
      "\"last\",\"x\"\n");
  REQUIRE(records.size() == 4);
  CHECK(records[1] ==
        std::vector<std::string>{"United Oil & Gas, UK", "312 Constitution Place\nAustin, TX 78767\nUSA"});
  CHECK(records[2] == std::vector<std::string>{"CRLF inside", "line 1\r\nline 2"});
  CHECK(records[3] == std::vector<std::string>{"last", "x"});
}

TEST_CASE("empty fields, quoted or bare, at the start, middle and end of a record") {
  CHECK(ReadAll(",\"\",x,\n") == Records{{"", "", "x", ""}});
  CHECK(ReadAll("\"\"\n") == Records{{""}});
}

TEST_CASE("NUL bytes and UTF-8 pass through the reader unchanged") {
  constexpr char kText[] = "\"a\0b\",\"\xC3\xBC\xE2\x98\x83\"\n";
  const std::string text(kText, sizeof(kText) - 1);
  CHECK(ReadAll(text) == Records{{std::string("a\0b", 3), "\xC3\xBC\xE2\x98\x83"}});
}

TEST_CASE("a leading byte-order mark is skipped") {
  CHECK(ReadAll("\xEF\xBB\xBF\"Id\"\n\"001\"\n") == Records{{"Id"}, {"001"}});
}

TEST_CASE("a record reuses the vector it is given, with no fields left over from a longer one") {
  CsvReader reader("a,b,c\nd\n");
  std::vector<std::string> fields;
  REQUIRE(reader.Next(&fields));
  CHECK(fields.size() == 3);
  REQUIRE(reader.Next(&fields));
  CHECK(fields == std::vector<std::string>{"d"});
  CHECK_FALSE(reader.Next(&fields));
  CHECK(reader.status().ok());
}

TEST_CASE("the recorded Bulk results file reads as a header and 13 records of two fields") {
  const Records records = ReadAll(testing::ReadFixture("bulk2_results.csv"));
  REQUIRE(records.size() == 14);
  CHECK(records[0] == std::vector<std::string>{"Id", "Name"});
  for (const auto& r : records) CHECK(r.size() == 2);
  CHECK(records[12] == std::vector<std::string>{"0015f00000C6bedAAB", "United Oil & Gas, Singapore"});
}

TEST_CASE("a quoted field cut off by the end of the text is a truncated body, with its line") {
  Records before;
  Status s = ReadError("\"Id\",\"Name\"\n\"001\",\"Acme\"\n\"002\",\"Half of a na", &before);
  CHECK(s.code() == StatusCode::kDataLoss);
  CHECK(s.message().find("line 3") != std::string::npos);
  CHECK(s.message().find("not closed") != std::string::npos);
  CHECK(before.size() == 2);
}

TEST_CASE("a stray quote in an unquoted field, or text after a closing quote, is malformed") {
  Status stray = ReadError("Id,Name\n001,Ac\"me\n");
  CHECK(stray.code() == StatusCode::kDataLoss);
  CHECK(stray.message().find("line 2") != std::string::npos);
  Status after = ReadError("\"001\"x,\"Acme\"\n");
  CHECK(after.code() == StatusCode::kDataLoss);
  CHECK(after.message().find("after a closing quote") != std::string::npos);
  // A quoted field ended by a lone CR is no line end either.
  CHECK(ReadError("\"001\"\r\"x\"\n").code() == StatusCode::kDataLoss);
}

TEST_CASE("line numbers count the line ends inside quoted fields") {
  CsvReader reader("\"a\nb\",c\n\"d\",e\nf,\"g");
  std::vector<std::string> fields;
  REQUIRE(reader.Next(&fields));
  CHECK(reader.line() == 1);
  REQUIRE(reader.Next(&fields));
  CHECK(reader.line() == 3);
  CHECK_FALSE(reader.Next(&fields));
  CHECK(reader.status().message().find("line 4") != std::string::npos);
}

}  // namespace
}  // namespace sfsync::salesforce
