#include "engine/sync/load_slices.h"

#include <fmt/format.h>

namespace sfsync::sync {
namespace {

std::string MonthStart(const std::string& month) { return month + "-01T00:00:00.000Z"; }

}  // namespace

std::vector<store::LoadSlice> PlanSlices(const std::map<std::string, int64_t>& months, int max_slices,
                                         int64_t min_rows_per_slice) {
  int64_t total = 0;
  for (const auto& [month, rows] : months) total += rows;
  if (min_rows_per_slice <= 0) return {};
  const int64_t by_size = total / min_rows_per_slice;
  const int64_t slices = std::min<int64_t>(max_slices, by_size);
  if (slices < 2 || months.size() < 2) return {};
  // Cut before the month that would carry a slice past its share; never leave a slice empty.
  const double share = static_cast<double>(total) / static_cast<double>(slices);
  std::vector<store::LoadSlice> out;
  out.push_back({});
  int64_t in_slice = 0;
  int64_t before = 0;  // rows in the months before the current one
  for (const auto& [month, rows] : months) {
    const bool room_for_more = static_cast<int64_t>(out.size()) < slices;
    const double target = share * static_cast<double>(out.size());
    if (in_slice > 0 && room_for_more && static_cast<double>(before) + static_cast<double>(rows) / 2 > target) {
      out.back().to = MonthStart(month);
      out.push_back({MonthStart(month), "", "", false});
      in_slice = 0;
    }
    in_slice += rows;
    before += rows;
  }
  if (out.size() < 2) return {};
  return out;
}

std::string SliceCondition(const store::LoadSlice& slice) {
  if (slice.from.empty() && slice.to.empty()) return "";
  if (slice.from.empty()) return fmt::format("(CreatedDate < {} OR CreatedDate = null)", slice.to);
  if (slice.to.empty()) return fmt::format("CreatedDate >= {}", slice.from);
  return fmt::format("CreatedDate >= {} AND CreatedDate < {}", slice.from, slice.to);
}

std::string DescribeSlice(const std::vector<store::LoadSlice>& slices, size_t index) {
  const store::LoadSlice& s = slices[index];
  return fmt::format("slice {} of {} ({} .. {})", index + 1, slices.size(), s.from.empty() ? "start" : s.from.substr(0, 10),
                     s.to.empty() ? "now" : s.to.substr(0, 10));
}

}  // namespace sfsync::sync
