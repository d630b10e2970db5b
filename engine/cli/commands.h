// The sfsync subcommands. main.cc parses the command line (the only file that includes CLI11) and
// calls one of these; each returns the process exit code (engine/core/exit_codes.h).
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "connectors/salesforce/http/http_transport.h"
#include "engine/config/job.h"

namespace sfsync::cli {

struct CommonFlags {
  std::string log_level = "info";  // error | warn | info | debug | trace
  std::string log_file;            // also append log lines here (0600)
};

struct RunFlags {
  std::string job_path;
  bool quiet = false;  // no summary table
  bool take_over = false;  // claim the job's tables from another job that filled them
};

struct AuditFlags {
  std::string job_path;
  bool dry_run = false;  // report differences, change nothing
  bool deep = false;     // compare the values of every row, not only counts and Ids
};

struct DaemonFlags {
  std::vector<std::string> job_paths;  // files, or directories of *.yaml / *.yml
  int max_parallel = 1;                // concurrent runs, each of a different job
  bool once = false;                   // run every scheduled job once now, then exit
  int tick_seconds = 0;                // hidden, for tests: N seconds count as one cron minute
};

// `sfsync auth login|status|logout JOB.yaml` (cmd_auth.cc).
struct AuthFlags {
  std::string action;  // login | status | logout
  std::string job_path;
  bool device = false;        // login with the device flow
  bool no_browser = false;    // login: print the URL without opening a browser
  int timeout_seconds = 300;  // login: how long to wait for the person
};

// `sfsync push JOB.yaml` (cmd_push.cc).
struct PushFlags {
  std::string job_path;
  std::string object;   // --object: only this object (name or table)
  bool dry_run = false;  // show what would be sent, send nothing
  bool retry = false;    // send FAILED changes again
  bool errors = false;   // list FAILED changes and exit (no connection)
  bool quiet = false;
};

// `sfsync conflicts list|resolve JOB.yaml` (cmd_push.cc).
struct ConflictsFlags {
  std::string action;  // list | resolve
  std::string job_path;
  int64_t conflict_id = 0;
  std::string take;         // local | remote | value
  std::string value;        // --value, with take = value
  bool value_null = false;  // --null: take value NULL
};

int RunCommand(const CommonFlags& common, const RunFlags& flags);
int PushCommand(const CommonFlags& common, const PushFlags& flags);
int ConflictsCommand(const CommonFlags& common, const ConflictsFlags& flags);
// `sfsync status JOB.yaml` (cmd_status.cc): recent runs, the outbox, open conflicts. No connection.
int StatusCommand(const CommonFlags& common, const std::string& job_path);
int DaemonCommand(const CommonFlags& common, const DaemonFlags& flags);
int AuditCommand(const CommonFlags& common, const AuditFlags& flags);
int AuthCommand(const CommonFlags& common, const AuthFlags& flags);
int ValidateCommand(const CommonFlags& common, const std::vector<std::string>& job_paths);

// Applies log level and file; returns false (after printing why) when they are unusable.
bool SetUpLogging(const CommonFlags& common);

// Prints "sfsync: <message>" to stderr, redacted, on one line.
void PrintError(const std::string& message);
// PrintError for each line of a message that holds one problem per line (job files).
void PrintErrorLines(const std::string& message);

// Handles SIGINT and SIGTERM for the rest of the process: the first one sets the returned flag and
// writes `notice` (a string literal, one line) to stderr; a second one kills the process at once.
const std::atomic<bool>* InstallStopSignalHandlers(const char* notice);

// Sets up logging and loads the job; on failure prints why and returns the exit code (else 0).
int LoadJobForCommand(const CommonFlags& common, const std::string& path, config::Job* job);

// The transport for a job's connection: its ca_file and timeout; gzip unless the host is loopback.
std::unique_ptr<salesforce::HttpTransport> TransportFor(const config::Job& job);

}  // namespace sfsync::cli
