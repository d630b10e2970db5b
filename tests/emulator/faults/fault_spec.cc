#include "tests/emulator/faults/fault_spec.h"

#include <charconv>
#include <utility>

namespace sfsync::emulator {
namespace {

constexpr std::pair<FaultKind, std::string_view> kKinds[] = {
    {FaultKind::kLatency, "latency"},
    {FaultKind::kHttp500, "http500"},
    {FaultKind::kHttp503, "http503"},
    {FaultKind::kExpireSession, "expire_session"},
    {FaultKind::kResetHeaders, "reset_headers"},
    {FaultKind::kResetBody, "reset_body"},
    {FaultKind::kTruncateBody, "truncate_body"},
    {FaultKind::kStall, "stall"},
    {FaultKind::kQueryTimeout, "query_timeout"},
    {FaultKind::kInvalidLocator, "invalid_locator"},
    {FaultKind::kMalformedJson, "malformed_json"},
    {FaultKind::kLimitExceeded, "limit_exceeded"},
    {FaultKind::kOversizeBody, "oversize_body"},
    {FaultKind::kGzipBomb, "gzip_bomb"},
    {FaultKind::kStuckLocator, "stuck_locator"},
    {FaultKind::kDateSkew, "date_skew"},
    {FaultKind::kNoDate, "no_date"},
    {FaultKind::kUnableToLockRow, "unable_to_lock_row"},
    {FaultKind::kLostAnswer, "lost_answer"},
};

constexpr int64_t kDefaultStallMs = 300'000;
// Big enough to exhaust a client that buffers whole bodies, small enough to send in seconds.
constexpr int64_t kDefaultPaddingBytes = 300LL << 20;
// Query, queryAll and their continuation pages: the only answers a stuck cursor can replace.
constexpr std::string_view kQueryPaths = "/services/data/*/query*";
// The REST API: where the write faults act by default.
constexpr std::string_view kRestPaths = "/services/data/*";

bool ParseCount(std::string_view text, int64_t min, int64_t* out) {
  int64_t value = 0;
  auto parsed = std::from_chars(text.data(), text.data() + text.size(), value);
  if (parsed.ec != std::errc() || parsed.ptr != text.data() + text.size() || value < min) return false;
  *out = value;
  return true;
}

bool ParseSigned(std::string_view text, int64_t* out) {
  int64_t value = 0;
  auto parsed = std::from_chars(text.data(), text.data() + text.size(), value);
  if (parsed.ec != std::errc() || parsed.ptr != text.data() + text.size()) return false;
  *out = value;
  return true;
}

bool ParseProbability(std::string_view text, double* out) {
  double value = 0;
  auto parsed = std::from_chars(text.data(), text.data() + text.size(), value);
  if (parsed.ec != std::errc() || parsed.ptr != text.data() + text.size() || value < 0 || value > 1) return false;
  *out = value;
  return true;
}

}  // namespace

bool RidesOnAnswer(FaultKind kind) {
  return kind == FaultKind::kLatency || kind == FaultKind::kDateSkew || kind == FaultKind::kNoDate;
}

bool WritesOnly(FaultKind kind) { return kind == FaultKind::kUnableToLockRow || kind == FaultKind::kLostAnswer; }

std::string_view FaultKindName(FaultKind kind) {
  for (const auto& [k, name] : kKinds) {
    if (k == kind) return name;
  }
  return "?";
}

bool GlobMatch(std::string_view pattern, std::string_view text) {
  // Iterative matching with one backtrack point: the last `*` and where its run ended.
  size_t p = 0, t = 0, star = std::string_view::npos, resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::optional<FaultSpec> ParseFaultSpec(std::string_view text, std::string* error) {
  FaultSpec spec;
  spec.text = std::string(text);
  size_t colon = text.find(':');
  std::string_view kind = text.substr(0, colon);
  bool known = false;
  for (const auto& [k, name] : kKinds) {
    if (name == kind) {
      spec.kind = k;
      known = true;
    }
  }
  if (!known) {
    *error = "unknown fault kind '" + std::string(kind) + "'";
    return std::nullopt;
  }
  bool has_ms = false, has_nth = false, has_after_every_times = false, has_path = false, has_bytes = false,
       has_seconds = false;
  std::string_view options = colon == std::string_view::npos ? "" : text.substr(colon + 1);
  while (!options.empty()) {
    size_t comma = options.find(',');
    std::string_view option = options.substr(0, comma);
    options = comma == std::string_view::npos ? "" : options.substr(comma + 1);
    size_t eq = option.find('=');
    if (eq == std::string_view::npos) {
      *error = "fault option '" + std::string(option) + "' needs key=value";
      return std::nullopt;
    }
    std::string_view key = option.substr(0, eq);
    std::string_view value = option.substr(eq + 1);
    int64_t nth = 0;
    bool ok = true;
    if (key == "path") {
      spec.path = std::string(value);
      ok = !value.empty();
      has_path = true;
    } else if (key == "method") {
      spec.method = std::string(value);
      ok = !value.empty();
    } else if (key == "after") {
      ok = ParseCount(value, 0, &spec.after);
      has_after_every_times = true;
    } else if (key == "every") {
      ok = ParseCount(value, 1, &spec.every);
      has_after_every_times = true;
    } else if (key == "times") {
      ok = ParseCount(value, 0, &spec.times);
      has_after_every_times = true;
    } else if (key == "nth") {
      ok = ParseCount(value, 1, &nth);
      spec.after = nth - 1;
      spec.times = 1;
      has_nth = true;
    } else if (key == "p") {
      ok = ParseProbability(value, &spec.probability);
    } else if (key == "ms") {
      ok = ParseCount(value, 0, &spec.ms);
      has_ms = true;
    } else if (key == "jitter") {
      ok = ParseCount(value, 0, &spec.jitter_ms);
    } else if (key == "bytes") {
      ok = ParseCount(value, 1, &spec.bytes);
      has_bytes = true;
    } else if (key == "seconds") {
      ok = ParseSigned(value, &spec.skew_seconds);
      has_seconds = true;
    } else {
      *error = "unknown fault option '" + std::string(key) + "'";
      return std::nullopt;
    }
    if (!ok) {
      *error = "bad value for fault option " + std::string(key) + ": '" + std::string(value) + "'";
      return std::nullopt;
    }
  }
  if (has_nth && has_after_every_times) {
    *error = "nth cannot be combined with after, every or times";
    return std::nullopt;
  }
  if (spec.kind == FaultKind::kLatency && !has_ms) {
    *error = "latency needs ms=N";
    return std::nullopt;
  }
  bool pads = spec.kind == FaultKind::kOversizeBody || spec.kind == FaultKind::kGzipBomb;
  if (has_bytes && !pads) {
    *error = "bytes applies to oversize_body and gzip_bomb only";
    return std::nullopt;
  }
  if (has_seconds != (spec.kind == FaultKind::kDateSkew)) {
    *error = has_seconds ? "seconds applies to date_skew only" : "date_skew needs seconds=S";
    return std::nullopt;
  }
  if (spec.kind == FaultKind::kStall && !has_ms) spec.ms = kDefaultStallMs;
  if (pads && !has_bytes) spec.bytes = kDefaultPaddingBytes;
  if (spec.kind == FaultKind::kStuckLocator && !has_path) spec.path = std::string(kQueryPaths);
  if (WritesOnly(spec.kind) && !has_path) spec.path = std::string(kRestPaths);
  return spec;
}

}  // namespace sfsync::emulator
