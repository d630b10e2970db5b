// From a schema-valid job document to the Job model: defaults filled (the model's own initial
// values, which schema "default"s document), paths made absolute against the job file's
// directory, and `Id` put first in an explicit field list when it is missing.
#pragma once

#include <optional>
#include <string_view>

#include "engine/config/diagnostics.h"
#include "engine/config/job.h"
#include "engine/config/job_loader.h"
#include "engine/config/yaml_document.h"

namespace sfsync::config {

// REQUIRES: `doc` passed ValidateAgainstSchema, and `base_dir` is absolute.
// Returns nullopt after adding an error to `diag` (no state_dir and no XDG_STATE_HOME or HOME).
std::optional<Job> BuildJob(const JobDocument& doc, std::string_view base_dir, const EnvLookup& env,
                            Diagnostics* diag);

}  // namespace sfsync::config
