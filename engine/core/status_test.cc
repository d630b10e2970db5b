#include "engine/core/status.h"

#include <doctest/doctest.h>

#include "engine/core/exit_codes.h"
#include "engine/core/statusor.h"

namespace sfsync {
namespace {

StatusOr<int> Half(int x) {
  if (x % 2 != 0) return InvalidArgumentError("odd");
  return x / 2;
}

StatusOr<int> Quarter(int x) {
  SFSYNC_ASSIGN_OR_RETURN(int h, Half(x));
  return Half(h);
}

TEST_CASE("StatusOr carries a value or the first error") {
  CHECK(*Quarter(8) == 2);
  auto r = Quarter(6);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kInvalidArgument);
  CHECK(r.status().message() == "odd");
}

TEST_CASE("Status text names code, message and reason, Annotate keeps code and reason") {
  Status s(StatusCode::kInvalidArgument, "no such column", "INVALID_FIELD");
  CHECK(s.ToString() == "INVALID_ARGUMENT: no such column [INVALID_FIELD]");
  Status a = s.Annotate("Account");
  CHECK(a.message() == "Account: no such column");
  CHECK(a.reason() == "INVALID_FIELD");
  CHECK(Status().ToString() == "OK");
}

TEST_CASE("exit codes follow the reason first, then the code") {
  CHECK(ExitCodeFor(Status()) == kExitOk);
  CHECK(ExitCodeFor(Status(StatusCode::kInvalidArgument, "bad", "job.invalid")) == kExitInvalidJob);
  CHECK(ExitCodeFor(Status(StatusCode::kUnauthenticated, "x", "auth.grant_expired")) == kExitAuthGrantExpired);
  CHECK(ExitCodeFor(UnauthenticatedError("x")) == kExitAuth);
  CHECK(ExitCodeFor(UnavailableError("x")) == kExitUnavailable);
  CHECK(ExitCodeFor(Status(StatusCode::kResourceExhausted, "x", "REQUEST_LIMIT_EXCEEDED")) == kExitLimit);
  CHECK(ExitCodeFor(CancelledError("x")) == kExitInterrupted);
  CHECK(ExitCodeFor(Status(StatusCode::kFailedPrecondition, "x", "tls")) == kExitTls);
}

}  // namespace
}  // namespace sfsync
