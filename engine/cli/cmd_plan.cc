// `sfsync plan JOB [--object NAME] [--json] [--offline]`: per object, what a run would do now and
// why, the API it would read through, the rows and calls to expect, the schema changes it would
// make and the errors it would stop on (engine/sync/plan_preview.h). Changes nothing.
#include <fmt/format.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "engine/cli/commands.h"
#include "engine/config/job_loader.h"
#include "engine/core/clock.h"
#include "engine/core/exit_codes.h"
#include "engine/core/log.h"
#include "engine/sync/plan_preview.h"

namespace sfsync::cli {
namespace {

using ordered_json = nlohmann::ordered_json;

std::string Number(int64_t n) { return n < 0 ? "?" : std::to_string(n); }

std::string BudgetText(const sync::PlanReport& r) {
  std::string out;
  if (r.max_api_calls > 0) out += fmt::format("{} API calls per run (max_api_calls)", r.max_api_calls);
  if (r.max_percent_of_daily > 0) {
    out += fmt::format("{}stop at {}% of the org's daily API requests (max_percent_of_daily)", out.empty() ? "" : "; ",
                       r.max_percent_of_daily);
  }
  return out.empty() ? "none" : out;
}

std::string FormatText(const sync::PlanReport& r) {
  std::string out = fmt::format("plan for job {} ({}), database {}\n", r.job,
                                r.offline ? "offline: from the database and cached describes"
                                          : fmt::format("{} API calls spent to plan", r.api_calls),
                                r.database);
  out += fmt::format("{:<20} {:<12} {:<14} {:>10} {:>10}  {}\n", "object", "action", "api", "rows", "api calls", "why");
  int64_t total_calls = 0;
  bool calls_known = true;
  for (const sync::ObjectPreview& p : r.objects) {
    const std::string name = p.object == p.table ? p.object : p.object + " (" + p.table + ")";
    if (!p.error.empty()) {
      out += fmt::format("{:<20} {:<12} {}\n", name, "FAILS", p.error);
      continue;
    }
    out += fmt::format("{:<20} {:<12} {:<14} {:>10} {:>10}  {}\n", name, p.action,
                       p.api.size() > 14 ? "REST or Bulk" : p.api, Number(p.expected_rows),
                       p.expected_calls < 0 ? "?" : "~" + std::to_string(p.expected_calls), p.why);
    for (const std::string& n : p.notices) out += "  " + n + "\n";
    for (const std::string& c : p.schema_changes) out += "  schema: " + c + "\n";
    if (p.expected_calls < 0) calls_known = false;
    total_calls += std::max<int64_t>(0, p.expected_calls);
  }
  out += fmt::format("expected API calls: {}{}; budget: {}\n", calls_known ? "~" : "at least ~", total_calls,
                     BudgetText(r));
  if (r.max_api_calls > 0 && calls_known && total_calls > r.max_api_calls) {
    out += fmt::format("the run would stop at its budget of {} calls (PARTIAL, exit 9) and go on next run\n",
                       r.max_api_calls);
  }
  if (!r.limit_info.empty()) out += "org usage: " + r.limit_info + "\n";
  return out;
}

ordered_json ToJson(const sync::PlanReport& r) {
  ordered_json j;
  j["job"] = r.job;
  j["database"] = r.database;
  j["offline"] = r.offline;
  j["api_calls_spent"] = r.api_calls;
  j["org_usage"] = r.limit_info;
  j["budget"] = {{"max_api_calls", r.max_api_calls}, {"max_percent_of_daily", r.max_percent_of_daily}};
  j["objects"] = ordered_json::array();
  for (const sync::ObjectPreview& p : r.objects) {
    ordered_json o;
    o["object"] = p.object;
    o["table"] = p.table;
    o["action"] = p.action;
    o["why"] = p.why;
    o["api"] = p.api;
    o["expected_rows"] = p.expected_rows < 0 ? ordered_json(nullptr) : ordered_json(p.expected_rows);
    o["expected_api_calls"] = p.expected_calls < 0 ? ordered_json(nullptr) : ordered_json(p.expected_calls);
    o["schema_changes"] = p.schema_changes;
    o["notices"] = p.notices;
    o["error"] = p.error.empty() ? ordered_json(nullptr) : ordered_json(p.error);
    j["objects"].push_back(std::move(o));
  }
  return j;
}

}  // namespace

int PlanCommand(const CommonFlags& common, const PlanFlags& flags) {
  if (!SetUpLogging(common)) return kExitUsage;
  config::LoadOptions options;
  options.offline = flags.offline;  // offline, the secrets are not needed, but for the database's
  options.offline_reads_store = true;
  auto loaded = config::LoadJobFile(flags.job_path, config::ProcessEnv(), options);
  if (!loaded.ok()) {
    PrintErrorLines(loaded.status().message());
    return ExitCodeFor(loaded.status());
  }
  config::Job job = std::move(*loaded);
  if (const std::vector<std::string> unmatched = SelectObjects(flags.objects, &job); !unmatched.empty()) {
    PrintError("--object " + unmatched.front() + ": no such object in the job");
    return kExitUsage;
  }
  std::unique_ptr<salesforce::HttpTransport> transport = flags.offline ? nullptr : TransportFor(job);
  const sync::PlanReport report = sync::PreviewJob(job, transport.get(), SystemClock(), flags.offline);
  if (!report.error.ok()) {
    PrintError(report.error.message());
    return ExitCodeFor(report.error);
  }
  std::fputs(Redact(flags.json ? ToJson(report).dump(2) + "\n" : FormatText(report)).c_str(), stdout);
  std::fflush(stdout);
  // A plan that finds objects the run would fail says so in its exit code (5: what Salesforce would
  // refuse), so CI can gate on it.
  for (const sync::ObjectPreview& p : report.objects) {
    if (!p.error.empty()) return kExitApi;
  }
  return kExitOk;
}

}  // namespace sfsync::cli
