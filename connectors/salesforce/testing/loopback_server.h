// LoopbackServer: a tiny HTTP/1.1 (optionally TLS) responder on 127.0.0.1, test-only.
//
// It exists to test the real transport against real sockets: each reply is raw bytes chosen by the
// test, so a test can send gzip bodies, chunked bodies, truncated bodies, slow answers, redirects,
// and bodies too large to hold (streamed). Connections are kept alive until the client closes them
// or a reply says `close`.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "connectors/salesforce/http/http_transport.h"

namespace sfsync::salesforce::testing {

struct ServerRequest {
  std::string method;
  std::string target;  // path and query as sent
  HttpHeaders headers;
  std::string body;
  const std::string* Header(std::string_view name) const { return FindHeader(headers, name); }
};

struct ServerReply {
  std::string raw;                        // written as is
  std::chrono::milliseconds delay{0};     // waited before writing (cut short when the server stops)
  bool close = false;                     // close the connection after writing
  // After `raw`, what `more` yields is written, one piece per call, until it returns false, the
  // client stops reading (closes) or the server stops: a body too large to hold in memory.
  std::function<bool(std::string* piece)> more = nullptr;
};

// A PEM certificate and key for a TLS server.
struct TlsIdentity {
  std::string cert_pem;
  std::string key_pem;
};

// A self-signed certificate for `dns_name` (also valid for IP 127.0.0.1), valid for a day.
TlsIdentity MakeSelfSignedIdentity(const std::string& dns_name);

// "HTTP/1.1 <status> X\r\n<headers>Content-Length: N\r\n\r\n<body>".
std::string RawResponse(int status, const HttpHeaders& headers, std::string_view body);

// `data` framed as one chunk of a chunked body: "<size in hex>\r\n<data>\r\n" ("0\r\n\r\n" ends it).
std::string Chunk(std::string_view data);
// `body` as a whole chunked body, in chunks of `chunk_size` bytes, with its final empty chunk.
std::string ChunkedBody(std::string_view body, size_t chunk_size);

class LoopbackServer {
 public:
  using Handler = std::function<ServerReply(const ServerRequest&)>;

  // Starts listening on an ephemeral port. With `tls`, speaks HTTPS using that identity.
  explicit LoopbackServer(Handler handler, std::unique_ptr<TlsIdentity> tls = nullptr);
  ~LoopbackServer();  // stops accepting, closes every connection, joins all threads

  int port() const { return port_; }
  // "http://127.0.0.1:PORT" + path (https:// with TLS).
  std::string Url(std::string_view path) const;
  int connections_accepted() const { return accepted_.load(); }
  // Bytes of replies the client's socket accepted so far (the kernel buffers some a client never reads).
  int64_t bytes_written() const { return written_.load(); }
  std::vector<ServerRequest> requests() const;

 private:
  struct Connection;
  void AcceptLoop();
  void Serve(std::shared_ptr<Connection> connection);
  bool WaitUnlessStopped(std::chrono::milliseconds delay);

  Handler handler_;
  std::unique_ptr<TlsIdentity> tls_;
  void* ssl_ctx_ = nullptr;  // SSL_CTX*, kept opaque to keep OpenSSL out of this header
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<int> accepted_{0};
  std::atomic<int64_t> written_{0};
  std::atomic<bool> stopping_{false};
  mutable std::mutex mu_;
  std::condition_variable stop_cv_;
  std::vector<ServerRequest> requests_;
  std::vector<std::shared_ptr<Connection>> connections_;
  std::vector<std::thread> threads_;
  std::thread accept_thread_;
};

}  // namespace sfsync::salesforce::testing
