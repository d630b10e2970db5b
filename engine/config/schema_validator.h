// Validation of a job document against schemas/job.schema.json (compiled in; JobSchemaJson()).
//
// valijson reports nested causes (a bad batch_size also fails its object, the objects array and
// the root). Only the leaf causes become messages, phrased for users:
//   unknown key 'feilds' (allowed: name, table, fields, ...); did you mean 'fields'?
//   missing required key 'login_url'
//   expected an integer, got string "abc"
//   must be one of incremental, full; got "incr"
//   5000 is above the maximum 2000
// For a oneOf that fails, the branch whose type matches the value explains the error (a bad name
// inside a fields list); when no branch matches, the subschema's "errorMessage" says what was
// expected. Patterns and consts also use their subschema's "errorMessage" (a keyword the
// validator ignores). A subschema holding oneOf holds no other validation keyword, so the errors
// valijson lists under it all come from its branches.
#pragma once

#include <nlohmann/json.hpp>

#include "engine/config/diagnostics.h"
#include "engine/config/yaml_document.h"

namespace sfsync::config {

// Adds one error to `diag` per problem found.
void ValidateAgainstSchema(const JobDocument& doc, Diagnostics* diag);

// The schema, parsed once with its key order kept (for messages and tests).
const nlohmann::ordered_json& JobSchema();

}  // namespace sfsync::config
