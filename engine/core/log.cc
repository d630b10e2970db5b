#include "engine/core/log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <type_traits>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <set>
#include <utility>
#include <vector>

#include "engine/core/clock.h"
#include "engine/core/time_format.h"

namespace sfsync {
namespace {

constexpr std::string_view kRedacted = "[REDACTED]";

struct LogState {
  std::mutex mu;
  std::set<std::string, std::greater<>> secrets;  // longest-first order is not needed; all are replaced
  int file_fd = -1;
  std::string* capture = nullptr;
  ConsoleOverlay* overlay = nullptr;
};

LogState& State() {
  static LogState* state = new LogState();  // never destroyed: logging may run during exit
  return *state;
}

std::atomic<int> g_level{static_cast<int>(LogLevel::kInfo)};       // console
std::atomic<int> g_file_level{static_cast<int>(LogLevel::kInfo)};  // log file
std::atomic<bool> g_file_open{false};
std::atomic<int> g_format{static_cast<int>(LogFormat::kText)};
std::atomic<bool> g_job_in_text{false};
thread_local LogTags t_tags;  // LogContext's tags on this thread

constexpr std::string_view kLevelNames[] = {"ERROR", "WARN", "INFO", "DEBUG", "TRACE"};
constexpr std::string_view kLevelJsonNames[] = {"error", "warn", "info", "debug", "trace"};

void AppendValueText(std::string* out, const LogValue& v) {
  std::visit(
      [out](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::string>) {
          const bool plain = !x.empty() && x.find_first_of(" \t\"=") == std::string::npos;
          if (plain) {
            *out += x;
          } else {
            AppendJsonString(out, x);
          }
        } else if constexpr (std::is_same_v<T, bool>) {
          *out += x ? "true" : "false";
        } else {
          *out += fmt::format("{}", x);
        }
      },
      v);
}

void AppendValueJson(std::string* out, const LogValue& v) {
  std::visit(
      [out](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::string>) {
          AppendJsonString(out, x);
        } else if constexpr (std::is_same_v<T, bool>) {
          *out += x ? "true" : "false";
        } else if constexpr (std::is_same_v<T, double>) {
          *out += std::isfinite(x) ? fmt::format("{}", x) : "null";
        } else {
          *out += fmt::format("{}", x);
        }
      },
      v);
}

std::string FormatText(int64_t now, LogLevel level, std::string_view message, const LogFields& fields) {
  std::string line = FormatIsoUtc(now);
  line += ' ';
  line += kLevelNames[static_cast<int>(level)];
  line += ' ';
  if (g_job_in_text.load() && !t_tags.job.empty()) line += fmt::format("[{}] ", t_tags.job);
  line += message;
  for (const auto& [key, value] : fields) {
    line += ' ';
    line += key;
    line += '=';
    AppendValueText(&line, value);
  }
  return line;
}

std::string FormatJson(int64_t now, LogLevel level, std::string_view message, const LogFields& fields) {
  std::string line = "{\"time\":";
  AppendJsonString(&line, FormatIsoUtc(now));
  line += ",\"level\":\"";
  line += kLevelJsonNames[static_cast<int>(level)];
  line += '"';
  if (!t_tags.job.empty()) {
    line += ",\"job\":";
    AppendJsonString(&line, t_tags.job);
  }
  if (!t_tags.object.empty()) {
    line += ",\"object\":";
    AppendJsonString(&line, t_tags.object);
  }
  if (t_tags.run_id != 0) line += fmt::format(",\"run_id\":{}", t_tags.run_id);
  line += ",\"message\":";
  AppendJsonString(&line, message);
  if (!fields.empty()) {
    line += ",\"fields\":{";
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i > 0) line += ',';
      AppendJsonString(&line, fields[i].first);
      line += ':';
      AppendValueJson(&line, fields[i].second);
    }
    line += '}';
  }
  line += '}';
  return line;
}

// Writes to the console (stderr or the capture) with the overlay cleared and redrawn around it.
// REQUIRES: st.mu held.
void WriteConsoleLocked(LogState& st, std::string_view bytes) {
  if (st.capture != nullptr) {
    *st.capture += bytes;
    return;
  }
  std::string out;
  if (st.overlay != nullptr) out = st.overlay->Clear();
  out += bytes;
  if (st.overlay != nullptr) out += st.overlay->Redraw();
  (void)!::write(STDERR_FILENO, out.data(), out.size());
}

bool IsTokenChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
         c == '-' || c == '+' || c == '/' || c == '=' || c == '!' || c == '%' || c == '~';
}

bool IsAlnum(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// Replaces the run of token characters starting at `pos` with [REDACTED]; returns the index after it.
size_t RedactRun(std::string* s, size_t pos) {
  size_t end = pos;
  while (end < s->size() && IsTokenChar((*s)[end])) ++end;
  if (end == pos) return pos;
  s->replace(pos, end - pos, kRedacted);
  return pos + kRedacted.size();
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// key=VALUE, "key":"VALUE", "key" : "VALUE", key: VALUE
void RedactKeyedValues(std::string* s) {
  static const std::vector<std::string> kKeys = {
      "access_token", "refresh_token", "client_secret", "assertion",  "code_verifier", "password",
      "passphrase",   "id_token",      "device_code",   "signature", "code",          "token",
      "private_key",  "secret"};
  std::string lower = ToLower(*s);
  for (const std::string& key : kKeys) {
    size_t from = 0;
    while (true) {
      size_t at = lower.find(key, from);
      if (at == std::string::npos) break;
      from = at + key.size();
      // Must be a whole key: not preceded or followed by an identifier character. A key at the end
      // of a dotted path ("connection.auth.refresh_token: plain-text secret ...") names a job-file
      // key in a message; such messages never carry the value.
      if (at > 0 && (IsAlnum(lower[at - 1]) || lower[at - 1] == '_' || lower[at - 1] == '.')) continue;
      size_t p = at + key.size();
      if (p < lower.size() && (IsAlnum(lower[p]) || lower[p] == '_')) continue;
      if (p < lower.size() && lower[p] == '"') ++p;
      while (p < lower.size() && lower[p] == ' ') ++p;
      if (p >= lower.size() || (lower[p] != '=' && lower[p] != ':')) continue;
      ++p;
      while (p < lower.size() && lower[p] == ' ') ++p;
      if (p < lower.size() && lower[p] == '"') ++p;
      if (p >= lower.size() || !IsTokenChar(lower[p])) continue;
      // Leave "[REDACTED]" alone, and do not treat plain words like "code: 400" as secrets.
      size_t end = p;
      while (end < lower.size() && IsTokenChar(lower[end])) ++end;
      if (key == "code" || key == "token" || key == "signature" || key == "secret") {
        if (end - p < 8) continue;
      }
      size_t after = RedactRun(s, p);
      lower = ToLower(*s);
      from = after;
    }
  }
}

// "Bearer xxx" / "OAuth xxx" / "Basic xxx". A plain word after the scheme ("OAuth scopes", "Basic
// settings") is prose, not a credential: credentials are long or hold digits or punctuation.
void RedactAuthSchemes(std::string* s) {
  for (std::string_view scheme : {"Bearer ", "OAuth ", "Basic "}) {
    size_t from = 0;
    while (true) {
      size_t at = s->find(scheme, from);
      if (at == std::string::npos) break;
      const size_t start = at + scheme.size();
      size_t end = start;
      bool letters_only = true;
      while (end < s->size() && IsTokenChar((*s)[end])) {
        const char c = (*s)[end++];
        letters_only = letters_only && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
      }
      if (end == start || (letters_only && end - start < 20)) {
        from = at + 1;
        continue;
      }
      from = RedactRun(s, start);
    }
  }
}

// Salesforce access tokens: 15 or 18 alphanumerics starting "00D", then '!', then the token body.
void RedactSalesforceTokens(std::string* s) {
  size_t from = 0;
  while (true) {
    size_t at = s->find("00D", from);
    if (at == std::string::npos) break;
    size_t p = at;
    while (p < s->size() && IsAlnum((*s)[p])) ++p;
    size_t len = p - at;
    if ((len == 15 || len == 18) && p < s->size() && (*s)[p] == '!') {
      from = RedactRun(s, at);
    } else {
      from = at + 3;
    }
  }
}

void RedactPemBlocks(std::string* s) {
  size_t from = 0;
  while (true) {
    size_t begin = s->find("-----BEGIN", from);
    if (begin == std::string::npos) break;
    size_t end_marker = s->find("-----END", begin);
    if (end_marker == std::string::npos) {
      s->replace(begin, std::string::npos, kRedacted);
      break;
    }
    size_t end = s->find("-----", end_marker + 8);
    end = end == std::string::npos ? s->size() : end + 5;
    s->replace(begin, end - begin, kRedacted);
    from = begin + kRedacted.size();
  }
}

}  // namespace

bool ParseLogLevel(std::string_view text, LogLevel* out) {
  static const std::pair<std::string_view, LogLevel> kNames[] = {{"error", LogLevel::kError},
                                                                 {"warn", LogLevel::kWarn},
                                                                 {"info", LogLevel::kInfo},
                                                                 {"debug", LogLevel::kDebug},
                                                                 {"trace", LogLevel::kTrace}};
  for (const auto& [name, level] : kNames) {
    if (text == name) {
      *out = level;
      return true;
    }
  }
  return false;
}

void RegisterSecret(std::string_view secret) {
  if (secret.size() < kMinRedactedSecretLength) return;
  LogState& st = State();
  std::lock_guard<std::mutex> lock(st.mu);
  st.secrets.emplace(secret);
  // URL-encoded and JSON-escaped forms of the same secret would slip past an exact match.
  std::string encoded;
  for (char c : secret) {
    if (IsAlnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      encoded += c;
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", static_cast<unsigned char>(c));
      encoded += buf;
    }
  }
  if (encoded != secret) st.secrets.insert(encoded);
  std::string escaped;
  for (char c : secret) {
    if (c == '/' ) escaped += "\\/";
    else if (c == '\n') escaped += "\\n";
    else escaped += c;
  }
  if (escaped != secret) st.secrets.insert(escaped);
}

std::string Redact(std::string_view text) {
  std::string s(text);
  {
    LogState& st = State();
    std::lock_guard<std::mutex> lock(st.mu);
    for (const std::string& secret : st.secrets) {
      size_t from = 0;
      while ((from = s.find(secret, from)) != std::string::npos) {
        s.replace(from, secret.size(), kRedacted);
        from += kRedacted.size();
      }
    }
  }
  RedactPemBlocks(&s);
  RedactAuthSchemes(&s);
  RedactSalesforceTokens(&s);
  RedactKeyedValues(&s);
  return s;
}

bool ParseLogFormat(std::string_view text, LogFormat* out) {
  if (text == "text") {
    *out = LogFormat::kText;
  } else if (text == "json") {
    *out = LogFormat::kJson;
  } else {
    return false;
  }
  return true;
}

void SetLogFormat(LogFormat format) { g_format.store(static_cast<int>(format)); }
void SetLogJobInText(bool on) { g_job_in_text.store(on); }
void SetLogLevel(LogLevel level) { g_level.store(static_cast<int>(level)); }
LogLevel GetLogLevel() { return static_cast<LogLevel>(g_level.load()); }
void SetFileLogLevel(LogLevel level) { g_file_level.store(static_cast<int>(level)); }
bool LogEnabled(LogLevel level) {
  const int l = static_cast<int>(level);
  return l <= g_level.load() || (g_file_open.load() && l <= g_file_level.load());
}

bool SetLogFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  LogState& st = State();
  std::lock_guard<std::mutex> lock(st.mu);
  if (st.file_fd >= 0) ::close(st.file_fd);
  st.file_fd = fd;
  g_file_open.store(true);
  return true;
}

void SetConsoleOverlay(ConsoleOverlay* overlay) {
  LogState& st = State();
  std::lock_guard<std::mutex> lock(st.mu);
  st.overlay = overlay;
}

void RedrawConsoleOverlay() {
  LogState& st = State();
  std::lock_guard<std::mutex> lock(st.mu);
  if (st.capture != nullptr || st.overlay == nullptr) return;
  const std::string out = st.overlay->Clear() + st.overlay->Redraw();
  (void)!::write(STDERR_FILENO, out.data(), out.size());
}

void AppendJsonString(std::string* out, std::string_view text) {
  *out += '"';
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': *out += "\\\""; break;
      case '\\': *out += "\\\\"; break;
      case '\n': *out += "\\n"; break;
      case '\r': *out += "\\r"; break;
      case '\t': *out += "\\t"; break;
      default:
        if (c < 0x20) {
          *out += fmt::format("\\u{:04x}", c);
        } else {
          *out += ch;
        }
    }
  }
  *out += '"';
}

void CaptureLogForTesting(std::string* sink) {
  LogState& st = State();
  std::lock_guard<std::mutex> lock(st.mu);
  st.capture = sink;
}

LogContext::LogContext(std::string job) : previous_(t_tags) { t_tags = LogTags{std::move(job), "", 0}; }
LogContext::LogContext(LogTags tags) : previous_(std::exchange(t_tags, std::move(tags))) {}
LogContext::~LogContext() { t_tags = std::move(previous_); }

LogTags CurrentLogTags() { return t_tags; }
void SetLogRunId(int64_t run_id) { t_tags.run_id = run_id; }

namespace {

void LogLineTo(bool console, LogLevel level, std::string_view message, const LogFields& fields) {
  const int l = static_cast<int>(level);
  const bool to_console = console && l <= g_level.load();
  const bool to_file = g_file_open.load() && l <= g_file_level.load();
  if (!to_console && !to_file) return;
  const int64_t now = SystemClock()->NowMillis();
  const bool json = g_format.load() == static_cast<int>(LogFormat::kJson);
  // Redacted whole: a secret in a field value or a tag is caught too (JSON escaping leaves the
  // characters of a token as they are).
  std::string line = Redact(json ? FormatJson(now, level, message, fields) : FormatText(now, level, message, fields));
  line += '\n';
  LogState& st = State();
  std::lock_guard<std::mutex> lock(st.mu);
  if (to_console) WriteConsoleLocked(st, line);
  if (to_file && st.file_fd >= 0) (void)!::write(st.file_fd, line.data(), line.size());
}

}  // namespace

void LogLine(LogLevel level, std::string_view message, const LogFields& fields) {
  LogLineTo(true, level, message, fields);
}

void LogLineToFile(LogLevel level, std::string_view message, const LogFields& fields) {
  LogLineTo(false, level, message, fields);
}

}  // namespace sfsync
