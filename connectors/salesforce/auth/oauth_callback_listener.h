// CallbackListener: receives the browser's redirect at the end of the authorization-code flow
// (protocol §1.4) on a loopback redirect URI such as http://127.0.0.1:1717/callback.
//
// It listens on the loopback interface only (127.0.0.1, or ::1 for a [::1] URI), so nothing off
// this machine can reach it, serves one connection at a time with plain POSIX sockets, and stops
// at the first callback on its path: a code with the expected state, an error, or a forged state.
// Requests for other paths (a browser's /favicon.ico) get 404 and it keeps waiting.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "engine/core/statusor.h"

namespace sfsync::salesforce {

class CallbackListener {
 public:
  // Binds the host and port of `redirect_uri`, which must be http:// to a loopback host
  // (127.0.0.0/8, localhost, [::1]) with an explicit port. Errors: kInvalidArgument (reason
  // "job.invalid") for any other redirect_uri; kUnavailable when the port is taken.
  static StatusOr<std::unique_ptr<CallbackListener>> Start(const std::string& redirect_uri);
  ~CallbackListener();
  CallbackListener(const CallbackListener&) = delete;
  CallbackListener& operator=(const CallbackListener&) = delete;

  // "127.0.0.1:1717" (what the socket is bound to, as getsockname reports it).
  std::string BoundAddress() const;

  // Waits up to `timeout` for GET {path}?code=...&state=... and answers the browser with a short
  // page. Returns the code (registered with RegisterSecret). Errors, each after answering the
  // browser: kUnauthenticated reason "auth.state_mismatch" when state is not `expected_state` (the
  // callback was not caused by this login); the OAuth error of an ?error=... callback, diagnosed
  // like a token-endpoint error; kDeadlineExceeded reason "auth.timeout" when nothing came in time.
  StatusOr<std::string> WaitForCode(const std::string& expected_state, std::chrono::milliseconds timeout);

 private:
  CallbackListener(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}

  int fd_;
  std::string path_;
};

}  // namespace sfsync::salesforce
