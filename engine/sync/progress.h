// ProgressSink: what a run tells a live display about each object while it syncs (the CLI draws
// one line per object on a terminal: engine/cli/progress_display.h). Called from the objects'
// threads, so implementations are thread-safe; each call is cheap (no I/O on the caller's thread).
#pragma once

#include <cstdint>
#include <string>

namespace sfsync::sync {

class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  // The object starts syncing.
  virtual void Started(const std::string& object) = 0;
  // A page committed: `rows_read` so far in this run; `expected` is the server's count of rows for
  // the query being read (totalSize or the Bulk job's record count), 0 when unknown.
  virtual void Rows(const std::string& object, int64_t rows_read, int64_t expected) = 0;
  // The object ended with `status` (SUCCESS, FAILED, PARTIAL, SKIPPED).
  virtual void Finished(const std::string& object, const std::string& status) = 0;
};

}  // namespace sfsync::sync
