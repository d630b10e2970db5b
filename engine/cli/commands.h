// The sfsync subcommands. main.cc parses the command line (the only file that includes CLI11) and
// calls one of these; each returns the process exit code (engine/core/exit_codes.h).
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "connectors/salesforce/http/http_transport.h"
#include "engine/config/job.h"
#include "engine/core/log.h"

namespace sfsync::cli {

struct CommonFlags {
  std::string log_level;            // error | warn | info | debug | trace; "" = the command's default
  int verbose = 0;                  // -v: info, -vv: debug, -vvv: trace (when no --log-level)
  std::string log_format = "text";  // text | json
  std::string log_file;             // also append log lines here (0600), at info or --log-level
};

// `sfsync run JOB... | DIR` (cmd_run.cc).
struct RunFlags {
  std::vector<std::string> job_paths;  // files, or directories of *.yaml / *.yml
  std::vector<std::string> objects;    // --object: only these (name or table), in every job that has them
  bool full = false;                   // --full: read every row of the objects again now
  bool quiet = false;                  // -q: nothing on stdout
  std::string summary = "auto";        // auto (table on a terminal, else one line) | table | line
  bool no_progress = false;            // no live progress lines, even on a terminal
  bool take_over = false;              // claim the job's tables from another job that filled them
};

// `sfsync validate JOB...|DIR [--offline]` (cmd_validate.cc).
struct ValidateFlags {
  std::vector<std::string> job_paths;
  bool offline = false;  // secrets need not be set
};

// `sfsync status JOB|DB [--json]` (cmd_status.cc).
struct StatusFlags {
  std::string target;  // a job file, or a database file
  bool json = false;
  int runs = 5;  // recent runs shown
};

// `sfsync plan JOB [--object NAME] [--json] [--offline]` (cmd_plan.cc).
struct PlanFlags {
  std::string job_path;
  std::vector<std::string> objects;
  bool json = false;
  bool offline = false;  // no connection: from the database and cached describes only
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
  std::string status_file;             // rewritten (JSON) after every run, for monitors
};

// `sfsync auth login|status|logout JOB.yaml` (cmd_auth.cc).
struct AuthFlags {
  std::string action;  // login | status | logout
  std::string job_path;
  bool device = false;        // login with the device flow
  bool no_browser = false;    // login: print the URL without opening a browser
  int timeout_seconds = 300;  // login: how long to wait for the person
  bool revoke = false;        // logout: also revoke a refresh token that came from the job file
  bool yes = false;           // logout --revoke: do not ask
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

// `sfsync export JOB.yaml --object X [--format csv|jsonl] [--at TIME] [--where SQL] [--columns A,B]
// --out PATH|-` (cmd_export.cc).
struct ExportFlags {
  std::string job_path;
  std::string object;                // name or table
  std::string format = "csv";        // csv | jsonl
  std::string where;                 // an SQL condition on the table's columns
  std::string at;                    // ISO 8601: the rows as they were then (history); empty: now
  std::vector<std::string> columns;  // empty: every column
  std::string out;                   // a file (".gz": gzip), or "-" for standard output
};

// `sfsync snapshot JOB.yaml [--at TIME [--object X,Y]] --out FILE.db` (cmd_snapshot.cc).
struct SnapshotFlags {
  std::string job_path;
  std::string out;                   // the new SQLite file (replaced if it exists)
  std::string at;                    // ISO 8601: the tables as they were then, from history; empty: now
  std::vector<std::string> objects;  // with `at`: only these (name or table); empty: every history object
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
int PlanCommand(const CommonFlags& common, const PlanFlags& flags);
int PushCommand(const CommonFlags& common, const PushFlags& flags);
int ConflictsCommand(const CommonFlags& common, const ConflictsFlags& flags);
// `sfsync status JOB|DB` (cmd_status.cc): per object and per run, from the database. No connection.
int StatusCommand(const CommonFlags& common, const StatusFlags& flags);
int ExportCommand(const CommonFlags& common, const ExportFlags& flags);
int SnapshotCommand(const CommonFlags& common, const SnapshotFlags& flags);
int DaemonCommand(const CommonFlags& common, const DaemonFlags& flags);
int AuditCommand(const CommonFlags& common, const AuditFlags& flags);
int AuthCommand(const CommonFlags& common, const AuthFlags& flags);
int ValidateCommand(const CommonFlags& common, const ValidateFlags& flags);

// Applies log level, format and file; returns false (after printing why) when they are unusable.
// `default_level` is the console's level when neither --log-level nor -v is given: kWarn for
// commands run by hand or by cron (quiet unless something is wrong), kInfo for the daemon.
bool SetUpLogging(const CommonFlags& common, LogLevel default_level = LogLevel::kWarn);

// Prints "sfsync: <message>" to stderr, redacted, on one line (also an ERROR line in the log file).
void PrintError(const std::string& message);
// PrintError for each line of a message that holds one problem per line (job files).
void PrintErrorLines(const std::string& message);

// Handles SIGINT and SIGTERM for the rest of the process: the first one sets the returned flag and
// writes `notice` (a string literal, one line) to stderr; a second one kills the process at once.
const std::atomic<bool>* InstallStopSignalHandlers(const char* notice);

// Handles SIGHUP for the rest of the process: it sets the returned flag (the daemon reloads its
// job files and clears it).
std::atomic<bool>* InstallReloadSignalHandler();

// Sets up logging and loads the job; on failure prints why and returns the exit code (else 0).
int LoadJobForCommand(const CommonFlags& common, const std::string& path, config::Job* job);

// Keeps only the objects named (by object or table name, ignoring case). Returns the names that
// match no object of `job` (the caller decides whether that is an error).
std::vector<std::string> SelectObjects(const std::vector<std::string>& names, config::Job* job);

// The transport for a job's connection: its ca_file and timeout; gzip unless the host is loopback.
std::unique_ptr<salesforce::HttpTransport> TransportFor(const config::Job& job);

}  // namespace sfsync::cli
