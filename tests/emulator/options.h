// Command-line flags of sfsync-emulator (README lists them).
#ifndef SFSYNC_TESTS_EMULATOR_OPTIONS_H_
#define SFSYNC_TESTS_EMULATOR_OPTIONS_H_

#include <string>
#include <vector>

#include "tests/emulator/config.h"

namespace sfsync::emulator {

enum class ParseOutcome { kRun, kHelp, kError };

// Parses `args` (without the program name) into `config`, starting from its defaults.
// On kError, `error` names the flag and the problem.
ParseOutcome ParseOptions(const std::vector<std::string>& args, EmulatorConfig* config,
                          std::string* error);

std::string UsageText();

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_OPTIONS_H_
