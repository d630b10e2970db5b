// sfsync command line. The only translation unit that includes CLI11 (BUILD-NOTES: ~8 s per TU).
#include <malloc.h>

#include <CLI/CLI.hpp>

#include <exception>
#include <new>
#include <string>

#include "engine/cli/commands.h"
#include "engine/core/exit_codes.h"

namespace {

int Main(int argc, char** argv) {
  using namespace sfsync::cli;
  CLI::App app{"sfsync: keep a local database in step with a Salesforce org"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "sfsync 0.1.0");

  CommonFlags common;
  auto add_common = [&common](CLI::App* cmd) {
    cmd->add_option("--log-level", common.log_level,
                    "error, warn, info, debug or trace (default: warn on the console, info in --log-file; "
                    "info for the daemon)");
    cmd->add_flag("-v,--verbose", common.verbose, "more on the console: -v info, -vv debug, -vvv trace");
    cmd->add_option("--log-format", common.log_format, "text, or json (one object per line, for log shippers)")
        ->check(CLI::IsMember({"text", "json"}))
        ->capture_default_str();
    cmd->add_option("--log-file", common.log_file,
                    "also append log lines here (created 0600), the summary and the final error included");
  };

  RunFlags run;
  CLI::App* run_cmd = app.add_subcommand("run", "run jobs once (several, or every job in a directory, in after: order)");
  run_cmd->add_option("jobs", run.job_paths, "job files (YAML), or directories of them")->required();
  run_cmd->add_option("--object", run.objects, "only this object (name or table); repeatable");
  run_cmd->add_flag("--full", run.full, "read every row of the objects again now (a full pass: deletes found too)");
  run_cmd->add_flag("-q,--quiet", run.quiet, "print nothing on stdout (errors still go to stderr)");
  run_cmd->add_option("--summary", run.summary, "auto (the table on a terminal, one line otherwise), table or line")
      ->check(CLI::IsMember({"auto", "table", "line"}))
      ->capture_default_str();
  run_cmd->add_flag("--no-progress", run.no_progress, "no live progress lines, even on a terminal");
  run_cmd->add_flag("--take-over", run.take_over,
                    "fill tables that another job filled until now (after renaming a job, or moving an object "
                    "from one job to another)");
  add_common(run_cmd);

  PlanFlags plan;
  CLI::App* plan_cmd = app.add_subcommand(
      "plan", "what a run would do now, per object, for a few API calls (none with --offline); changes nothing");
  plan_cmd->add_option("job", plan.job_path, "job file (YAML)")->required();
  plan_cmd->add_option("--object", plan.objects, "only this object (name or table); repeatable");
  plan_cmd->add_flag("--json", plan.json, "print JSON");
  plan_cmd->add_flag("--offline", plan.offline, "no connection: from the database and its cached describes only");
  add_common(plan_cmd);

  DaemonFlags daemon;
  CLI::App* daemon_cmd = app.add_subcommand("daemon", "run jobs on their cron schedules (`schedule:` in each job)");
  daemon_cmd->add_option("jobs", daemon.job_paths, "job files (YAML), or directories of them")->required();
  daemon_cmd->add_option("--max-parallel", daemon.max_parallel, "runs at a time, each of a different job")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  daemon_cmd->add_flag("--once", daemon.once,
                       "run every job once now (scheduled or not, in after: order), then exit with the worst exit code");
  daemon_cmd->add_option("--status-file", daemon.status_file,
                         "rewrite this JSON file after every run (for monitors): each job's last run and next one");
  // Hidden, for tests: every N seconds count as a cron minute.
  daemon_cmd->add_option("--tick-seconds", daemon.tick_seconds)->check(CLI::PositiveNumber)->group("");
  add_common(daemon_cmd);

  AuditFlags audit;
  CLI::App* audit_cmd =
      app.add_subcommand("audit", "compare the database with the org (counts per month, then Ids) and repair it");
  audit_cmd->add_option("job", audit.job_path, "job file (YAML)")->required();
  audit_cmd->add_flag("--dry-run", audit.dry_run, "report differences without repairing (exit 12 if any)");
  audit_cmd->add_flag("--deep", audit.deep,
                      "read every row of the org and compare values too, not only counts and Ids (costs a full read)");
  add_common(audit_cmd);

  ValidateFlags validate;
  CLI::App* validate_cmd = app.add_subcommand("validate", "check job files without running them");
  validate_cmd->add_option("jobs", validate.job_paths, "job files (YAML), or directories of them")->required();
  validate_cmd->add_flag("--offline", validate.offline,
                         "secrets need not be set or readable (CI linting); other ${VAR}s must be");
  add_common(validate_cmd);

  AuthFlags auth;
  CLI::App* auth_cmd = app.add_subcommand("auth", "log in once, or look at / remove a job's stored tokens");
  auth_cmd->require_subcommand(1);
  CLI::App* login_cmd = auth_cmd->add_subcommand(
      "login", "get a token for the job now; for authorization_code and device, a person logs in once");
  login_cmd->add_flag("--device", auth.device, "log in with the device flow (prints a code to enter elsewhere)");
  login_cmd->add_flag("--no-browser", auth.no_browser, "print the login URL without opening a browser");
  login_cmd->add_option("--timeout", auth.timeout_seconds, "seconds to wait for the person to log in")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  CLI::App* status_cmd = auth_cmd->add_subcommand("status", "show what is stored for the job's connection (no secrets)");
  CLI::App* logout_cmd = auth_cmd->add_subcommand(
      "logout", "forget the job's stored session; revoke at Salesforce a token sfsync obtained itself");
  logout_cmd->add_flag("--revoke", auth.revoke,
                       "also revoke a refresh token that came from the job file (it may be shared with other jobs)");
  logout_cmd->add_flag("-y,--yes", auth.yes, "with --revoke: do not ask");
  for (CLI::App* cmd : {login_cmd, status_cmd, logout_cmd}) {
    cmd->add_option("job", auth.job_path, "job file (YAML)")->required();
    add_common(cmd);
  }

  PushFlags push;
  CLI::App* push_cmd = app.add_subcommand("push", "send local edits of tables with push: true to Salesforce");
  push_cmd->add_option("job", push.job_path, "job file (YAML)")->required();
  push_cmd->add_option("--object", push.object, "push this object (name or table) only");
  push_cmd->add_flag("--dry-run", push.dry_run,
                     "show what would be sent and the conflicts found (reads Salesforce, writes nothing)");
  push_cmd->add_flag("--retry", push.retry, "send failed changes again (after fixing the rows)");
  push_cmd->add_flag("--errors", push.errors, "list failed changes with Salesforce's messages, then exit");
  push_cmd->add_flag("-q,--quiet", push.quiet, "do not print the summary table");
  add_common(push_cmd);

  ConflictsFlags conflicts;
  CLI::App* conflicts_cmd = app.add_subcommand("conflicts", "list or resolve push conflicts");
  conflicts_cmd->require_subcommand(1);
  CLI::App* conflicts_list = conflicts_cmd->add_subcommand("list", "open conflicts: base, local and remote values");
  conflicts_list->add_option("job", conflicts.job_path, "job file (YAML)")->required();
  add_common(conflicts_list);
  CLI::App* conflicts_resolve = conflicts_cmd->add_subcommand("resolve", "settle one conflict");
  conflicts_resolve->add_option("job", conflicts.job_path, "job file (YAML)")->required();
  conflicts_resolve->add_option("id", conflicts.conflict_id, "conflict id (from conflicts list)")->required();
  conflicts_resolve->add_option("--take", conflicts.take, "local (send ours), remote (keep Salesforce's) or value")
      ->required()
      ->check(CLI::IsMember({"local", "remote", "value"}));
  conflicts_resolve->add_option("--value", conflicts.value, "with --take value: the value to keep and send");
  conflicts_resolve->add_flag("--null", conflicts.value_null, "with --take value: clear the field");
  add_common(conflicts_resolve);

  StatusFlags status;
  CLI::App* status_cmd_top = app.add_subcommand(
      "status", "per object: last run, rows, watermark and lag, push-back; the last runs (no connection)");
  status_cmd_top->add_option("target", status.target, "job file (YAML), or a database file sfsync writes")->required();
  status_cmd_top->add_flag("--json", status.json, "print JSON");
  status_cmd_top->add_option("--runs", status.runs, "how many recent runs to show")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  add_common(status_cmd_top);

  ExportFlags export_flags;
  CLI::App* export_cmd = app.add_subcommand(
      "export", "write one object's rows as CSV or JSON Lines, from one consistent read (no connection)");
  export_cmd->add_option("job", export_flags.job_path, "job file (YAML)")->required();
  export_cmd->add_option("--object", export_flags.object, "the object (name or table)")->required();
  export_cmd->add_option("--format", export_flags.format, "csv (RFC 4180, with a header) or jsonl (types kept)")
      ->check(CLI::IsMember({"csv", "jsonl"}))
      ->capture_default_str();
  export_cmd->add_option("--where", export_flags.where, "only rows matching this SQL condition");
  export_cmd->add_option("--at", export_flags.at, "the rows as they were at this instant (ISO 8601; history: true)");
  export_cmd->add_option("--columns", export_flags.columns, "only these columns, in this order")->delimiter(',');
  export_cmd->add_option("--out", export_flags.out, "output file (gzip when it ends in .gz), or - for standard output")
      ->required();
  add_common(export_cmd);

  SnapshotFlags snapshot;
  CLI::App* snapshot_cmd =
      app.add_subcommand("snapshot", "copy the job's whole SQLite store into one file, consistently, while syncs run");
  snapshot_cmd->add_option("job", snapshot.job_path, "job file (YAML)")->required();
  snapshot_cmd->add_option("--out", snapshot.out, "the snapshot file to write (SQLite)")->required();
  snapshot_cmd->add_option("--at", snapshot.at,
                           "the tables as they were at this instant (ISO 8601), from history (history: true)");
  snapshot_cmd->add_option("--object", snapshot.objects, "with --at: only these objects (name or table)")
      ->delimiter(',');
  add_common(snapshot_cmd);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? sfsync::kExitOk : sfsync::kExitUsage;
  }
  if (run_cmd->parsed()) return RunCommand(common, run);
  if (plan_cmd->parsed()) return PlanCommand(common, plan);
  if (validate_cmd->parsed()) return ValidateCommand(common, validate);
  if (audit_cmd->parsed()) return AuditCommand(common, audit);
  if (daemon_cmd->parsed()) return DaemonCommand(common, daemon);
  if (push_cmd->parsed()) return PushCommand(common, push);
  if (export_cmd->parsed()) return ExportCommand(common, export_flags);
  if (snapshot_cmd->parsed()) return SnapshotCommand(common, snapshot);
  if (conflicts_cmd->parsed()) {
    conflicts.action = conflicts_list->parsed() ? "list" : "resolve";
    return ConflictsCommand(common, conflicts);
  }
  if (status_cmd_top->parsed()) return StatusCommand(common, status);
  if (auth_cmd->parsed()) {
    auth.action = login_cmd->parsed() ? "login" : status_cmd->parsed() ? "status" : "logout";
    return AuthCommand(common, auth);
  }
  return sfsync::kExitUsage;
}

}  // namespace

// Every failure sfsync expects is a Status with its own exit code; an exception reaching this far is
// a bug or a machine out of resources (memory): one clear line and exit 1, never an abort. A run
// interrupted this way leaves a valid database (every committed page is whole).
int main(int argc, char** argv) {
  // Memory stays flat in the rows synced (README "Performance"): glibc gives each thread that
  // allocates its own heap arena (up to 8 per core) and keeps what was freed there, so pages parsed
  // on fetch threads and freed on the writer's left ~70 MB of dead arenas behind at 200k rows. Two
  // arenas cost no measurable speed.
  mallopt(M_ARENA_MAX, 2);
  try {
    return Main(argc, argv);
  } catch (const std::bad_alloc&) {
    sfsync::cli::PrintError("internal error: out of memory");
  } catch (const std::exception& e) {
    sfsync::cli::PrintError(std::string("internal error: ") + e.what());
  } catch (...) {
    sfsync::cli::PrintError("internal error: an unknown exception");
  }
  return sfsync::kExitInternal;
}
