// gzip encoding of response bodies (zlib), for clients that send Accept-Encoding: gzip.
#ifndef SFSYNC_TESTS_EMULATOR_NET_GZIP_H_
#define SFSYNC_TESTS_EMULATOR_NET_GZIP_H_

#include <optional>
#include <string>
#include <string_view>

namespace sfsync::emulator {

// Returns the gzip member holding `data`, or nullopt if zlib fails. Fastest level: the
// emulator must not become what a benchmark measures.
std::optional<std::string> GzipCompress(std::string_view data);

// The gzip member holding `before`, then `fill_bytes` copies of `fill`, then `after`, deflated
// as it goes (so the filler is never in memory); runs of filler compress about 1000:1. Returns
// nullopt if zlib fails.
std::optional<std::string> GzipCompressPadded(std::string_view before, int64_t fill_bytes, char fill,
                                              std::string_view after);

// Inverse of GzipCompress (used by the tests and the benchmark client).
std::optional<std::string> GzipDecompress(std::string_view data);

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_NET_GZIP_H_
