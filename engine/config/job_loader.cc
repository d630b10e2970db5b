#include "engine/config/job_loader.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "engine/config/diagnostics.h"
#include "engine/config/job_builder.h"
#include "engine/config/job_checks.h"
#include "engine/config/references.h"
#include "engine/config/schema_validator.h"
#include "engine/config/yaml_document.h"

namespace sfsync::config {
namespace {

constexpr size_t kMaxJobFileBytes = 1 << 20;

Status FileError(const std::string& path, std::string_view problem) {
  return Status(StatusCode::kInvalidArgument, fmt::format("{}: {}", path, problem), "job.invalid");
}

std::string AbsolutePath(std::string_view dir) {
  std::error_code ec;
  std::filesystem::path p = std::filesystem::absolute(std::filesystem::path(dir.empty() ? "." : dir), ec);
  return (ec ? std::filesystem::path(dir) : p).lexically_normal().string();
}

// A version other than 1 may use keys this sfsync does not know: say only that.
bool RefuseOtherVersion(const JobDocument& doc, Diagnostics* diag) {
  const nlohmann::json& version = doc.root.contains("version") ? doc.root.at("version") : nullptr;
  if (!version.is_number_integer() || version.get<int64_t>() == 1) return false;
  diag->AtValue(doc.source.Find("/version"),
                fmt::format("unsupported job file version {}: this sfsync reads version 1", version.dump()));
  return true;
}

}  // namespace

EnvLookup ProcessEnv() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

namespace {

// Where `text` stops being UTF-8 (overlong forms, surrogates and values past U+10FFFF included);
// nullopt when it is valid. YAML requires Unicode, and valijson's length checks read past a table on
// invalid sequences (UBSan, found by the job_yaml fuzzer): such a file is refused up front.
std::optional<SourceLocation> FirstInvalidUtf8(std::string_view text) {
  SourceLocation at;
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    bool ok = n != 0 && i + n <= text.size();
    uint32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
    for (size_t k = 1; ok && k < n; ++k) {
      const auto cc = static_cast<unsigned char>(text[i + k]);
      ok = (cc & 0xC0) == 0x80;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (ok && n > 1) {
      ok = (n == 2 && cp >= 0x80) || (n == 3 && cp >= 0x800 && (cp < 0xD800 || cp > 0xDFFF)) ||
           (n == 4 && cp >= 0x10000 && cp <= 0x10FFFF);
    }
    if (!ok) return at;
    if (c == '\n') {
      ++at.line;
      at.column = 1;
    } else {
      ++at.column;
    }
    i += n;
  }
  return std::nullopt;
}

}  // namespace

StatusOr<Job> ParseJob(std::string_view yaml_text, std::string_view file_name, std::string_view base_dir,
                       const EnvLookup& env, const LoadOptions& options) {
  const std::string base = AbsolutePath(base_dir);
  Diagnostics diag{std::string(file_name)};
  if (std::optional<SourceLocation> bad = FirstInvalidUtf8(yaml_text)) {
    diag.Add(*bad, "", "not valid UTF-8: a job file must be UTF-8 text");
    return diag.ToStatus();
  }

  std::optional<JobDocument> doc = ParseYamlDocument(yaml_text, &diag);
  if (!doc || RefuseOtherVersion(*doc, &diag)) return diag.ToStatus();

  ResolveReferences(&*doc, base, env, options.offline, &diag, options.offline_reads_store);
  ValidateAgainstSchema(*doc, &diag);
  if (!diag.empty()) return diag.ToStatus();

  std::optional<Job> job = BuildJob(*doc, base, env, &diag);
  if (!job) return diag.ToStatus();
  CheckJob(*job, *doc, &diag);
  if (!diag.empty()) return diag.ToStatus();

  job->source_path = (std::filesystem::path(base) / std::filesystem::path(file_name).filename()).string();
  return std::move(*job);
}

StatusOr<Job> LoadJobFile(const std::string& path, const EnvLookup& env, const LoadOptions& options) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return FileError(path, fmt::format("cannot read job file: {}", std::strerror(errno)));
  std::string text;
  char buffer[8192];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0 && text.size() <= kMaxJobFileBytes) text.append(buffer, n);
  const bool failed = std::ferror(f) != 0;
  const int read_errno = errno;
  std::fclose(f);
  if (failed) return FileError(path, fmt::format("cannot read job file: {}", std::strerror(read_errno)));
  if (text.size() > kMaxJobFileBytes) return FileError(path, "larger than 1 MiB: is this a job file?");

  const std::filesystem::path absolute = AbsolutePath(path);
  StatusOr<Job> job = ParseJob(text, path, absolute.parent_path().string(), env, options);
  if (job.ok()) job->source_path = absolute.string();
  return job;
}

}  // namespace sfsync::config
