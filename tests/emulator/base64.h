// Standard base64 (RFC 4648, with padding), for base64 fields and Bulk job locators.
#ifndef SFSYNC_TESTS_EMULATOR_BASE64_H_
#define SFSYNC_TESTS_EMULATOR_BASE64_H_

#include <optional>
#include <string>
#include <string_view>

namespace sfsync::emulator {

std::string Base64Encode(std::string_view bytes);
// Nullopt unless `text` is well-formed padded base64 (whitespace is not accepted).
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_BASE64_H_
