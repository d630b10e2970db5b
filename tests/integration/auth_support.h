// What the auth integration tests share: keys and certificates made with the openssl CLI, job
// files for each flow, the token store on disk, and a browser that follows a login redirect.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "connectors/salesforce/http/http_transport.h"
#include "tests/testing/emulator.h"
#include "tests/testing/process.h"

namespace sfsync::testing {

// The username every emulator org has; the default JWT, authorize and run-as user.
inline constexpr char kIntegrationUser[] = "integration@sfsync-emulator.example";

struct JwtKeys {
  std::string key_file;            // PEM private key, unencrypted
  std::string encrypted_key_file;  // the same key, encrypted with `passphrase`
  std::string cert_file;           // self-signed certificate of the key: what the app has uploaded
  std::string passphrase;
};

// Runs the openssl CLI in `dir` (throws when it fails).
JwtKeys MakeJwtKeys(const TempDir& dir, const std::string& name = "jwt");

// The `auth:` lines (four-space indent) of a jwt_bearer job as the integration user, with
// `keys.encrypted_key_file`, client id ${SF_CLIENT_ID} and passphrase ${SF_KEY_PASSPHRASE}.
std::string JwtAuthYaml(const JwtKeys& keys);

struct ServerCertificate {
  std::string cert_file;  // self-signed, for 127.0.0.1 and localhost
  std::string key_file;
};
ServerCertificate MakeServerCertificate(const TempDir& dir);

// A job syncing Account from `login_url`. `auth_yaml` holds the lines under `auth:`, each indented
// by four spaces; `connection_extra` more lines under `connection:` (two spaces). The database is
// dir/sync.db and the token store dir/state.
std::string AuthJob(const TempDir& dir, const std::string& login_url, const std::string& auth_yaml,
                    const std::string& connection_extra = "");

// The `auth:` lines of a refresh_token job reading the emulator's test credentials (TestAuthEnv).
inline constexpr char kRefreshAuth[] =
    "    flow: refresh_token\n"
    "    client_id: ${SF_CLIENT_ID}\n"
    "    client_secret: ${SF_CLIENT_SECRET}\n"
    "    refresh_token: ${SF_REFRESH_TOKEN}\n";

// The `auth:` lines of a jwt_bearer job with `keys.key_file` (unencrypted).
std::string JwtAuth(const JwtKeys& keys, const std::string& username = kIntegrationUser,
                    const std::string& client_id = "${SF_CLIENT_ID}");
// The `auth:` lines of `flow` with client id and secret from ${SF_CLIENT_ID} and ${SF_CLIENT_SECRET}.
std::string SecretAuth(const std::string& flow);
// An emulator --clock-start `offset_seconds` from this machine's clock.
std::string ClockStart(int offset_seconds);

// `sfsync args...` to completion, with `env` added.
ProcessResult Sfsync(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {});

// The token store files (*.json) under dir/state/tokens.
std::vector<std::string> TokenStoreFiles(const TempDir& dir);
// The one token store file's JSON (throws unless there is exactly one).
nlohmann::json ReadTokenStore(const TempDir& dir);

// One GET, no redirect followed, trusting `ca_file` too: what a browser's request sees.
salesforce::HttpResponse BrowserGet(const std::string& url, const std::string& ca_file = "");

// Waits until the process's stdout contains `text`; returns the stdout. Throws after 20 s, or when
// the process exits first (with its stderr).
std::string WaitForStdout(BackgroundProcess& process, const std::string& text);

// The value of `name` in the query string of `url`, decoded.
std::string QueryParam(const std::string& url, const std::string& name);

// The emulator's POST /services/oauth2/introspect of `token`: true when the token is active.
bool TokenActive(Emulator& emu, const std::string& token);

size_t CountLines(const std::string& text);

// A loopback port nobody listens on right now: for a callback URL.
int FreeLoopbackPort();

}  // namespace sfsync::testing
