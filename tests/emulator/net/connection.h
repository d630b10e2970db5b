// The byte-stream seam under the HTTP server. TcpConnection is plain TCP; a TLS connection
// (stage 2) and fault-injecting wrappers (reset, truncate, stall) implement the same interface,
// and the server creates connections through a ConnectionFactory so either can be swapped in.
#ifndef SFSYNC_TESTS_EMULATOR_NET_CONNECTION_H_
#define SFSYNC_TESTS_EMULATOR_NET_CONNECTION_H_

#include <sys/types.h>

#include <functional>
#include <memory>
#include <string_view>

namespace sfsync::emulator {

class Connection {
 public:
  virtual ~Connection() = default;
  // Reads up to `size` bytes. Returns the count, 0 when the peer closed, or -1 on error or
  // when no byte arrived within the idle timeout.
  virtual ssize_t Read(char* buffer, size_t size) = 0;
  // Writes every byte; false if the connection failed.
  virtual bool WriteAll(std::string_view data) = 0;
  // Unblocks a Read in progress on another thread; later Reads return 0. Thread-safe.
  virtual void Shutdown() = 0;
};

// Owns a connected socket.
class TcpConnection : public Connection {
 public:
  TcpConnection(int fd, int idle_timeout_ms);
  ~TcpConnection() override;
  ssize_t Read(char* buffer, size_t size) override;
  bool WriteAll(std::string_view data) override;
  void Shutdown() override;

 private:
  int fd_;
  int idle_timeout_ms_;
};

// Wraps an accepted socket; returns null if the connection cannot be set up.
using ConnectionFactory = std::function<std::unique_ptr<Connection>(int fd)>;

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_NET_CONNECTION_H_
