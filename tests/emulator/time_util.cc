#include "tests/emulator/time_util.h"

#include <array>
#include <cctype>

namespace sfsync::emulator {
namespace {

constexpr std::array<std::string_view, 7> kWeekdays = {"Thu", "Fri", "Sat", "Sun",
                                                       "Mon", "Tue", "Wed"};
constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Reads exactly `n` digits at `pos`, advancing it.
bool Digits(std::string_view s, size_t* pos, size_t n, int* value) {
  if (*pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[*pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *pos += n;
  *value = v;
  return true;
}

bool Expect(std::string_view s, size_t* pos, char c) {
  if (*pos >= s.size() || s[*pos] != c) return false;
  ++*pos;
  return true;
}

bool ParseDatePart(std::string_view s, size_t* pos, int64_t* days) {
  int y, m, d;
  if (!Digits(s, pos, 4, &y) || !Expect(s, pos, '-') || !Digits(s, pos, 2, &m) ||
      !Expect(s, pos, '-') || !Digits(s, pos, 2, &d)) {
    return false;
  }
  if (m < 1 || m > 12 || d < 1 || d > DaysInMonth(y, m)) return false;
  *days = DaysFromCivil(y, m, d);
  return true;
}

void AppendPadded(std::string* out, int64_t value, int width) {
  char buf[24];
  int n = 0;
  bool negative = value < 0;
  uint64_t v = negative ? static_cast<uint64_t>(-value) : static_cast<uint64_t>(value);
  do {
    buf[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  if (negative) out->push_back('-');
  for (int i = n; i < width; ++i) out->push_back('0');
  while (n > 0) out->push_back(buf[--n]);
}

}  // namespace

// Howard Hinnant's days_from_civil, valid for the whole int range of years.
int64_t DaysFromCivil(int year, int month, int day) {
  int64_t y = year - (month <= 2);
  int64_t era = FloorDiv(y, 400);
  int64_t yoe = y - era * 400;
  int64_t mp = (month + 9) % 12;
  int64_t doy = (153 * mp + 2) / 5 + day - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void CivilFromDays(int64_t days, int* year, int* month, int* day) {
  int64_t z = days + 719468;
  int64_t era = FloorDiv(z, 146097);
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t d = doy - (153 * mp + 2) / 5 + 1;
  int64_t m = mp < 10 ? mp + 3 : mp - 9;
  *year = static_cast<int>(yoe + era * 400 + (m <= 2));
  *month = static_cast<int>(m);
  *day = static_cast<int>(d);
}

bool ParseDate(std::string_view text, int64_t* days) {
  size_t pos = 0;
  return ParseDatePart(text, &pos, days) && pos == text.size();
}

bool ParseDateTime(std::string_view s, int64_t* epoch_ms) {
  size_t pos = 0;
  int64_t days;
  int hh, mm, ss;
  if (!ParseDatePart(s, &pos, &days) || !Expect(s, &pos, 'T') || !Digits(s, &pos, 2, &hh) ||
      !Expect(s, &pos, ':') || !Digits(s, &pos, 2, &mm) || !Expect(s, &pos, ':') ||
      !Digits(s, &pos, 2, &ss)) {
    return false;
  }
  if (hh > 23 || mm > 59 || ss > 59) return false;
  int64_t millis = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int digits = 0;
    int64_t scale = 100;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
      if (digits < 3) millis += (s[pos] - '0') * scale;  // finer digits are truncated
      scale /= 10;
      ++digits;
      ++pos;
    }
    if (digits == 0) return false;
  }
  int64_t offset_minutes = 0;
  if (pos < s.size() && s[pos] == 'Z') {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int sign = s[pos] == '-' ? -1 : 1;
    ++pos;
    int oh, om;
    if (!Digits(s, &pos, 2, &oh)) return false;
    if (pos < s.size() && s[pos] == ':') ++pos;
    if (!Digits(s, &pos, 2, &om) || oh > 23 || om > 59) return false;
    offset_minutes = sign * (oh * 60 + om);
  } else {
    return false;
  }
  if (pos != s.size()) return false;
  *epoch_ms = days * kMillisPerDay + (hh * 3600 + mm * 60 + ss) * kMillisPerSecond + millis -
              offset_minutes * 60 * kMillisPerSecond;
  return true;
}

// Query pages format a datetime per record and field, so these write into a local buffer
// and append once.
void AppendDate(std::string* out, int64_t days) {
  int y, m, d;
  CivilFromDays(days, &y, &m, &d);
  if (y < 0 || y > 9999) {  // outside what Salesforce stores; keep it readable
    AppendPadded(out, y, 4);
    out->push_back('-');
    AppendPadded(out, m, 2);
    out->push_back('-');
    AppendPadded(out, d, 2);
    return;
  }
  char buf[10] = {static_cast<char>('0' + y / 1000), static_cast<char>('0' + y / 100 % 10),
                  static_cast<char>('0' + y / 10 % 10), static_cast<char>('0' + y % 10), '-',
                  static_cast<char>('0' + m / 10), static_cast<char>('0' + m % 10), '-',
                  static_cast<char>('0' + d / 10), static_cast<char>('0' + d % 10)};
  out->append(buf, sizeof(buf));
}

void AppendDateTime(std::string* out, int64_t epoch_ms) {
  int64_t days = FloorDiv(epoch_ms, kMillisPerDay);
  int rest = static_cast<int>(epoch_ms - days * kMillisPerDay);
  AppendDate(out, days);
  int h = rest / 3'600'000, mi = rest / 60'000 % 60, s = rest / 1000 % 60, ms = rest % 1000;
  char buf[18] = {'T',
                  static_cast<char>('0' + h / 10), static_cast<char>('0' + h % 10), ':',
                  static_cast<char>('0' + mi / 10), static_cast<char>('0' + mi % 10), ':',
                  static_cast<char>('0' + s / 10), static_cast<char>('0' + s % 10), '.',
                  static_cast<char>('0' + ms / 100), static_cast<char>('0' + ms / 10 % 10),
                  static_cast<char>('0' + ms % 10), '+', '0', '0', '0', '0'};
  out->append(buf, sizeof(buf));
}

std::string FormatDateTime(int64_t epoch_ms) {
  std::string out;
  AppendDateTime(&out, epoch_ms);
  return out;
}

std::string FormatHttpDate(int64_t epoch_ms) {
  int64_t days = FloorDiv(epoch_ms, kMillisPerDay);
  int64_t rest = epoch_ms - days * kMillisPerDay;
  int y, m, d;
  CivilFromDays(days, &y, &m, &d);
  std::string out(kWeekdays[static_cast<size_t>(((days % 7) + 7) % 7)]);
  out.append(", ");
  AppendPadded(&out, d, 2);
  out.push_back(' ');
  out.append(kMonths[static_cast<size_t>(m - 1)]);
  out.push_back(' ');
  AppendPadded(&out, y, 4);
  out.push_back(' ');
  AppendPadded(&out, rest / 3'600'000, 2);
  out.push_back(':');
  AppendPadded(&out, rest / 60'000 % 60, 2);
  out.push_back(':');
  AppendPadded(&out, rest / 1000 % 60, 2);
  out.append(" GMT");
  return out;
}

bool ParseTime(std::string_view s, std::string* canonical) {
  size_t pos = 0;
  int hh, mm, ss;
  if (!Digits(s, &pos, 2, &hh) || !Expect(s, &pos, ':') || !Digits(s, &pos, 2, &mm) ||
      !Expect(s, &pos, ':') || !Digits(s, &pos, 2, &ss) || hh > 23 || mm > 59 || ss > 59) {
    return false;
  }
  std::string fraction = "000";
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    for (size_t i = 0; i < 3 && pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos])); ++i) {
      fraction[i] = s[pos++];
    }
    if (s[pos - 1] == '.') return false;
  }
  if (pos + 1 != s.size() || s[pos] != 'Z') return false;
  *canonical = std::string(s.substr(0, 8)) + "." + fraction + "Z";
  return true;
}

bool ParseHttpDate(std::string_view s, int64_t* epoch_ms) {
  // `Wed, 06 May 2026 12:07:50 GMT`; the weekday is not checked.
  size_t comma = s.find(", ");
  if (comma == std::string_view::npos) return false;
  size_t pos = comma + 2;
  int d, y, hh, mm, ss;
  if (!Digits(s, &pos, 2, &d) || !Expect(s, &pos, ' ')) return false;
  if (pos + 3 > s.size()) return false;
  int month = 0;
  for (size_t i = 0; i < kMonths.size(); ++i) {
    if (s.substr(pos, 3) == kMonths[i]) month = static_cast<int>(i) + 1;
  }
  if (month == 0) return false;
  pos += 3;
  if (!Expect(s, &pos, ' ') || !Digits(s, &pos, 4, &y) || !Expect(s, &pos, ' ') ||
      !Digits(s, &pos, 2, &hh) || !Expect(s, &pos, ':') || !Digits(s, &pos, 2, &mm) ||
      !Expect(s, &pos, ':') || !Digits(s, &pos, 2, &ss) || s.substr(pos) != " GMT") {
    return false;
  }
  if (d < 1 || d > DaysInMonth(y, month) || hh > 23 || mm > 59 || ss > 60) return false;
  *epoch_ms = DaysFromCivil(y, month, d) * kMillisPerDay +
              (hh * 3600 + mm * 60 + ss) * kMillisPerSecond;
  return true;
}

}  // namespace sfsync::emulator
