#include "engine/scheduler/job_files.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>
#include <system_error>

namespace sfsync::scheduler {
namespace {

Status JobPathError(const std::string& path, const std::string& problem) {
  return Status(StatusCode::kInvalidArgument, path + ": " + problem, "job.invalid");
}

class DiskJobFiles : public JobFiles {
 public:
  explicit DiskJobFiles(config::EnvLookup env) : env_(std::move(env)) {}

  StatusOr<FileVersion> Version(const std::string& path) override {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0)
      return JobPathError(path, std::string("cannot read job file: ") + std::strerror(errno));
    FileVersion v;
    v.modified_nanos = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    v.size = static_cast<int64_t>(st.st_size);
    return v;
  }

  StatusOr<config::Job> Load(const std::string& path) override { return config::LoadJobFile(path, env_); }

 private:
  const config::EnvLookup env_;
};

bool IsJobFileName(const std::filesystem::path& p) {
  const std::string ext = p.extension().string();
  return (ext == ".yaml" || ext == ".yml") && p.filename().string()[0] != '.';
}

}  // namespace

std::unique_ptr<JobFiles> NewDiskJobFiles(config::EnvLookup env) {
  return std::make_unique<DiskJobFiles>(std::move(env));
}

StatusOr<std::vector<std::string>> ExpandJobPaths(const std::vector<std::string>& args) {
  namespace fs = std::filesystem;
  std::vector<std::string> paths;
  std::set<fs::path> seen;
  auto add = [&](const fs::path& p) {
    std::error_code ec;
    fs::path key = fs::weakly_canonical(p, ec);
    if (ec) key = fs::absolute(p);
    if (seen.insert(key).second) paths.push_back(p.string());
  };
  for (const std::string& arg : args) {
    std::error_code ec;
    const fs::file_status st = fs::status(arg, ec);
    if (!fs::exists(st)) return JobPathError(arg, "no such job file or directory");
    if (!fs::is_directory(st)) {
      add(arg);
      continue;
    }
    std::vector<fs::path> in_dir;
    for (fs::directory_iterator it(arg, ec), end; !ec && it != end; it.increment(ec)) {
      std::error_code type_ec;
      if (!it->is_directory(type_ec) && IsJobFileName(it->path())) in_dir.push_back(it->path());
    }
    if (ec) return JobPathError(arg, "cannot list directory: " + ec.message());
    if (in_dir.empty()) return JobPathError(arg, "no job files (*.yaml, *.yml) in this directory");
    std::sort(in_dir.begin(), in_dir.end());
    for (const fs::path& p : in_dir) add(p);
  }
  return paths;
}

}  // namespace sfsync::scheduler
