// Where an export's bytes go: standard output ("-"), a file, or a gzip file (a path ending in
// ".gz"). A file is written beside its final path ("PATH.partial", mode 0600) and renamed over it
// only by Commit(), after everything was written and flushed: an export that fails or is killed
// never leaves a file that looks complete, and never half-overwrites an older one.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "engine/core/statusor.h"

namespace sfsync::exporter {

class Sink {
 public:
  virtual ~Sink() = default;
  virtual Status Write(std::string_view bytes) = 0;
  // Flushes, closes and (for a file) renames it into place.
  virtual Status Commit() = 0;
};

// Opens the sink for `path`. Errors: kFailedPrecondition (reason "export.out") when the file
// cannot be created.
StatusOr<std::unique_ptr<Sink>> OpenSink(const std::string& path);

}  // namespace sfsync::exporter
