#include "engine/scheduler/cron.h"

#include <doctest/doctest.h>

#include <string>

#include "engine/core/time_format.h"
#include "engine/scheduler/time_zone.h"

namespace sfsync::scheduler {
namespace {

int64_t At(const char* iso) {
  StatusOr<int64_t> t = ParseDateTime(iso);
  REQUIRE(t.ok());
  return *t;
}

// The next fire time of `expression` after `after`, as ISO text.
std::string Next(const char* expression, const char* after) {
  StatusOr<CronSchedule> s = ParseCron(expression);
  REQUIRE_MESSAGE(s.ok(), s.status().ToString());
  return FormatIsoUtc(s->NextAfter(At(after)));
}

std::string ErrorOf(const char* expression) {
  StatusOr<CronSchedule> s = ParseCron(expression);
  REQUIRE(!s.ok());
  CHECK(s.status().code() == StatusCode::kInvalidArgument);
  return s.status().message();
}

TEST_CASE("steps, lists and ranges fire on the next matching minute") {
  CHECK(Next("*/15 * * * *", "2024-05-01T10:07:30Z") == "2024-05-01T10:15:00.000Z");
  CHECK(Next("5,35 9-10 * * *", "2024-05-01T09:40:00Z") == "2024-05-01T10:05:00.000Z");
  CHECK(Next("5,35 9-10 * * *", "2024-05-01T10:35:00Z") == "2024-05-02T09:05:00.000Z");
  CHECK(Next("10/20 * * * *", "2024-05-01T10:31:00Z") == "2024-05-01T10:50:00.000Z");
  CHECK(Next("0 0-12/6 * * *", "2024-05-01T06:00:00Z") == "2024-05-01T12:00:00.000Z");
}

TEST_CASE("the next fire time is strictly after the given instant") {
  CHECK(Next("*/15 * * * *", "2024-05-01T10:15:00Z") == "2024-05-01T10:30:00.000Z");
  CHECK(Next("0 2 * * *", "2024-05-01T02:00:00Z") == "2024-05-02T02:00:00.000Z");
  CHECK(Next("0 2 * * *", "2024-05-01T01:59:59.999Z") == "2024-05-01T02:00:00.000Z");
}

TEST_CASE("shortcuts expand to their 5-field forms") {
  CHECK(Next("@hourly", "2024-05-01T10:07:00Z") == "2024-05-01T11:00:00.000Z");
  CHECK(Next("@daily", "2024-05-01T10:07:00Z") == "2024-05-02T00:00:00.000Z");
  CHECK(Next("@midnight", "2024-05-01T10:07:00Z") == "2024-05-02T00:00:00.000Z");
  CHECK(Next("@weekly", "2024-05-01T10:07:00Z") == "2024-05-05T00:00:00.000Z");  // Wednesday -> Sunday
  CHECK(Next("@monthly", "2024-05-01T00:00:00Z") == "2024-06-01T00:00:00.000Z");
  CHECK(Next("@yearly", "2024-05-01T00:00:00Z") == "2025-01-01T00:00:00.000Z");
}

TEST_CASE("month and weekday names, any case, also in ranges, 7 is Sunday") {
  // Friday 2024-03-29 after 08:30: the next weekday in January-March is Wednesday 2025-01-01.
  CHECK(Next("30 8 * jan-MAR Mon-fri", "2024-03-29T09:00:00Z") == "2025-01-01T08:30:00.000Z");
  CHECK(Next("0 12 * * 7", "2024-05-01T00:00:00Z") == "2024-05-05T12:00:00.000Z");
  CHECK(Next("0 12 * * sun", "2024-05-01T00:00:00Z") == "2024-05-05T12:00:00.000Z");
  CHECK(Next("0 12 * * 5-7", "2024-05-04T12:00:00Z") == "2024-05-05T12:00:00.000Z");
}

TEST_CASE("Vixie rule: both day fields restricted means either matches") {
  // The 13th or any Friday: Friday the 6th comes first, then Friday the 13th, then the 20th.
  CHECK(Next("0 0 13 * fri", "2024-09-01T00:00:00Z") == "2024-09-06T00:00:00.000Z");
  CHECK(Next("0 0 13 * fri", "2024-09-06T00:00:00Z") == "2024-09-13T00:00:00.000Z");
  CHECK(Next("0 0 13 * fri", "2024-09-13T00:00:00Z") == "2024-09-20T00:00:00.000Z");
  CHECK(Next("0 0 1 * mon", "2024-04-23T00:00:00Z") == "2024-04-29T00:00:00.000Z");
  CHECK(Next("0 0 1 * mon", "2024-04-29T00:00:00Z") == "2024-05-01T00:00:00.000Z");
}

TEST_CASE("Vixie rule: a day field starting with * counts as unrestricted, so both must match") {
  // Days 1, 11, 21, 31 that are Mondays: the first after New Year 2024 is March 11.
  CHECK(Next("0 0 */10 * mon", "2024-01-01T00:00:00Z") == "2024-03-11T00:00:00.000Z");
}

TEST_CASE("dates that exist only some years, year ends and times before 1970") {
  CHECK(Next("0 0 29 2 *", "2024-03-01T00:00:00Z") == "2028-02-29T00:00:00.000Z");
  CHECK(Next("59 23 31 12 *", "2024-12-31T23:59:00Z") == "2025-12-31T23:59:00.000Z");
  CHECK(Next("0 0 31 * *", "2024-04-01T00:00:00Z") == "2024-05-31T00:00:00.000Z");
  StatusOr<CronSchedule> s = ParseCron("0 0 1 1 *");
  REQUIRE(s.ok());
  CHECK(s->NextAfter(-1) == 0);
  CHECK(s->NextAfter(-60000 * 60 * 24 * 365LL) == 0);
}

TEST_CASE("each malformed field is named in the error") {
  CHECK(ErrorOf("61 * * * *") == "minute field '61': 61 is out of range 0-59");
  CHECK(ErrorOf("0 24 * * *") == "hour field '24': 24 is out of range 0-23");
  CHECK(ErrorOf("0 0 0 * *") == "day-of-month field '0': 0 is out of range 1-31");
  CHECK(ErrorOf("0 0 32 * *") == "day-of-month field '32': 32 is out of range 1-31");
  CHECK(ErrorOf("0 0 * 13 *") == "month field '13': 13 is out of range 1-12");
  CHECK(ErrorOf("0 0 * foo *") == "month field 'foo': 'foo' is not a number or a name");
  CHECK(ErrorOf("0 0 * * 8") == "day-of-week field '8': 8 is out of range 0-7");
  CHECK(ErrorOf("0 0 * * mon-funday") == "day-of-week field 'mon-funday': 'funday' is not a number or a name");
  CHECK(ErrorOf("x * * * *") == "minute field 'x': 'x' is not a number");
}

TEST_CASE("malformed structure: field count, steps, ranges, lists, shortcuts") {
  CHECK(ErrorOf("0 2 * *") == "expected 5 fields (minute hour day-of-month month day-of-week), got 4");
  CHECK(ErrorOf("0 0 2 * * *") == "expected 5 fields (minute hour day-of-month month day-of-week), got 6");
  CHECK(ErrorOf("") == "expected 5 fields (minute hour day-of-month month day-of-week), got 0");
  CHECK(ErrorOf("*/0 * * * *") == "minute field '*/0': step '0' must be a whole number of at least 1");
  CHECK(ErrorOf("0 5-2 * * *") == "hour field '5-2': range 5-2 runs backwards");
  CHECK(ErrorOf("1,,2 * * * *") == "minute field '1,,2': empty list item");
  CHECK(ErrorOf("@reboot") == "unknown shortcut '@reboot' (use @hourly, @daily, @weekly, @monthly or @yearly)");
}

TEST_CASE("a schedule that can never fire is refused") {
  CHECK(ErrorOf("0 0 30 2 *") ==
        "day-of-month field '30' never falls in month field '2': the schedule never fires");
  CHECK(ErrorOf("0 0 31 apr,jun *").find("never fires") != std::string::npos);
  // With a weekday as well, the Vixie rule makes it fire on that weekday.
  CHECK(Next("0 0 30 2 mon", "2024-01-01T00:00:00Z") == "2024-02-05T00:00:00.000Z");
}

}  // namespace
}  // namespace sfsync::scheduler

namespace sfsync::scheduler {
namespace {

std::string NextIn(const char* expression, const char* after) {
  StatusOr<CronSchedule> s = ParseCron(expression);
  REQUIRE_MESSAGE(s.ok(), s.status().ToString());
  return FormatIsoUtc(s->NextAfter(*ParseDateTime(after)));
}

TEST_CASE("CRON_TZ reads the fields in local time: Paris in winter and summer, UTC prefix equals none") {
  CHECK(NextIn("CRON_TZ=Europe/Paris 30 2 * * *", "2025-01-15T00:00:00Z") == "2025-01-15T01:30:00.000Z");
  CHECK(NextIn("CRON_TZ=Europe/Paris 30 2 * * *", "2025-07-15T00:00:00Z") == "2025-07-15T00:30:00.000Z");
  CHECK(NextIn("CRON_TZ=UTC 30 2 * * *", "2025-07-15T00:00:00Z") == NextIn("30 2 * * *", "2025-07-15T00:00:00Z"));
  CHECK(NextIn("TZ=America/New_York @daily", "2025-01-15T12:00:00Z") == "2025-01-16T05:00:00.000Z");
  StatusOr<CronSchedule> s = ParseCron("CRON_TZ=Europe/Paris 0 * * * *");
  REQUIRE(s.ok());
  CHECK(s->zone_name() == "Europe/Paris");
}

TEST_CASE("spring forward: a local time that does not exist fires once, at the jump") {
  // Paris, 2025-03-30: 02:00 CET -> 03:00 CEST at 01:00Z.
  CHECK(NextIn("CRON_TZ=Europe/Paris 30 2 * * *", "2025-03-29T23:00:00Z") == "2025-03-30T01:00:00.000Z");
  CHECK(NextIn("CRON_TZ=Europe/Paris 30 2 * * *", "2025-03-30T01:00:00Z") == "2025-03-31T00:30:00.000Z");
  // Every 15 minutes: the four skipped quarter hours are one fire at the jump, then 03:15 local.
  CHECK(NextIn("CRON_TZ=Europe/Paris */15 * * * *", "2025-03-30T00:50:00Z") == "2025-03-30T01:00:00.000Z");
  CHECK(NextIn("CRON_TZ=Europe/Paris */15 * * * *", "2025-03-30T01:00:00Z") == "2025-03-30T01:15:00.000Z");
  // New York, 2025-03-09: 02:00 EST -> 03:00 EDT at 07:00Z.
  CHECK(NextIn("CRON_TZ=America/New_York 30 2 * * *", "2025-03-09T05:00:00Z") == "2025-03-09T07:00:00.000Z");
}

TEST_CASE("fall back: a restricted hour fires at the first pass only, a star hour in both") {
  // Paris, 2025-10-26: 03:00 CEST -> 02:00 CET at 01:00Z; local 02:30 is 00:30Z and 01:30Z.
  CHECK(NextIn("CRON_TZ=Europe/Paris 30 2 * * *", "2025-10-25T23:00:00Z") == "2025-10-26T00:30:00.000Z");
  CHECK(NextIn("CRON_TZ=Europe/Paris 30 2 * * *", "2025-10-26T00:30:00Z") == "2025-10-27T01:30:00.000Z");
  CHECK(NextIn("CRON_TZ=Europe/Paris 30 * * * *", "2025-10-26T00:30:00Z") == "2025-10-26T01:30:00.000Z");
  CHECK(NextIn("CRON_TZ=Europe/Paris @hourly", "2025-10-26T00:30:00Z") == "2025-10-26T01:00:00.000Z");
  // New York, 2025-11-02: 02:00 EDT -> 01:00 EST at 06:00Z; local 01:30 is 05:30Z and 06:30Z.
  CHECK(NextIn("CRON_TZ=America/New_York 30 1 * * *", "2025-11-02T05:30:00Z") == "2025-11-03T06:30:00.000Z");
  CHECK(NextIn("CRON_TZ=America/New_York 30 * * * *", "2025-11-02T05:30:00Z") == "2025-11-02T06:30:00.000Z");
}

TEST_CASE("month ends, the southern hemisphere and dates past the zone file's table") {
  // Tokyo is UTC+9 all year: the 1st at midnight is 15:00Z on the last day of the month before.
  CHECK(NextIn("CRON_TZ=Asia/Tokyo 0 0 1 * *", "2025-02-10T00:00:00Z") == "2025-02-28T15:00:00.000Z");
  // Sydney: AEDT (+11) in January, AEST (+10) in July.
  CHECK(NextIn("CRON_TZ=Australia/Sydney 0 9 * * *", "2025-01-10T00:00:00Z") == "2025-01-10T22:00:00.000Z");
  CHECK(NextIn("CRON_TZ=Australia/Sydney 0 9 * * *", "2025-07-10T00:00:00Z") == "2025-07-10T23:00:00.000Z");
  // 2040 is past the transitions the file lists: its POSIX rule gives summer time.
  CHECK(NextIn("CRON_TZ=Europe/Paris 0 12 * * *", "2040-07-01T00:00:00Z") == "2040-07-01T10:00:00.000Z");
  CHECK(NextIn("CRON_TZ=Europe/Paris 0 12 * * *", "2040-12-01T00:00:00Z") == "2040-12-01T11:00:00.000Z");
}

TEST_CASE("an unknown or malformed zone is refused with a message that says what CRON_TZ takes") {
  for (const char* bad : {"CRON_TZ=Mars/Base 0 * * * *", "CRON_TZ=../etc/passwd 0 * * * *", "CRON_TZ=/etc/x 0 * * * *"}) {
    StatusOr<CronSchedule> s = ParseCron(bad);
    REQUIRE_FALSE(s.ok());
    CHECK(s.status().message().find("unknown time zone") != std::string::npos);
    CHECK(s.status().message().find("e.g. Europe/Paris") != std::string::npos);
  }
  CHECK_FALSE(ParseCron("CRON_TZ=Europe/Paris").ok());
}

TEST_CASE("POSIX TZ rules: M rules, fixed offsets in angle brackets") {
  const TimeZone::Rule paris = TimeZone::ParseRule("CET-1CEST,M3.5.0,M10.5.0/3");
  CHECK(paris.valid);
  CHECK(paris.std_offset == 3600);
  CHECK(paris.dst_offset == 7200);
  CHECK(paris.end_time == 3 * 3600);
  const TimeZone::Rule fixed = TimeZone::ParseRule("<+03>-3");
  CHECK(fixed.valid);
  CHECK_FALSE(fixed.has_dst);
  CHECK(fixed.std_offset == 3 * 3600);
  CHECK_FALSE(TimeZone::ParseRule("CET-1CEST,J60,J300").valid);
}

TEST_CASE("regression: a TZif file with a negative or oversized count is damaged, not read out of bounds") {
  // Found by tests/fuzz/cron_fuzz.cc: a version-2 header whose leapcnt read as -8 wrapped the
  // offset of the 64-bit block, and string_view::compare threw std::out_of_range.
  std::string tzif("TZif2", 5);
  tzif.resize(44, '\0');
  for (int i = 0; i < 4; ++i) tzif[28 + i] = '\xff';  // leapcnt = 0xffffffff
  tzif[39] = 1;                                       // typecnt = 1
  tzif += std::string(6, '\0') + "UTC" + std::string(60, '\0');
  StatusOr<std::shared_ptr<const TimeZone>> zone = TimeZone::FromTzif("Bad/Zone", tzif, "test bytes");
  REQUIRE_FALSE(zone.ok());
  CHECK(zone.status().message().find("damaged TZif file: test bytes") != std::string::npos);
  std::string paris_like(tzif);
  for (int i = 0; i < 4; ++i) paris_like[28 + i] = '\0';  // the same file with leapcnt 0 still needs a v2 block
  CHECK_FALSE(TimeZone::FromTzif("Bad/Zone", paris_like, "test bytes").ok());
}

TEST_CASE("regression (cron fuzzer): a zone name with a NUL or naming a directory is an error, not an exception") {
  CHECK_FALSE(ParseCron(std::string("CRON_TZ=\0x 0 2 * * *", 20)).ok());
  CHECK_FALSE(TimeZone::Load(std::string_view("\0", 1)).ok());
  CHECK_FALSE(TimeZone::Load("America").ok());  // a directory of zones
  CHECK_FALSE(TimeZone::Load("Europe/Paris/").ok());
  CHECK(TimeZone::Load("Europe/Paris").ok());
}

TEST_CASE("regression: a schedule that fires only once in many years still has a next time") {
  // Found by tests/fuzz/cron_fuzz.cc: NextAfter searched 10 years and then answered INT64_MAX.
  // The weekday field starts with '*', so both day fields must match (Vixie).
  CHECK(Next("55 * 5 2 */14", "2023-02-06T00:00:00Z") == "2034-02-05T00:55:00.000Z");  // 11 years
  CHECK(Next("0 0 29 2 */7", "2096-03-01T00:00:00Z") == "2128-02-29T00:00:00.000Z");  // 32 years, past 2100
}

TEST_CASE("regression (cron fuzzer): an offset of many digits or out of range is refused, not overflowed") {
  CHECK_FALSE(TimeZone::ParseRule("AESMT99999999990.,-4.1.0/3").valid);
  CHECK_FALSE(TimeZone::ParseRule("XST168").valid);
  CHECK_FALSE(TimeZone::ParseRule("XST5:60").valid);
  CHECK_FALSE(TimeZone::ParseRule("CET-1CEST,M10." + std::string(120, '1') + "5.0/3,M3.5.0").valid);
  CHECK(TimeZone::ParseRule("XST167").valid);  // RFC 8536's largest hour
  CHECK(TimeZone::ParseRule("AEST-10AEDT,M10.1.0,M4.1.0/3").valid);
}

}  // namespace
}  // namespace sfsync::scheduler
