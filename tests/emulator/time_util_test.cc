#include "tests/emulator/time_util.h"

#include <doctest/doctest.h>

namespace sfsync::emulator {
namespace {

int64_t Instant(std::string_view text) {
  int64_t ms = 0;
  REQUIRE(ParseDateTime(text, &ms));
  return ms;
}

TEST_CASE("datetime literals in every Salesforce form denote the same instant") {
  int64_t z = Instant("2024-05-01T10:00:00Z");
  CHECK(z == 1714557600000);
  CHECK(Instant("2024-05-01T10:00:00.000+0000") == z);
  CHECK(Instant("2024-05-01T10:00:00+00:00") == z);
  CHECK(Instant("2024-05-01T12:00:00+02:00") == z);
  CHECK(Instant("2024-05-01T02:00:00.000-0800") == z);
  CHECK(Instant("2024-05-01T10:00:00.5Z") == z + 500);
}

TEST_CASE("datetimes without a zone or with impossible fields are rejected") {
  int64_t ms;
  CHECK_FALSE(ParseDateTime("2024-05-01T10:00:00", &ms));
  CHECK_FALSE(ParseDateTime("2024-05-01 10:00:00Z", &ms));
  CHECK_FALSE(ParseDateTime("2024-02-30T10:00:00Z", &ms));
  CHECK_FALSE(ParseDateTime("2024-05-01T24:00:00Z", &ms));
  CHECK_FALSE(ParseDateTime("2024-05-01T10:00:00Zjunk", &ms));
}

TEST_CASE("datetimes render as Salesforce's JSON form, also before 1970") {
  CHECK(FormatDateTime(1714557600123) == "2024-05-01T10:00:00.123+0000");
  CHECK(FormatDateTime(0) == "1970-01-01T00:00:00.000+0000");
  CHECK(FormatDateTime(-1) == "1969-12-31T23:59:59.999+0000");
  CHECK(FormatDateTime(Instant("1931-02-28T23:00:00Z")) == "1931-02-28T23:00:00.000+0000");
}

TEST_CASE("dates round-trip, leap years included, before and after the epoch") {
  for (const char* text : {"1931-02-28", "1969-12-31", "1970-01-01", "2000-02-29", "2024-12-31"}) {
    int64_t days;
    REQUIRE(ParseDate(text, &days));
    std::string out;
    AppendDate(&out, days);
    CHECK(out == text);
  }
  int64_t days;
  CHECK_FALSE(ParseDate("1900-02-29", &days));  // 1900 is not a leap year
  CHECK_FALSE(ParseDate("2024-5-1", &days));
}

TEST_CASE("HTTP dates format and parse (Date, Last-Modified, If-Modified-Since)") {
  CHECK(FormatHttpDate(Instant("2026-05-06T12:07:50Z")) == "Wed, 06 May 2026 12:07:50 GMT");
  int64_t ms;
  REQUIRE(ParseHttpDate("Tue, 23 Mar 2015 00:00:00 GMT", &ms));
  CHECK(ms == Instant("2015-03-23T00:00:00Z"));
  CHECK_FALSE(ParseHttpDate("2015-03-23", &ms));
}

}  // namespace
}  // namespace sfsync::emulator
