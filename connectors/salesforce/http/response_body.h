// ResponseBody: one HTTP response body, received as it arrives, decoded, and held to the caps of
// TransportOptions: max_body_bytes on the bytes received and on the decoded body, and
// max_inflate_ratio on a gzip body once it decodes past inflate_ratio_floor_bytes.
//
// The transport reads the body from the socket straight into Room() and, at the first error,
// stops reading and closes the connection: a refused body costs at most the cap in download and
// memory. A body over a cap is refused whole, never truncated, so nothing of it reaches a caller.
//
// Memory stays near the size of the body, with no doubling copies:
//  - with Content-Length, the body is received in place, into one buffer of exactly that size;
//  - without (chunked), into blocks of growing size, each its own memory mapping, joined once at
//    the end into one buffer of the exact size; each block is unmapped as soon as it is copied, so
//    its pages go back to the system at once (freed heap memory would stay resident) and the join
//    needs about one block on top of the body;
//  - a gzip body is received compressed, then inflated once into a buffer sized by its trailer's
//    ISIZE (RFC 1952 §2.3.1: the decoded size modulo 2^32), bounded by the caps. The trailer is only
//    a hint, never a verdict: the caps judge the bytes zlib produces, and zlib checks the trailer.
// Inflating once the body is in, rather than while it arrives, is what lets the decoded body be
// allocated once; the download it cannot cut short is bounded by max_body_bytes like any body.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/salesforce/http/http_transport.h"
#include "engine/core/statusor.h"

namespace sfsync::salesforce {

class ResponseBody {
 public:
  // `where` names the request in messages: scheme://host[:port]/path, without the query string.
  ResponseBody(const TransportOptions& options, std::string where);
  ~ResponseBody();
  ResponseBody(const ResponseBody&) = delete;
  ResponseBody& operator=(const ResponseBody&) = delete;

  // Call once, when the headers are in, before anything else. `content_length`: the
  // Content-Length of a body framed by it (not chunked); `content_encoding`: the Content-Encoding
  // header, "" if none.
  //   kDataLoss, reason "response.too_large": Content-Length is over max_body_bytes; no byte of the
  //     body needs to be read.
  //   kDataLoss, reason "response.encoding": an encoding other than gzip, x-gzip, deflate, identity.
  Status Start(std::optional<uint64_t> content_length, std::string_view content_encoding);

  // Where the next bytes of the body go: 1 to `at_most` bytes; write into it, then Commit how many
  // were written. kUnavailable when no memory can be had for it.
  StatusOr<std::span<char>> Room(size_t at_most);
  // Takes the first `n` bytes of the last Room as received. kDataLoss, reason
  // "response.too_large", as soon as more than max_body_bytes have arrived.
  Status Commit(size_t n);

  // The whole body, decoded. Call once, after the last Commit.
  //   kDataLoss, reason "response.too_large": the decoded body passes max_body_bytes (inflating
  //     stops there);
  //   kDataLoss, reason "response.inflate_ratio": past inflate_ratio_floor_bytes decoded, the body
  //     decodes to more than max_inflate_ratio times the compressed bytes it took (a decompression
  //     bomb);
  //   kUnavailable: a corrupt or cut gzip stream, a fault of the transfer like a truncated body
  //     (sending the request again may get it whole).
  StatusOr<std::string> Finish();

  // True when the body is encoded (Finish decodes it): Content-Encoding and Content-Length then no
  // longer describe what Finish returns.
  bool encoded() const { return encoding_ != Encoding::kIdentity; }

 private:
  enum class Encoding { kIdentity, kGzip, kZlib };
  class Block;

  // The bytes received so far, in order.
  std::vector<std::string_view> Received() const;
  std::string TakeReceived();
  uint64_t GzipSizeHint() const;
  StatusOr<std::string> Inflate();
  bool OverRatio(uint64_t decoded, uint64_t compressed) const;
  // "the response from <where_> <what> the <cap> cap on one response; ...".
  Status TooLarge(const std::string& what) const;
  Status RatioTooHigh(uint64_t decoded, uint64_t compressed) const;

  const TransportOptions options_;
  const std::string where_;
  Encoding encoding_ = Encoding::kIdentity;
  uint64_t received_ = 0;
  uint64_t announced_length_ = 0;  // Content-Length, 0 when none
  std::string announced_;          // the body up to announced_length_, reserved to it, received in place
  std::vector<Block> blocks_;      // what arrives past that (all of a chunked body); full but the last
  struct {
    bool in_announced = false;
    size_t size = 0;
  } room_;  // what the last Room gave
};

}  // namespace sfsync::salesforce
