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
// Thread-safe. Log lines go to stderr (the console) and, if set, to a log file (created 0600), each
// with its own level: a cron run is quiet on the console while its log file keeps INFO.
//
// Two formats (SetLogFormat), for both destinations:
//   text  2024-05-01T10:00:00.000Z INFO [job] message key=value ...
//   json  {"time":"2024-05-01T10:00:00.000Z","level":"info","job":"demo","object":"Account",
//          "run_id":7,"message":"...","fields":{"rows":5000}}   (one object per line; keys absent
//          when unknown)
// job, object and run_id come from the thread's LogContext; fields from the call.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

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

enum class LogFormat { kText, kJson };
// Parses "text|json"; returns false for anything else.
bool ParseLogFormat(std::string_view text, LogFormat* out);
void SetLogFormat(LogFormat format);
// Text lines name the job ("INFO [job] ...") when set: where the lines of several jobs mix (the
// daemon, a run of several jobs). Json lines always carry it.
void SetLogJobInText(bool on);

// The console's level (stderr, or the test capture).
void SetLogLevel(LogLevel level);
LogLevel GetLogLevel();
// The log file's level (default kInfo).
void SetFileLogLevel(LogLevel level);
// A line at `level` goes somewhere: to the console, or to the log file when one is open.
bool LogEnabled(LogLevel level);
// Also appends every line to `path` (created 0600 if missing). Returns false if it cannot be opened.
bool SetLogFile(const std::string& path);
// Sends console lines to this string instead of stderr (tests). Pass nullptr to restore stderr.
void CaptureLogForTesting(std::string* sink);

// Something drawn on the console below the log lines (the live progress lines). Every console
// write goes: Clear(), the line, Redraw(), under the log's lock, so lines never tear the drawing.
class ConsoleOverlay {
 public:
  virtual ~ConsoleOverlay() = default;
  virtual std::string Clear() = 0;   // bytes that erase what was drawn
  virtual std::string Redraw() = 0;  // bytes that draw it again
};
// Installs (or with nullptr removes) the overlay. The caller keeps it alive until removed.
void SetConsoleOverlay(ConsoleOverlay* overlay);
// Redraws the overlay (Clear(), then Redraw()) under the log's lock; nothing when none is set or
// the console is captured.
void RedrawConsoleOverlay();

// What a line is about. Empty / 0 = not known.
struct LogTags {
  std::string job;
  std::string object;
  int64_t run_id = 0;
};

// While one lives, lines logged by its thread name `label` after the level: "... INFO [label] message"
// (the daemon labels each run's thread with its job, so parallel runs' lines tell apart). Nests;
// the inner label wins until it ends.
class LogContext {
 public:
  explicit LogContext(std::string job);
  explicit LogContext(LogTags tags);
  ~LogContext();
  LogContext(const LogContext&) = delete;
  LogContext& operator=(const LogContext&) = delete;

 private:
  LogTags previous_;
};

// This thread's tags (its innermost LogContext's; empty when none): threads a run starts take them
// on, so their lines name the job and run too.
LogTags CurrentLogTags();
// Sets the run id of this thread's current tags (until its innermost LogContext ends).
void SetLogRunId(int64_t run_id);

// A structured value of a line (json: the "fields" object; text: " key=value" after the message).
using LogValue = std::variant<int64_t, double, bool, std::string>;
using LogFields = std::vector<std::pair<std::string, LogValue>>;

// Writes one line after redaction (formats above), to the console and the log file as their levels
// allow.
void LogLine(LogLevel level, std::string_view message, const LogFields& fields = {});
// The same line to the log file only (when one is open and its level allows): what the CLI prints
// on stdout or as its final error, kept in the log too.
void LogLineToFile(LogLevel level, std::string_view message, const LogFields& fields = {});

template <typename... Args>
void Log(LogLevel level, fmt::format_string<Args...> format, Args&&... args) {
  if (!LogEnabled(level)) return;
  LogLine(level, fmt::format(format, std::forward<Args>(args)...));
}

// A line with structured fields: LogWithFields(LogLevel::kInfo, {{"rows", int64_t{5}}}, "{}: done", name).
template <typename... Args>
void LogWithFields(LogLevel level, const LogFields& fields, fmt::format_string<Args...> format, Args&&... args) {
  if (!LogEnabled(level)) return;
  LogLine(level, fmt::format(format, std::forward<Args>(args)...), fields);
}

// JSON string literal of `text` (quotes included), escaping what RFC 8259 requires.
void AppendJsonString(std::string* out, std::string_view text);

}  // namespace sfsync

#define SFSYNC_LOG(level, ...) ::sfsync::Log(::sfsync::LogLevel::level, __VA_ARGS__)
