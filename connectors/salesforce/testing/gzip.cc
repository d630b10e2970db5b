#include "connectors/salesforce/testing/gzip.h"

#include <zlib.h>

#include <algorithm>
#include <stdexcept>

namespace sfsync::salesforce::testing {
namespace {

// Deflates what `next` yields (a piece per call, empty at the end) into one gzip member.
template <typename Next>
std::string Deflate(int level, Next next) {
  z_stream z{};
  if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("deflateInit2 failed");
  }
  std::string out;
  std::string buffer(1 << 16, '\0');
  for (;;) {
    const std::string_view piece = next();
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(piece.data()));
    z.avail_in = static_cast<uInt>(piece.size());
    const int flush = piece.empty() ? Z_FINISH : Z_NO_FLUSH;
    int rc;
    do {
      z.next_out = reinterpret_cast<Bytef*>(buffer.data());
      z.avail_out = static_cast<uInt>(buffer.size());
      rc = deflate(&z, flush);
      out.append(buffer.data(), buffer.size() - z.avail_out);
    } while (z.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
    if (flush == Z_FINISH) break;
  }
  deflateEnd(&z);
  return out;
}

}  // namespace

std::string Gzip(std::string_view text, int level) {
  bool given = false;
  return Deflate(level, [&]() -> std::string_view {
    if (given || text.empty()) return {};
    given = true;
    return text;
  });
}

std::string GzipOfZeros(uint64_t size) {
  const std::string zeros(1 << 20, '\0');
  uint64_t left = size;
  return Deflate(9, [&]() -> std::string_view {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(left, zeros.size()));
    left -= n;
    return std::string_view(zeros.data(), n);
  });
}

std::string WithGzipSizeField(std::string gzip, uint32_t size) {
  if (gzip.size() < 18) throw std::runtime_error("not a gzip member");
  for (int i = 0; i < 4; ++i) gzip[gzip.size() - 4 + i] = static_cast<char>((size >> (8 * i)) & 0xFF);
  return gzip;
}

}  // namespace sfsync::salesforce::testing
