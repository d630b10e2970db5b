// GET /limits over a real socket: the recorded key set, and DailyApiRequests tracking the quota
// exactly as Sforce-Limit-Info does.
#include <doctest/doctest.h>

#include <charconv>

#include "tests/emulator/testing/emulator_fixture.h"
#include "tests/emulator/testing/fixtures.h"

namespace sfsync::emulator {
namespace {

using nlohmann::ordered_json;
using testing::ClientResponse;
using testing::Fixture;
using testing::ParseJson;
using testing::RunningEmulator;
using testing::SmallOrgConfig;

// `api-usage=N/M` -> N.
int64_t UsedFromHeader(const ClientResponse& response) {
  std::string_view header = *response.headers.Get("Sforce-Limit-Info");
  REQUIRE(header.starts_with("api-usage="));
  int64_t used = 0;
  std::from_chars(header.data() + 10, header.data() + header.size(), used);
  return used;
}

TEST_CASE("limits: the recorded limit names in order, each with integer Max and Remaining") {
  RunningEmulator e;
  ClientResponse response = e.RestGet("/services/data/v60.0/limits");
  REQUIRE(response.status == 200);
  CHECK(response.headers.Get("Content-Type") == std::optional<std::string_view>("application/json;charset=UTF-8"));
  ordered_json limits = ParseJson(response.body);
  ordered_json recorded = Fixture("limits_v60.json");
  std::vector<std::string> keys, recorded_keys;
  for (auto it = limits.begin(); it != limits.end(); ++it) keys.push_back(it.key());
  for (auto it = recorded.begin(); it != recorded.end(); ++it) recorded_keys.push_back(it.key());
  CHECK(keys == recorded_keys);
  for (auto it = limits.begin(); it != limits.end(); ++it) {
    CHECK_MESSAGE(it.value()["Max"].is_number_integer(), it.key());
    CHECK_MESSAGE(it.value()["Remaining"].is_number_integer(), it.key());
  }
  CHECK(limits["PermissionSets"]["CreateCustom"]["Max"] == recorded["PermissionSets"]["CreateCustom"]["Max"]);
}

TEST_CASE("limits: DailyApiRequests is the quota, Remaining agrees with Sforce-Limit-Info, this call included") {
  EmulatorConfig config = SmallOrgConfig();
  config.api_quota = 40;
  RunningEmulator e(config);
  ClientResponse first = e.RestGet("/services/data/v60.0/limits");
  ordered_json daily = ParseJson(first.body)["DailyApiRequests"];
  CHECK(daily["Max"] == 40);
  CHECK(UsedFromHeader(first) == 1);
  CHECK(daily["Remaining"] == 39);
  // Five more calls, then the limits call itself: six fewer remaining.
  for (int i = 0; i < 5; ++i) REQUIRE(e.RestGet("/services/data/v60.0/sobjects").status == 200);
  ClientResponse second = e.RestGet("/services/data/v60.0/limits");
  CHECK(UsedFromHeader(second) == 7);
  CHECK(ParseJson(second.body)["DailyApiRequests"]["Remaining"] == 33);
}

TEST_CASE("limits: once the quota is spent, /limits is refused like any call") {
  EmulatorConfig config = SmallOrgConfig();
  config.api_quota = 2;
  RunningEmulator e(config);
  CHECK(ParseJson(e.RestGet("/services/data/v60.0/limits").body)["DailyApiRequests"]["Remaining"] == 1);
  CHECK(ParseJson(e.RestGet("/services/data/v60.0/limits").body)["DailyApiRequests"]["Remaining"] == 0);
  ClientResponse spent = e.RestGet("/services/data/v60.0/limits");
  CHECK(spent.status == 403);
  CHECK(spent.body == R"([{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}])");
}

}  // namespace
}  // namespace sfsync::emulator
