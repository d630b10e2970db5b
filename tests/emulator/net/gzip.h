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

// Inverse of GzipCompress (used by the tests and the benchmark client).
std::optional<std::string> GzipDecompress(std::string_view data);

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_NET_GZIP_H_
