// JobFiles: the scheduler's seam to the filesystem. The daemon notices an edited job file by its
// version (modification time and size) and re-reads it; tests replace the seam with a map so an
// "edit" needs neither disk nor waiting out the filesystem's timestamp granularity.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/config/job.h"
#include "engine/config/job_loader.h"
#include "engine/core/statusor.h"

namespace sfsync::scheduler {

// Changes whenever a file may have changed. An editor that rewrites a file within the timestamp
// granularity and keeps its size defeats it: the change is seen at the next edit.
struct FileVersion {
  int64_t modified_nanos = 0;
  int64_t size = 0;
  bool operator==(const FileVersion&) const = default;
};

class JobFiles {
 public:
  virtual ~JobFiles() = default;
  // The file's current version; kInvalidArgument, reason "job.invalid", naming the file when it
  // cannot be examined (e.g. deleted).
  virtual StatusOr<FileVersion> Version(const std::string& path) = 0;
  // Reads, validates and returns the job (config::LoadJobFile's contract).
  virtual StatusOr<config::Job> Load(const std::string& path) = 0;
};

// The real filesystem; `env` resolves ${VAR} references. Thread-safe.
std::unique_ptr<JobFiles> NewDiskJobFiles(config::EnvLookup env);

// The job files named on a command line: files as given, directories replaced by their *.yaml and
// *.yml files (not recursive, sorted by name). A file named twice (also through a directory) is
// kept once, where first named. kInvalidArgument, reason "job.invalid", for a path that does not
// exist or a directory without job files.
StatusOr<std::vector<std::string>> ExpandJobPaths(const std::vector<std::string>& args);

}  // namespace sfsync::scheduler
