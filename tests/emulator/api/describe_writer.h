// Global describe (`/sobjects/`) and sObject describe (`/sobjects/{Name}/describe`) bodies,
// with the key sets and key order of global_describe.json and describe_account*.json
// (protocol §4.1, §4.2).
#ifndef SFSYNC_TESTS_EMULATOR_API_DESCRIBE_WRITER_H_
#define SFSYNC_TESTS_EMULATOR_API_DESCRIBE_WRITER_H_

#include <string>
#include <string_view>

#include "tests/emulator/org/schema.h"

namespace sfsync::emulator {

// `version` is the URL form ("v60.0"); `base_url` the instance URL (for ui* templates).
std::string GlobalDescribeJson(const Schema& schema, std::string_view version);
std::string SObjectDescribeJson(const Schema& schema, const ObjectDef& object,
                                std::string_view version, std::string_view base_url);

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_API_DESCRIBE_WRITER_H_
