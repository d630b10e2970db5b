// RequestGate: at most N HTTP requests of one connection in flight at once, however many objects,
// slices and prefetch threads send them (job key connection.max_concurrent_requests).
//
// Salesforce refuses new long-running requests (over 20 s) beyond 25 per org (5 on Developer
// Edition and trials; protocol §8). Query pages are short, but every request of a job goes through
// one gate so a parallel run never exceeds the cap the user chose. Waiting for a permit is bounded
// by the requests holding them: each is bounded by the transport's timeouts.
#pragma once

#include <condition_variable>
#include <mutex>

namespace sfsync::salesforce {

class RequestGate {
 public:
  // REQUIRES: permits >= 1.
  explicit RequestGate(int permits) : free_(permits), permits_(permits) {}
  RequestGate(const RequestGate&) = delete;
  RequestGate& operator=(const RequestGate&) = delete;

  // Holds one permit for its lifetime.
  class Permit {
   public:
    explicit Permit(RequestGate* gate) : gate_(gate) {
      if (gate_ != nullptr) gate_->Acquire();
    }
    ~Permit() {
      if (gate_ != nullptr) gate_->Release();
    }
    Permit(const Permit&) = delete;
    Permit& operator=(const Permit&) = delete;

   private:
    RequestGate* gate_;
  };

  int permits() const { return permits_; }
  // The most permits held at once so far (for the run summary and tests).
  int peak_in_flight() const {
    std::lock_guard<std::mutex> lock(mu_);
    return peak_;
  }

 private:
  void Acquire() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return free_ > 0; });
    --free_;
    if (permits_ - free_ > peak_) peak_ = permits_ - free_;
  }
  void Release() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++free_;
    }
    cv_.notify_one();
  }

  mutable std::mutex mu_;
  std::condition_variable cv_;
  int free_;
  const int permits_;
  int peak_ = 0;
};

}  // namespace sfsync::salesforce
