// An exclusive, process-lifetime lock on a job's database, so two runs of the same job (cron
// overlapping a manual run, or a daemon) never interleave pages. The kernel drops the lock when the
// process dies, even by SIGKILL, so a crash never leaves a stale lock behind.
#pragma once

#include <memory>
#include <string>

#include "engine/core/statusor.h"

namespace sfsync::sync {

class RunLock {
 public:
  ~RunLock();
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;

  // Takes the lock file `path` (created 0600 if missing) without waiting. Fails with
  // kFailedPrecondition, reason "run.locked", when another process holds it.
  static StatusOr<std::unique_ptr<RunLock>> Acquire(const std::string& path);

 private:
  explicit RunLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace sfsync::sync
