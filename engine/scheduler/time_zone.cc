#include "engine/scheduler/time_zone.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace sfsync::scheduler {
namespace {

int64_t Be(std::string_view d, size_t at, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(d[at + i]);
  if (bytes == 4) return static_cast<int32_t>(static_cast<uint32_t>(v));
  return static_cast<int64_t>(v);
}

// [+-]hh[:mm[:ss]] as seconds.
bool ParseHms(std::string_view s, size_t* pos, int* out) {
  int sign = 1;
  if (*pos < s.size() && (s[*pos] == '+' || s[*pos] == '-')) sign = s[(*pos)++] == '-' ? -1 : 1;
  int parts[3] = {0, 0, 0};
  for (int k = 0; k < 3; ++k) {
    if (k > 0) {
      if (*pos >= s.size() || s[*pos] != ':') break;
      ++*pos;
    }
    size_t start = *pos;
    while (*pos < s.size() && s[*pos] >= '0' && s[*pos] <= '9') {
      // RFC 8536 §3.3.1: hours up to 167, minutes and seconds up to 59. Three digits at most, so a
      // long run of digits is refused instead of overflowing (found by the cron fuzzer).
      if (*pos - start == 3) return false;
      parts[k] = parts[k] * 10 + (s[(*pos)++] - '0');
    }
    if (*pos == start || parts[k] > (k == 0 ? 167 : 59)) return false;
  }
  *out = sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
  return true;
}

bool SkipName(std::string_view s, size_t* pos) {
  if (*pos < s.size() && s[*pos] == '<') {
    const size_t end = s.find('>', *pos);
    if (end == std::string_view::npos) return false;
    *pos = end + 1;
    return true;
  }
  const size_t start = *pos;
  while (*pos < s.size() && ((s[*pos] >= 'A' && s[*pos] <= 'Z') || (s[*pos] >= 'a' && s[*pos] <= 'z'))) ++*pos;
  return *pos - start >= 3;
}

bool ParseDate(std::string_view s, size_t* pos, int* month, int* week, int* weekday, int* time) {
  if (*pos >= s.size() || s[*pos] != 'M') return false;  // Jn and n forms: not used by tzdata footers
  ++*pos;
  int* fields[3] = {month, week, weekday};
  for (int k = 0; k < 3; ++k) {
    if (k > 0) {
      if (*pos >= s.size() || s[*pos] != '.') return false;
      ++*pos;
    }
    size_t start = *pos;
    *fields[k] = 0;
    while (*pos < s.size() && s[*pos] >= '0' && s[*pos] <= '9') {
      if (*pos - start == 2) return false;  // month, week and day are 1-2 digits (overflowed: cron fuzzer)
      *fields[k] = *fields[k] * 10 + (s[(*pos)++] - '0');
    }
    if (*pos == start) return false;
  }
  *time = 7200;
  if (*pos < s.size() && s[*pos] == '/') {
    ++*pos;
    if (!ParseHms(s, pos, time)) return false;
  }
  return *month >= 1 && *month <= 12 && *week >= 1 && *week <= 5 && *weekday >= 0 && *weekday <= 6;
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// Local seconds since the epoch of the rule's transition in `year` (Mm.w.d/time: the w-th weekday d
// of month m, 5 = the last one).
int64_t RuleLocal(int year, int month, int week, int weekday, int time) {
  using namespace std::chrono;
  const std::chrono::year y{year};
  const std::chrono::month m{static_cast<unsigned>(month)};
  const sys_days first{y / m / 1};
  const int wd1 = static_cast<int>(std::chrono::weekday{first}.c_encoding());
  const int days_in_month = static_cast<int>(static_cast<unsigned>(year_month_day_last{y / m / std::chrono::last}.day()));
  int day = 1 + (weekday - wd1 + 7) % 7 + (week - 1) * 7;
  while (day > days_in_month) day -= 7;
  return (first + days{day - 1}).time_since_epoch().count() * 86400LL + time;
}

int RuleOffsetAt(const TimeZone::Rule& r, int64_t utc) {
  if (!r.has_dst) return r.std_offset;
  using namespace std::chrono;
  const sys_days local_day{days{FloorDiv(utc + r.std_offset, 86400)}};
  const int year = static_cast<int>(year_month_day{local_day}.year());
  // Start is given in standard (local) time, end in daylight time.
  const int64_t start = RuleLocal(year, r.start_month, r.start_week, r.start_weekday, r.start_time) - r.std_offset;
  const int64_t end = RuleLocal(year, r.end_month, r.end_week, r.end_weekday, r.end_time) - r.dst_offset;
  const bool dst = start < end ? (utc >= start && utc < end) : (utc >= start || utc < end);  // south: across new year
  return dst ? r.dst_offset : r.std_offset;
}

Status Unknown(std::string_view name, std::string_view why) {
  return InvalidArgumentError(fmt::format(
      "unknown time zone '{}' ({}; CRON_TZ names a file under the zoneinfo directory, e.g. Europe/Paris)", name, why));
}

}  // namespace

TimeZone::Rule TimeZone::ParseRule(std::string_view s) {
  Rule r;
  size_t pos = 0;
  int std_west = 0;
  if (!SkipName(s, &pos) || !ParseHms(s, &pos, &std_west)) return r;
  r.std_offset = -std_west;  // POSIX offsets are west of UTC
  if (pos == s.size()) {
    r.valid = true;
    return r;
  }
  if (!SkipName(s, &pos)) return r;
  r.has_dst = true;
  r.dst_offset = r.std_offset + 3600;
  if (pos < s.size() && s[pos] != ',') {
    int dst_west = 0;
    if (!ParseHms(s, &pos, &dst_west)) return r;
    r.dst_offset = -dst_west;
  }
  if (pos >= s.size() || s[pos] != ',') return r;
  ++pos;
  if (!ParseDate(s, &pos, &r.start_month, &r.start_week, &r.start_weekday, &r.start_time)) return r;
  if (pos >= s.size() || s[pos] != ',') return r;
  ++pos;
  if (!ParseDate(s, &pos, &r.end_month, &r.end_week, &r.end_weekday, &r.end_time)) return r;
  r.valid = pos == s.size();
  return r;
}

StatusOr<std::shared_ptr<const TimeZone>> TimeZone::Load(std::string_view name) {
  // Area/City names only: letters, digits, '_', '+', '-', '.', '/' (not leading or trailing, no
  // ".."). A NUL would cut the path at the zoneinfo directory itself (found by the cron fuzzer).
  const bool name_ok = !name.empty() && name.front() != '/' && name.back() != '/' &&
                       name.find("..") == std::string_view::npos &&
                       std::all_of(name.begin(), name.end(), [](char ch) {
                         return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '+' || ch == '-' ||
                                ch == '.' || ch == '/';
                       });
  if (!name_ok) return Unknown(name, "not a zone name");
  const char* dir = std::getenv("TZDIR");
  const std::string path = std::string(dir != nullptr && *dir != '\0' ? dir : "/usr/share/zoneinfo") + "/" + std::string(name);
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) return Unknown(name, "no such file: " + path);
  std::ifstream f(path, std::ios::binary);
  if (!f) return Unknown(name, "no such file: " + path);
  std::string d;
  try {
    d.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  } catch (const std::exception&) {
    return Unknown(name, "cannot read " + path);
  }
  return FromTzif(name, d, path);
}

StatusOr<std::shared_ptr<const TimeZone>> TimeZone::FromTzif(std::string_view name, std::string_view d,
                                                             std::string_view origin) {
  const std::string path(origin);
  if (d.size() < 44 || d.compare(0, 4, "TZif") != 0) return Unknown(name, "not a TZif file: " + path);
  // The counts are unsigned 32-bit; none can exceed the file's size, which also keeps the size
  // arithmetic below from overflowing (a negative or huge count used to wrap it).
  auto counts = [&](size_t at, int64_t c[6]) {
    for (int i = 0; i < 6; ++i) {
      c[i] = static_cast<uint32_t>(Be(d, at + 20 + 4 * i, 4));
      if (static_cast<size_t>(c[i]) > d.size()) return false;
    }
    return true;
  };
  int64_t c[6];  // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
  if (!counts(0, c)) return Unknown(name, "damaged TZif file: " + path);
  auto tz = std::make_shared<TimeZone>();
  tz->name_ = std::string(name);
  size_t at = 44;
  int time_bytes = 4;
  if (d[4] >= '2') {
    at += c[3] * 4 + c[3] + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0];  // skip the 32-bit block
    if (d.size() < at + 44 || d.compare(at, 4, "TZif") != 0 || !counts(at, c)) {
      return Unknown(name, "damaged TZif file: " + path);
    }
    at += 44;
    time_bytes = 8;
  }
  const int64_t timecnt = c[3], typecnt = c[4];
  const size_t need = at + timecnt * time_bytes + timecnt + typecnt * 6 + c[5] + c[2] * (time_bytes + 4) + c[1] + c[0];
  if (typecnt < 1 || d.size() < need) return Unknown(name, "damaged TZif file: " + path);
  std::vector<int> type_offsets;
  const size_t types_at = at + timecnt * time_bytes + timecnt;
  for (int64_t i = 0; i < typecnt; ++i) type_offsets.push_back(static_cast<int>(Be(d, types_at + 6 * i, 4)));
  for (int64_t i = 0; i < timecnt; ++i) {
    tz->transitions_.push_back(Be(d, at + i * time_bytes, time_bytes));
    const int idx = static_cast<unsigned char>(d[at + timecnt * time_bytes + i]);
    if (idx >= typecnt) return Unknown(name, "damaged TZif file: " + path);
    tz->offsets_.push_back(type_offsets[idx]);
  }
  tz->initial_offset_ = type_offsets[0];
  if (time_bytes == 8 && need < d.size() && d[need] == '\n') {
    const size_t end = d.find('\n', need + 1);
    if (end != std::string::npos) tz->rule_ = ParseRule(std::string_view(d).substr(need + 1, end - need - 1));
  }
  return std::shared_ptr<const TimeZone>(std::move(tz));
}

int TimeZone::OffsetAt(int64_t utc) const {
  if (transitions_.empty() || utc < transitions_.front()) {
    return transitions_.empty() && rule_.valid ? RuleOffsetAt(rule_, utc) : initial_offset_;
  }
  if (utc >= transitions_.back() && rule_.valid) return RuleOffsetAt(rule_, utc);
  const auto it = std::upper_bound(transitions_.begin(), transitions_.end(), utc);
  return offsets_[static_cast<size_t>(it - transitions_.begin()) - 1];
}

}  // namespace sfsync::scheduler
