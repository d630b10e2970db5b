// Loading a job: YAML text -> JSON form -> JSON Schema validation (schemas/job.schema.json,
// compiled into the binary) -> model with defaults -> reference resolution -> semantic checks.
//
// Every error is kInvalidArgument with reason "job.invalid" and a message of the form
//   jobs/demo.yaml:12:5: objects[1].feilds: unknown key 'feilds'
// naming file, line, column (1-based) and the key path. Nothing is resolved or touched on disk
// beyond reading the file and any file: secret references.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "engine/config/job.h"
#include "engine/core/statusor.h"

namespace sfsync::config {

// Looks up an environment variable; nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvLookup ProcessEnv();

// Parses a job from text. `file_name` is used in messages and, with `base_dir`, to resolve
// relative paths (store.sqlite, private_key_file, ca_file, file: references).
StatusOr<Job> ParseJob(std::string_view yaml_text, std::string_view file_name, std::string_view base_dir,
                       const EnvLookup& env);

// Reads and parses a job file.
StatusOr<Job> LoadJobFile(const std::string& path, const EnvLookup& env);

// The schema text compiled into the binary (for `sfsync schema` and tests).
std::string_view JobSchemaJson();

}  // namespace sfsync::config
