// gzip bodies for transport tests (test-only): ordinary ones, and decompression bombs made without
// ever holding what they decode to.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sfsync::salesforce::testing {

// `text` as one gzip member (RFC 1952), at zlib level `level` (1 fastest .. 9 smallest).
std::string Gzip(std::string_view text, int level = 1);

// A gzip member that decodes to `size` zero bytes: about 1/1000 of that, as small as deflate gets.
std::string GzipOfZeros(uint64_t size);

// `gzip` with its trailer's ISIZE (the decoded size, RFC 1952 §2.3.1) replaced by `size`: a body
// whose trailer lies, so only what zlib produces can show its real size.
std::string WithGzipSizeField(std::string gzip, uint32_t size);

}  // namespace sfsync::salesforce::testing
