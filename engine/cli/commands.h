// The sfsync subcommands. main.cc parses the command line (the only file that includes CLI11) and
// calls one of these; each returns the process exit code (engine/core/exit_codes.h).
#pragma once

#include <string>
#include <vector>

namespace sfsync::cli {

struct CommonFlags {
  std::string log_level = "info";  // error | warn | info | debug | trace
  std::string log_file;            // also append log lines here (0600)
};

struct RunFlags {
  std::string job_path;
  bool quiet = false;  // no summary table
};

int RunCommand(const CommonFlags& common, const RunFlags& flags);
int ValidateCommand(const CommonFlags& common, const std::vector<std::string>& job_paths);

// Applies log level and file; returns false (after printing why) when they are unusable.
bool SetUpLogging(const CommonFlags& common);

// Prints "sfsync: <message>" to stderr, redacted, on one line.
void PrintError(const std::string& message);

}  // namespace sfsync::cli
