// The emulator's clock: real time plus an offset, or a frozen instant.
//
// Every timestamp the emulator produces (record audit fields, token issue and expiry, cursor
// expiry, the Date header) comes from here, so tests can make them deterministic
// (`--clock-start`, `--freeze-clock`) and move time forward through the admin API.
// Thread-safe.
#ifndef SFSYNC_TESTS_EMULATOR_CLOCK_H_
#define SFSYNC_TESTS_EMULATOR_CLOCK_H_

#include <cstdint>
#include <mutex>
#include <optional>

namespace sfsync::emulator {

class EmulatorClock {
 public:
  // Starts at `start_ms` (epoch milliseconds) or at real time when absent. A frozen clock only
  // moves through Advance().
  explicit EmulatorClock(std::optional<int64_t> start_ms = std::nullopt, bool frozen = false);

  int64_t NowMillis() const;
  // Record timestamps have one-second precision in Salesforce (their JSON always shows
  // `.000`), so audit fields use this.
  int64_t NowMillisFloorSecond() const;
  // REQUIRES: delta_ms >= 0 (time never runs backwards for clients).
  void Advance(int64_t delta_ms);

 private:
  static int64_t RealMillis();

  mutable std::mutex mu_;
  bool frozen_;
  int64_t offset_ms_;  // when frozen: the absolute instant
};

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_CLOCK_H_
