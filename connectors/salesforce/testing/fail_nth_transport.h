// FailNthTransport: forwards every request to another transport, except that the Nth request (and,
// in persistent mode, every one after it) fails as a dropped connection. Test-only (SQLite's
// fail-the-Nth-call discipline, STYLE.md).
#pragma once

#include <atomic>

#include "connectors/salesforce/http/http_transport.h"
#include "connectors/salesforce/testing/fake_transport.h"

namespace sfsync::salesforce::testing {

class FailNthTransport : public HttpTransport {
 public:
  FailNthTransport(HttpTransport* base, int n, bool persistent) : base_(base), n_(n), persistent_(persistent) {}

  StatusOr<HttpResponse> Send(const HttpRequest& request) override {
    const int call = ++calls_;
    if (call == n_ || (persistent_ && call > n_)) {
      injected_ = true;
      return TransportFailure("injected failure of call " + std::to_string(call));
    }
    return base_->Send(request);
  }

  bool injected() const { return injected_; }
  int calls() const { return calls_; }  // requests seen, the failed ones included

 private:
  HttpTransport* const base_;
  const int n_;
  const bool persistent_;
  std::atomic<int> calls_{0};
  std::atomic<bool> injected_{false};
};

}  // namespace sfsync::salesforce::testing
