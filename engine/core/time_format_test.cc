#include "engine/core/time_format.h"

#include <doctest/doctest.h>

namespace sfsync {
namespace {

TEST_CASE("Salesforce datetimes parse in every accepted form to the same instant") {
  const int64_t expect = 1714557600000;  // 2024-05-01T10:00:00Z
  CHECK(*ParseDateTime("2024-05-01T10:00:00.000+0000") == expect);
  CHECK(*ParseDateTime("2024-05-01T10:00:00Z") == expect);
  CHECK(*ParseDateTime("2024-05-01T10:00:00.000Z") == expect);
  CHECK(*ParseDateTime("2024-05-01T12:00:00.000+02:00") == expect);
  CHECK(*ParseDateTime("2024-05-01T05:30:00.000-0430") == expect);
  CHECK(*ParseDateTime("2024-05-01T10:00:00.5Z") == expect + 500);
}

TEST_CASE("bad datetimes are refused") {
  CHECK_FALSE(ParseDateTime("2024-05-01").ok());
  CHECK_FALSE(ParseDateTime("2024-13-01T00:00:00Z").ok());
  CHECK_FALSE(ParseDateTime("2024-05-01T10:00:00+00").ok());
  CHECK_FALSE(ParseDateTime("yesterday").ok());
}

TEST_CASE("formatting round-trips, including before 1970 and leap days") {
  for (const char* t : {"2024-02-29T23:59:59.999Z", "1969-12-31T23:59:59.001Z", "2000-01-01T00:00:00.000Z"}) {
    CHECK(FormatIsoUtc(*ParseDateTime(t)) == t);
  }
  CHECK(FormatSalesforceDateTime(1714557600000) == "2024-05-01T10:00:00.000+0000");
  CHECK(*NormalizeDateTime("2024-05-01T10:00:00.000+0000") == "2024-05-01T10:00:00.000Z");
}

TEST_CASE("HTTP dates") {
  CHECK(FormatHttpDate(1427068800000) == "Mon, 23 Mar 2015 00:00:00 GMT");
  CHECK(*ParseHttpDate("Mon, 23 Mar 2015 00:00:00 GMT") == 1427068800000);
  CHECK(FormatHttpDate(0) == "Thu, 01 Jan 1970 00:00:00 GMT");
  CHECK_FALSE(ParseHttpDate("23 Mar 2015").ok());
}

}  // namespace
TEST_CASE("durations for people use the two largest units") {
  CHECK(FormatDuration(-5) == "0 s");
  CHECK(FormatDuration(45'000) == "45 s");
  CHECK(FormatDuration(200'000) == "3 min 20 s");
  CHECK(FormatDuration(180'000) == "3 min");
  CHECK(FormatDuration((5 * 3600 + 2 * 60 + 7) * 1000LL) == "5 h 2 min");
  CHECK(FormatDuration(86'400'000LL) == "1 day");
  CHECK(FormatDuration((3 * 86400 + 4 * 3600) * 1000LL) == "3 days 4 h");
  CHECK(FormatAgo(300) == "just now");
  CHECK(FormatAgo(3 * 3600 * 1000LL) == "3 h ago");
}

}  // namespace sfsync
