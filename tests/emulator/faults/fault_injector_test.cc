#include "tests/emulator/faults/fault_injector.h"

#include <doctest/doctest.h>

#include <algorithm>

namespace sfsync::emulator {
namespace {

FaultSpec Spec(std::string_view text) {
  std::string error;
  std::optional<FaultSpec> spec = ParseFaultSpec(text, &error);
  REQUIRE_MESSAGE(spec.has_value(), error);
  return *spec;
}

// Which of `count` GET requests to `path` get a (non-latency) fault: "...X..X".
std::string Pattern(FaultInjector& faults, int count, std::string_view path = "/services/data/v60.0/query") {
  std::string pattern;
  for (int i = 0; i < count; ++i) pattern += faults.Decide("GET", path).fault ? 'X' : '.';
  return pattern;
}

TEST_CASE("nth fires once, on the Nth matching request") {
  FaultInjector faults(1);
  faults.Add(Spec("http503:nth=3"));
  CHECK(Pattern(faults, 8) == "..X.....");
}

TEST_CASE("a write fault neither counts nor fires on GET and HEAD") {
  FaultInjector faults(1);
  faults.Add(Spec("unable_to_lock_row:nth=2"));
  CHECK(Pattern(faults, 3, "/services/data/v60.0/sobjects/Account/001") == "...");
  CHECK_FALSE(faults.Decide("HEAD", "/services/data/v60.0/sobjects").fault);
  CHECK_FALSE(faults.Decide("PATCH", "/services/data/v60.0/sobjects/Account/001").fault);
  CHECK(faults.Decide("POST", "/services/data/v60.0/composite/sobjects").fault);
  CHECK_FALSE(faults.Decide("POST", "/services/data/v60.0/composite/sobjects").fault);
}

TEST_CASE("after, every and times combine") {
  FaultInjector faults(1);
  faults.Add(Spec("http500:after=2,every=3,times=2"));
  CHECK(Pattern(faults, 12) == "....X..X....");  // requests 5 and 8
}

TEST_CASE("the path and method filters decide which requests count") {
  FaultInjector faults(1);
  faults.Add(Spec("invalid_locator:path=/services/data/*/query/*,method=GET,nth=2"));
  CHECK_FALSE(faults.Decide("GET", "/services/data/v60.0/query").fault);
  CHECK_FALSE(faults.Decide("GET", "/services/data/v60.0/query/0r8xx-200").fault);  // 1st match
  CHECK_FALSE(faults.Decide("POST", "/services/data/v60.0/query/0r8xx-400").fault);
  CHECK(faults.Decide("GET", "/services/data/v60.0/query/0r8xx-400").fault);  // 2nd match
}

TEST_CASE("a probability is deterministic for a seed, and another seed gives another sequence") {
  auto run = [](uint64_t seed) {
    FaultInjector faults(seed);
    faults.Add(Spec("http503:p=0.3"));
    return Pattern(faults, 200);
  };
  std::string first = run(7);
  CHECK(first == run(7));
  CHECK(first != run(8));
  size_t fired = std::count(first.begin(), first.end(), 'X');
  CHECK(fired > 30);  // about 60 of 200
  CHECK(fired < 95);
}

TEST_CASE("latency adds up across rules and lets the next rule decide, jitter stays in range") {
  FaultInjector faults(3);
  faults.Add(Spec("latency:ms=100"));
  faults.Add(Spec("latency:ms=50,jitter=20"));
  faults.Add(Spec("query_timeout:nth=2"));
  FaultInjector::Decision first = faults.Decide("GET", "/x");
  CHECK_FALSE(first.fault);
  CHECK(first.fired == 2);
  CHECK(first.latency_ms >= 130);
  CHECK(first.latency_ms <= 170);
  FaultInjector::Decision second = faults.Decide("GET", "/x");
  REQUIRE(second.fault);
  CHECK(second.fault->kind == FaultKind::kQueryTimeout);
  CHECK(second.fired == 3);
}

TEST_CASE("the first fault that fires wins and later rules do not see the request") {
  FaultInjector faults(1);
  faults.Add(Spec("http500:every=2"));
  faults.Add(Spec("http503:nth=2"));
  // Requests 1 and 3 pass the first rule and are the second rule's 1st and 2nd.
  CHECK(!faults.Decide("GET", "/x").fault);
  CHECK(faults.Decide("GET", "/x").fault->kind == FaultKind::kHttp500);
  CHECK(faults.Decide("GET", "/x").fault->kind == FaultKind::kHttp503);
  CHECK(faults.Decide("GET", "/x").fault->kind == FaultKind::kHttp500);
  CHECK(!faults.Decide("GET", "/x").fault);
  CHECK(faults.Json().find(R"("matched":3,"fired":1)") != std::string::npos);
}

TEST_CASE("Clear removes every rule") {
  FaultInjector faults(1);
  faults.Add(Spec("http503"));
  CHECK(faults.Decide("GET", "/x").fault);
  faults.Clear();
  CHECK_FALSE(faults.Decide("GET", "/x").fault);
  CHECK(faults.Json() == R"({"seed":1,"faults":[]})");
}

TEST_CASE("date_skew and no_date ride on the answer: skews add up and a later rule still decides") {
  FaultInjector faults(5);
  faults.Add(Spec("date_skew:seconds=-60"));
  faults.Add(Spec("date_skew:seconds=15,nth=2"));
  faults.Add(Spec("http503:nth=2"));
  FaultInjector::Decision first = faults.Decide("GET", "/services/data/v60.0/limits");
  CHECK(first.date_skew_ms == -60'000);
  CHECK_FALSE(first.no_date);
  CHECK_FALSE(first.fault);
  CHECK(first.fired == 1);
  FaultInjector::Decision second = faults.Decide("GET", "/services/data/v60.0/limits");
  CHECK(second.date_skew_ms == -45'000);
  REQUIRE(second.fault);
  CHECK(second.fault->kind == FaultKind::kHttp503);
  CHECK(second.fired == 3);

  FaultInjector no_date(5);
  no_date.Add(Spec("no_date"));
  no_date.Add(Spec("gzip_bomb:bytes=10"));
  FaultInjector::Decision both = no_date.Decide("GET", "/x");
  CHECK(both.no_date);
  REQUIRE(both.fault);
  CHECK(both.fault->kind == FaultKind::kGzipBomb);
}

}  // namespace
}  // namespace sfsync::emulator
