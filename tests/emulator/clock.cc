#include "tests/emulator/clock.h"

#include <chrono>

namespace sfsync::emulator {

EmulatorClock::EmulatorClock(std::optional<int64_t> start_ms, bool frozen) : frozen_(frozen) {
  int64_t start = start_ms.value_or(RealMillis());
  offset_ms_ = frozen_ ? start : start - RealMillis();
}

int64_t EmulatorClock::NowMillis() const {
  std::lock_guard<std::mutex> lock(mu_);
  return frozen_ ? offset_ms_ : RealMillis() + offset_ms_;
}

int64_t EmulatorClock::NowMillisFloorSecond() const {
  int64_t ms = NowMillis();
  return ms - ((ms % 1000) + 1000) % 1000;
}

void EmulatorClock::Advance(int64_t delta_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  offset_ms_ += delta_ms;
}

int64_t EmulatorClock::RealMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace sfsync::emulator
