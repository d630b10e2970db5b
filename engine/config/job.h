// The job model: what a job file (jobs/*.yaml, schemas/job.schema.json) says, after defaults,
// ${ENV}/file: references and validation. Documented for users in README.md ("Job files").
//
// The initial values below are the defaults: the loader keeps them for keys a file leaves out, and
// the schema's "default" keywords document the same values (a test keeps the two in step).
// Every path is absolute; relative paths in a file resolve against the file's directory.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/config/source_map.h"

namespace sfsync::config {

struct AuthConfig {
  std::string flow = "jwt_bearer";  // jwt_bearer | refresh_token | client_credentials | authorization_code | device
  std::string client_id;
  std::string client_secret;   // resolved secret value; never printed
  std::string refresh_token;   // resolved secret value; never printed
  std::string username;
  std::string private_key_file;         // absolute path
  std::string private_key_passphrase;   // resolved secret value
  std::vector<std::string> scopes = {"api", "refresh_token"};
  std::string redirect_uri = "http://127.0.0.1:1717/callback";  // authorization_code
  int64_t session_timeout_seconds = 7200;
};

struct ConnectionConfig {
  std::string login_url;       // https://login.salesforce.com | My Domain | loopback http; no trailing '/'
  std::string api_version = "60.0";
  std::string ca_file;         // absolute path; empty = system trust store
  int64_t timeout_seconds = 120;
  int64_t max_response_seconds = 1800;  // bound on one whole HTTP exchange, however steady
  int max_attempts = 5;
  int max_concurrent_requests = 10; // HTTP requests in flight at once, all objects and slices together
  int64_t max_response_mb = 256;    // cap on one response body, received or decoded (MiB)
  int64_t max_inflate_ratio = 500;  // cap on a gzip body's decoded:compressed ratio past 16 MiB decoded
  AuthConfig auth;
};

struct StoreConfig {
  std::string sqlite_path;  // absolute; relative paths in the file resolve against the job file's directory
  // PostgreSQL (store.postgres): the URL as written, never holding a password; empty for SQLite.
  std::string postgres_url;
  std::string postgres_schema = "sfsync";
  std::string postgres_password;  // resolved from ${VAR} or file:; empty: libpq's PGPASSWORD / PGPASSFILE
  bool is_postgres() const { return !postgres_url.empty(); }
};

struct ObjectConfig {
  std::string name;                 // sObject API name, e.g. "Account"
  std::string table;                // SQL table; default = name
  SourceLocation table_at;          // in the job file: the `table` value, else the `name` value
  bool all_fields = false;          // fields: "*"
  std::vector<std::string> fields;  // explicit list (may contain parent paths like Account.Name); starts
                                    // with "Id" when the file did not list it; empty when all_fields
  std::vector<std::string> exclude; // with "*": fields to leave out (never Id)
  std::string where;                // extra SOQL condition, ANDed with the incremental filter
  std::string mode = "incremental"; // incremental | full
  std::string deletes = "soft";     // soft | hard | ignore
  int batch_size = 2000;            // 200..2000
  int64_t bulk_max_records = 50000;  // rows per Bulk API 2.0 results page (maxRecords)
  int64_t min_rows_per_slice = 20000;  // REST loads of at least twice this are read in parallel slices; 0: never
  std::string formula_fields = "include";  // include | exclude
  bool include_base64 = false;
  std::string api = "rest";         // rest | bulk | auto
  std::string cursor_field;         // empty: SystemModstamp, else LastModifiedDate, else CreatedDate
  bool history = false;             // keep every version of the rows in <table>__history
  bool push = false;                // send local edits back (engine/push)
  std::string external_id;          // push: the external-id field inserts are upserted on; empty: none
  bool at_least_once_inserts = false;  // push without external_id: create (a lost answer may duplicate)
};

struct Job {
  std::string source_path;  // the file it came from (absolute)
  int version = 1;
  std::string name;
  SourceLocation name_at;   // in the job file: the `name` value
  std::string schedule;     // cron expression (engine/scheduler/cron.h, UTC); empty = run only when asked
  ConnectionConfig connection;
  StoreConfig store;
  std::vector<ObjectConfig> objects;
  int64_t settle_lag_seconds = 60;  // the watermark never passes server time minus this
  int64_t max_clock_skew_seconds = 300;
  std::string push_conflicts = "manual";  // manual | remote_wins | local_wins
  int64_t push_bulk_threshold = 10000;  // more records of one object and operation: a Bulk ingest job; 0: never  // a server Date further off than this: the earlier clock is used
  int64_t max_api_calls = 0;        // budget: calls one run may spend; 0 = none
  double max_percent_of_daily = 0;  // budget: stop when the org's daily usage reaches this percent; 0 = none
  std::string catch_up = "skip";    // daemon: skip | once (fires missed while it was down)
  std::vector<std::string> after;   // jobs (by name) that must succeed first in the same cycle
  int64_t keep_runs = 1000;         // run history kept per job
  std::string state_dir;            // token cache, locks; default $XDG_STATE_HOME/sfsync, else
                                    // $HOME/.local/state/sfsync
};

}  // namespace sfsync::config
