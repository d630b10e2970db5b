// The cron parser (with CRON_TZ zones and @names) and the POSIX TZ rule parser. Promise: no crash;
// a parsed schedule's next fire times move strictly forward.
#include <cstdint>
#include <string>

#include "engine/scheduler/cron.h"
#include "engine/scheduler/time_zone.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)sfsync::scheduler::TimeZone::ParseRule(text);
  auto schedule = sfsync::scheduler::ParseCron(text);
  if (!schedule.ok()) return 0;
  int64_t t = 1700000000000;  // 2023-11-14
  for (int i = 0; i < 4; ++i) {
    const int64_t next = schedule->NextAfter(t);
    if (next < 0) break;  // never fires
    FUZZ_CHECK(next > t);
    t = next;
  }
  return 0;
}
