// An HTTP/1.1 server on POSIX sockets: one thread per connection, keep-alive, gzip for
// clients that accept it, and a Date header from the emulator clock on every response.
//
// Lifecycle: Listen() binds (port 0 picks a free port), Start() runs the accept loop on its
// own thread, Stop() (also run by the destructor) stops accepting, shuts every open
// connection down and joins all threads. Handle() may be called from many connection
// threads at once, so the handler must be thread-safe.
#ifndef SFSYNC_TESTS_EMULATOR_NET_HTTP_SERVER_H_
#define SFSYNC_TESTS_EMULATOR_NET_HTTP_SERVER_H_

#include <atomic>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "tests/emulator/clock.h"
#include "tests/emulator/net/connection.h"
#include "tests/emulator/net/http_message.h"

namespace sfsync::emulator {

class HttpHandler {
 public:
  virtual ~HttpHandler() = default;
  virtual HttpResponse Handle(const HttpRequest& request) = 0;
};

class HttpServer {
 public:
  static constexpr int kIdleTimeoutMs = 120'000;

  // `handler` and `clock` must outlive the server. Connections come from `factory`
  // (plain TCP by default).
  HttpServer(HttpHandler* handler, const EmulatorClock* clock, ConnectionFactory factory = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens on host:port (an IPv4 address or "localhost"). Returns false with
  // `error` on failure.
  bool Listen(const std::string& host, int port, std::string* error);
  int port() const { return port_; }
  void Start();
  void Stop();

 private:
  struct Worker {
    std::thread thread;
    std::shared_ptr<Connection> connection;
    std::shared_ptr<std::atomic<bool>> done;
  };

  void AcceptLoop();
  void Serve(Connection* connection);
  // Writes status line, Date (unless set), the handler's headers, Content-Length and the body
  // (gzip-encoded when `accept_gzip`; left out for HEAD), after the response's injected delay,
  // acting out its wire fault. True when the connection can serve another request.
  bool WriteResponse(Connection* connection, HttpResponse response, bool accept_gzip,
                     bool keep_alive, bool head_only) const;
  void ReapFinishedWorkers();

  HttpHandler* handler_;
  const EmulatorClock* clock_;
  ConnectionFactory factory_;
  int listen_fd_ = -1;
  int wake_fds_[2] = {-1, -1};  // written by Stop() to end the accept loop
  int port_ = 0;
  std::thread accept_thread_;
  std::mutex workers_mu_;
  std::list<Worker> workers_;
  bool stopping_ = false;  // guarded by workers_mu_
};

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_NET_HTTP_SERVER_H_
