// RecordingClock: a ManualClock that also remembers every sleep, so backoff tests can check each
// delay without waiting for any of them (test-only).
#pragma once

#include <chrono>
#include <mutex>
#include <vector>

#include "engine/core/clock.h"

namespace sfsync::salesforce::testing {

class RecordingClock : public ManualClock {
 public:
  explicit RecordingClock(int64_t start_millis) : ManualClock(start_millis) {}

  void SleepFor(std::chrono::milliseconds d) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      sleeps_.push_back(d);
    }
    Advance(d);
  }

  std::vector<std::chrono::milliseconds> sleeps() const {
    std::lock_guard<std::mutex> lock(mu_);
    return sleeps_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::chrono::milliseconds> sleeps_;
};

}  // namespace sfsync::salesforce::testing
