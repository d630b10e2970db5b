// The byte-stream seam under the HTTP server. TcpConnection is plain TCP; TlsConnection
// (tls_connection.h) wraps one, and the server creates connections through a ConnectionFactory
// so either can be swapped in. Close, Reset and Hold exist for the server's end of a
// connection and for fault injection (README "Faults").
#ifndef SFSYNC_TESTS_EMULATOR_NET_CONNECTION_H_
#define SFSYNC_TESTS_EMULATOR_NET_CONNECTION_H_

#include <sys/types.h>

#include <functional>
#include <cstdint>
#include <memory>
#include <mutex>
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
  // Unblocks a Read or Hold in progress on another thread; later Reads return 0. Thread-safe.
  virtual void Shutdown() = 0;
  // Closes now (an orderly FIN) instead of at destruction. Idempotent.
  virtual void Close() = 0;
  // Closes with a TCP reset (RST) instead of an orderly close. Idempotent.
  virtual void Reset() = 0;
  // Waits `timeout_ms` without reading; returns early when the peer hangs up or on Shutdown().
  virtual void Hold(int64_t timeout_ms) = 0;
};

// Owns a connected socket.
class TcpConnection : public Connection {
 public:
  TcpConnection(int fd, int idle_timeout_ms);
  ~TcpConnection() override;
  ssize_t Read(char* buffer, size_t size) override;
  bool WriteAll(std::string_view data) override;
  void Shutdown() override;
  void Close() override;
  void Reset() override;
  void Hold(int64_t timeout_ms) override;

 private:
  // Read, WriteAll, Close, Reset and Hold run on the connection's thread, the only writer of
  // fd_; Shutdown may run on any thread, so it and the closing calls take mu_.
  std::mutex mu_;
  int fd_;
  int idle_timeout_ms_;
};

// Wraps an accepted socket; returns null if the connection cannot be set up.
using ConnectionFactory = std::function<std::unique_ptr<Connection>(int fd)>;

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_NET_CONNECTION_H_
