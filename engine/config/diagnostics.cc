#include "engine/config/diagnostics.h"

#include <fmt/format.h>

#include <algorithm>

#include "engine/core/log.h"

namespace sfsync::config {
namespace {

constexpr std::string_view kRedacted = "[REDACTED]";

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
    if (!text.empty()) text += '\n';
    text += fmt::format("{}:{}:{}: ", file_name_, e.at.line, e.at.column);
    if (!e.path.empty()) text += e.path + ": ";
    text += e.message;
  }
  for (const std::string& secret : secrets_) {
    if (secret.size() < kMinRedactedSecretLength) continue;  // as RegisterSecret()
    for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at + kRedacted.size())) {
      text.replace(at, secret.size(), kRedacted);
    }
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
