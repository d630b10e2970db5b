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

struct AuditFlags {
  std::string job_path;
  bool dry_run = false;  // report differences, change nothing
  bool deep = false;     // diff the Ids of every bucket
};

int RunCommand(const CommonFlags& common, const RunFlags& flags);
int AuditCommand(const CommonFlags& common, const AuditFlags& flags);
int ValidateCommand(const CommonFlags& common, const std::vector<std::string>& job_paths);

// Applies log level and file; returns false (after printing why) when they are unusable.
bool SetUpLogging(const CommonFlags& common);

// Prints "sfsync: <message>" to stderr, redacted, on one line.
void PrintError(const std::string& message);

// Sets up logging and loads the job; on failure prints why and returns the exit code (else 0).
int LoadJobForCommand(const CommonFlags& common, const std::string& path, config::Job* job);

// The transport for a job's connection: its ca_file and timeout; gzip unless the host is loopback.
std::unique_ptr<salesforce::HttpTransport> TransportFor(const config::Job& job);

}  // namespace sfsync::cli
