#include "tests/emulator/soql/soql_error.h"

#include <doctest/doctest.h>

namespace sfsync::emulator {
namespace {

TEST_CASE("the message has the window, a caret under the token, Row:Column and the detail") {
  std::string_view soql = "SELECT Idd FROM Account";
  std::string message = FormatSoqlMessage(soql, {"INVALID_FIELD", "No such column 'Idd'", 7});
  CHECK(message == "\nSELECT Idd FROM Account\n       ^\nERROR at Row:1:Column:8\nNo such column 'Idd'");
}

TEST_CASE("a long query is cut to a window of whole words around the token, caret aligned") {
  // The same shape as error_invalid_field.json (window starts at the query, caret at col 35).
  std::string soql =
      "select Id, Company,Email,LastName,SF_date__c, ConvertedContactId from Lead where "
      "IsConverted = false and CreatedDate > 2024-01-01T00:00:00Z";
  size_t offset = soql.find("SF_date__c");
  std::string message = FormatSoqlMessage(soql, {"INVALID_FIELD", "detail", offset});
  std::string window = message.substr(1, message.find('\n', 1) - 1);
  std::string caret = message.substr(window.size() + 2, message.find('\n', window.size() + 2) - window.size() - 2);
  CHECK(soql.find(window) != std::string::npos);
  CHECK(window.size() < soql.size());
  CHECK(window.substr(caret.size() - 1, 10) == "SF_date__c");
  CHECK(caret.find_first_not_of(' ') == caret.size() - 1);
  CHECK(message.find("ERROR at Row:1:Column:35\n") != std::string::npos);
}

TEST_CASE("rows count lines and columns count characters, not bytes") {
  std::string_view soql = "SELECT Name\nFROM Account\nWHERE Name = 'Müller' AND Foo = 1";
  size_t offset = soql.find("Foo");
  std::string message = FormatSoqlMessage(soql, {"INVALID_FIELD", "d", offset});
  CHECK(message.find("ERROR at Row:3:Column:27") != std::string::npos);
  CHECK(message.find("\nWHERE Name = 'Müller' AND Foo = 1\n                          ^\n") != std::string::npos);
}

}  // namespace
}  // namespace sfsync::emulator
