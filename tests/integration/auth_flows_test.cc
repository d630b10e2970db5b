// Every OAuth flow end to end: the real sfsync binary against the real emulator, the token store
// read from disk, and the emulator's own view of which tokens are alive.
#include <doctest/doctest.h>

#include <chrono>
#include <fstream>
#include <set>
#include <thread>

#include "tests/integration/auth_support.h"
#include "tests/testing/sqlite_db.h"

namespace sfsync::testing {
namespace {

int TokenRequests(Emulator& emu) { return emu.Stats().at("token_requests").get<int>(); }

std::map<std::string, std::string> Env() {
  return {{"SF_CLIENT_ID", kClientId}, {"SF_CLIENT_SECRET", kClientSecret}, {"SF_REFRESH_TOKEN", kRefreshToken}};
}

std::string RefreshAuth(const std::string& extra = "") {
  return "    flow: refresh_token\n"
         "    client_id: ${SF_CLIENT_ID}\n"
         "    client_secret: ${SF_CLIENT_SECRET}\n"
         "    refresh_token: ${SF_REFRESH_TOKEN}\n" +
         extra;
}

// The line of `out` holding the authorize URL that `sfsync auth login` printed.
std::string AuthorizeUrl(const std::string& out) {
  const size_t at = out.find("/services/oauth2/authorize?");
  REQUIRE(at != std::string::npos);
  const size_t start = out.rfind(' ', at) + 1;
  return out.substr(start, out.find('\n', at) - start);
}

TEST_CASE("jwt_bearer: a run signs an assertion with the uploaded certificate's key, the next reuses the session") {
  TempDir dir;
  const JwtKeys keys = MakeJwtKeys(dir);
  Emulator emu({"--size", "30", "--jwt-cert", keys.cert_file});
  WriteFile(dir.File("job.yaml"), AuthJob(dir, emu.url(),
                                          JwtAuthYaml(keys)));
  const std::map<std::string, std::string> env = {{"SF_CLIENT_ID", kClientId}, {"SF_KEY_PASSPHRASE", keys.passphrase}};

  ProcessResult first = Sfsync({"run", dir.File("job.yaml")}, env);
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  CHECK(SqliteDb(dir.File("sync.db")).Count("Account") == 30);
  const nlohmann::json store = ReadTokenStore(dir);
  CHECK(store.at("identity") == std::string("jwt_bearer:") + kIntegrationUser);
  CHECK_FALSE(store.contains("refresh_token"));  // this flow has none
  CHECK(store.at("access_token").get<std::string>().size() > 20);
  CHECK(TokenRequests(emu) == 1);

  ProcessResult second = Sfsync({"run", dir.File("job.yaml")}, env);
  CHECK(second.exit_code == 0);
  CHECK(TokenRequests(emu) == 1);  // the stored session was still young: no new assertion needed
}

TEST_CASE("client_credentials: a run on the org's My Domain runs as the app's Run As user") {
  TempDir dir;
  Emulator emu({"--size", "25", "--my-domain-port", "0"});
  REQUIRE(emu.my_domain_url() != emu.url());
  WriteFile(dir.File("job.yaml"), AuthJob(dir, emu.my_domain_url(),
                                          "    flow: client_credentials\n"
                                          "    client_id: ${SF_CLIENT_ID}\n"
                                          "    client_secret: ${SF_CLIENT_SECRET}\n"));
  ProcessResult r = Sfsync({"run", dir.File("job.yaml")}, Env());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(SqliteDb(dir.File("sync.db")).Count("Account") == 25);
  const nlohmann::json store = ReadTokenStore(dir);
  CHECK(store.at("identity") == "client_credentials");
  CHECK_FALSE(store.contains("refresh_token"));
  CHECK(store.at("instance_url") == emu.my_domain_url());
}

TEST_CASE(
    "refresh_token with rotation: sessions expiring mid-paging are renewed with each rotated token, no page lost") {
  TempDir dir;
  // Every 20th continuation page finds its session expired (401 INVALID_SESSION_ID, token dead).
  Emulator emu({"--size", "6000", "--rows", "Contact=0", "--rows", "Opportunity=0", "--rotate-refresh-tokens",
                "--max-page-size", "50", "--fault", "expire_session:path=/services/data/*/query/*,every=20"});
  WriteFile(dir.File("job.yaml"), AuthJob(dir, emu.url(), RefreshAuth()));

  // a) 120 pages: each 401 renews once (rotating the refresh token, shared by the fetch-ahead
  //    thread) and fetches that page again.
  ProcessResult run = Sfsync({"run", dir.File("job.yaml")}, Env());
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  SqliteDb db(dir.File("sync.db"));
  CHECK(db.Count("Account") == 6000);
  CHECK(db.Scalar("SELECT count(DISTINCT Id) FROM Account") == "6000");
  const int expired = emu.Stats().at("faults_injected").get<int>();
  CHECK(expired >= 5);
  CHECK(TokenRequests(emu) == 1 + expired);

  // b) The store holds the last rotation; the job's own token was retired by the first one.
  const std::string rotated = ReadTokenStore(dir).at("refresh_token");
  CHECK(rotated != kRefreshToken);
  CHECK(TokenActive(emu, rotated));
  CHECK_FALSE(TokenActive(emu, kRefreshToken));

  // c) The next run starts from the stored rotation (the job's token would revoke the family).
  emu.Admin("POST", "/__emulator/sessions/expire");
  ProcessResult next = Sfsync({"run", dir.File("job.yaml")}, Env());
  INFO(next.err);
  CHECK(next.exit_code == 0);
  const std::string rotated_again = ReadTokenStore(dir).at("refresh_token");
  CHECK(rotated_again != rotated);
  CHECK(TokenActive(emu, rotated_again));
}

TEST_CASE("two jobs on one connection renew concurrently without ever presenting a rotated-out token") {
  // Reusing a rotated-out refresh token revokes the whole family (§1.5): without the token store's
  // lock and re-read, the second of two simultaneous renewals would end both jobs' access.
  TempDir dir;
  Emulator emu({"--size", "200", "--rows", "Contact=0", "--rows", "Opportunity=0", "--rotate-refresh-tokens"});
  const std::string job = AuthJob(dir, emu.url(), RefreshAuth());
  WriteFile(dir.File("a.yaml"), job);
  std::string other = job;
  other.replace(other.find(dir.File("sync.db")), dir.File("sync.db").size(), dir.File("other.db"));
  WriteFile(dir.File("b.yaml"), other);
  for (int round = 0; round < 3; ++round) {
    CAPTURE(round);
    emu.Admin("POST", "/__emulator/sessions/expire");  // both runs must renew
    BackgroundProcess a({SfsyncBinary(), "run", "-q", dir.File("a.yaml")}, dir.path(), Env());
    BackgroundProcess b({SfsyncBinary(), "run", "-q", dir.File("b.yaml")}, dir.path(), Env());
    CHECK(a.Wait() == 0);
    CHECK(b.Wait() == 0);
  }
  // One renewal per round at least; the second run of a round may start after the first stored a
  // fresh session and need none.
  CHECK(TokenRequests(emu) >= 3);
  CHECK(TokenRequests(emu) <= 6);
  CHECK(TokenActive(emu, ReadTokenStore(dir).at("refresh_token")));
  CHECK(SqliteDb(dir.File("other.db")).Count("Account") == 200);
}

TEST_CASE("a session older than session_timeout_seconds is renewed before it is used, not after a 401") {
  TempDir dir;
  Emulator emu({"--size", "10"});
  WriteFile(dir.File("job.yaml"), AuthJob(dir, emu.url(), RefreshAuth("    session_timeout_seconds: 600\n")));
  REQUIRE(Sfsync({"run", dir.File("job.yaml")}, Env()).exit_code == 0);
  REQUIRE(Sfsync({"run", dir.File("job.yaml")}, Env()).exit_code == 0);
  CHECK(TokenRequests(emu) == 1);  // the second run used the stored session

  // Make the stored session 601 s old by our clock; the server would still accept it.
  const std::string path = TokenStoreFiles(dir).at(0);
  nlohmann::json store = nlohmann::json::parse(ReadFile(path));
  const std::string old_access = store.at("access_token");
  store["received_at"] = store.at("received_at").get<int64_t>() - 601 * 1000;
  { std::ofstream(path, std::ios::trunc) << store.dump(); }
  REQUIRE(TokenActive(emu, old_access));

  ProcessResult r = Sfsync({"run", dir.File("job.yaml")}, Env());
  CHECK(r.exit_code == 0);
  CHECK(TokenRequests(emu) == 2);
  CHECK(ReadTokenStore(dir).at("access_token") != old_access);
}

struct CodeFlowFixture {
  TempDir dir;
  int port = FreeLoopbackPort();
  std::string redirect_uri = "http://127.0.0.1:" + std::to_string(port) + "/callback";
  Emulator emu{{"--size", "15", "--callback-url", redirect_uri, "--device-interval", "1"}};

  CodeFlowFixture() {
    WriteFile(dir.File("job.yaml"), AuthJob(dir, emu.url(),
                                            "    flow: authorization_code\n"
                                            "    client_id: ${SF_CLIENT_ID}\n"
                                            "    client_secret: ${SF_CLIENT_SECRET}\n"
                                            "    redirect_uri: " +
                                                redirect_uri +
                                                "\n"
                                                "    scopes: [api, refresh_token, openid]\n"));
  }
  std::unique_ptr<BackgroundProcess> StartLogin() {
    return std::make_unique<BackgroundProcess>(std::vector<std::string>{SfsyncBinary(), "auth", "login", "--no-browser",
                                                                        "--timeout", "30", dir.File("job.yaml")},
                                               dir.path(), Env());
  }
};

TEST_CASE("authorization_code: a browser follows the redirect, the login is stored, runs use it, logout revokes it") {
  CodeFlowFixture f;
  REQUIRE(Sfsync({"run", f.dir.File("job.yaml")}, Env()).exit_code == 4);  // no login yet

  // a) `sfsync auth login` prints the authorize URL with state and an S256 challenge.
  std::unique_ptr<BackgroundProcess> login = f.StartLogin();
  const std::string url = AuthorizeUrl(WaitForStdout(*login, "Waiting up to"));
  CHECK(url.rfind(f.emu.url() + "/services/oauth2/authorize?", 0) == 0);
  CHECK(QueryParam(url, "redirect_uri") == f.redirect_uri);
  CHECK(QueryParam(url, "scope") == "api refresh_token openid");
  CHECK(QueryParam(url, "state").size() >= 32);
  CHECK(QueryParam(url, "code_challenge").size() == 43);
  CHECK(QueryParam(url, "code_challenge_method") == "S256");

  // b) The browser: Salesforce approves and redirects to the callback, which sfsync answers.
  const salesforce::HttpResponse approved = BrowserGet(url);
  REQUIRE(approved.status == 302);
  const std::string location = *approved.Header("Location");
  CHECK(location.rfind(f.redirect_uri + "?code=", 0) == 0);
  const salesforce::HttpResponse page = BrowserGet(location);
  CHECK(page.status == 200);
  CHECK(page.body.find("You can close this tab") != std::string::npos);
  INFO(login->Stderr());
  REQUIRE(login->Wait() == 0);
  CHECK(login->Stdout().find("refresh token stored in") != std::string::npos);
  const nlohmann::json store = ReadTokenStore(f.dir);
  const std::string refresh = store.at("refresh_token");
  CHECK(TokenActive(f.emu, refresh));
  CHECK(store.at("identity") == "login");

  // c) Runs renew with the stored login; status shows it without any secret.
  ProcessResult run = Sfsync({"run", f.dir.File("job.yaml")}, Env());
  INFO(run.err);
  CHECK(run.exit_code == 0);
  CHECK(SqliteDb(f.dir.File("sync.db")).Count("Account") == 15);
  ProcessResult status = Sfsync({"auth", "status", f.dir.File("job.yaml")}, Env());
  CHECK(status.exit_code == 0);
  CHECK(status.out.find("refresh token: stored") != std::string::npos);
  CHECK(status.out.find("access token: cached") != std::string::npos);
  CHECK(status.out.find(refresh) == std::string::npos);
  CHECK(status.out.find(ReadTokenStore(f.dir).at("access_token").get<std::string>()) == std::string::npos);

  // d) Logout revokes at Salesforce and forgets locally; the next run needs a login again.
  ProcessResult logout = Sfsync({"auth", "logout", f.dir.File("job.yaml")}, Env());
  CHECK(logout.exit_code == 0);
  CHECK(logout.out.find("revoked and deleted") != std::string::npos);
  CHECK_FALSE(TokenActive(f.emu, refresh));
  CHECK(TokenStoreFiles(f.dir).empty());
  ProcessResult after = Sfsync({"run", f.dir.File("job.yaml")}, Env());
  CHECK(after.exit_code == 4);
  CHECK(after.err.find("sfsync auth login") != std::string::npos);
}

TEST_CASE("authorization_code: a callback with a forged state is refused and nothing is stored") {
  CodeFlowFixture f;
  std::unique_ptr<BackgroundProcess> login = f.StartLogin();
  const std::string url = AuthorizeUrl(WaitForStdout(*login, "Waiting up to"));
  // Someone else's code, delivered with a state this login never issued.
  const salesforce::HttpResponse forged =
      BrowserGet(f.redirect_uri + "?code=aPrxAttackerCode%3D%3D&state=" + QueryParam(url, "state") + "x");
  CHECK(forged.status == 400);
  CHECK(login->Wait() == 4);
  CHECK(login->Stderr().find("state this login did not issue") != std::string::npos);
  CHECK(CountLines(login->Stderr()) == 1);
  CHECK(TokenStoreFiles(f.dir).empty());
  CHECK(TokenRequests(f.emu) == 0);  // the forged code was never exchanged
}

TEST_CASE("device: the code is shown, polled until an admin approves it, and the login is stored") {
  TempDir dir;
  Emulator emu({"--size", "5", "--device-interval", "1"});
  WriteFile(dir.File("job.yaml"), AuthJob(dir, emu.url(),
                                          "    flow: device\n"
                                          "    client_id: ${SF_CLIENT_ID}\n"
                                          "    client_secret: ${SF_CLIENT_SECRET}\n"));
  BackgroundProcess login({SfsyncBinary(), "auth", "login", dir.File("job.yaml")}, dir.path(), Env());
  const std::string out = WaitForStdout(login, "Waiting up to");
  CHECK(out.find("open " + emu.url() + "/setup/connect and enter the code") != std::string::npos);
  const size_t code_at = out.find("\n\n  ") + 4;
  const std::string user_code = out.substr(code_at, out.find('\n', code_at) - code_at);
  const nlohmann::json pending = emu.Admin("GET", "/__emulator/oauth/device");
  REQUIRE(pending.size() == 1);
  CHECK(pending[0].at("user_code") == user_code);

  std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // a few authorization_pending polls
  CHECK(login.Running());
  emu.Admin("POST", "/__emulator/oauth/device", {{"user_code", user_code}, {"action", "approve"}});
  INFO(login.Stderr());
  REQUIRE(login.Wait() == 0);
  CHECK(TokenRequests(emu) >= 3);  // the code request, pending polls, the approved one
  CHECK(TokenActive(emu, ReadTokenStore(dir).at("refresh_token")));
  ProcessResult run = Sfsync({"run", dir.File("job.yaml")}, Env());
  CHECK(run.exit_code == 0);
  CHECK(SqliteDb(dir.File("sync.db")).Count("Account") == 5);
}

TEST_CASE("device login for an authorization_code job serves its runs, for machines without a browser") {
  CodeFlowFixture f;
  BackgroundProcess login({SfsyncBinary(), "auth", "login", "--device", f.dir.File("job.yaml")}, f.dir.path(), Env());
  const std::string out = WaitForStdout(login, "Waiting up to");
  const size_t code_at = out.find("\n\n  ") + 4;
  f.emu.Admin("POST", "/__emulator/oauth/device",
              {{"user_code", out.substr(code_at, out.find('\n', code_at) - code_at)}, {"action", "approve"}});
  REQUIRE(login.Wait() == 0);
  ProcessResult run = Sfsync({"run", f.dir.File("job.yaml")}, Env());
  INFO(run.err);
  CHECK(run.exit_code == 0);
}

}  // namespace
}  // namespace sfsync::testing
