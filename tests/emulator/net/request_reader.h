// Reads HTTP/1.1 requests from a Connection, one after another on a kept-alive connection:
// request line and headers, then a body framed by Content-Length or chunked
// Transfer-Encoding. Answers `Expect: 100-continue` (curl sends it for bodies over 1 KiB).
// Bytes after a request stay buffered for the next one (pipelining).
#ifndef SFSYNC_TESTS_EMULATOR_NET_REQUEST_READER_H_
#define SFSYNC_TESTS_EMULATOR_NET_REQUEST_READER_H_

#include <cstddef>
#include <string>

#include "tests/emulator/net/connection.h"
#include "tests/emulator/net/http_message.h"

namespace sfsync::emulator {

class RequestReader {
 public:
  enum class Result {
    kOk,
    kClosed,            // the peer closed (or went idle) between requests
    kBadRequest,        // 400
    kHeadersTooLarge,   // 431
    kBodyTooLarge,      // 413
    kNotImplemented,    // 501: a transfer coding other than chunked
  };

  static constexpr size_t kMaxHeaderBytes = 64 * 1024;
  static constexpr size_t kMaxBodyBytes = 256 * 1024 * 1024;

  // `connection` must outlive the reader.
  explicit RequestReader(Connection* connection) : connection_(connection) {}

  Result Read(HttpRequest* request);

 private:
  // Reads more bytes into buffer_; false when the connection ended.
  bool Fill();
  // Makes at least `n` unread bytes available.
  bool Need(size_t n);
  bool ReadLine(std::string* line, size_t max_length);
  Result ParseHead(std::string_view head, HttpRequest* request);
  Result ReadChunked(std::string* body);

  Connection* connection_;
  std::string buffer_;
  size_t pos_ = 0;  // first unread byte of buffer_
};

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_NET_REQUEST_READER_H_
