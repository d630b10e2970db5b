// Salesforce record Ids: 15 case-sensitive characters, plus a 3-character suffix that encodes
// which of the 15 are upper case, so the 18-character form survives case-insensitive systems
// (protocol §0, "IDs").
//
// Emulator Ids are `{3-char key prefix}{2-char pod}{10-char base-62 counter}{suffix}`. The
// base-62 digits are in ASCII order, so Ids sort (bytewise) in the order they were created,
// like Salesforce's.
#ifndef SFSYNC_TESTS_EMULATOR_SALESFORCE_ID_H_
#define SFSYNC_TESTS_EMULATOR_SALESFORCE_ID_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sfsync::emulator {

// The suffix of a 15-character Id. REQUIRES: id15.size() == 15.
std::string IdChecksum(std::string_view id15);

// Returns the 18-character form of a 15- or 18-character Id, or nullopt if `id` is not
// alphanumeric of those lengths or its suffix does not match (compared case-insensitively,
// as Salesforce does).
std::optional<std::string> NormalizeId(std::string_view id);

// Builds the Id with `counter` for a 3-character key prefix such as "001".
std::string MakeId(std::string_view key_prefix, uint64_t counter);

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_SALESFORCE_ID_H_
