// HostileServer (tests only): an HTTP/1.1 server on 127.0.0.1 that misbehaves on purpose. It sits in
// front of the real emulator as a proxy: every request is forwarded and its answer passed back (the
// emulator's URLs in it rewritten to the proxy's, so the client stays on the proxy), unless the
// test's Script takes the request over and writes whatever bytes it likes: a body too deep, a
// cursor pointing at another host, a redirect, an answer trickled a byte at a time.
//
// Without an upstream it answers every request with the Script (or 404). Every request received is
// recorded, with its headers, so a test can check where the token went.
//
// Plain TCP only (TLS misbehaviour is the emulator's, with bad certificates). One thread per
// connection; Stop() (and the destructor) closes every connection and joins the threads.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "connectors/salesforce/http/http_transport.h"

namespace sfsync::testing {

struct ReceivedRequest {
  std::string method;
  std::string target;  // path and query, as sent
  salesforce::HttpHeaders headers;
  std::string body;

  const std::string* Header(std::string_view name) const { return salesforce::FindHeader(headers, name); }
};

// Writes raw bytes to the client of one request.
class RawWriter {
 public:
  explicit RawWriter(int fd, const std::atomic<bool>* stopping) : fd_(fd), stopping_(stopping) {}
  // False once the peer has gone (or the server is stopping).
  bool Write(std::string_view bytes);
  // `bytes` a chunk of `chunk` bytes at a time, `gap` apart; false once the peer has gone.
  bool Trickle(std::string_view bytes, size_t chunk, std::chrono::milliseconds gap);

 private:
  int fd_;
  const std::atomic<bool>* stopping_;
};

// A whole HTTP/1.1 response: status line, Content-Type (JSON unless `content_type`), Content-Length,
// `headers` ("Name: value\r\n" lines), body.
std::string HttpAnswer(int status, const std::string& body, const std::string& headers = "",
                       const std::string& content_type = "application/json;charset=UTF-8");

class HostileServer {
 public:
  // Takes over a request: writes an answer with `out` and returns true, or returns false to let the
  // proxy forward it. `upstream` is the emulator's answer when the request was forwarded first
  // (Script::kAfterUpstream), else null. May run on several threads at once.
  using Script = std::function<bool(const ReceivedRequest& request, const salesforce::HttpResponse* upstream,
                                    RawWriter& out)>;
  enum class When { kBeforeUpstream, kAfterUpstream };

  // `upstream_url` (the emulator's, e.g. http://127.0.0.1:1234) may be empty: no proxying.
  HostileServer(std::string upstream_url, Script script, When when = When::kBeforeUpstream);
  ~HostileServer();
  HostileServer(const HostileServer&) = delete;
  HostileServer& operator=(const HostileServer&) = delete;

  const std::string& url() const { return url_; }  // http://127.0.0.1:PORT
  std::vector<ReceivedRequest> requests() const;
  void Stop();

 private:
  void AcceptLoop();
  void Serve(int fd);
  bool Answer(const ReceivedRequest& request, int fd);

  std::string upstream_url_;
  Script script_;
  When when_;
  std::unique_ptr<salesforce::HttpTransport> upstream_;
  int listen_fd_ = -1;
  std::string url_;
  std::atomic<bool> stopping_{false};
  std::thread accept_thread_;
  mutable std::mutex mu_;
  std::vector<ReceivedRequest> requests_;  // guarded by mu_
  std::list<std::thread> workers_;         // guarded by mu_
  std::vector<int> open_fds_;              // guarded by mu_
};

}  // namespace sfsync::testing
