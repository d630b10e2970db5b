// This process's peak resident memory, for the run summary and the memory bound the README states.
#pragma once

#include <cstdint>

namespace sfsync {

// The high-water mark of resident memory of this program image (VmHWM of /proc/self/status), in
// KiB; 0 when it cannot be read. Unlike getrusage's ru_maxrss it starts afresh at exec, so a process
// started by a large parent (a test runner) reports its own peak.
int64_t PeakRssKib();

}  // namespace sfsync
