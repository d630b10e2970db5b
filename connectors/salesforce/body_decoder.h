// BodyDecoder: a response body taken in as it arrives, inflated when it is gzip (protocol §0: sent
// when asked with Accept-Encoding), and bounded, so a hostile or broken server cannot make sfsync
// hold more than the caps in memory:
//  - max_bytes bounds the body after decoding, and the bytes received too;
//  - max_inflate_ratio bounds decoded / compressed once the decoded size passes ratio_floor_bytes,
//    so a small, very compressible body passes and a compression bomb stops early.
// A refused body is kDataLoss, reason "response.too_large" or "response.inflate_ratio": retrying
// would fetch the same body (RestClient does not retry kDataLoss), and nothing of it is used.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "connectors/salesforce/http_transport.h"
#include "engine/core/statusor.h"

struct z_stream_s;  // zlib's stream state, kept out of this header

namespace sfsync::salesforce {

class BodyDecoder {
 public:
  // `content_encoding` is the response's Content-Encoding: empty or "identity" (taken as is),
  // "gzip", "x-gzip" or "deflate" (inflated); anything else is kDataLoss (sfsync asks for gzip
  // only). `where` names the response in messages (scheme, host and path; never a token).
  // `content_length`, when the response has one, is checked against the cap before any byte is read.
  static StatusOr<BodyDecoder> Create(std::string_view content_encoding, const BodyLimits& limits, std::string where,
                                      std::optional<int64_t> content_length);
  BodyDecoder(BodyDecoder&&) noexcept;
  BodyDecoder& operator=(BodyDecoder&&) noexcept;
  ~BodyDecoder();

  // Takes the next bytes of the body as received. Error when a cap is passed (then stop reading).
  Status Add(std::string_view raw);
  // The whole decoded body. kDataLoss when a gzip body ended before its stream did.
  StatusOr<std::string> Finish();

  int64_t raw_bytes() const { return raw_bytes_; }

 private:
  BodyDecoder(const BodyLimits& limits, std::string where);
  Status TooLarge(int64_t bytes) const;

  BodyLimits limits_;
  std::string where_;
  std::unique_ptr<z_stream_s> inflate_;  // null for an identity body
  bool stream_end_ = false;
  int64_t raw_bytes_ = 0;
  std::string body_;
};

}  // namespace sfsync::salesforce
