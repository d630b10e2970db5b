// One fault-injection rule, as written on the command line (`--fault SPEC`) or posted to
// /__emulator/faults:
//
//   KIND[:key=value[,key=value...]]
//
// Kinds (README "Faults" says what a client sees for each):
//   latency          wait `ms` (± `jitter`) before answering     http500, http503   HTML error page
//   expire_session   401 INVALID_SESSION_ID; the token dies     reset_headers      RST mid-headers
//   reset_body       RST mid-body                               truncate_body      FIN mid-body
//   stall            no answer for `ms` (default 300000)        query_timeout      400 QUERY_TIMEOUT
//   invalid_locator  400 INVALID_QUERY_LOCATOR; the cursor dies malformed_json     200, body cut short
//   limit_exceeded   403 REQUEST_LIMIT_EXCEEDED
//   oversize_body    the answer with `bytes` of whitespace inside it (default 300 MiB)
//   gzip_bomb        the answer gzip-encoded, inflating to `bytes` more (default 300 MiB)
//   stuck_locator    a query cursor that never advances (path default /services/data/*/query*)
//   date_skew        the Date header `seconds` off (required, may be negative)
//   no_date          no Date header
//   unable_to_lock_row  a REST write's records all fail UNABLE_TO_LOCK_ROW, nothing saved
//   lost_answer      a REST write is committed, then the connection is reset before the status line
//
// unable_to_lock_row and lost_answer only see write requests (never GET or HEAD), and their
// `path` defaults to /services/data/* (the REST API, not OAuth).
//
// latency, date_skew and no_date ride on an answer: they add up and let a later rule fire on
// the same request too.
//
// Keys: `path` a glob over the request path (`*` matches any run of characters, default `*`),
// `method` (default any), `after` N (the first N matching requests pass), `every` N (then
// every Nth fires; default 1), `p` P (each candidate fires with probability P, from the fault
// seed), `times` N (fires at most N times; default unlimited), `nth` N (shorthand for
// after=N-1,times=1), `ms` and `jitter` (milliseconds); `bytes` (oversize_body and gzip_bomb
// only) and `seconds` (date_skew only).
#ifndef SFSYNC_TESTS_EMULATOR_FAULTS_FAULT_SPEC_H_
#define SFSYNC_TESTS_EMULATOR_FAULTS_FAULT_SPEC_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sfsync::emulator {

enum class FaultKind {
  kLatency,
  kHttp500,
  kHttp503,
  kExpireSession,
  kResetHeaders,
  kResetBody,
  kTruncateBody,
  kStall,
  kQueryTimeout,
  kInvalidLocator,
  kMalformedJson,
  kLimitExceeded,
  kOversizeBody,
  kGzipBomb,
  kStuckLocator,
  kDateSkew,
  kNoDate,
  kUnableToLockRow,
  kLostAnswer,
};

// Kinds that change an answer on its way out without deciding it (README "Faults").
bool RidesOnAnswer(FaultKind kind);
// Kinds whose rules ignore GET and HEAD requests (they do not count or fire on them).
bool WritesOnly(FaultKind kind);

struct FaultSpec {
  std::string text;  // as written
  FaultKind kind = FaultKind::kHttp503;
  std::string path = "*";
  std::string method;  // empty: any
  int64_t after = 0;
  int64_t every = 1;
  double probability = 1.0;
  int64_t times = -1;  // -1: unlimited
  int64_t ms = 0;
  int64_t jitter_ms = 0;
  int64_t bytes = 0;         // oversize_body, gzip_bomb
  int64_t skew_seconds = 0;  // date_skew
};

// Returns nullopt and fills `error` (naming the key or kind) when `text` is not a valid spec.
std::optional<FaultSpec> ParseFaultSpec(std::string_view text, std::string* error);

std::string_view FaultKindName(FaultKind kind);

// `*` matches any run of characters (including `/`); everything else matches itself.
bool GlobMatch(std::string_view pattern, std::string_view text);

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_FAULTS_FAULT_SPEC_H_
