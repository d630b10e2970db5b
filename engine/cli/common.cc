#include <cstdio>

#include "engine/cli/commands.h"
#include "engine/core/log.h"

namespace sfsync::cli {

void PrintError(const std::string& message) {
  std::string line = Redact(message);
  for (char& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  std::fprintf(stderr, "sfsync: %s\n", line.c_str());
}

bool SetUpLogging(const CommonFlags& common) {
  LogLevel level;
  if (!ParseLogLevel(common.log_level, &level)) {
    PrintError("unknown log level '" + common.log_level + "' (use error, warn, info, debug or trace)");
    return false;
  }
  SetLogLevel(level);
  if (!common.log_file.empty() && !SetLogFile(common.log_file)) {
    PrintError("cannot open log file " + common.log_file);
    return false;
  }
  return true;
}

}  // namespace sfsync::cli
