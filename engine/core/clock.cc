#include "engine/core/clock.h"

#include <thread>

namespace sfsync {
namespace {

class RealClock : public Clock {
 public:
  int64_t NowMillis() override {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  }
  std::chrono::steady_clock::time_point Monotonic() override { return std::chrono::steady_clock::now(); }
  void SleepFor(std::chrono::milliseconds d) override { std::this_thread::sleep_for(d); }
};

}  // namespace

Clock* SystemClock() {
  static RealClock clock;
  return &clock;
}

int64_t ManualClock::NowMillis() {
  std::lock_guard<std::mutex> lock(mu_);
  return now_;
}

std::chrono::steady_clock::time_point ManualClock::Monotonic() {
  std::lock_guard<std::mutex> lock(mu_);
  return std::chrono::steady_clock::time_point(std::chrono::milliseconds(now_));
}

void ManualClock::Advance(std::chrono::milliseconds d) {
  std::lock_guard<std::mutex> lock(mu_);
  now_ += d.count();
}

}  // namespace sfsync
