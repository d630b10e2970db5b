#include "engine/scheduler/job_order.h"

#include <doctest/doctest.h>

namespace sfsync::scheduler {
namespace {

config::Job MakeJob(const std::string& name, std::vector<std::string> after = {}) {
  config::Job j;
  j.name = name;
  j.source_path = "/jobs/" + name + ".yaml";
  j.after = std::move(after);
  return j;
}

std::vector<std::string> Names(const std::vector<config::Job>& jobs, bool require_all) {
  std::vector<const config::Job*> ptrs;
  for (const config::Job& j : jobs) ptrs.push_back(&j);
  StatusOr<std::vector<size_t>> order = OrderJobs(ptrs, require_all);
  REQUIRE_MESSAGE(order.ok(), order.status().ToString());
  std::vector<std::string> out;
  for (size_t i : *order) out.push_back(jobs[i].name);
  return out;
}

TEST_CASE("jobs run after their prerequisites and otherwise in the order given") {
  const std::vector<config::Job> jobs = {MakeJob("report", {"contacts", "accounts"}), MakeJob("accounts"),
                                         MakeJob("contacts", {"accounts"}), MakeJob("other")};
  CHECK(Names(jobs, true) == std::vector<std::string>{"accounts", "contacts", "report", "other"});
}

TEST_CASE("a cycle and an unknown prerequisite are job errors") {
  std::vector<config::Job> jobs = {MakeJob("a", {"b"}), MakeJob("b", {"a"}), MakeJob("c")};
  std::vector<const config::Job*> ptrs = {&jobs[0], &jobs[1], &jobs[2]};
  StatusOr<std::vector<size_t>> cycle = OrderJobs(ptrs, false);
  REQUIRE_FALSE(cycle.ok());
  CHECK(cycle.status().reason() == "job.invalid");
  CHECK(cycle.status().message().find("jobs a, b wait for each other in a cycle") != std::string::npos);

  std::vector<config::Job> lone = {MakeJob("b", {"missing"})};
  CHECK(Names(lone, false) == std::vector<std::string>{"b"});
  StatusOr<std::vector<size_t>> strict = OrderJobs({&lone[0]}, true);
  REQUIRE_FALSE(strict.ok());
  CHECK(strict.status().message().find("runs after job 'missing', which is not among the jobs given") !=
        std::string::npos);
}

TEST_CASE("a job waits only for prerequisites that ran in the cycle, and names the first that failed") {
  const config::Job job = MakeJob("report", {"accounts", "contacts"});
  CHECK(FailedPrerequisite(job, {"accounts", "contacts"}, {"accounts", "contacts"}).empty());
  CHECK(FailedPrerequisite(job, {"accounts", "contacts"}, {"accounts"}) == "contacts");
  CHECK(FailedPrerequisite(job, {"accounts"}, {"accounts"}).empty());
}

}  // namespace
}  // namespace sfsync::scheduler
