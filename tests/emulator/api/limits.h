// GET /services/data/vXX.X/limits (protocol §3.5): the limit names and maxima of a Developer
// Edition org as recorded (limits_v60.json), with `DailyApiRequests` tracking the API quota.
#ifndef SFSYNC_TESTS_EMULATOR_API_LIMITS_H_
#define SFSYNC_TESTS_EMULATOR_API_LIMITS_H_

#include <cstdint>
#include <string>

namespace sfsync::emulator {

// `api_used` counts the calls of the rolling day including this one, as Salesforce's
// `Remaining` does (limits_v60.json shows 14976 beside `api-usage=24/15000`). Every other limit
// is at its maximum.
std::string LimitsJson(int64_t api_quota, int64_t api_used);

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_API_LIMITS_H_
