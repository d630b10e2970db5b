#include "engine/config/job_set_checks.h"

#include <fmt/format.h>

#include <filesystem>
#include <system_error>

namespace sfsync::config {
namespace {

// SQLite compares table names ignoring ASCII case only.
bool SameTable(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::string At(const std::string& file, SourceLocation at) { return fmt::format("{}:{}:{}", file, at.line, at.column); }

}  // namespace

std::string ResolvedDatabasePath(const std::string& path) {
  std::error_code ec;
  std::filesystem::path resolved = std::filesystem::weakly_canonical(path, ec);
  return ec ? std::filesystem::path(path).lexically_normal().string() : resolved.string();
}

std::string StoreKey(const StoreConfig& store) {
  if (store.is_postgres()) return store.postgres_url + " (schema " + store.postgres_schema + ")";
  return ResolvedDatabasePath(store.sqlite_path);
}

Status CheckJobSet(const std::vector<JobInSet>& jobs) {
  std::vector<std::string> databases;
  std::vector<std::string> sources;
  for (const JobInSet& j : jobs) {
    databases.push_back(StoreKey(j.job->store));
    sources.push_back(ResolvedDatabasePath(j.job->source_path));
  }
  std::string lines;
  auto add = [&lines](std::string line) { lines += (lines.empty() ? "" : "\n") + line; };
  for (size_t later = 0; later < jobs.size(); ++later) {
    const Job& b = *jobs[later].job;
    for (size_t earlier = 0; earlier < later; ++earlier) {
      if (databases[earlier] != databases[later] || sources[earlier] == sources[later]) continue;
      const Job& a = *jobs[earlier].job;
      if (a.name == b.name) {
        add(
            fmt::format("{}: name: job name {} is also used by {} for the same database {}: the run history "
                        "could not tell their runs apart; rename one of the jobs",
                        At(jobs[later].file, b.name_at), b.name, At(jobs[earlier].file, a.name_at), databases[later]));
      }
      for (size_t j = 0; j < b.objects.size(); ++j) {
        for (size_t i = 0; i < a.objects.size(); ++i) {
          if (!SameTable(a.objects[i].table, b.objects[j].table)) continue;
          add(
              fmt::format("{}: objects[{}]: table {} in database {} is also filled by {} (job {}, objects[{}]): "
                          "each job would overwrite the other's rows and watermark; set a different 'table' in "
                          "one of them, or a different store.sqlite",
                          At(jobs[later].file, b.objects[j].table_at), j, b.objects[j].table, databases[later],
                          At(jobs[earlier].file, a.objects[i].table_at), a.name, i));
        }
      }
    }
  }
  if (lines.empty()) return Status();
  return Status(StatusCode::kInvalidArgument, std::move(lines), "job.invalid");
}

}  // namespace sfsync::config
