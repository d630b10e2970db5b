#include "engine/config/references.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "engine/core/log.h"

namespace sfsync::config {
namespace {

constexpr std::string_view kFilePrefix = "file:";
// What a secret becomes when a job is loaded offline (never sent: such a job does not run).
constexpr std::string_view kOfflineSecret = "(not read: offline)";
constexpr std::string_view kUseReference = "use ${ENV_VAR} or file:PATH";
constexpr size_t kMaxSecretFileBytes = 1 << 20;

bool IsNameStart(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }

bool IsVariableName(std::string_view name) {
  if (name.empty() || !IsNameStart(name[0])) return false;
  for (char c : name) {
    if (!IsNameChar(c)) return false;
  }
  return true;
}

std::string MissingMessage(const std::vector<std::string>& missing) {
  if (missing.size() == 1) return fmt::format("environment variable {} is not set", missing[0]);
  return fmt::format("environment variables {} are not set", fmt::join(missing, ", "));
}

// Where `needle` sits inside the value of `node`, when it can be found on the value's first line
// (quoting and escapes can hide it; then the value's own location is the best we have).
SourceLocation LocateInValue(const JobDocument& doc, const SourceNode& node, std::string_view needle) {
  const std::string& text = doc.text;
  size_t found = text.find(needle, node.value_offset);
  size_t line_end = text.find('\n', node.value_offset);
  if (found == std::string::npos || (line_end != std::string::npos && found > line_end)) return node.value;
  size_t line_start = text.rfind('\n', found);
  line_start = line_start == std::string::npos ? 0 : line_start + 1;
  return {node.value.line, static_cast<int>(found - line_start) + 1};
}

std::string NeedleAt(std::string_view text, size_t offset) {
  size_t close = text.find('}', offset);
  return std::string(text.substr(offset, close == std::string_view::npos ? std::string_view::npos : close + 1 - offset));
}

// Reads a secret file; on failure returns false with a message naming the path, never content.
bool ReadSecretFile(const std::string& path, std::string* out, std::string* error) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    *error = fmt::format("cannot read secret file '{}': {}", path, std::strerror(errno));
    return false;
  }
  std::string content;
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0 && content.size() <= kMaxSecretFileBytes) {
    content.append(buffer, n);
  }
  const bool failed = std::ferror(f) != 0;
  const int read_errno = errno;
  std::fclose(f);
  if (failed) {
    *error = fmt::format("cannot read secret file '{}': {}", path, std::strerror(read_errno));
    return false;
  }
  if (content.size() > kMaxSecretFileBytes) {
    *error = fmt::format("secret file '{}' is larger than 1 MiB: is it the right file?", path);
    return false;
  }
  while (!content.empty() && (content.back() == '\n' || content.back() == '\r')) content.pop_back();
  if (content.empty()) {
    *error = fmt::format("secret file '{}' is empty", path);
    return false;
  }
  *out = std::move(content);
  return true;
}

class Resolver {
 public:
  Resolver(JobDocument* doc, std::string_view base_dir, const EnvLookup& env, bool offline, bool offline_reads_store,
           Diagnostics* diag)
      : doc_(doc), base_dir_(base_dir), env_(env), offline_(offline), offline_reads_store_(offline_reads_store),
        diag_(diag) {}

  void Walk(nlohmann::json* value, const std::string& pointer) {
    if (IsSecretKey(LastToken(pointer))) {
      ResolveSecret(value, pointer);
    } else if (value->is_string()) {
      ExpandString(value, pointer);
    } else if (value->is_object()) {
      for (auto& [key, child] : value->items()) Walk(&child, ChildPointer(pointer, key));
    } else if (value->is_array()) {
      for (size_t i = 0; i < value->size(); ++i) Walk(&(*value)[i], ChildPointer(pointer, i));
    }
  }

 private:
  // Reports what is wrong with an expansion; returns true when it expanded cleanly.
  bool Report(const Expansion& e, std::string_view raw, const SourceNode& node) {
    if (e.syntax_error.empty() && e.missing.empty()) return true;
    SourceLocation at = LocateInValue(*doc_, node, NeedleAt(raw, e.problem_offset));
    diag_->Add(at, node.path, e.syntax_error.empty() ? MissingMessage(e.missing) : e.syntax_error);
    return false;
  }

  void ExpandString(nlohmann::json* value, const std::string& pointer) {
    const std::string raw = value->get<std::string>();
    Expansion e = ExpandVariables(raw, env_);
    if (Report(e, raw, doc_->source.Find(pointer))) *value = std::move(e.value);
  }

  void ResolveSecret(nlohmann::json* value, const std::string& pointer) {
    const SourceNode& node = doc_->source.Find(pointer);
    const bool offline = offline_ && !(offline_reads_store_ && pointer.rfind("/store/", 0) == 0);
    if (value->is_null()) {
      diag_->AtValue(node, fmt::format("no value: {}", kUseReference));
      return;
    }
    if (value->is_array() || value->is_object()) return;  // the schema reports the wrong type
    if (!value->is_string()) {
      diag_->AtValue(node, fmt::format("plain-text secret in job file: {}", kUseReference));
      return;
    }
    const std::string raw = value->get<std::string>();
    std::string secret;
    if (raw.size() > 3 && raw.rfind("${", 0) == 0 && raw.back() == '}' &&
        IsVariableName(std::string_view(raw).substr(2, raw.size() - 3))) {
      const std::string name = raw.substr(2, raw.size() - 3);
      if (offline) {
        *value = std::string(kOfflineSecret);
        return;
      }
      std::optional<std::string> found = env_(name);
      if (!found) {
        diag_->AtValue(node, MissingMessage({name}));
        return;
      }
      if (found->empty()) {
        diag_->AtValue(node, fmt::format("environment variable {} is empty", name));
        return;
      }
      secret = std::move(*found);
    } else if (raw.rfind(kFilePrefix, 0) == 0) {
      const std::string path_text = raw.substr(kFilePrefix.size());
      if (offline) {
        if (path_text.empty()) diag_->AtValue(node, "file: needs the path of the file holding the secret");
        *value = std::string(kOfflineSecret);
        return;
      }
      Expansion e = ExpandVariables(path_text, env_);
      if (!Report(e, path_text, node)) return;
      if (e.value.empty()) {
        diag_->AtValue(node, "file: needs the path of the file holding the secret");
        return;
      }
      std::filesystem::path path(e.value);
      if (path.is_relative()) path = std::filesystem::path(base_dir_) / path;
      std::string error;
      if (!ReadSecretFile(path.lexically_normal().string(), &secret, &error)) {
        diag_->AtValue(node, error);
        return;
      }
    } else {
      diag_->AtValue(node, fmt::format("plain-text secret in job file: {}", kUseReference));
      return;
    }
    RegisterSecret(secret);
    diag_->AddSecret(secret);
    *value = std::move(secret);
  }

  JobDocument* doc_;
  std::string_view base_dir_;
  const EnvLookup& env_;
  const bool offline_;
  const bool offline_reads_store_;
  Diagnostics* diag_;
};

}  // namespace

bool IsSecretKey(std::string_view key) {
  return key == "client_secret" || key == "refresh_token" || key == "private_key_passphrase" || key == "password";
}

Expansion ExpandVariables(std::string_view text, const EnvLookup& env) {
  Expansion out;
  bool problem = false;
  auto note_problem = [&](size_t offset) {
    if (!problem) out.problem_offset = offset;
    problem = true;
  };
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] != '$' || i + 1 == text.size() || (text[i + 1] != '$' && text[i + 1] != '{')) {
      out.value += text[i++];
      continue;
    }
    if (text[i + 1] == '$') {
      out.value += '$';
      i += 2;
      continue;
    }
    size_t close = text.find('}', i + 2);
    if (close == std::string_view::npos) {
      note_problem(i);
      out.syntax_error = "'${' is not closed by '}' (write $$ for a literal $)";
      return out;
    }
    std::string name(text.substr(i + 2, close - i - 2));
    if (!IsVariableName(name)) {
      note_problem(i);
      out.syntax_error = fmt::format(
          "'${{{}}}' is not a valid variable reference (names are letters, digits and _, not starting with a "
          "digit; write $$ for a literal $)",
          name);
      return out;
    }
    if (std::optional<std::string> found = env(name)) {
      out.value += *found;
    } else {
      note_problem(i);
      if (std::find(out.missing.begin(), out.missing.end(), name) == out.missing.end()) out.missing.push_back(name);
    }
    i = close + 1;
  }
  return out;
}

void ResolveReferences(JobDocument* doc, std::string_view base_dir, const EnvLookup& env, bool offline,
                       Diagnostics* diag, bool offline_reads_store) {
  Resolver(doc, base_dir, env, offline, offline_reads_store, diag).Walk(&doc->root, "");
}

}  // namespace sfsync::config
