// Helpers shared by the config tests.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "engine/config/job_loader.h"

namespace sfsync::config::testing {

// An environment holding exactly `vars`.
inline EnvLookup FakeEnv(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

inline std::string JobsDir() { return std::string(SFSYNC_SOURCE_DIR) + "/tests/jobs"; }

}  // namespace sfsync::config::testing
