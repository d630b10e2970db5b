#include "engine/sync/load_slices.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "engine/sync/pace_meter.h"

namespace sfsync::sync {
namespace {

using store::LoadSlice;

TEST_CASE("slices cover every month once, contiguous, open at both ends, and about equal") {
  std::map<std::string, int64_t> months;
  for (int m = 1; m <= 12; ++m) months[fmt::format("2024-{:02}", m)] = 10000;
  const std::vector<LoadSlice> slices = PlanSlices(months, 4, 2000);
  REQUIRE(slices.size() == 4);
  CHECK(slices.front().from.empty());
  CHECK(slices.back().to.empty());
  for (size_t i = 1; i < slices.size(); ++i) CHECK(slices[i].from == slices[i - 1].to);
  CHECK(slices[1].from == "2024-04-01T00:00:00.000Z");
  CHECK(slices[2].from == "2024-07-01T00:00:00.000Z");
  CHECK(slices[3].from == "2024-10-01T00:00:00.000Z");
  for (const LoadSlice& s : slices) {
    CHECK(s.after_id.empty());
    CHECK_FALSE(s.done);
  }
}

TEST_CASE("a skewed org gets fewer rows per early slice than months, never an empty slice") {
  std::map<std::string, int64_t> months = {{"2020-01", 10}, {"2020-02", 10}, {"2024-05", 90000}, {"2024-06", 10}};
  const std::vector<LoadSlice> slices = PlanSlices(months, 8, 1000);
  // The one big month cannot be split: at most one slice before it, one from it, one after.
  REQUIRE(slices.size() >= 2);
  for (size_t i = 1; i < slices.size(); ++i) CHECK(slices[i].from < (slices[i].to.empty() ? "9" : slices[i].to));
}

TEST_CASE("no slices below two slices of rows, for one month, for max_slices 1 or min rows 0") {
  std::map<std::string, int64_t> small = {{"2024-01", 1500}, {"2024-02", 1500}};
  CHECK(PlanSlices(small, 8, 2000).empty());
  CHECK(PlanSlices({{"2024-01", 90000}}, 8, 2000).empty());
  std::map<std::string, int64_t> big = {{"2024-01", 50000}, {"2024-02", 50000}};
  CHECK(PlanSlices(big, 1, 2000).empty());
  CHECK(PlanSlices(big, 8, 0).empty());
  CHECK(PlanSlices(big, 8, 2000).size() == 2);
}

TEST_CASE("slice conditions are half-open and the first slice takes rows without a CreatedDate") {
  CHECK(SliceCondition({"", "2024-03-01T00:00:00.000Z", "", false}) ==
        "(CreatedDate < 2024-03-01T00:00:00.000Z OR CreatedDate = null)");
  CHECK(SliceCondition({"2024-03-01T00:00:00.000Z", "2024-07-01T00:00:00.000Z", "", false}) ==
        "CreatedDate >= 2024-03-01T00:00:00.000Z AND CreatedDate < 2024-07-01T00:00:00.000Z");
  CHECK(SliceCondition({"2024-07-01T00:00:00.000Z", "", "", false}) == "CreatedDate >= 2024-07-01T00:00:00.000Z");
  CHECK(SliceCondition({}) == "");
  const std::vector<LoadSlice> slices = {{"", "2024-03-01T00:00:00.000Z", "", false},
                                         {"2024-03-01T00:00:00.000Z", "", "", false}};
  CHECK(DescribeSlice(slices, 1) == "slice 2 of 2 (2024-03-01 .. now)");
}

TEST_CASE("the pace meter calls a load latency-bound only when pages wait long and are applied fast") {
  using std::chrono::milliseconds;
  PaceMeter network;
  for (int i = 0; i < 2; ++i) network.Page(milliseconds(200), milliseconds(5));
  CHECK_FALSE(network.LatencyBound());  // not enough pages seen yet
  network.Page(milliseconds(200), milliseconds(5));
  CHECK(network.LatencyBound());

  PaceMeter loopback;  // pages arrive in a few ms: one cursor keeps up
  for (int i = 0; i < 10; ++i) loopback.Page(milliseconds(6), milliseconds(1));
  CHECK_FALSE(loopback.LatencyBound());

  PaceMeter slow_writer;  // pages wait, but the writer is slower still: more cursors would not help
  for (int i = 0; i < 10; ++i) slow_writer.Page(milliseconds(100), milliseconds(80));
  CHECK_FALSE(slow_writer.LatencyBound());
}

}  // namespace
}  // namespace sfsync::sync
