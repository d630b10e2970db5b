#include "connectors/salesforce/body_decoder.h"

#include <zlib.h>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace sfsync::salesforce {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Status BodyError(const std::string& message, const char* reason) {
  return Status(StatusCode::kDataLoss, message, reason);
}

}  // namespace

StatusOr<BodyDecoder> BodyDecoder::Create(std::string_view content_encoding, const BodyLimits& limits,
                                          std::string where, std::optional<int64_t> content_length) {
  BodyDecoder decoder(limits, std::move(where));
  if (content_length && *content_length > limits.max_bytes) return decoder.TooLarge(*content_length);
  const std::string encoding = Lower(content_encoding);
  if (encoding.empty() || encoding == "identity") {
    // One allocation for a body of announced size, not a doubling string.
    if (content_length) decoder.body_.reserve(static_cast<size_t>(*content_length));
    return decoder;
  }
  if (encoding != "gzip" && encoding != "x-gzip" && encoding != "deflate") {
    return BodyError(fmt::format("{}: the server answered with Content-Encoding '{}', which sfsync does not ask for "
                                 "(it accepts gzip only)",
                                 decoder.where_, content_encoding.substr(0, 40)),
                     "response.encoding");
  }
  decoder.inflate_ = std::make_unique<z_stream_s>();
  *decoder.inflate_ = z_stream_s{};
  // 32 + MAX_WBITS: a gzip or a zlib header, detected (HTTP's "deflate" is zlib-wrapped).
  if (inflateInit2(decoder.inflate_.get(), 32 + MAX_WBITS) != Z_OK) {
    decoder.inflate_.reset();
    return Status(StatusCode::kResourceExhausted, decoder.where_ + ": cannot start inflating the body");
  }
  return decoder;
}

BodyDecoder::BodyDecoder(const BodyLimits& limits, std::string where) : limits_(limits), where_(std::move(where)) {}
BodyDecoder::BodyDecoder(BodyDecoder&&) noexcept = default;
BodyDecoder& BodyDecoder::operator=(BodyDecoder&&) noexcept = default;

BodyDecoder::~BodyDecoder() {
  if (inflate_) inflateEnd(inflate_.get());
}

Status BodyDecoder::TooLarge(int64_t bytes) const {
  return BodyError(fmt::format("{}: the response body ({} bytes so far) is over the cap of {} MiB "
                               "(connection.max_response_mb); nothing of it was used",
                               where_, bytes, limits_.max_bytes >> 20),
                   "response.too_large");
}

Status BodyDecoder::Add(std::string_view raw) {
  raw_bytes_ += static_cast<int64_t>(raw.size());
  if (raw_bytes_ > limits_.max_bytes) return TooLarge(raw_bytes_);
  if (!inflate_) {
    body_.append(raw);
    return Status::Ok();
  }
  if (stream_end_) {
    // Bytes after the end of the gzip stream: nothing a client would use. Ignored, as curl does.
    return Status::Ok();
  }
  z_stream_s* z = inflate_.get();
  z->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(raw.data()));
  z->avail_in = static_cast<uInt>(raw.size());
  char out[64 * 1024];
  while (z->avail_in > 0) {
    z->next_out = reinterpret_cast<Bytef*>(out);
    z->avail_out = sizeof out;
    const int rc = inflate(z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
      return BodyError(fmt::format("{}: the gzip body is corrupt ({})", where_, z->msg ? z->msg : "inflate failed"),
                       "response.gzip");
    }
    const size_t produced = sizeof out - z->avail_out;
    const int64_t decoded = static_cast<int64_t>(body_.size() + produced);
    if (decoded > limits_.max_bytes) return TooLarge(decoded);
    if (decoded > limits_.ratio_floor_bytes &&
        static_cast<double>(decoded) > limits_.max_inflate_ratio * static_cast<double>(raw_bytes_)) {
      return BodyError(fmt::format("{}: the gzip body inflates more than {:g} times ({} bytes from {}): refused as a "
                                   "compression bomb (connection.max_inflate_ratio); nothing of it was used",
                                   where_, limits_.max_inflate_ratio, decoded, raw_bytes_),
                       "response.inflate_ratio");
    }
    body_.append(out, produced);
    if (rc == Z_STREAM_END) {
      stream_end_ = true;
      break;
    }
    if (rc == Z_BUF_ERROR && produced == 0) break;  // needs more input
  }
  return Status::Ok();
}

StatusOr<std::string> BodyDecoder::Finish() {
  if (inflate_ && !stream_end_ && raw_bytes_ > 0) {
    return BodyError(fmt::format("{}: the gzip body ended before its stream did ({} bytes received)", where_,
                                 raw_bytes_),
                     "response.gzip");
  }
  return std::move(body_);
}

}  // namespace sfsync::salesforce
