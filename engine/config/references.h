// ${VAR} and file: references in a job document.
//
// Every string value may hold ${VAR} references, whole or embedded, several per value. `$$` is a
// literal `$`; a `$` followed by anything else than `{` or `$` is kept as written. Variable names
// are [A-Za-z_][A-Za-z0-9_]*. An unset variable is an error naming it; a set but empty one
// expands to "".
//
// Secret keys (client_secret, refresh_token, private_key_passphrase, wherever they appear) must be
// exactly one reference: `${VAR}`, or `file:PATH` with PATH relative to the job file's directory
// (PATH may itself contain ${VAR}; the file's content is used with trailing newlines trimmed).
// Anything else is a plain-text secret and refused. Resolved secret values are registered with
// RegisterSecret() (engine/core/log.h) as soon as they are read, and never appear in a message.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/config/diagnostics.h"
#include "engine/config/job_loader.h"
#include "engine/config/yaml_document.h"

namespace sfsync::config {

bool IsSecretKey(std::string_view key);

struct Expansion {
  std::string value;
  std::vector<std::string> missing;  // unset variables, in order of appearance
  std::string syntax_error;          // a malformed reference; empty when there is none
  size_t problem_offset = 0;         // byte offset in the input of the first missing or malformed one
};
Expansion ExpandVariables(std::string_view text, const EnvLookup& env);

// Replaces every string in doc->root by its expansion and every secret by its value; adds an
// error to `diag` for each value that cannot be resolved (that value is then left as written).
// `offline` (LoadOptions::offline): secrets are checked for their form only and are not read
// (their values become a placeholder), except, with `offline_reads_store`, those under store: (the
// database's password, which commands that read only the database need).
void ResolveReferences(JobDocument* doc, std::string_view base_dir, const EnvLookup& env, bool offline,
                       Diagnostics* diag, bool offline_reads_store = false);

}  // namespace sfsync::config
