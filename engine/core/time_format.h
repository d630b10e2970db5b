// Timestamps as Salesforce and HTTP write them, and the one form sfsync stores.
//
// Salesforce writes datetimes as 2024-05-01T10:00:00.000+0000 (protocol §0, §2.4); Bulk CSV may use
// ...Z; SOQL literals accept ...Z. SQLite's date functions do not understand "+0000", so sfsync
// stores every datetime as ISO-8601 UTC with milliseconds and Z: 2024-05-01T10:00:00.000Z. That form
// sorts lexicographically in time order, which watermark comparisons rely on.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/core/statusor.h"

namespace sfsync {

// Parses yyyy-MM-ddTHH:mm:ss[.SSS](Z|+HHMM|+HH:MM|-HHMM|-HH:MM) into epoch milliseconds (UTC).
StatusOr<int64_t> ParseDateTime(std::string_view text);

// 2024-05-01T10:00:00.000Z  (storage form and SOQL literal form)
std::string FormatIsoUtc(int64_t epoch_millis);

// A duration for people, to the two largest units: "45 s", "3 min 20 s", "5 h 2 min", "3 days 4 h".
// Negative durations are shown as "0 s".
std::string FormatDuration(int64_t millis);
// "just now" under a second, else FormatDuration + " ago" ("3 h 5 min ago").
std::string FormatAgo(int64_t millis);

// 2024-05-01T10:00:00.000+0000  (Salesforce's own output form)
std::string FormatSalesforceDateTime(int64_t epoch_millis);

// Normalizes any accepted datetime text to the storage form; InvalidArgument if unparsable.
StatusOr<std::string> NormalizeDateTime(std::string_view text);

// RFC 7231 IMF-fixdate, e.g. "Tue, 23 Mar 2015 00:00:00 GMT" (HTTP Date, If-Modified-Since).
StatusOr<int64_t> ParseHttpDate(std::string_view text);
std::string FormatHttpDate(int64_t epoch_millis);

// Days since 1970-01-01 for a proleptic Gregorian date (and back). Exposed for tests and parsers.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d);

}  // namespace sfsync
