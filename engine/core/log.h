// Logging, with every line passing through one redacting path (invariant 5 in ARCHITECTURE.md:
// a secret never reaches a log line or an error message).
//
// Two kinds of redaction apply to every line, and to every error message the CLI prints:
//  1. Registered secrets: values the process knows are secret (client secret, refresh token, access
//     token, JWT assertion, private-key passphrase) are registered with RegisterSecret() as soon as
//     they are read or received, and every occurrence is replaced with "[REDACTED]".
//  2. Shapes: "Bearer <x>", Salesforce access tokens ("00D...!..."), and the value after
//     access_token/refresh_token/client_secret/assertion/code/code_verifier/password/token keys in
//     form, query or JSON text, and PEM private-key blocks.
//
// Thread-safe. Log lines go to stderr and, if set, to a log file (created 0600).
#pragma once

#include <fmt/format.h>

#include <string>
#include <string_view>

namespace sfsync {

enum class LogLevel { kError = 0, kWarn = 1, kInfo = 2, kDebug = 3, kTrace = 4 };

// Parses "error|warn|info|debug|trace"; returns false for anything else.
bool ParseLogLevel(std::string_view text, LogLevel* out);

// Secret values shorter than this are not redacted anywhere: replacing every "b" would mangle
// ordinary text, and values that short are not credentials.
inline constexpr size_t kMinRedactedSecretLength = 6;

// Registers a secret value for redaction (ignored below kMinRedactedSecretLength).
void RegisterSecret(std::string_view secret);

// Returns `text` with every registered secret and every secret-shaped token replaced.
std::string Redact(std::string_view text);

void SetLogLevel(LogLevel level);
LogLevel GetLogLevel();
bool LogEnabled(LogLevel level);
// Also appends every line to `path` (created 0600 if missing). Returns false if it cannot be opened.
bool SetLogFile(const std::string& path);
// Sends lines to this string instead of stderr (tests). Pass nullptr to restore stderr.
void CaptureLogForTesting(std::string* sink);

// While one lives, lines logged by its thread name `label` after the level: "... INFO [label] message"
// (the daemon labels each run's thread with its job, so parallel runs' lines tell apart). Nests;
// the inner label wins until it ends.
class LogContext {
 public:
  explicit LogContext(std::string label);
  ~LogContext();
  LogContext(const LogContext&) = delete;
  LogContext& operator=(const LogContext&) = delete;

 private:
  std::string previous_;
};

// The label of this thread's innermost LogContext ("" when none): threads a run starts take it on,
// so their lines name the job too.
std::string CurrentLogContext();

// Writes one line: "2024-05-01T10:00:00.000Z INFO message" after redaction.
void LogLine(LogLevel level, std::string_view message);

template <typename... Args>
void Log(LogLevel level, fmt::format_string<Args...> format, Args&&... args) {
  if (!LogEnabled(level)) return;
  LogLine(level, fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace sfsync

#define SFSYNC_LOG(level, ...) ::sfsync::Log(::sfsync::LogLevel::level, __VA_ARGS__)
