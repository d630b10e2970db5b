// PaceMeter: tells a load held back by the network from one held back by its own work.
//
// The writer of a load alternates between waiting for the next page and applying it. When pages
// take long to arrive (a real org answers a page in 100-500 ms) and are applied quickly, parallel
// cursors would multiply the speed: the load is latency-bound. At loopback a page arrives in a few
// milliseconds, one cursor with its prefetch keeps up, and more cursors would only take CPU from
// the writer. The rule, over the last `window` pages (a cursor's first page, which waits for the
// server to run the query, is not counted): latency-bound when the mean wait per page is at least
// `min_wait` and more than twice the time spent applying.
#pragma once

#include <chrono>
#include <deque>

namespace sfsync::sync {

class PaceMeter {
 public:
  using Duration = std::chrono::steady_clock::duration;

  explicit PaceMeter(int window = 3, Duration min_wait = std::chrono::milliseconds(25))
      : window_(window), min_wait_(min_wait) {}

  // One page: how long the writer waited for it and how long applying it took.
  void Page(Duration waited, Duration applied) {
    samples_.push_back({waited, applied});
    if (static_cast<int>(samples_.size()) > window_) samples_.pop_front();
  }

  bool LatencyBound() const {
    if (static_cast<int>(samples_.size()) < window_) return false;
    Duration waited{}, applied{};
    for (const Sample& s : samples_) {
      waited += s.waited;
      applied += s.applied;
    }
    return waited >= min_wait_ * window_ && waited > 2 * applied;
  }

 private:
  struct Sample {
    Duration waited;
    Duration applied;
  };
  int window_;
  Duration min_wait_;
  std::deque<Sample> samples_;
};

}  // namespace sfsync::sync
