#include "tests/emulator/net/http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "tests/emulator/net/gzip.h"
#include "tests/emulator/net/request_reader.h"
#include "tests/emulator/time_util.h"

namespace sfsync::emulator {
namespace {

HttpResponse PlainError(int status) {
  HttpResponse response;
  response.status = status;
  response.headers.Set("Content-Type", "text/plain;charset=UTF-8");
  response.body = std::string(ReasonPhrase(status)) + "\n";
  return response;
}

bool WantsKeepAlive(const HttpRequest& request) {
  std::optional<std::string_view> connection = request.headers.Get("Connection");
  if (request.minor_version == 0) {
    return connection && HeaderListsToken(*connection, "keep-alive");
  }
  return !(connection && HeaderListsToken(*connection, "close"));
}

// `body` with `padding.bytes` of filler at `padding.at`, the filler written a chunk at a time.
bool WritePadded(Connection* connection, std::string_view body, const BodyPadding& padding) {
  const std::string filler(64 * 1024, padding.fill);
  if (!connection->WriteAll(body.substr(0, padding.at))) return false;
  for (int64_t left = padding.bytes; left > 0; left -= static_cast<int64_t>(filler.size())) {
    size_t size = static_cast<size_t>(std::min<int64_t>(left, static_cast<int64_t>(filler.size())));
    if (!connection->WriteAll(std::string_view(filler).substr(0, size))) return false;
  }
  return connection->WriteAll(body.substr(padding.at));
}

}  // namespace

HttpServer::HttpServer(HttpHandler* handler, const EmulatorClock* clock, ConnectionFactory factory)
    : handler_(handler), clock_(clock), factory_(std::move(factory)) {
  if (!factory_) {
    factory_ = [](int fd) { return std::make_unique<TcpConnection>(fd, kIdleTimeoutMs); };
  }
}

HttpServer::~HttpServer() {
  Stop();
  for (int fd : wake_fds_) {
    if (fd >= 0) close(fd);
  }
  if (listen_fd_ >= 0) close(listen_fd_);
}

bool HttpServer::Listen(const std::string& host, int port, std::string* error) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  std::string ip = host == "localhost" ? "127.0.0.1" : host;
  if (inet_pton(AF_INET, ip.c_str(), &address.sin_addr) != 1) {
    *error = "not an IPv4 address: " + host;
    return false;
  }
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (listen_fd_ < 0 || bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      listen(listen_fd_, 128) != 0 || pipe2(wake_fds_, O_CLOEXEC) != 0) {
    *error = "cannot listen on " + host + ":" + std::to_string(port) + ": " + std::strerror(errno);
    return false;
  }
  socklen_t length = sizeof(address);
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
  return true;
}

void HttpServer::Start() {
  accept_thread_ = std::thread([this] { AcceptLoop(); });
}

void HttpServer::Stop() {
  {
    std::lock_guard<std::mutex> lock(workers_mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  if (wake_fds_[1] >= 0) {
    char byte = 0;
    [[maybe_unused]] ssize_t ignored = write(wake_fds_[1], &byte, 1);
  }
  if (accept_thread_.joinable()) accept_thread_.join();
  std::list<Worker> workers;
  {
    std::lock_guard<std::mutex> lock(workers_mu_);
    workers.swap(workers_);
  }
  for (Worker& worker : workers) worker.connection->Shutdown();
  for (Worker& worker : workers) worker.thread.join();
}

void HttpServer::AcceptLoop() {
  while (true) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_fds_[0], POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents != 0) return;
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    std::shared_ptr<Connection> connection = factory_(fd);
    if (!connection) continue;
    auto done = std::make_shared<std::atomic<bool>>(false);
    std::lock_guard<std::mutex> lock(workers_mu_);
    ReapFinishedWorkers();
    if (stopping_) return;
    Worker worker{std::thread(), connection, done};
    worker.thread = std::thread([this, connection, done] {
      Serve(connection.get());
      connection->Close();  // now, not when the worker is reaped: the client sees the end at once
      done->store(true);
    });
    workers_.push_back(std::move(worker));
  }
}

// REQUIRES: workers_mu_ held.
void HttpServer::ReapFinishedWorkers() {
  for (auto it = workers_.begin(); it != workers_.end();) {
    if (it->done->load()) {
      it->thread.join();
      it = workers_.erase(it);
    } else {
      ++it;
    }
  }
}

void HttpServer::Serve(Connection* connection) {
  RequestReader reader(connection);
  while (true) {
    HttpRequest request;
    RequestReader::Result result = reader.Read(&request);
    if (result == RequestReader::Result::kClosed) return;
    if (result != RequestReader::Result::kOk) {
      int status = result == RequestReader::Result::kHeadersTooLarge  ? 431
                   : result == RequestReader::Result::kBodyTooLarge   ? 413
                   : result == RequestReader::Result::kNotImplemented ? 501
                                                                      : 400;
      WriteResponse(connection, PlainError(status), false, false, false);
      return;
    }
    bool keep_alive = WantsKeepAlive(request);
    std::optional<std::string_view> accept = request.headers.Get("Accept-Encoding");
    bool gzip = accept && HeaderListsToken(*accept, "gzip");
    HttpResponse response = handler_->Handle(request);
    bool head = request.method == "HEAD";
    if (!WriteResponse(connection, std::move(response), gzip, keep_alive, head)) return;
  }
}

bool HttpServer::WriteResponse(Connection* connection, HttpResponse response, bool accept_gzip, bool keep_alive,
                               bool head_only) const {
  if (response.delay_ms > 0) connection->Hold(response.delay_ms);
  const WireFault fault = response.wire_fault;
  if (fault.kind == WireFault::Kind::kStall) {
    connection->Hold(fault.stall_ms);
    keep_alive = false;  // a client that waited this long has usually given up on the connection
  }
  bool bodiless = response.status == 204 || response.status == 304;
  if (bodiless) response.body.clear();
  BodyPadding padding = bodiless ? BodyPadding{} : response.padding;
  if (padding.bytes > 0 && padding.gzip) {
    std::string_view body = response.body;
    if (std::optional<std::string> bomb =
            GzipCompressPadded(body.substr(0, padding.at), padding.bytes, padding.fill, body.substr(padding.at))) {
      response.body = std::move(*bomb);
      response.headers.Set("Content-Encoding", "gzip");
    }
    padding.bytes = 0;  // in the compressed body now
  } else if (accept_gzip && padding.bytes == 0 && !response.body.empty() && !response.headers.Has("Content-Encoding")) {
    if (std::optional<std::string> compressed = GzipCompress(response.body)) {
      response.body = std::move(*compressed);
      response.headers.Set("Content-Encoding", "gzip");
      response.headers.Set("Vary", "Accept-Encoding");
    }
  }
  std::string head =
      "HTTP/1.1 " + std::to_string(response.status) + " " + std::string(ReasonPhrase(response.status)) + "\r\n";
  if (!response.headers.Has("Date") && !response.omit_date) {
    head += "Date: " + FormatHttpDate(clock_->NowMillis() + response.date_skew_ms) + "\r\n";
  }
  for (const auto& [name, value] : response.headers.all()) head += name + ": " + value + "\r\n";
  if (!bodiless) {
    head += "Content-Length: " + std::to_string(static_cast<int64_t>(response.body.size()) + padding.bytes) + "\r\n";
  }
  if (!keep_alive) head += "Connection: close\r\n";
  head += "\r\n";
  switch (fault.kind) {
    case WireFault::Kind::kResetInHeaders:
      connection->WriteAll(std::string_view(head).substr(0, head.size() / 2));
      connection->Reset();
      return false;
    case WireFault::Kind::kResetBeforeStatus:
      connection->Reset();
      return false;
    case WireFault::Kind::kResetInBody:
    case WireFault::Kind::kTruncateBody:
      connection->WriteAll(head);
      connection->WriteAll(std::string_view(response.body).substr(0, response.body.size() / 2));
      if (fault.kind == WireFault::Kind::kResetInBody) connection->Reset();
      return false;  // Serve returns and the connection closes: the promised bytes never come
    case WireFault::Kind::kNone:
    case WireFault::Kind::kStall:
      break;
  }
  bool written;
  if (head_only) {
    written = connection->WriteAll(head);
  } else if (padding.bytes > 0) {
    written = connection->WriteAll(head) && WritePadded(connection, response.body, padding);
  } else if (response.body.size() <= 16 * 1024) {
    // Small bodies go in the same segment; a query page (about 1 MB) is not copied again.
    head += response.body;
    written = connection->WriteAll(head);
  } else {
    written = connection->WriteAll(head) && connection->WriteAll(response.body);
  }
  return written && keep_alive;
}

}  // namespace sfsync::emulator
