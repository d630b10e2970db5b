// Splitting a REST load into slices read by parallel cursors (ObjectSyncer::RunLoad).
//
// A slice is a range of CreatedDate, half-open [from, to), read in Id order with its own resume
// point (store::LoadSlice). The slices of a load cover every row exactly once whatever the counts
// said: the first is open below and also takes rows without a CreatedDate, the last is open above
// (rows created during the load land there), and each bound is the start of a UTC month. The
// balance comes from one aggregate query (rows per CreatedDate month, BuildMonthCountQuery): if the
// counts are stale or wrong, the slices are unequal, never wrong.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "engine/store/store.h"

namespace sfsync::sync {

// At most `max_slices` slices of contiguous months, each about total/slices rows (a month is never
// split). `months` maps "2024-05" to its row count. Returns no slices (read in one pass) when the
// rows do not fill two slices of min_rows_per_slice (job key; 0 = never split), max_slices < 2, or
// every row is in one month.
std::vector<store::LoadSlice> PlanSlices(const std::map<std::string, int64_t>& months, int max_slices,
                                         int64_t min_rows_per_slice);

// The SOQL condition selecting a slice's rows, e.g.
// "(CreatedDate < 2024-03-01T00:00:00.000Z OR CreatedDate = null)",
// "CreatedDate >= 2024-03-01T00:00:00.000Z AND CreatedDate < 2024-07-01T00:00:00.000Z".
std::string SliceCondition(const store::LoadSlice& slice);

// "slice 2 of 4 (2024-03-01 .. 2024-07-01)", for logs and errors.
std::string DescribeSlice(const std::vector<store::LoadSlice>& slices, size_t index);

}  // namespace sfsync::sync
