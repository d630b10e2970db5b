// The emulator's listening sockets wired to one Emulator: `--port`, plus `--my-domain-port`
// when set (then `--port` is the login host and the other the org's My Domain), all HTTPS with
// --tls-cert/--tls-key, else plain HTTP. Used by main() and by the in-process test fixture, so
// both serve exactly the same way.
#ifndef SFSYNC_TESTS_EMULATOR_LISTENERS_H_
#define SFSYNC_TESTS_EMULATOR_LISTENERS_H_

#include <memory>
#include <optional>
#include <string>

#include "tests/emulator/api/emulator.h"
#include "tests/emulator/config.h"
#include "tests/emulator/net/http_server.h"
#include "tests/emulator/net/tls_connection.h"

namespace sfsync::emulator {

class Listeners {
 public:
  // Binds every listener, tells `emulator` (which must outlive the result) its URLs and starts
  // serving. Returns null and fills `error` on failure.
  static std::unique_ptr<Listeners> Start(const EmulatorConfig& config, Emulator* emulator, std::string* error);
  ~Listeners();  // stops serving
  Listeners(const Listeners&) = delete;
  Listeners& operator=(const Listeners&) = delete;

  void Stop();

  int port() const { return main_->port(); }
  std::optional<int> my_domain_port() const;
  // `http[s]://127.0.0.1:PORT` of --port: the login host, or the org when it is the only host.
  const std::string& url() const { return url_; }
  // The org's My Domain (instance_url); url() without --my-domain-port.
  const std::string& my_domain_url() const { return my_domain_url_; }

 private:
  Listeners() = default;

  std::unique_ptr<TlsContext> tls_;  // outlives the servers' connections
  std::unique_ptr<HttpServer> main_;
  std::unique_ptr<HttpServer> my_domain_;
  std::string url_;
  std::string my_domain_url_;
};

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_LISTENERS_H_
