// Clock: the seam for time. Production code asks a Clock for "now" and for sleeping, so tests
// can run watermark, renewal and backoff logic on a ManualClock without waiting.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>

namespace sfsync {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time (UTC), as milliseconds since the Unix epoch.
  virtual int64_t NowMillis() = 0;
  // Monotonic time for measuring durations; unrelated to wall time.
  virtual std::chrono::steady_clock::time_point Monotonic() = 0;
  virtual void SleepFor(std::chrono::milliseconds d) = 0;
};

// The process-wide real clock. Thread-safe; never null.
Clock* SystemClock();

// A clock that moves only when told to. SleepFor advances it instantly. Thread-safe.
class ManualClock : public Clock {
 public:
  explicit ManualClock(int64_t start_millis) : now_(start_millis) {}
  int64_t NowMillis() override;
  std::chrono::steady_clock::time_point Monotonic() override;
  void SleepFor(std::chrono::milliseconds d) override { Advance(d); }
  void Advance(std::chrono::milliseconds d);

 private:
  std::mutex mu_;
  int64_t now_;
};

}  // namespace sfsync
