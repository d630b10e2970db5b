// Cron schedules: the 5-field expressions of job files (`schedule:`), evaluated in UTC.
//
//   minute hour day-of-month month day-of-week
//   0-59   0-23 1-31         1-12  0-7 (0 and 7 are Sunday)
//
// Each field is `*` or a comma-separated list of items: `N`, `A-B`, `*/S`, `A-B/S`, or `A/S`
// (A to the field's maximum, every S). Months and weekdays also take names (jan-dec, sun-sat,
// any case). Shortcuts: @hourly, @daily (= @midnight), @weekly, @monthly, @yearly (= @annually).
//
// An optional prefix names the time zone the fields are read in: `CRON_TZ=Europe/Paris 30 2 * * *`
// (also `TZ=`); without it, UTC. Across daylight-saving changes (as Vixie cron and cronie do):
//  - spring forward: a local time that does not exist (02:30 when clocks jump from 02:00 to 03:00)
//    fires once, at the instant of the jump (03:00 local);
//  - fall back: a local time that happens twice (02:30 when clocks go back from 03:00 to 02:00)
//    fires once, at its first occurrence, when the hour field is restricted ("30 2 * * *"); a
//    schedule whose hour field starts with `*` ("*/15 * * * *", @hourly) fires in both passes.
// Days, months and weekdays are those of the local date.
//
// Vixie cron semantics for the two day fields: when both are restricted (neither starts with `*`),
// a day matches if EITHER matches ("0 0 1 * mon" fires on the 1st and on every Monday); otherwise
// both must. As in Vixie cron, a field starting with `*` counts as unrestricted even with a step.
#pragma once

#include <bitset>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "engine/core/statusor.h"

namespace sfsync::scheduler {

class TimeZone;

class CronSchedule {
 public:
  // The first whole minute strictly after `epoch_millis` at which the schedule fires, as epoch
  // milliseconds (UTC). ParseCron refuses schedules that never fire, so there always is one; it
  // can be decades away (Feb 29 on a Sunday: up to 40 years).
  int64_t NextAfter(int64_t epoch_millis) const;

  // "UTC", or the CRON_TZ zone's name.
  std::string zone_name() const;

 private:
  friend StatusOr<CronSchedule> ParseCron(std::string_view text);

  bool DayMatches(unsigned day_of_month, unsigned day_of_week) const;
  int64_t NextAfterUtc(int64_t epoch_millis) const;
  int64_t NextAfterInZone(int64_t epoch_millis) const;
  // Whether the local wall-clock minute `local_minute` (minutes since the epoch, local) matches.
  bool MatchesLocalMinute(int64_t local_minute) const;
  // Whether the local date and hour of `local_minute` match (any minute of that hour could).
  bool HourMatchesLocal(int64_t local_minute) const;

  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_of_month_;  // bit 0 unused
  std::bitset<13> months_;         // bit 0 unused
  std::bitset<7> days_of_week_;    // 0 = Sunday
  bool day_of_month_restricted_ = false;
  bool day_of_week_restricted_ = false;
  bool hour_restricted_ = false;               // the hour field does not start with '*'
  std::shared_ptr<const class TimeZone> zone_;  // null: UTC
};

// Parses an expression. InvalidArgument with a message naming the bad field, e.g.
//   hour field '24': 24 is out of range 0-23
// Thread-safe; a CronSchedule is immutable.
StatusOr<CronSchedule> ParseCron(std::string_view text);

}  // namespace sfsync::scheduler
