#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <algorithm>
#include <cstring>

#include "engine/cli/commands.h"
#include "engine/config/job_loader.h"
#include "engine/core/ascii.h"
#include "engine/core/exit_codes.h"
#include "engine/core/log.h"
#include "engine/core/url.h"

namespace sfsync::cli {
namespace {

std::atomic<bool> g_stop{false};
const char* g_stop_notice = "";
static_assert(std::atomic<bool>::is_always_lock_free, "the signal handler needs a lock-free flag");

// A second signal dies at once, which is safe too: every committed page is consistent.
extern "C" void OnStopSignal(int sig) {
  if (g_stop.exchange(true)) {
    std::signal(sig, SIG_DFL);
    std::raise(sig);
    return;
  }
  (void)!::write(STDERR_FILENO, g_stop_notice, std::strlen(g_stop_notice));
}

std::atomic<bool> g_reload{false};
extern "C" void OnReloadSignal(int) { g_reload.store(true); }

}  // namespace

std::atomic<bool>* InstallReloadSignalHandler() {
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_handler = OnReloadSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGHUP, &sa, nullptr);
  return &g_reload;
}

const std::atomic<bool>* InstallStopSignalHandlers(const char* notice) {
  g_stop_notice = notice;
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_handler = OnStopSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  return &g_stop;
}

void PrintErrorLines(const std::string& message) {
  size_t start = 0;
  while (start <= message.size()) {
    size_t nl = message.find('\n', start);
    std::string line = message.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    if (!line.empty()) PrintError(line);
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
}

void PrintError(const std::string& message) {
  std::string line = Redact(message);
  for (char& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  std::fprintf(stderr, "sfsync: %s\n", line.c_str());
  LogLineToFile(LogLevel::kError, "sfsync: " + line);
}

bool SetUpLogging(const CommonFlags& common, LogLevel default_level) {
  LogLevel level = default_level;
  LogLevel file_level = LogLevel::kInfo;
  if (!common.log_level.empty()) {
    if (!ParseLogLevel(common.log_level, &level)) {
      PrintError("unknown log level '" + common.log_level + "' (use error, warn, info, debug or trace)");
      return false;
    }
    file_level = level;
  } else if (common.verbose > 0) {
    level = static_cast<LogLevel>(std::min(static_cast<int>(LogLevel::kTrace),
                                           static_cast<int>(LogLevel::kWarn) + common.verbose));
    file_level = std::max(level, LogLevel::kInfo);
  }
  LogFormat format;
  if (!ParseLogFormat(common.log_format, &format)) {
    PrintError("unknown log format '" + common.log_format + "' (use text or json)");
    return false;
  }
  SetLogFormat(format);
  SetLogLevel(level);
  SetFileLogLevel(file_level);
  if (!common.log_file.empty() && !SetLogFile(common.log_file)) {
    PrintError("cannot open log file " + common.log_file);
    return false;
  }
  return true;
}

std::vector<std::string> SelectObjects(const std::vector<std::string>& names, config::Job* job) {
  if (names.empty()) return {};
  std::vector<std::string> unmatched;
  std::vector<bool> keep(job->objects.size(), false);
  for (const std::string& name : names) {
    bool matched = false;
    for (size_t i = 0; i < job->objects.size(); ++i) {
      const config::ObjectConfig& o = job->objects[i];
      if (EqualsIgnoringAsciiCase(name, o.name) || EqualsIgnoringAsciiCase(name, o.table.empty() ? o.name : o.table)) {
        keep[i] = matched = true;
      }
    }
    if (!matched) unmatched.push_back(name);
  }
  std::vector<config::ObjectConfig> kept;
  for (size_t i = 0; i < job->objects.size(); ++i) {
    if (keep[i]) kept.push_back(std::move(job->objects[i]));
  }
  job->objects = std::move(kept);
  return unmatched;
}

int LoadJobForCommand(const CommonFlags& common, const std::string& path, config::Job* job) {
  if (!SetUpLogging(common)) return kExitUsage;
  auto loaded = config::LoadJobFile(path, config::ProcessEnv());
  if (!loaded.ok()) {
    PrintErrorLines(loaded.status().message());  // a job may have several problems, one per line
    return ExitCodeFor(loaded.status());
  }
  *job = std::move(*loaded);
  return kExitOk;
}

std::unique_ptr<salesforce::HttpTransport> TransportFor(const config::Job& job) {
  salesforce::TransportOptions options;
  options.ca_file = job.connection.ca_file;
  options.timeout = std::chrono::seconds(job.connection.timeout_seconds);
  options.max_response_time = std::chrono::seconds(job.connection.max_response_seconds);
  options.max_body_bytes = static_cast<uint64_t>(job.connection.max_response_mb) << 20;
  options.max_inflate_ratio = static_cast<uint64_t>(job.connection.max_inflate_ratio);
  // gzip trades CPU for bandwidth: worth it to a real org, pure cost on a loopback emulator.
  options.request_gzip = !IsLoopbackHost(UrlHost(job.connection.login_url));
  return salesforce::NewCpprestTransport(options);
}

}  // namespace sfsync::cli
