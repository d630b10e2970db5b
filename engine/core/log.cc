#include "engine/core/log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
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
};

LogState& State() {
  static LogState* state = new LogState();  // never destroyed: logging may run during exit
  return *state;
}

std::atomic<int> g_level{static_cast<int>(LogLevel::kInfo)};
thread_local std::string t_context;  // LogContext's label on this thread

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

void SetLogLevel(LogLevel level) { g_level.store(static_cast<int>(level)); }
LogLevel GetLogLevel() { return static_cast<LogLevel>(g_level.load()); }
bool LogEnabled(LogLevel level) { return static_cast<int>(level) <= g_level.load(); }

bool SetLogFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  LogState& st = State();
  std::lock_guard<std::mutex> lock(st.mu);
  if (st.file_fd >= 0) ::close(st.file_fd);
  st.file_fd = fd;
  return true;
}

void CaptureLogForTesting(std::string* sink) {
  LogState& st = State();
  std::lock_guard<std::mutex> lock(st.mu);
  st.capture = sink;
}

LogContext::LogContext(std::string label) : previous_(std::exchange(t_context, std::move(label))) {}
LogContext::~LogContext() { t_context = std::move(previous_); }

std::string CurrentLogContext() { return t_context; }

void LogLine(LogLevel level, std::string_view message) {
  static constexpr std::string_view kNames[] = {"ERROR", "WARN", "INFO", "DEBUG", "TRACE"};
  std::string line = FormatIsoUtc(SystemClock()->NowMillis());
  line += ' ';
  line += kNames[static_cast<int>(level)];
  line += ' ';
  line += Redact(t_context.empty() ? std::string(message) : fmt::format("[{}] {}", t_context, message));
  line += '\n';
  LogState& st = State();
  std::lock_guard<std::mutex> lock(st.mu);
  if (st.capture != nullptr) {
    *st.capture += line;
  } else {
    (void)!::write(STDERR_FILENO, line.data(), line.size());
  }
  if (st.file_fd >= 0) (void)!::write(st.file_fd, line.data(), line.size());
}

}  // namespace sfsync
