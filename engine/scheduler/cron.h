// Cron schedules: the 5-field expressions of job files (`schedule:`), evaluated in UTC.
//
//   minute hour day-of-month month day-of-week
//   0-59   0-23 1-31         1-12  0-7 (0 and 7 are Sunday)
//
// Each field is `*` or a comma-separated list of items: `N`, `A-B`, `*/S`, `A-B/S`, or `A/S`
// (A to the field's maximum, every S). Months and weekdays also take names (jan-dec, sun-sat,
// any case). Shortcuts: @hourly, @daily (= @midnight), @weekly, @monthly, @yearly (= @annually).
//
// Vixie cron semantics for the two day fields: when both are restricted (neither starts with `*`),
// a day matches if EITHER matches ("0 0 1 * mon" fires on the 1st and on every Monday); otherwise
// both must. As in Vixie cron, a field starting with `*` counts as unrestricted even with a step.
#pragma once

#include <bitset>
#include <cstdint>
#include <string_view>

#include "engine/core/statusor.h"

namespace sfsync::scheduler {

class CronSchedule {
 public:
  // The first whole minute strictly after `epoch_millis` at which the schedule fires, as epoch
  // milliseconds (UTC). ParseCron refuses schedules that never fire, so there always is one.
  int64_t NextAfter(int64_t epoch_millis) const;

 private:
  friend StatusOr<CronSchedule> ParseCron(std::string_view text);

  bool DayMatches(unsigned day_of_month, unsigned day_of_week) const;

  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_of_month_;  // bit 0 unused
  std::bitset<13> months_;         // bit 0 unused
  std::bitset<7> days_of_week_;    // 0 = Sunday
  bool day_of_month_restricted_ = false;
  bool day_of_week_restricted_ = false;
};

// Parses an expression. InvalidArgument with a message naming the bad field, e.g.
//   hour field '24': 24 is out of range 0-23
// Thread-safe; a CronSchedule is immutable.
StatusOr<CronSchedule> ParseCron(std::string_view text);

}  // namespace sfsync::scheduler
