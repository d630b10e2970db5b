// A minimal HTTP/1.1 client over a raw socket, for the emulator's tests and benchmark:
// keep-alive (reconnecting when the server closed), Content-Length and chunked responses,
// gzip decoding, HTTPS verified against a given CA, a per-read timeout. Not for production use:
// no redirects, blocking I/O.
#ifndef SFSYNC_TESTS_EMULATOR_TESTING_HTTP_CLIENT_H_
#define SFSYNC_TESTS_EMULATOR_TESTING_HTTP_CLIENT_H_

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tests/emulator/net/connection.h"
#include "tests/emulator/net/http_message.h"
#include "tests/emulator/net/tls_connection.h"

namespace sfsync::emulator::testing {

struct ClientResponse {
  bool ok = false;        // false: connection or framing failure (see `error`)
  std::string error;
  int status = 0;
  HttpHeaders headers;
  std::string body;       // decoded (gunzipped when Content-Encoding: gzip); when a
                          // Content-Length body was cut short (!ok), the bytes that came
  size_t wire_body_bytes = 0;  // body bytes as received
};

struct ClientOptions {
  std::string ca_file;        // non-empty: HTTPS, trusting only this CA, checking the host name
  int timeout_ms = 120'000;   // a read that waits longer fails ("timed out")
};

class HttpClient {
 public:
  HttpClient(std::string host, int port, ClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  using Headers = std::vector<std::pair<std::string, std::string>>;

  // Sends one request on the kept-alive connection. `target` is path plus query.
  ClientResponse Send(std::string_view method, std::string_view target, const Headers& headers = {},
                      std::string_view body = "");
  ClientResponse Get(std::string_view target, const Headers& headers = {}) {
    return Send("GET", target, headers);
  }

  // Writes raw bytes and reads one response (for malformed-request tests).
  ClientResponse SendRaw(std::string_view bytes);
  // Number of TCP connections opened so far.
  int connections_opened() const { return connections_opened_; }

 private:
  bool Connect(std::string* error);
  void Disconnect();
  bool Fill(std::string* error);
  ClientResponse Exchange(std::string_view bytes, bool head_request);
  ClientResponse ReadResponse(bool head_request);

  std::string host_;
  int port_;
  ClientOptions options_;
  std::unique_ptr<TlsContext> tls_;  // when options_.ca_file is set
  std::string tls_error_;             // why tls_ could not be made
  std::unique_ptr<Connection> connection_;
  std::string buffer_;
  int connections_opened_ = 0;
};

// Percent-encodes a query-string value (spaces as %20).
std::string UrlEncode(std::string_view text);

}  // namespace sfsync::emulator::testing

#endif  // SFSYNC_TESTS_EMULATOR_TESTING_HTTP_CLIENT_H_
