#include "connectors/salesforce/http/request_gate.h"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace sfsync::salesforce {
namespace {

TEST_CASE("a request gate never lets more than its permits through at once, and lets every caller through") {
  RequestGate gate(3);
  std::atomic<int> inside{0}, most{0}, done{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 12; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        RequestGate::Permit permit(&gate);
        const int now = ++inside;
        int seen = most.load();
        while (now > seen && !most.compare_exchange_weak(seen, now)) {
        }
        std::this_thread::sleep_for(std::chrono::microseconds(200));
        --inside;
        ++done;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  CHECK(done == 240);
  CHECK(most <= 3);
  CHECK(most >= 2);  // twelve threads do overlap
  CHECK(gate.peak_in_flight() == most);
}

}  // namespace
}  // namespace sfsync::salesforce
