// The sfsync subcommands. main.cc parses the command line (the only file that includes CLI11) and
// calls one of these; each returns the process exit code (engine/core/exit_codes.h).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "connectors/salesforce/http_transport.h"
#include "engine/config/job.h"

namespace sfsync::cli {

struct CommonFlags {
  std::string log_level = "info";  // error | warn | info | debug | trace
  std::string log_file;            // also append log lines here (0600)
};

struct RunFlags {
  std::string job_path;
  bool quiet = false;  // no summary table
};

// `sfsync auth login|status|logout JOB.yaml` (cmd_auth.cc).
struct AuthFlags {
  std::string action;  // login | status | logout
  std::string job_path;
  bool device = false;      // login with the device flow
  bool no_browser = false;  // login: print the URL without opening a browser
  int timeout_seconds = 300;  // login: how long to wait for the person
};

int RunCommand(const CommonFlags& common, const RunFlags& flags);
int AuthCommand(const CommonFlags& common, const AuthFlags& flags);
int ValidateCommand(const CommonFlags& common, const std::vector<std::string>& job_paths);

// Applies log level and file; returns false (after printing why) when they are unusable.
bool SetUpLogging(const CommonFlags& common);

// The HTTP transport a job talks to Salesforce through: its ca_file and timeout; gzip except to a
// loopback host.
std::unique_ptr<salesforce::HttpTransport> NewJobTransport(const config::Job& job);

// Prints "sfsync: <message>" to stderr, redacted, on one line.
void PrintError(const std::string& message);

}  // namespace sfsync::cli
