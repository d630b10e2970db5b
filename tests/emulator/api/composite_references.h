// `@{ref.path}` references between the subrequests of one Composite or Composite graph call:
// `ref` is an earlier subrequest's referenceId, `path` keys (".id") and array items ("[0]") into its
// answer body ("@{q.records[0].Id}").
#ifndef SFSYNC_TESTS_EMULATOR_API_COMPOSITE_REFERENCES_H_
#define SFSYNC_TESTS_EMULATOR_API_COMPOSITE_REFERENCES_H_

#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace sfsync::emulator {

// Replaces every reference in `text` with the (string or number) value it names in `answers`
// (referenceId -> answer body). False, with Salesforce's "Invalid reference specified..." message
// in *why, for a reference that names nothing.
bool ResolveReferences(std::string* text, const std::map<std::string, nlohmann::ordered_json>& answers,
                       std::string* why);
// The same in every string of a JSON body.
bool ResolveReferences(nlohmann::ordered_json* value, const std::map<std::string, nlohmann::ordered_json>& answers,
                       std::string* why);

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_API_COMPOSITE_REFERENCES_H_
