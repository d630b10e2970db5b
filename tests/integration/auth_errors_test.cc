// Every authentication failure the External Client App guide lists, against the emulator: one
// line on stderr naming the cause and what to change, its own exit code, nothing in the token store.
#include <doctest/doctest.h>

#include <chrono>
#include <ctime>
#include <regex>

#include "engine/core/exit_codes.h"
#include "tests/integration/auth_support.h"

namespace sfsync::testing {
namespace {

std::map<std::string, std::string> Env(const std::string& passphrase = "") {
  std::map<std::string, std::string> env = {
      {"SF_CLIENT_ID", kClientId}, {"SF_CLIENT_SECRET", kClientSecret}, {"SF_REFRESH_TOKEN", kRefreshToken}};
  if (!passphrase.empty()) env["SF_KEY_PASSPHRASE"] = passphrase;
  return env;
}

// Runs `sfsync run` on the job and checks the outcome every auth failure must have.
ProcessResult RunFailing(const TempDir& dir, const std::string& job, int exit_code,
                         const std::vector<std::string>& phrases, const std::map<std::string, std::string>& env) {
  WriteFile(dir.File("job.yaml"), job);
  ProcessResult r = Sfsync({"run", dir.File("job.yaml")}, env);
  INFO(r.err);
  CHECK(r.exit_code == exit_code);
  CHECK(CountLines(r.err) == 1);
  CHECK(r.err.rfind("sfsync: ", 0) == 0);
  CHECK(r.err.find("[REDACTED]") == std::string::npos);  // the advice itself is never mangled by redaction
  for (const std::string& phrase : phrases) CHECK(r.err.find(phrase) != std::string::npos);
  CHECK(TokenStoreFiles(dir).empty());
  CHECK_FALSE(FileExists(dir.File("sync.db")));
  return r;
}

TEST_CASE("an unknown client id: exit 20, set client_id to the consumer key") {
  TempDir dir;
  const JwtKeys keys = MakeJwtKeys(dir);
  Emulator emu({"--size", "1", "--jwt-cert", keys.cert_file});
  RunFailing(
      dir, AuthJob(dir, emu.url(), JwtAuth(keys, kIntegrationUser, "3MVG9NotTheAppsKey")), kExitAuthInvalidClient,
      {"unknown client id", "invalid_client_id", "set client_id to the External Client App's consumer key"}, Env());
}

TEST_CASE("a wrong client secret: exit 21, set client_secret to the consumer secret") {
  TempDir dir;
  Emulator emu({"--size", "1", "--my-domain-port", "0"});
  std::map<std::string, std::string> env = Env();
  env["SF_CLIENT_SECRET"] = "not-the-consumer-secret";
  RunFailing(dir, AuthJob(dir, emu.my_domain_url(), SecretAuth("client_credentials")), kExitAuthInvalidSecret,
             {"client credentials rejected", "set client_secret to the External Client App's consumer secret"}, env);
  // ...and the refresh flow's secret the same way.
  TempDir dir2;
  RunFailing(dir2, AuthJob(dir2, emu.url(), SecretAuth("refresh_token") + "    refresh_token: ${SF_REFRESH_TOKEN}\n"),
             kExitAuthInvalidSecret, {"client_secret"}, env);
}

TEST_CASE("a callback URL the app does not list: exit 22 before anyone is sent to a browser") {
  TempDir dir;
  Emulator emu({"--size", "1"});  // registers only http://127.0.0.1:1717/callback
  const std::string redirect = "http://127.0.0.1:" + std::to_string(FreeLoopbackPort()) + "/oauth/done";
  WriteFile(dir.File("job.yaml"),
            AuthJob(dir, emu.url(), SecretAuth("authorization_code") + "    redirect_uri: " + redirect + "\n"));
  ProcessResult r = Sfsync({"auth", "login", "--no-browser", dir.File("job.yaml")}, Env());
  CHECK(r.exit_code == kExitAuthRedirectMismatch);
  CHECK(CountLines(r.err) == 1);
  CHECK(r.err.find("redirect_uri_mismatch") != std::string::npos);
  CHECK(r.err.find("add the callback URL to the External Client App") != std::string::npos);
  CHECK(r.out.find("authorize?") == std::string::npos);  // the URL was never shown
  CHECK(TokenStoreFiles(dir).empty());
}

TEST_CASE("missing scopes: exit 23, for a token without api and for a login without refresh_token") {
  TempDir dir;
  Emulator no_api({"--size", "1", "--app-scopes", "refresh_token openid"});
  RunFailing(dir, AuthJob(dir, no_api.url(), SecretAuth("refresh_token") + "    refresh_token: ${SF_REFRESH_TOKEN}\n"),
             kExitAuthScope, {"token lacks the api scope", "Manage user data via APIs (api)"}, Env());

  // A login that asked only for api gets no refresh token, so no later run could renew it.
  TempDir dir2;
  const int port = FreeLoopbackPort();
  const std::string redirect = "http://127.0.0.1:" + std::to_string(port) + "/callback";
  Emulator emu({"--size", "1", "--callback-url", redirect});
  WriteFile(dir2.File("job.yaml"),
            AuthJob(dir2, emu.url(),
                    SecretAuth("authorization_code") + "    redirect_uri: " + redirect + "\n    scopes: [api]\n"));
  BackgroundProcess login({SfsyncBinary(), "auth", "login", "--no-browser", dir2.File("job.yaml")}, dir2.path(), Env());
  const std::string out = WaitForStdout(login, "Waiting up to");
  const size_t at = out.find("http://127.0.0.1:" + std::to_string(emu.port()) + "/services/oauth2/authorize?");
  const std::string url = out.substr(at, out.find('\n', at) - at);
  BrowserGet(*BrowserGet(url).Header("Location"));
  CHECK(login.Wait() == kExitAuthScope);
  CHECK(login.Stderr().find("the login gave no refresh token") != std::string::npos);
  CHECK(login.Stderr().find("Perform requests at any time (refresh_token, offline_access)") != std::string::npos);
  CHECK(TokenStoreFiles(dir2).empty());
}

TEST_CASE("a user who is not pre-authorized: exit 24, pre-authorize the user's profile or permission set") {
  TempDir dir;
  const JwtKeys keys = MakeJwtKeys(dir);
  Emulator emu({"--size", "1", "--jwt-cert", keys.cert_file});  // only the integration user is pre-authorized
  RunFailing(
      dir, AuthJob(dir, emu.url(), JwtAuth(keys, "avery.chen@sfsync-emulator.example")), kExitAuthNotApproved,
      {"user is not pre-authorized", "user hasn't approved this consumer", "Admin approved users are pre-authorized"},
      Env());
}

TEST_CASE("an expired or revoked refresh token: exit 25, log in again") {
  TempDir dir;
  Emulator emu({"--size", "1"});
  // Revoked by someone (Setup > Connected Apps OAuth Usage > Revoke), here through the endpoint.
  salesforce::HttpRequest revoke;
  revoke.method = "POST";
  revoke.url = emu.url() + "/services/oauth2/revoke";
  revoke.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  revoke.body = std::string("token=") + kRefreshToken;
  REQUIRE(salesforce::NewCpprestTransport({})->Send(revoke)->status == 200);
  RunFailing(dir, AuthJob(dir, emu.url(), SecretAuth("refresh_token") + "    refresh_token: ${SF_REFRESH_TOKEN}\n"),
             kExitAuthGrantExpired, {"refresh token expired or revoked", "sfsync auth login JOB.yaml"}, Env());
}

TEST_CASE("a key whose certificate is not the app's: exit 26, upload the certificate of private_key_file") {
  TempDir dir;
  const JwtKeys uploaded = MakeJwtKeys(dir, "uploaded");
  const JwtKeys other = MakeJwtKeys(dir, "other");
  Emulator emu({"--size", "1", "--jwt-cert", uploaded.cert_file});
  RunFailing(dir, AuthJob(dir, emu.url(), JwtAuth(other)), kExitAuthJwtSignature,
             {"JWT assertion rejected", "invalid assertion", "must match private_key_file"}, Env());
}

TEST_CASE("a login URL the org does not take as audience: exit 27, set login_url to the login host") {
  TempDir dir;
  const JwtKeys keys = MakeJwtKeys(dir);
  Emulator emu({"--size", "1", "--jwt-cert", keys.cert_file});
  // The same server by another name: the assertion's aud is http://localhost:PORT.
  const std::string by_other_name = "http://localhost:" + std::to_string(emu.port());
  RunFailing(dir, AuthJob(dir, by_other_name, JwtAuth(keys)), kExitAuthJwtAudience,
             {"JWT audience rejected", "Audience validation failed", "set login_url to https://login.salesforce.com"},
             Env());
}

int MeasuredSkew(const std::string& err, const std::string& direction) {
  std::smatch skew;
  if (!std::regex_search(err, skew, std::regex("this machine's clock is (\\d+) s " + direction))) return -1;
  return std::stoi(skew[1]);
}

TEST_CASE("a clock off by minutes either way: exit 28, with the measured skew") {
  TempDir dir;
  const JwtKeys keys = MakeJwtKeys(dir);
  {  // a) Ten minutes behind the server: the assertion had expired when it arrived.
    Emulator emu({"--size", "1", "--jwt-cert", keys.cert_file, "--clock-start", ClockStart(600)});
    ProcessResult r = RunFailing(dir, AuthJob(dir, emu.url(), JwtAuth(keys)), kExitAuthClockSkew,
                                 {"JWT expiry rejected", "expired authorization code", "NTP"}, Env());
    const int behind = MeasuredSkew(r.err, "behind the server's");
    CHECK(behind >= 595);
    CHECK(behind <= 605);
  }
  {  // b) Two minutes ahead: the exp lies beyond 3 minutes by the server's clock ("invalid assertion").
    Emulator emu({"--size", "1", "--jwt-cert", keys.cert_file, "--clock-start", ClockStart(-120)});
    ProcessResult r = RunFailing(dir, AuthJob(dir, emu.url(), JwtAuth(keys)), kExitAuthClockSkew,
                                 {"invalid assertion", "more than 3 minutes ahead", "NTP"}, Env());
    const int ahead = MeasuredSkew(r.err, "ahead of the server's");
    CHECK(ahead >= 115);
    CHECK(ahead <= 125);
  }
}

TEST_CASE("client credentials on the login host instead of My Domain: exit 29, use the My Domain URL") {
  TempDir dir;
  Emulator emu({"--size", "1", "--my-domain-port", "0"});
  RunFailing(dir, AuthJob(dir, emu.url(), SecretAuth("client_credentials")), kExitAuthDomain,
             {"client credentials flow needs the org's My Domain", "request not supported on this domain",
              "https://YOUR-DOMAIN.my.salesforce.com"},
             Env());
}

TEST_CASE("a corrupt token store: the run stops naming the file and what to do, and leaves it for inspection") {
  TempDir dir;
  Emulator emu({"--size", "1"});
  WriteFile(dir.File("job.yaml"),
            AuthJob(dir, emu.url(), SecretAuth("refresh_token") + "    refresh_token: ${SF_REFRESH_TOKEN}\n"));
  REQUIRE(Sfsync({"run", dir.File("job.yaml")}, Env()).exit_code == 0);
  const std::string store = TokenStoreFiles(dir).at(0);
  WriteFile(store, "{\"format\": 1, \"refresh_tok");  // a disk that lost the end of the file
  ProcessResult r = Sfsync({"run", dir.File("job.yaml")}, Env());
  CHECK(r.exit_code == kExitStore);
  CHECK(CountLines(r.err) == 1);
  CHECK(r.err.find("token store " + store + " is unusable") != std::string::npos);
  CHECK(r.err.find("delete that file") != std::string::npos);
  CHECK(ReadFile(store) == "{\"format\": 1, \"refresh_tok");
}

TEST_CASE("an interactive flow with no login yet: exit 4, run sfsync auth login") {
  TempDir dir;
  Emulator emu({"--size", "1"});
  RunFailing(dir, AuthJob(dir, emu.url(), SecretAuth("authorization_code")), kExitAuth,
             {"no login stored for this connection yet", "sfsync auth login JOB.yaml"}, Env());
  CHECK(emu.Stats().at("token_requests") == 0);
}

}  // namespace
}  // namespace sfsync::testing
