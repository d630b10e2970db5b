#include "engine/sync/run_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sfsync::sync {

RunLock::~RunLock() { ::close(fd_); }

StatusOr<std::unique_ptr<RunLock>> RunLock::Acquire(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Status(StatusCode::kFailedPrecondition, "cannot open lock file " + path + ": " + std::strerror(errno),
                  "store");
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK) {
      return Status(StatusCode::kFailedPrecondition, "another sfsync run holds " + path, "run.locked");
    }
    return Status(StatusCode::kFailedPrecondition, "cannot lock " + path + ": " + std::strerror(err), "store");
  }
  return std::unique_ptr<RunLock>(new RunLock(fd));
}

}  // namespace sfsync::sync
