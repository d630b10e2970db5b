#include "tests/emulator/faults/fault_spec.h"

#include <doctest/doctest.h>

namespace sfsync::emulator {
namespace {

FaultSpec Parsed(std::string_view text) {
  std::string error;
  std::optional<FaultSpec> spec = ParseFaultSpec(text, &error);
  REQUIRE_MESSAGE(spec.has_value(), text << ": " << error);
  return *spec;
}

std::string Refusal(std::string_view text) {
  std::string error;
  CHECK_FALSE(ParseFaultSpec(text, &error).has_value());
  return error;
}

TEST_CASE("a bare kind fires on every request of every path") {
  FaultSpec spec = Parsed("http503");
  CHECK(spec.kind == FaultKind::kHttp503);
  CHECK(spec.path == "*");
  CHECK(spec.method.empty());
  CHECK(spec.after == 0);
  CHECK(spec.every == 1);
  CHECK(spec.times == -1);
  CHECK(spec.probability == 1.0);
  CHECK(spec.text == "http503");
}

TEST_CASE("every key is understood") {
  FaultSpec spec =
      Parsed("latency:path=/services/data/*/query/*,method=GET,after=3,every=2,times=5,p=0.25,ms=40,jitter=10");
  CHECK(spec.kind == FaultKind::kLatency);
  CHECK(spec.path == "/services/data/*/query/*");
  CHECK(spec.method == "GET");
  CHECK(spec.after == 3);
  CHECK(spec.every == 2);
  CHECK(spec.times == 5);
  CHECK(spec.probability == 0.25);
  CHECK(spec.ms == 40);
  CHECK(spec.jitter_ms == 10);
  FaultSpec nth = Parsed("reset_body:nth=4");
  CHECK(nth.after == 3);
  CHECK(nth.times == 1);
}

TEST_CASE("each kind has its name, and a stall lasts five minutes unless told") {
  for (std::string_view name :
       {"latency:ms=1", "http500", "http503", "expire_session", "reset_headers", "reset_body", "truncate_body", "stall",
        "query_timeout", "invalid_locator", "malformed_json", "limit_exceeded", "oversize_body", "gzip_bomb",
        "stuck_locator", "date_skew:seconds=1", "no_date", "unable_to_lock_row", "lost_answer"}) {
    FaultSpec spec = Parsed(name);
    CHECK(name.starts_with(FaultKindName(spec.kind)));
  }
  CHECK(Parsed("stall").ms == 300000);
  CHECK(Parsed("stall:ms=2500").ms == 2500);
}

TEST_CASE("oversize_body and gzip_bomb pad 300 MiB unless told, and only they take bytes") {
  CHECK(Parsed("oversize_body").bytes == 300LL * 1024 * 1024);
  CHECK(Parsed("gzip_bomb").bytes == 300LL * 1024 * 1024);
  CHECK(Parsed("gzip_bomb:bytes=5000,nth=2").bytes == 5000);
  CHECK(Parsed("http503").bytes == 0);
  CHECK(Refusal("http503:bytes=10").find("bytes applies to oversize_body and gzip_bomb") != std::string::npos);
  CHECK(Refusal("oversize_body:bytes=0").find("bytes") != std::string::npos);
  CHECK(Refusal("oversize_body:bytes=lots").find("bytes") != std::string::npos);
}

TEST_CASE("date_skew needs seconds, which may be negative, and no other kind takes them") {
  CHECK(Parsed("date_skew:seconds=-3600").skew_seconds == -3600);
  CHECK(Parsed("date_skew:seconds=90").skew_seconds == 90);
  CHECK(Refusal("date_skew").find("date_skew needs seconds=S") != std::string::npos);
  CHECK(Refusal("date_skew:seconds=1.5").find("seconds") != std::string::npos);
  CHECK(Refusal("no_date:seconds=5").find("seconds applies to date_skew only") != std::string::npos);
}

TEST_CASE("stuck_locator watches the query paths unless given a path") {
  FaultSpec spec = Parsed("stuck_locator");
  CHECK(spec.path == "/services/data/*/query*");
  CHECK(GlobMatch(spec.path, "/services/data/v60.0/query"));
  CHECK(GlobMatch(spec.path, "/services/data/v60.0/queryAll"));
  CHECK(GlobMatch(spec.path, "/services/data/v60.0/query/0r8xx-2000"));
  CHECK_FALSE(GlobMatch(spec.path, "/services/data/v60.0/sobjects"));
  CHECK(Parsed("stuck_locator:path=/services/data/*/query/*").path == "/services/data/*/query/*");
}

TEST_CASE("unable_to_lock_row and lost_answer watch the REST API's writes unless given a path") {
  for (const char* name : {"unable_to_lock_row", "lost_answer"}) {
    FaultSpec spec = Parsed(name);
    CHECK(spec.path == "/services/data/*");
    CHECK(WritesOnly(spec.kind));
    CHECK_FALSE(GlobMatch(spec.path, "/services/oauth2/token"));
  }
  CHECK(Parsed("lost_answer:path=/services/data/*/composite/*").path == "/services/data/*/composite/*");
  CHECK_FALSE(WritesOnly(FaultKind::kHttp503));
}

TEST_CASE("the rules that ride on an answer are latency, date_skew and no_date") {
  CHECK(RidesOnAnswer(FaultKind::kLatency));
  CHECK(RidesOnAnswer(FaultKind::kDateSkew));
  CHECK(RidesOnAnswer(FaultKind::kNoDate));
  CHECK_FALSE(RidesOnAnswer(FaultKind::kOversizeBody));
  CHECK_FALSE(RidesOnAnswer(FaultKind::kStuckLocator));
}

TEST_CASE("bad specs are refused with a reason naming the problem") {
  CHECK(Refusal("explode").find("unknown fault kind 'explode'") != std::string::npos);
  CHECK(Refusal("http503:colour=red").find("colour") != std::string::npos);
  CHECK(Refusal("http503:nth").find("key=value") != std::string::npos);
  CHECK(Refusal("http503:nth=0").find("nth") != std::string::npos);
  CHECK(Refusal("http503:every=0").find("every") != std::string::npos);
  CHECK(Refusal("http503:p=1.5").find("p") != std::string::npos);
  CHECK(Refusal("http503:after=-1").find("after") != std::string::npos);
  CHECK(Refusal("http503:nth=2,times=3").find("nth cannot be combined") != std::string::npos);
  CHECK(Refusal("latency").find("ms=N") != std::string::npos);
}

TEST_CASE("path globs: star spans slashes, the rest matches itself") {
  CHECK(GlobMatch("*", "/anything/at/all"));
  CHECK(GlobMatch("/services/data/*/query/*", "/services/data/v60.0/query/0r8xx-2000"));
  CHECK_FALSE(GlobMatch("/services/data/*/query/*", "/services/data/v60.0/query"));
  CHECK(GlobMatch("/services/data/*/query", "/services/data/v60.0/query"));
  CHECK(GlobMatch("*/token", "/services/oauth2/token"));
  CHECK_FALSE(GlobMatch("*/token", "/services/oauth2/token/x"));
  CHECK(GlobMatch("/a*b*c", "/axxbyyc"));
  CHECK_FALSE(GlobMatch("/a*b*c", "/axxbyy"));
  CHECK(GlobMatch("", ""));
  CHECK_FALSE(GlobMatch("", "/x"));
}

}  // namespace
}  // namespace sfsync::emulator
