#include "engine/core/time_format.h"

#include <array>
#include <cstdio>

namespace sfsync {
namespace {

constexpr std::array<const char*, 7> kWeekdays = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// Howard Hinnant's civil_from_days.
void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t yy = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = yy + (*m <= 2);
}

bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

struct Parts {
  int64_t y;
  unsigned mo, d, h, mi, s, ms;
};

void Split(int64_t epoch_millis, Parts* p) {
  int64_t days = epoch_millis / 86400000;
  int64_t rem = epoch_millis % 86400000;
  if (rem < 0) {
    rem += 86400000;
    --days;
  }
  CivilFromDays(days, &p->y, &p->mo, &p->d);
  p->h = static_cast<unsigned>(rem / 3600000);
  p->mi = static_cast<unsigned>(rem / 60000 % 60);
  p->s = static_cast<unsigned>(rem / 1000 % 60);
  p->ms = static_cast<unsigned>(rem % 1000);
}

Status BadDateTime(std::string_view text) {
  return InvalidArgumentError("not a datetime: '" + std::string(text.substr(0, 64)) + "'");
}

}  // namespace

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

StatusOr<int64_t> ParseDateTime(std::string_view t) {
  int y, mo, d, h, mi, s;
  if (!Digits(t, 0, 4, &y) || t.size() < 19 || t[4] != '-' || !Digits(t, 5, 2, &mo) || t[7] != '-' ||
      !Digits(t, 8, 2, &d) || (t[10] != 'T' && t[10] != ' ') || !Digits(t, 11, 2, &h) || t[13] != ':' ||
      !Digits(t, 14, 2, &mi) || t[16] != ':' || !Digits(t, 17, 2, &s)) {
    return BadDateTime(t);
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return BadDateTime(t);
  size_t pos = 19;
  int ms = 0;
  if (pos < t.size() && t[pos] == '.') {
    ++pos;
    int scale = 100;
    size_t start = pos;
    while (pos < t.size() && t[pos] >= '0' && t[pos] <= '9') {
      ms += (t[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return BadDateTime(t);
  }
  int64_t offset_min = 0;
  if (pos == t.size()) {
    // No zone: Salesforce datetimes are UTC.
  } else if (t[pos] == 'Z' && pos + 1 == t.size()) {
  } else if (t[pos] == '+' || t[pos] == '-') {
    int oh, om;
    const int sign = t[pos] == '-' ? -1 : 1;
    if (!Digits(t, pos + 1, 2, &oh)) return BadDateTime(t);
    size_t mpos = pos + 3;
    if (mpos < t.size() && t[mpos] == ':') ++mpos;
    if (!Digits(t, mpos, 2, &om) || mpos + 2 != t.size()) return BadDateTime(t);
    offset_min = sign * (oh * 60 + om);
  } else {
    return BadDateTime(t);
  }
  const int64_t days = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  return ((days * 24 + h) * 60 + mi - offset_min) * 60000 + static_cast<int64_t>(s) * 1000 + ms;
}

std::string FormatIsoUtc(int64_t epoch_millis) {
  Parts p;
  Split(epoch_millis, &p);
  if (p.y < 0 || p.y > 9999) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02u:%02u:%02u.%03uZ", static_cast<long long>(p.y), p.mo,
                  p.d, p.h, p.mi, p.s, p.ms);
    return buf;
  }
  // Hand-formatted: this runs once per datetime value on the page hot path, where snprintf showed
  // up in profiles.
  char buf[25] = "0000-00-00T00:00:00.000Z";
  auto put = [&buf](int pos, unsigned value, int width) {
    for (int i = width - 1; i >= 0; --i) {
      buf[pos + i] = static_cast<char>('0' + value % 10);
      value /= 10;
    }
  };
  put(0, static_cast<unsigned>(p.y), 4);
  put(5, p.mo, 2);
  put(8, p.d, 2);
  put(11, p.h, 2);
  put(14, p.mi, 2);
  put(17, p.s, 2);
  put(20, p.ms, 3);
  return std::string(buf, 24);
}

std::string FormatSalesforceDateTime(int64_t epoch_millis) {
  std::string s = FormatIsoUtc(epoch_millis);
  s.pop_back();
  s += "+0000";
  return s;
}

StatusOr<std::string> NormalizeDateTime(std::string_view text) {
  auto ms = ParseDateTime(text);
  if (!ms.ok()) return ms.status();
  return FormatIsoUtc(*ms);
}

StatusOr<int64_t> ParseHttpDate(std::string_view t) {
  // "Tue, 23 Mar 2015 00:00:00 GMT"
  int d, y, h, mi, s;
  if (t.size() != 29 || t[3] != ',' || !Digits(t, 5, 2, &d) || !Digits(t, 12, 4, &y) || !Digits(t, 17, 2, &h) ||
      !Digits(t, 20, 2, &mi) || !Digits(t, 23, 2, &s) || t.substr(26) != "GMT") {
    return InvalidArgumentError("not an HTTP date: '" + std::string(t.substr(0, 40)) + "'");
  }
  unsigned mo = 0;
  for (unsigned i = 0; i < kMonths.size(); ++i) {
    if (t.substr(8, 3) == kMonths[i]) mo = i + 1;
  }
  if (mo == 0) return InvalidArgumentError("not an HTTP date: '" + std::string(t) + "'");
  const int64_t days = DaysFromCivil(y, mo, static_cast<unsigned>(d));
  return ((days * 24 + h) * 60 + mi) * 60000 + static_cast<int64_t>(s) * 1000;
}

std::string FormatHttpDate(int64_t epoch_millis) {
  Parts p;
  Split(epoch_millis, &p);
  int64_t days = epoch_millis / 86400000 - (epoch_millis % 86400000 < 0 ? 1 : 0);
  const char* wd = kWeekdays[static_cast<size_t>(((days % 7) + 7) % 7)];
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04lld %02u:%02u:%02u GMT", wd, p.d, kMonths[p.mo - 1],
                static_cast<long long>(p.y), p.h, p.mi, p.s);
  return buf;
}

std::string FormatDuration(int64_t millis) {
  const int64_t s = millis < 0 ? 0 : millis / 1000;
  if (s < 60) return std::to_string(s) + " s";
  if (s < 3600) return std::to_string(s / 60) + " min" + (s % 60 ? " " + std::to_string(s % 60) + " s" : "");
  if (s < 86400) return std::to_string(s / 3600) + " h" + (s % 3600 / 60 ? " " + std::to_string(s % 3600 / 60) + " min" : "");
  const int64_t days = s / 86400;
  return std::to_string(days) + (days == 1 ? " day" : " days") + (s % 86400 / 3600 ? " " + std::to_string(s % 86400 / 3600) + " h" : "");
}

std::string FormatAgo(int64_t millis) { return millis < 1000 ? "just now" : FormatDuration(millis) + " ago"; }

}  // namespace sfsync
