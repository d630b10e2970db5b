// Process exit codes of the sfsync CLI. Documented in README.md ("Exit codes"); keep both in step.
#pragma once

#include "engine/core/status.h"

namespace sfsync {

enum ExitCode : int {
  kExitOk = 0,
  kExitInternal = 1,        // a bug or an unexpected local failure
  kExitUsage = 2,           // bad command line
  kExitInvalidJob = 3,      // job file: syntax, schema, unknown key, missing env var or secret file
  kExitAuth = 4,            // authentication failed (cause not more specific; see 20-29)
  kExitApi = 5,             // Salesforce rejected a request (bad field, bad SOQL, unknown object)
  kExitUnavailable = 6,     // server or network unavailable after retries; malformed responses
  kExitStore = 7,           // local database error
  kExitPartial = 8,         // run finished PARTIAL: some objects failed, the rest committed
  kExitLimit = 9,           // API request limit exhausted (REQUEST_LIMIT_EXCEEDED)
  kExitInterrupted = 10,    // SIGINT/SIGTERM: current page finished or rolled back, run PARTIAL
  kExitLocked = 11,         // another run of this job holds the lock
  kExitDrift = 12,          // `audit --dry-run` found rows that differ from the server
  kExitTls = 13,            // TLS certificate verification failed (a private CA needs ca_file)
  kExitPushIncomplete = 14, // push left changes FAILED, in CONFLICT, waiting or unknown (sfsync push --errors)
  // Authentication causes, each naming what to change (issue 4).
  kExitAuthInvalidClient = 20,       // unknown client id (consumer key)
  kExitAuthInvalidSecret = 21,       // wrong client secret
  kExitAuthRedirectMismatch = 22,    // callback URL not registered on the app
  kExitAuthScope = 23,               // scopes missing on the app or the token
  kExitAuthNotApproved = 24,         // user not pre-authorized / never approved the app
  kExitAuthGrantExpired = 25,        // refresh token expired or revoked
  kExitAuthJwtSignature = 26,        // JWT signature does not match the uploaded certificate
  kExitAuthJwtAudience = 27,         // JWT audience is not the login host
  kExitAuthClockSkew = 28,           // JWT exp rejected: local clock skewed or assertion stale
  kExitAuthDomain = 29,              // client credentials used on a non-My-Domain host
};

// Maps the status a command ended with to its exit code. OK maps to kExitOk.
int ExitCodeFor(const Status& status);

}  // namespace sfsync
