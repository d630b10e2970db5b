// The cron parser (with CRON_TZ zones and @names), the POSIX TZ rule parser, and TZif zone files
// (inputs starting "TZif"). Promise: no crash;
// a parsed schedule's next fire times move strictly forward.
#include <cstdint>
#include <string>

#include "engine/scheduler/cron.h"
#include "engine/scheduler/time_zone.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)sfsync::scheduler::TimeZone::ParseRule(text);
  if (text.substr(0, 4) == "TZif") {  // a zone file's bytes
    auto zone = sfsync::scheduler::TimeZone::FromTzif("Fuzz/Zone", text, "fuzz input");
    if (zone.ok()) (void)(*zone)->OffsetAt(1700000000);
    return 0;
  }
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
