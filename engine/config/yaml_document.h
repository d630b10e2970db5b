// YAML text -> the JSON form of a job document, plus where each value came from.
//
// The JSON form is what the schema validates (valijson's yaml-cpp adapter cannot, BUILD-NOTES.md
// gotcha 2). Scalars follow the YAML 1.2 core schema: quoted scalars are strings; plain scalars are
// null (~, null, empty), booleans (true/false only: yes/no/on/off stay strings), integers (decimal,
// 0o octal, 0x hex), floats (1.0, 1e3, .inf, .nan) or else strings. So `version: 1.0` is a float, not
// the integer 1, and `formula_fields: no` is the string "no".
//
// Refused with a message at file:line:col: YAML syntax errors (yaml-cpp's message), tabs in
// indentation, quotes left open to the end of the file (yaml-cpp accepts those), duplicate keys
// (yaml-cpp keeps both), keys that are not plain scalars, YAML tags other than !!str, an empty
// document, a root that is not a mapping, and more than one document.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "engine/config/diagnostics.h"
#include "engine/config/source_map.h"

namespace sfsync::config {

struct JobDocument {
  nlohmann::json root;  // always an object once parsed
  SourceMap source;
  std::string text;     // the YAML text, for locating text inside a value
};

// Returns the document, or nullopt after adding at least one error to `diag`.
std::optional<JobDocument> ParseYamlDocument(std::string_view text, Diagnostics* diag);

// The JSON value of one plain (unquoted, untagged) YAML scalar under the YAML 1.2 core schema.
nlohmann::json ResolvePlainScalar(const std::string& text);

}  // namespace sfsync::config
