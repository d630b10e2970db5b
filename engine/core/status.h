// Status: the outcome of an operation that can fail, returned (never thrown) across module edges.
//
// The code tells the caller what to do (abseil's convention, STYLE.md):
//   kUnavailable        retry this call with backoff (5xx, resets, timeouts).
//   kAborted            restart the unit of work from its checkpoint (expired query cursor).
//   kFailedPrecondition stop until someone fixes state (revoked grant, missing table).
//   kInvalidArgument    bad input (job file, SOQL, field names); retrying cannot help.
//   kUnauthenticated    credentials rejected; renew once, then give up.
//   kResourceExhausted  a quota is spent (REQUEST_LIMIT_EXCEEDED); stop for this run.
//   kDataLoss           a response or file is corrupt or truncated.
//   kCancelled          the user asked us to stop (SIGINT/SIGTERM).
//
// `reason()` carries a machine-readable cause from the far side when there is one (a Salesforce
// errorCode such as "INVALID_FIELD", an OAuth error such as "invalid_grant"), so callers can branch
// on it without parsing the message. Messages never contain secrets (see log.h).
#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace sfsync {

enum class StatusCode {
  kOk = 0,
  kCancelled,
  kUnknown,
  kInvalidArgument,
  kDeadlineExceeded,
  kNotFound,
  kAlreadyExists,
  kPermissionDenied,
  kResourceExhausted,
  kFailedPrecondition,
  kAborted,
  kOutOfRange,
  kUnimplemented,
  kInternal,
  kUnavailable,
  kDataLoss,
  kUnauthenticated,
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message, std::string reason = {})
      : code_(code), message_(std::move(message)), reason_(std::move(reason)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::string& reason() const { return reason_; }

  // "CODE: message" (plus " [reason]" when set); "OK" for success.
  std::string ToString() const;

  // Returns a copy whose message is "prefix: message"; code and reason are kept.
  Status Annotate(std::string_view prefix) const;

  // Explicitly drops a status the caller has decided not to act on.
  void IgnoreError() const {}

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::string reason_;
};

inline Status InvalidArgumentError(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
inline Status NotFoundError(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status FailedPreconditionError(std::string m) { return {StatusCode::kFailedPrecondition, std::move(m)}; }
inline Status UnavailableError(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
inline Status AbortedError(std::string m) { return {StatusCode::kAborted, std::move(m)}; }
inline Status InternalError(std::string m) { return {StatusCode::kInternal, std::move(m)}; }
inline Status DataLossError(std::string m) { return {StatusCode::kDataLoss, std::move(m)}; }
inline Status UnauthenticatedError(std::string m) { return {StatusCode::kUnauthenticated, std::move(m)}; }
inline Status PermissionDeniedError(std::string m) { return {StatusCode::kPermissionDenied, std::move(m)}; }
inline Status ResourceExhaustedError(std::string m) { return {StatusCode::kResourceExhausted, std::move(m)}; }
inline Status CancelledError(std::string m) { return {StatusCode::kCancelled, std::move(m)}; }
inline Status DeadlineExceededError(std::string m) { return {StatusCode::kDeadlineExceeded, std::move(m)}; }
inline Status UnimplementedError(std::string m) { return {StatusCode::kUnimplemented, std::move(m)}; }

}  // namespace sfsync

// Propagates a non-OK Status to the caller.
#define SFSYNC_RETURN_IF_ERROR(expr)               \
  do {                                             \
    ::sfsync::Status sfsync_status_ = (expr);      \
    if (!sfsync_status_.ok()) return sfsync_status_; \
  } while (0)
