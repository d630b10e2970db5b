// The version's resource directory, `GET /services/data/vXX.X` ("Resources by Version"): a JSON
// object mapping each REST resource of that version to its URL.
#ifndef SFSYNC_TESTS_EMULATOR_API_RESOURCE_DIRECTORY_H_
#define SFSYNC_TESTS_EMULATOR_API_RESOURCE_DIRECTORY_H_

#include <string>
#include <string_view>

namespace sfsync::emulator {

// The directory of API version `version` (the URL form, "v60.0"; REQUIRES: a version the
// emulator serves): the keys Salesforce's v60.0 example lists, in its order, each URL under
// `/services/data/{version}/`, `identity` the session user's identity URL (`identity_url`), and
// from v66.0 `async` as well. Salesforce lists its whole platform there (tooling, chatter,
// wave...); the emulator serves only some of them (README "REST surface").
std::string ResourceDirectoryJson(std::string_view version, std::string_view identity_url);

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_API_RESOURCE_DIRECTORY_H_
