#include "engine/scheduler/cron.h"

#include "engine/scheduler/time_zone.h"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <chrono>
#include <limits>
#include <string>
#include <vector>

namespace sfsync::scheduler {
namespace {

// How far NextAfter looks. The Gregorian calendar repeats every 400 years, so a schedule that
// fires at all fires within that span. Gaps are far shorter than the span but can pass a decade:
// "0 0 29 2 */7" (Feb 29 must be a Sunday, the weekday field starting with '*') waits 28 years,
// 40 across 2100, and "55 * 5 2 */14" up to 11 (a limit of 10 years once answered "never").
constexpr int64_t kSearchLimitDays = 401 * 366;

struct FieldSpec {
  const char* name;
  int min;
  int max;
  std::array<const char*, 12> names;  // names[i] is value min + i; empty where none
};

constexpr FieldSpec kMinute{"minute", 0, 59, {}};
constexpr FieldSpec kHour{"hour", 0, 23, {}};
constexpr FieldSpec kDayOfMonth{"day-of-month", 1, 31, {}};
constexpr FieldSpec kMonth{
    "month", 1, 12, {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}};
constexpr FieldSpec kDayOfWeek{"day-of-week", 0, 7, {"sun", "mon", "tue", "wed", "thu", "fri", "sat"}};

// Days in a month of a leap year: a schedule that can fire on Feb 29 fires eventually.
constexpr std::array<int, 13> kMaxDaysInMonth = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Status FieldError(const FieldSpec& spec, std::string_view field, std::string_view problem) {
  return InvalidArgumentError(fmt::format("{} field '{}': {}", spec.name, field, problem));
}

StatusOr<int> ParseValue(const FieldSpec& spec, std::string_view field, std::string_view text) {
  const std::string lower = Lower(text);
  for (size_t i = 0; i < spec.names.size(); ++i) {
    if (spec.names[i] != nullptr && lower == spec.names[i]) return spec.min + static_cast<int>(i);
  }
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return FieldError(spec, field, fmt::format("'{}' is not a number{}", text, spec.names[0] ? " or a name" : ""));
  }
  if (value < spec.min || value > spec.max) {
    return FieldError(spec, field, fmt::format("{} is out of range {}-{}", value, spec.min, spec.max));
  }
  return value;
}

// Sets the bits of `field` (bit v for value v) in `bits`.
template <size_t N>
Status ParseField(const FieldSpec& spec, std::string_view field, std::bitset<N>* bits) {
  size_t start = 0;
  while (true) {
    size_t comma = field.find(',', start);
    std::string_view item = field.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    if (item.empty()) return FieldError(spec, field, "empty list item");

    std::string_view range = item;
    int step = 1;
    if (size_t slash = item.find('/'); slash != std::string_view::npos) {
      range = item.substr(0, slash);
      std::string_view step_text = item.substr(slash + 1);
      auto [end, ec] = std::from_chars(step_text.data(), step_text.data() + step_text.size(), step);
      if (step_text.empty() || ec != std::errc() || end != step_text.data() + step_text.size() || step < 1) {
        return FieldError(spec, field, fmt::format("step '{}' must be a whole number of at least 1", step_text));
      }
    }
    int low = spec.min;
    int high = spec.max;
    if (range != "*") {
      size_t dash = range.find('-');
      SFSYNC_ASSIGN_OR_RETURN(low, ParseValue(spec, field, range.substr(0, dash)));
      if (dash != std::string_view::npos) {
        SFSYNC_ASSIGN_OR_RETURN(high, ParseValue(spec, field, range.substr(dash + 1)));
        if (high < low) return FieldError(spec, field, fmt::format("range {} runs backwards", range));
      } else if (item.find('/') == std::string_view::npos) {
        high = low;
      }
    }
    for (int v = low; v <= high; v += step) bits->set(static_cast<size_t>(v));
    if (comma == std::string_view::npos) return Status::Ok();
    start = comma + 1;
  }
}

std::string_view ExpandShortcut(std::string_view text) {
  if (text == "@hourly") return "0 * * * *";
  if (text == "@daily" || text == "@midnight") return "0 0 * * *";
  if (text == "@weekly") return "0 0 * * 0";
  if (text == "@monthly") return "0 0 1 * *";
  if (text == "@yearly" || text == "@annually") return "0 0 1 1 *";
  return {};
}

std::vector<std::string_view> SplitFields(std::string_view text) {
  std::vector<std::string_view> fields;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\t') ++i;
    if (i > start) fields.push_back(text.substr(start, i - start));
  }
  return fields;
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

StatusOr<CronSchedule> ParseCron(std::string_view full_text) {
  std::string_view text = full_text;
  std::shared_ptr<const TimeZone> zone;
  for (std::string_view prefix : {"CRON_TZ=", "TZ="}) {
    if (text.substr(0, prefix.size()) != prefix) continue;
    const size_t space = text.find_first_of(" \t");
    if (space == std::string_view::npos) return InvalidArgumentError("CRON_TZ=Area/City must be followed by the schedule");
    const std::string_view name = text.substr(prefix.size(), space - prefix.size());
    text = text.substr(space);
    while (!text.empty() && (text[0] == ' ' || text[0] == '\t')) text.remove_prefix(1);
    if (name != "UTC") {
      SFSYNC_ASSIGN_OR_RETURN(zone, TimeZone::Load(name));
    }
    break;
  }
  std::string_view expression = text;
  if (!text.empty() && text[0] == '@') {
    expression = ExpandShortcut(text);
    if (expression.empty()) {
      return InvalidArgumentError(
          fmt::format("unknown shortcut '{}' (use @hourly, @daily, @weekly, @monthly or @yearly)", text));
    }
  }
  std::vector<std::string_view> fields = SplitFields(expression);
  if (fields.size() != 5) {
    return InvalidArgumentError(fmt::format(
        "expected 5 fields (minute hour day-of-month month day-of-week), got {}", fields.size()));
  }
  CronSchedule s;
  SFSYNC_RETURN_IF_ERROR(ParseField(kMinute, fields[0], &s.minutes_));
  SFSYNC_RETURN_IF_ERROR(ParseField(kHour, fields[1], &s.hours_));
  SFSYNC_RETURN_IF_ERROR(ParseField(kDayOfMonth, fields[2], &s.days_of_month_));
  SFSYNC_RETURN_IF_ERROR(ParseField(kMonth, fields[3], &s.months_));
  std::bitset<8> week;
  SFSYNC_RETURN_IF_ERROR(ParseField(kDayOfWeek, fields[4], &week));
  for (size_t d = 0; d < 7; ++d) s.days_of_week_[d] = week[d];
  if (week[7]) s.days_of_week_.set(0);
  s.day_of_month_restricted_ = fields[2][0] != '*';
  s.day_of_week_restricted_ = fields[4][0] != '*';
  s.hour_restricted_ = fields[1][0] != '*';
  s.zone_ = std::move(zone);

  if (s.day_of_month_restricted_ && !s.day_of_week_restricted_) {
    bool possible = false;
    for (int m = 1; m <= 12; ++m) {
      for (int d = 1; d <= kMaxDaysInMonth[m]; ++d) possible = possible || (s.months_[m] && s.days_of_month_[d]);
    }
    if (!possible) {
      return InvalidArgumentError(fmt::format("day-of-month field '{}' never falls in month field '{}': the schedule "
                                              "never fires",
                                              fields[2], fields[3]));
    }
  }
  return s;
}

bool CronSchedule::DayMatches(unsigned day_of_month, unsigned day_of_week) const {
  const bool dom = days_of_month_[day_of_month];
  const bool dow = days_of_week_[day_of_week];
  if (day_of_month_restricted_ && day_of_week_restricted_) return dom || dow;
  return dom && dow;
}

std::string CronSchedule::zone_name() const { return zone_ ? zone_->name() : "UTC"; }

int64_t CronSchedule::NextAfter(int64_t epoch_millis) const {
  return zone_ ? NextAfterInZone(epoch_millis) : NextAfterUtc(epoch_millis);
}

bool CronSchedule::HourMatchesLocal(int64_t local_minute) const {
  using namespace std::chrono;
  const int64_t day = FloorDiv(local_minute, 1440);
  const sys_days date{days{day}};
  const year_month_day ymd{date};
  return months_[static_cast<unsigned>(ymd.month())] &&
         DayMatches(static_cast<unsigned>(ymd.day()), weekday{date}.c_encoding()) &&
         hours_[static_cast<size_t>((local_minute - day * 1440) / 60)];
}

bool CronSchedule::MatchesLocalMinute(int64_t local_minute) const {
  using namespace std::chrono;
  const int64_t day = FloorDiv(local_minute, 1440);
  const int64_t minute_of_day = local_minute - day * 1440;
  const sys_days date{days{day}};
  const year_month_day ymd{date};
  return months_[static_cast<unsigned>(ymd.month())] &&
         DayMatches(static_cast<unsigned>(ymd.day()), weekday{date}.c_encoding()) &&
         hours_[static_cast<size_t>(minute_of_day / 60)] && minutes_[static_cast<size_t>(minute_of_day % 60)];
}

// Walks UTC minutes (so both passes of a repeated local hour come in order), reading each as local
// wall-clock time; skips whole local days and hours that cannot match when no offset change falls
// inside them. At an offset change forward, the local minutes it jumps over fire at its instant.
int64_t CronSchedule::NextAfterInZone(int64_t epoch_millis) const {
  constexpr int64_t kSearchLimitMinutes = kSearchLimitDays * 1440;
  const int64_t first = FloorDiv(epoch_millis, 60000) + 1;
  int64_t t = first;  // UTC minute
  while (t - first < kSearchLimitMinutes) {
    const int offset = zone_->OffsetAt(t * 60);        // seconds
    const int before = zone_->OffsetAt(t * 60 - 60);  // a minute earlier
    const int64_t local = t + offset / 60;
    if (offset > before) {
      // Clocks jumped forward at t: local minutes [t + before, t + offset) never happened.
      for (int64_t skipped = t + before / 60; skipped < local; ++skipped) {
        if (MatchesLocalMinute(skipped)) return t * 60000;
      }
    }
    if (MatchesLocalMinute(local)) {
      // The second pass of a repeated local time fires only for an unrestricted hour field.
      const int earlier = zone_->OffsetAt(t * 60 - 7200);
      const bool second_pass = earlier > offset && zone_->OffsetAt((local - earlier / 60) * 60) == earlier &&
                               local - earlier / 60 < t;
      if (!(second_pass && hour_restricted_)) return t * 60000;
      ++t;
      continue;
    }
    // A local hour that cannot match is skipped whole when no offset change falls inside it.
    const int64_t minute_of_hour = local - FloorDiv(local, 60) * 60;
    const int64_t next_hour = t + (60 - minute_of_hour);
    if (!HourMatchesLocal(local - minute_of_hour) && zone_->OffsetAt(next_hour * 60) == offset &&
        zone_->OffsetAt(next_hour * 60 - 60) == offset) {
      t = next_hour;
    } else {
      ++t;
    }
  }
  return std::numeric_limits<int64_t>::max();
}

int64_t CronSchedule::NextAfterUtc(int64_t epoch_millis) const {
  using namespace std::chrono;
  constexpr int64_t kMinutesPerDay = 1440;
  constexpr int64_t kSearchLimitMinutes = kSearchLimitDays * kMinutesPerDay;

  const int64_t first = FloorDiv(epoch_millis, 60000) + 1;
  int64_t t = first;
  while (t - first < kSearchLimitMinutes) {
    const int64_t day = FloorDiv(t, kMinutesPerDay);
    const int64_t minute_of_day = t - day * kMinutesPerDay;
    const sys_days date{days{day}};
    const year_month_day ymd{date};
    const unsigned month = static_cast<unsigned>(ymd.month());
    if (!months_[month]) {
      const year_month_day next_month = year_month_day{ymd.year() / ymd.month() / 1} + months{1};
      t = sys_days{next_month}.time_since_epoch().count() * kMinutesPerDay;
      continue;
    }
    if (!DayMatches(static_cast<unsigned>(ymd.day()), weekday{date}.c_encoding())) {
      t = (day + 1) * kMinutesPerDay;
      continue;
    }
    const int64_t hour = minute_of_day / 60;
    if (!hours_[static_cast<size_t>(hour)]) {
      t = day * kMinutesPerDay + (hour + 1) * 60;
      continue;
    }
    if (!minutes_[static_cast<size_t>(minute_of_day % 60)]) {
      ++t;
      continue;
    }
    return t * 60000;
  }
  return std::numeric_limits<int64_t>::max();  // unreachable for a schedule ParseCron accepted
}

}  // namespace sfsync::scheduler
