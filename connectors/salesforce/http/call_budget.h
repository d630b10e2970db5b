// CallBudget: how many API calls one run may spend (job key max_api_calls), and how much of the
// org's daily allowance it may bring the org to (max_percent_of_daily, from the "api-usage=N/M"
// of Sforce-Limit-Info on every response). Shared by every client of one run, like RequestGate.
//
// Take() is asked before each request is sent; once a budget is reached it refuses with
// kResourceExhausted, reason "budget.run" (exit 9): the run stops after the page in hand and is
// recorded PARTIAL. A usage the server has not reported yet is not known, so the first call of a
// run is always allowed. Thread-safe.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <string>
#include <string_view>

#include "engine/core/status.h"

namespace sfsync::salesforce {

inline constexpr std::string_view kBudgetReason = "budget.run";

class CallBudget {
 public:
  // 0 = no budget of that kind.
  CallBudget(int64_t max_calls, double max_percent_of_daily)
      : max_calls_(max_calls), max_percent_(max_percent_of_daily) {}

  Status Take() {
    std::lock_guard<std::mutex> lock(mu_);
    if (max_calls_ > 0 && taken_ >= max_calls_) {
      return Status(StatusCode::kResourceExhausted,
                    fmt::format("the run's API call budget is spent: {} calls (max_api_calls: {})", taken_, max_calls_),
                    std::string(kBudgetReason));
    }
    if (max_percent_ > 0 && allowed_ > 0 && static_cast<double>(used_) * 100.0 >= max_percent_ * allowed_) {
      return Status(StatusCode::kResourceExhausted,
                    fmt::format("the org has used {} of its {} daily API requests ({:.1f}%), at or over this job's "
                                "max_percent_of_daily: {}%",
                                used_, allowed_, static_cast<double>(used_) * 100.0 / allowed_, max_percent_),
                    std::string(kBudgetReason));
    }
    ++taken_;
    return Status::Ok();
  }

  // Reads "api-usage=N/M" (Sforce-Limit-Info); anything else is ignored.
  void SeeLimitInfo(std::string_view limit_info) {
    const size_t at = limit_info.find("api-usage=");
    if (at == std::string_view::npos) return;
    const std::string text(limit_info.substr(at + 10));
    char* end = nullptr;
    const long long used = std::strtoll(text.c_str(), &end, 10);
    if (end == text.c_str() || *end != '/') return;
    const long long allowed = std::strtoll(end + 1, nullptr, 10);
    if (allowed <= 0) return;
    std::lock_guard<std::mutex> lock(mu_);
    if (used >= used_) {  // responses may arrive out of order; the counter only grows
      used_ = used;
      allowed_ = allowed;
    }
  }

  int64_t taken() const {
    std::lock_guard<std::mutex> lock(mu_);
    return taken_;
  }
  int64_t max_calls() const { return max_calls_; }
  double max_percent() const { return max_percent_; }

 private:
  const int64_t max_calls_;
  const double max_percent_;
  mutable std::mutex mu_;
  int64_t taken_ = 0;
  int64_t used_ = 0;
  int64_t allowed_ = 0;
};

}  // namespace sfsync::salesforce
