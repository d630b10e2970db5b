#include "connectors/salesforce/auth/session_cache.h"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace sfsync::salesforce {
namespace {

constexpr int64_t kStart = 1700000000000;

// A grant that hands out "token-1", "token-2", ... issued at the clock's current time.
struct CountingGrant {
  ManualClock* clock;
  std::atomic<int>* grants;
  std::chrono::milliseconds real_delay{0};

  StatusOr<Session> operator()() const {
    if (real_delay.count() > 0) std::this_thread::sleep_for(real_delay);  // lets concurrent callers pile up
    Session session;
    session.access_token = "token-" + std::to_string(++*grants);
    session.instance_url = "https://acme.my.example.com";
    session.received_at_millis = clock->NowMillis();
    return session;
  }
};

TEST_CASE("Current grants once and then serves the cached session") {
  ManualClock clock(kStart);
  std::atomic<int> grants{0};
  SessionCache cache(CountingGrant{&clock, &grants}, &clock, 7200);
  CHECK(cache.Current()->access_token == "token-1");
  clock.Advance(std::chrono::seconds(7199));
  CHECK(cache.Current()->access_token == "token-1");
  CHECK(grants == 1);
}

TEST_CASE("Current renews proactively once the session timeout has passed since the session arrived") {
  ManualClock clock(kStart);
  std::atomic<int> grants{0};
  SessionCache cache(CountingGrant{&clock, &grants}, &clock, 7200);
  CHECK(cache.Current()->access_token == "token-1");
  clock.Advance(std::chrono::seconds(7200));
  CHECK(cache.Current()->access_token == "token-2");
  CHECK(cache.Current()->access_token == "token-2");
  CHECK(grants == 2);
}

TEST_CASE("a session timeout of zero never renews proactively") {
  ManualClock clock(kStart);
  std::atomic<int> grants{0};
  SessionCache cache(CountingGrant{&clock, &grants}, &clock, 0);
  CHECK(cache.Current().ok());
  clock.Advance(std::chrono::hours(24 * 30));
  CHECK(cache.Current()->access_token == "token-1");
}

TEST_CASE("Renew replaces only the rejected token, a stale rejection gets the newer session") {
  ManualClock clock(kStart);
  std::atomic<int> grants{0};
  SessionCache cache(CountingGrant{&clock, &grants}, &clock, 7200);
  CHECK(cache.Current()->access_token == "token-1");
  CHECK(cache.Renew("token-1")->access_token == "token-2");
  CHECK(cache.Renew("token-1")->access_token == "token-2");  // someone already renewed it
  CHECK(grants == 2);
}

TEST_CASE("concurrent Renew calls for the same rejected token share one grant") {
  ManualClock clock(kStart);
  std::atomic<int> grants{0};
  SessionCache cache(CountingGrant{&clock, &grants, std::chrono::milliseconds(20)}, &clock, 7200);
  REQUIRE(cache.Current()->access_token == "token-1");
  constexpr int kThreads = 8;
  std::vector<std::string> seen(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] { seen[i] = cache.Renew("token-1")->access_token; });
  }
  for (auto& t : threads) t.join();
  CHECK(grants == 2);  // the first grant, and exactly one renewal
  for (const std::string& token : seen) CHECK(token == "token-2");
}

TEST_CASE("a failed Renew is returned once, and the next Current asks for a new session") {
  ManualClock clock(kStart);
  int calls = 0;
  SessionCache cache(
      [&]() -> StatusOr<Session> {
        ++calls;
        if (calls == 2) return Status(StatusCode::kUnauthenticated, "refresh token expired", "auth.grant_expired");
        Session session;
        session.access_token = "token-" + std::to_string(calls);
        session.received_at_millis = clock.NowMillis();
        return session;
      },
      &clock, 7200);
  REQUIRE(cache.Current().ok());
  Status renewal = cache.Renew("token-1").status();
  CHECK(renewal.reason() == "auth.grant_expired");
  CHECK(calls == 2);  // no loop
  CHECK(cache.Current()->access_token == "token-3");
}

}  // namespace
}  // namespace sfsync::salesforce
