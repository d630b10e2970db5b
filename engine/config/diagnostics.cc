#include "engine/config/diagnostics.h"

#include <fmt/format.h>

#include <algorithm>

#include "engine/core/log.h"

namespace sfsync::config {
namespace {

constexpr std::string_view kRedacted = "[REDACTED]";

// Control characters written as \n, \t or \xHH: a key or value from the file (or yaml-cpp's
// "unknown escape character: <c>") must not break a message across lines or into the terminal.
std::string EscapeControls(std::string_view text) {
  std::string out;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (u < 0x20 || u == 0x7f) out += fmt::format("\\x{:02X}", u);
    else out += c;
  }
  return out;
}

}  // namespace

void Diagnostics::Add(SourceLocation at, std::string_view path, std::string message) {
  if (std::any_of(errors_.begin(), errors_.end(), [&](const Error& e) { return e.path == path; })) return;
  errors_.push_back({at, std::string(path), std::move(message)});
}

Status Diagnostics::ToStatus() const {
  std::vector<Error> sorted = errors_;
  std::stable_sort(sorted.begin(), sorted.end(), [](const Error& a, const Error& b) {
    if (a.at.line != b.at.line) return a.at.line < b.at.line;
    return a.at.column < b.at.column;
  });
  std::string text;
  for (const Error& e : sorted) {
    std::string line = fmt::format("{}:{}:{}: ", file_name_, e.at.line, e.at.column);
    if (!e.path.empty()) line += e.path + ": ";
    line += e.message;
    // Secrets are replaced before escaping, so one holding a control character is still found.
    for (const std::string& secret : secrets_) {
      if (secret.size() < kMinRedactedSecretLength) continue;  // as RegisterSecret()
      for (size_t at = line.find(secret); at != std::string::npos; at = line.find(secret, at + kRedacted.size())) {
        line.replace(at, secret.size(), kRedacted);
      }
    }
    if (!text.empty()) text += '\n';
    text += EscapeControls(line);
  }
  return Status(StatusCode::kInvalidArgument, std::move(text), "job.invalid");
}

std::string QuoteForMessage(std::string_view text) {
  constexpr size_t kMaxChars = 80;
  std::string out = "\"";
  size_t shown = 0;
  for (char c : text) {
    const bool starts_character = (static_cast<unsigned char>(c) & 0xC0) != 0x80;  // not a UTF-8 continuation
    if (starts_character && shown == kMaxChars) {
      out += "...";
      break;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
        } else {
          out += c;
        }
    }
    if (starts_character) ++shown;
  }
  out += '"';
  return out;
}

}  // namespace sfsync::config
