// Loading a job: YAML text -> JSON form -> ${ENV}/file: references -> JSON Schema validation
// (schemas/job.schema.json, compiled into the binary) -> model with defaults and absolute paths ->
// semantic checks (cron, login URL, auth flow keys, duplicate objects...). README "Job files"
// documents the format; engine/config/README.md is its draft.
//
// Every error is kInvalidArgument with reason "job.invalid" (exit code 3) and a message holding
// one line per problem, sorted by position, each naming file, line, column (1-based) and key path:
//   jobs/demo.yaml:12:5: objects[1].feilds: unknown key 'feilds' (allowed: name, table, ...)
// All problems of a phase are reported together; later phases run only once earlier ones pass
// (references and schema count as one phase). Messages never contain a secret's value.
//
// Nothing is written anywhere. Nothing is read beyond the job file and the files of file:
// secret references; private_key_file, ca_file and the database are only turned into absolute
// paths. Resolved secrets are registered with RegisterSecret() as they are read.
// Thread-safe.
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
// The process environment (getenv).
EnvLookup ProcessEnv();

struct LoadOptions {
  // `sfsync validate --offline` (CI linting): secrets (client_secret, refresh_token,
  // private_key_passphrase) must still be written as ${VAR} or file:PATH, but need not be set or
  // readable; they are not read (a placeholder stands in). Every other ${VAR} must be set as usual. A job loaded
  // so cannot run.
  bool offline = false;
  // With `offline`: the store's own secret (store.password) is still read, for commands that read
  // only the database (`sfsync status`, `sfsync plan --offline`).
  bool offline_reads_store = false;
};

// Parses a job from text. `file_name` is used in messages; `base_dir` (made absolute against the
// working directory if relative) is the directory relative paths resolve against: store.sqlite,
// private_key_file, ca_file, state_dir and file: references. Job::source_path becomes
// base_dir/<last component of file_name>.
StatusOr<Job> ParseJob(std::string_view yaml_text, std::string_view file_name, std::string_view base_dir,
                       const EnvLookup& env, const LoadOptions& options = {});

// Reads and parses a job file; messages name `path` as given, relative paths resolve against its
// directory, and Job::source_path is its absolute path.
StatusOr<Job> LoadJobFile(const std::string& path, const EnvLookup& env, const LoadOptions& options = {});

// The schema text compiled into the binary (for `sfsync schema` and tests).
std::string_view JobSchemaJson();

}  // namespace sfsync::config
