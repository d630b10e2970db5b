// Calendar arithmetic and the date/time text formats the emulator reads and writes.
//
// Instants are int64 milliseconds since the Unix epoch (UTC); dates are int64 days since
// 1970-01-01. The proleptic Gregorian calendar is used for every year, so dates before 1970
// (seeded birthdates) are negative day numbers and still sort correctly.
#ifndef SFSYNC_TESTS_EMULATOR_TIME_UTIL_H_
#define SFSYNC_TESTS_EMULATOR_TIME_UTIL_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace sfsync::emulator {

inline constexpr int64_t kMillisPerSecond = 1000;
inline constexpr int64_t kMillisPerDay = 86'400'000;

int64_t DaysFromCivil(int year, int month, int day);
void CivilFromDays(int64_t days, int* year, int* month, int* day);

// Parses `yyyy-MM-dd` (the SOQL date literal and the JSON date encoding). Returns false for
// anything else, including impossible dates such as 2023-02-29.
bool ParseDate(std::string_view text, int64_t* days);

// Parses an ISO-8601 instant as Salesforce accepts it: `yyyy-MM-ddTHH:mm:ss`, optional
// fraction, then `Z`, `+HHmm` or `+HH:mm` (protocol §0). The zone is required.
bool ParseDateTime(std::string_view text, int64_t* epoch_ms);

// Parses a time of day as SOQL and the JSON encoding write it, `HH:mm:ss[.S[S[S]]]Z`, into
// the canonical `HH:mm:ss.SSSZ` (protocol §2.4). Returns false for anything else.
bool ParseTime(std::string_view text, std::string* canonical);

// Appends `yyyy-MM-dd`.
void AppendDate(std::string* out, int64_t days);
// Appends Salesforce's JSON datetime form `yyyy-MM-ddTHH:mm:ss.SSS+0000` (protocol §0).
void AppendDateTime(std::string* out, int64_t epoch_ms);
std::string FormatDateTime(int64_t epoch_ms);

// RFC 1123 form used by the Date, Last-Modified and If-Modified-Since headers,
// e.g. `Wed, 06 May 2026 12:07:50 GMT`.
std::string FormatHttpDate(int64_t epoch_ms);
bool ParseHttpDate(std::string_view text, int64_t* epoch_ms);

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_TIME_UTIL_H_
