#include "tests/emulator/net/gzip.h"

#include <zlib.h>

#include <algorithm>

namespace sfsync::emulator {
namespace {

constexpr int kGzipWindowBits = 15 + 16;  // +16: gzip header and trailer instead of zlib's

}  // namespace

std::optional<std::string> GzipCompress(std::string_view data) {
  z_stream stream{};
  if (deflateInit2(&stream, Z_BEST_SPEED, Z_DEFLATED, kGzipWindowBits, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return std::nullopt;
  }
  std::string out(deflateBound(&stream, static_cast<uLong>(data.size())), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  if (rc != Z_STREAM_END) return std::nullopt;
  return out;
}

std::optional<std::string> GzipCompressPadded(std::string_view before, int64_t fill_bytes, char fill,
                                              std::string_view after) {
  z_stream stream{};
  if (deflateInit2(&stream, Z_BEST_SPEED, Z_DEFLATED, kGzipWindowBits, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return std::nullopt;
  }
  std::string out;
  char chunk[64 * 1024];
  // Deflates `data`; Z_FINISH on the last piece.
  auto deflate_piece = [&](std::string_view data, int flush) {
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    stream.avail_in = static_cast<uInt>(data.size());
    int rc;
    do {
      stream.next_out = reinterpret_cast<Bytef*>(chunk);
      stream.avail_out = sizeof(chunk);
      rc = deflate(&stream, flush);
      if (rc == Z_STREAM_ERROR) return false;
      out.append(chunk, sizeof(chunk) - stream.avail_out);
    } while (stream.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
    return true;
  };
  // A change of strategy flushes what is pending, which may need more than one buffer.
  auto set_strategy = [&](int strategy) {
    int rc;
    do {
      stream.next_out = reinterpret_cast<Bytef*>(chunk);
      stream.avail_out = sizeof(chunk);
      rc = deflateParams(&stream, Z_BEST_SPEED, strategy);
      out.append(chunk, sizeof(chunk) - stream.avail_out);
    } while (rc == Z_BUF_ERROR);
    return rc == Z_OK;
  };
  const std::string filler(sizeof(chunk), fill);
  // Runs of one byte: run-length matching finds them several times faster than the default
  // strategy and compresses them as well (258-byte matches, about 1000:1).
  bool ok = deflate_piece(before, Z_NO_FLUSH) && set_strategy(Z_RLE);
  for (int64_t left = fill_bytes; ok && left > 0; left -= static_cast<int64_t>(filler.size())) {
    size_t size = static_cast<size_t>(std::min<int64_t>(left, static_cast<int64_t>(filler.size())));
    ok = deflate_piece(std::string_view(filler).substr(0, size), Z_NO_FLUSH);
  }
  ok = ok && set_strategy(Z_DEFAULT_STRATEGY) && deflate_piece(after, Z_FINISH);
  deflateEnd(&stream);
  if (!ok) return std::nullopt;
  return out;
}

std::optional<std::string> GzipDecompress(std::string_view data) {
  z_stream stream{};
  if (inflateInit2(&stream, kGzipWindowBits) != Z_OK) return std::nullopt;
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char chunk[64 * 1024];
  int rc;
  do {
    stream.next_out = reinterpret_cast<Bytef*>(chunk);
    stream.avail_out = sizeof(chunk);
    rc = inflate(&stream, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&stream);
      return std::nullopt;
    }
    out.append(chunk, sizeof(chunk) - stream.avail_out);
  } while (rc != Z_STREAM_END);
  inflateEnd(&stream);
  return out;
}

}  // namespace sfsync::emulator
