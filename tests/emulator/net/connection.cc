#include "tests/emulator/net/connection.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>

namespace sfsync::emulator {

TcpConnection::TcpConnection(int fd, int idle_timeout_ms)
    : fd_(fd), idle_timeout_ms_(idle_timeout_ms) {
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

TcpConnection::~TcpConnection() { Close(); }

ssize_t TcpConnection::Read(char* buffer, size_t size) {
  if (fd_ < 0) return 0;
  pollfd pfd{fd_, POLLIN, 0};
  int ready;
  do {
    ready = poll(&pfd, 1, idle_timeout_ms_);
  } while (ready < 0 && errno == EINTR);
  if (ready <= 0) return -1;
  ssize_t n;
  do {
    n = recv(fd_, buffer, size, 0);
  } while (n < 0 && errno == EINTR);
  return n;
}

bool TcpConnection::WriteAll(std::string_view data) {
  if (fd_ < 0) return false;
  while (!data.empty()) {
    ssize_t n = send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

void TcpConnection::Shutdown() {
  std::lock_guard<std::mutex> lock(mu_);
  if (fd_ >= 0) shutdown(fd_, SHUT_RDWR);
}

void TcpConnection::Close() {
  std::lock_guard<std::mutex> lock(mu_);
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

void TcpConnection::Reset() {
  std::lock_guard<std::mutex> lock(mu_);
  if (fd_ < 0) return;
  linger abort_on_close{1, 0};  // close() then sends RST and drops unsent data
  setsockopt(fd_, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof(abort_on_close));
  close(fd_);
  fd_ = -1;
}

void TcpConnection::Hold(int64_t timeout_ms) {
  // POLLRDHUP (not POLLIN): a request the client pipelines meanwhile does not end the wait.
  pollfd pfd{fd_, POLLRDHUP, 0};
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return;
    int ready = poll(&pfd, 1, static_cast<int>(std::min<int64_t>(left.count(), INT32_MAX)));
    if (ready < 0 && errno == EINTR) continue;
    return;
  }
}

}  // namespace sfsync::emulator
