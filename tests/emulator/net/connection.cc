#include "tests/emulator/net/connection.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace sfsync::emulator {

TcpConnection::TcpConnection(int fd, int idle_timeout_ms)
    : fd_(fd), idle_timeout_ms_(idle_timeout_ms) {
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

TcpConnection::~TcpConnection() { close(fd_); }

ssize_t TcpConnection::Read(char* buffer, size_t size) {
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
  while (!data.empty()) {
    ssize_t n = send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

void TcpConnection::Shutdown() { shutdown(fd_, SHUT_RDWR); }

}  // namespace sfsync::emulator
