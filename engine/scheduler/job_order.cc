#include "engine/scheduler/job_order.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace sfsync::scheduler {
namespace {

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

Status JobError(std::string message) { return Status(StatusCode::kInvalidArgument, std::move(message), "job.invalid"); }

}  // namespace

StatusOr<std::vector<size_t>> OrderJobs(const std::vector<const config::Job*>& jobs, bool require_all) {
  std::map<std::string, size_t> by_name;
  for (size_t i = 0; i < jobs.size(); ++i) by_name.emplace(jobs[i]->name, i);
  std::vector<std::vector<size_t>> needs(jobs.size());
  for (size_t i = 0; i < jobs.size(); ++i) {
    for (const std::string& name : jobs[i]->after) {
      auto it = by_name.find(name);
      if (it == by_name.end()) {
        if (!require_all) continue;
        return JobError(fmt::format("{}: job {} runs after job '{}', which is not among the jobs given",
                                    jobs[i]->source_path, jobs[i]->name, name));
      }
      if (it->second == i) return JobError(fmt::format("{}: job {} runs after itself", jobs[i]->source_path, name));
      needs[i].push_back(it->second);
    }
  }
  // Repeatedly take the first job (in the given order) whose prerequisites are all placed.
  std::vector<size_t> order;
  std::vector<bool> placed(jobs.size(), false);
  while (order.size() < jobs.size()) {
    bool progressed = false;
    for (size_t i = 0; i < jobs.size(); ++i) {
      if (placed[i]) continue;
      if (std::all_of(needs[i].begin(), needs[i].end(), [&](size_t n) { return placed[n]; })) {
        placed[i] = true;
        order.push_back(i);
        progressed = true;
        break;
      }
    }
    if (!progressed) {
      std::string cycle;
      for (size_t i = 0; i < jobs.size(); ++i) {
        if (!placed[i]) cycle += (cycle.empty() ? "" : ", ") + jobs[i]->name;
      }
      return JobError(fmt::format("the after: lists of jobs {} wait for each other in a cycle", cycle));
    }
  }
  return order;
}

std::string FailedPrerequisite(const config::Job& job, const std::vector<std::string>& ran,
                               const std::vector<std::string>& succeeded) {
  for (const std::string& name : job.after) {
    if (Contains(ran, name) && !Contains(succeeded, name)) return name;
  }
  return "";
}

}  // namespace sfsync::scheduler
