#include "engine/core/memory.h"

#include <cstdio>
#include <cstring>

namespace sfsync {

int64_t PeakRssKib() {
  std::FILE* f = std::fopen("/proc/self/status", "r");
  if (f == nullptr) return 0;
  char line[256];
  long long kib = 0;
  while (std::fgets(line, sizeof line, f) != nullptr) {
    if (std::strncmp(line, "VmHWM:", 6) == 0) {
      if (std::sscanf(line + 6, "%lld", &kib) != 1) kib = 0;
      break;
    }
  }
  std::fclose(f);
  return kib;
}

}  // namespace sfsync
