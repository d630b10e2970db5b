#include <cstdio>

#include "engine/cli/commands.h"
#include "engine/core/log.h"
#include "engine/core/url.h"

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

std::unique_ptr<salesforce::HttpTransport> NewJobTransport(const config::Job& job) {
  salesforce::TransportOptions options;
  options.ca_file = job.connection.ca_file;
  options.timeout = std::chrono::seconds(job.connection.timeout_seconds);
  // gzip trades CPU for bandwidth: worth it to a real org, pure cost on a loopback emulator.
  options.request_gzip = !IsLoopbackHost(UrlHost(job.connection.login_url));
  return salesforce::NewCpprestTransport(options);
}

}  // namespace sfsync::cli
