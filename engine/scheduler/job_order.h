// Dependency order of jobs (`after: [job, ...]` in a job file): a job runs after the jobs it names.
//
// OrderJobs returns the indexes of `jobs` so that every job comes after the prerequisites it names
// that are in the set, otherwise keeping the given order (a stable topological sort). A cycle is an
// error naming its jobs (kInvalidArgument, reason "job.invalid"). A prerequisite not in the set is
// an error when `require_all` (the daemon, which must know every job it waits for), and ignored
// otherwise (`sfsync run b.yaml` runs b alone, whatever it waits for under the daemon).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "engine/config/job.h"
#include "engine/core/statusor.h"

namespace sfsync::scheduler {

StatusOr<std::vector<size_t>> OrderJobs(const std::vector<const config::Job*>& jobs, bool require_all);

// The prerequisite of `job` (by name) that did not succeed, per `succeeded` (names of the jobs of
// this cycle that succeeded) and `ran` (names of the jobs of this cycle that ran or were skipped);
// "" when every prerequisite in `ran` succeeded. Prerequisites that did not run are not waited for.
std::string FailedPrerequisite(const config::Job& job, const std::vector<std::string>& ran,
                               const std::vector<std::string>& succeeded);

}  // namespace sfsync::scheduler
