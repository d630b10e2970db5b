#include "connectors/salesforce/read/soql.h"

#include <doctest/doctest.h>

namespace sfsync::salesforce {
namespace {

TEST_CASE("SoqlString quotes and escapes so a value can never end the literal") {
  CHECK(SoqlString("O'Brien") == R"('O\'Brien')");
  CHECK(SoqlString(R"(a\b)") == R"('a\\b')");
  CHECK(SoqlString("say \"hi\"") == R"('say \"hi\"')");
  CHECK(SoqlString("line1\nline2\r\t\b\f") == R"('line1\nline2\r\t\b\f')");
  CHECK(SoqlString("x' OR Name != '") == R"('x\' OR Name != \'')");
  CHECK(SoqlString("") == "''");
  CHECK(SoqlString("Zürich") == "'Zürich'");
}

TEST_CASE("SoqlDateTime writes the UTC literal form with milliseconds") {
  CHECK(SoqlDateTime(0) == "1970-01-01T00:00:00.000Z");
  CHECK(SoqlDateTime(1714557600123) == "2024-05-01T10:00:00.123Z");
}

TEST_CASE("IsValidFieldPath accepts API names and dotted relationship paths only") {
  for (const char* ok : {"Id", "Account.Name", "Owner.Profile.Name", "ns__Field__c", "Parent__r.Name__c", "a1"}) {
    CAPTURE(ok);
    CHECK(IsValidFieldPath(ok));
  }
  for (const char* bad : {"", ".", "Account.", ".Name", "Account..Name", "1Name", "_Name", "Name Id", "Name,Id",
                          "Name)", "Account.1x", "Name;--"}) {
    CAPTURE(bad);
    CHECK_FALSE(IsValidFieldPath(bad));
  }
}

}  // namespace
}  // namespace sfsync::salesforce
