// Secrets never leak: full runs at --log-level trace (which logs every token request and answer,
// redacted) with known secrets, then every byte sfsync wrote outside the token store is searched.
#include <doctest/doctest.h>

#include "tests/integration/auth_support.h"
#include "tests/testing/sqlite_db.h"

namespace sfsync::testing {
namespace {

// Everything a run leaves for people and tools to read: its output, its log file, the database
// (with its WAL and shared-memory files, which hold pages not yet checkpointed).
std::string EverythingWritten(const ProcessResult& r, const TempDir& dir) {
  std::string all = r.out + "\n" + r.err + "\n" + ReadFile(dir.File("sfsync.log"));
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    if (FileExists(dir.File(std::string("sync.db") + suffix)))
      all += ReadFile(dir.File(std::string("sync.db") + suffix));
  }
  return all;
}

void CheckNoneAppears(const std::string& haystack, const std::vector<std::string>& secrets) {
  for (const std::string& secret : secrets) {
    CAPTURE(secret);
    REQUIRE(secret.size() >= 8);  // a short "secret" would prove nothing
    CHECK(haystack.find(secret) == std::string::npos);
  }
}

// The base64 lines of a PEM file: its key material.
std::vector<std::string> PemBody(const std::string& path) {
  std::vector<std::string> lines;
  const std::string text = ReadFile(path);
  size_t start = 0;
  while (start < text.size()) {
    const size_t end = text.find('\n', start);
    const std::string line = text.substr(start, end - start);
    if (line.rfind("-----", 0) != 0 && line.size() >= 16) lines.push_back(line);
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return lines;
}

TEST_CASE("a trace-level sync with rotation and a mid-run renewal leaks no token or secret anywhere") {
  TempDir dir;
  // The third continuation page finds its session expired: a renewal (and a rotation) mid-run.
  Emulator emu({"--size", "3000", "--rows", "Contact=0", "--rows", "Opportunity=0", "--rotate-refresh-tokens",
                "--max-page-size", "100", "--fault", "expire_session:path=/services/data/*/query/*,nth=3"});
  WriteFile(dir.File("job.yaml"), AuthJob(dir, emu.url(),
                                          "    flow: refresh_token\n"
                                          "    client_id: ${SF_CLIENT_ID}\n"
                                          "    client_secret: ${SF_CLIENT_SECRET}\n"
                                          "    refresh_token: ${SF_REFRESH_TOKEN}\n"));
  const std::map<std::string, std::string> env = {
      {"SF_CLIENT_ID", kClientId}, {"SF_CLIENT_SECRET", kClientSecret}, {"SF_REFRESH_TOKEN", kRefreshToken}};
  ProcessResult r =
      Sfsync({"run", "--log-level", "trace", "--log-file", dir.File("sfsync.log"), dir.File("job.yaml")}, env);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  REQUIRE(emu.Stats().at("token_requests").get<int>() == 2);

  const nlohmann::json store = ReadTokenStore(dir);
  const std::string written = EverythingWritten(r, dir);
  CHECK(written.find("token endpoint answer:") != std::string::npos);  // trace really logged the answers
  CHECK(written.find("/services/oauth2/token body:") != std::string::npos);
  CHECK(SqliteDb(dir.File("sync.db")).Count("Account") == 3000);
  CheckNoneAppears(written, {kClientSecret, kRefreshToken, store.at("refresh_token"), store.at("access_token")});
}

TEST_CASE("a trace-level JWT run leaks neither the key, its passphrase nor the token") {
  TempDir dir;
  const JwtKeys keys = MakeJwtKeys(dir);
  Emulator emu({"--size", "10", "--jwt-cert", keys.cert_file});
  WriteFile(dir.File("job.yaml"), AuthJob(dir, emu.url(),
                                          JwtAuthYaml(keys)));
  ProcessResult r = Sfsync({"run", "--log-level", "trace", "--log-file", dir.File("sfsync.log"), dir.File("job.yaml")},
                           {{"SF_CLIENT_ID", kClientId}, {"SF_KEY_PASSPHRASE", keys.passphrase}});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const std::string written = EverythingWritten(r, dir);
  CHECK(written.find("assertion=[REDACTED]") != std::string::npos);  // the assertion was logged, redacted
  std::vector<std::string> secrets = {keys.passphrase, ReadTokenStore(dir).at("access_token")};
  for (const std::string& line : PemBody(keys.encrypted_key_file)) secrets.push_back(line);
  for (const std::string& line : PemBody(keys.key_file)) secrets.push_back(line);
  CheckNoneAppears(written, secrets);

  // The store holds no key material either: only the session.
  const std::string store_file = ReadFile(TokenStoreFiles(dir).at(0));
  CheckNoneAppears(store_file, {keys.passphrase, PemBody(keys.key_file).at(0)});
}

TEST_CASE("a trace-level browser login leaks neither the code, the refresh token nor the secret") {
  TempDir dir;
  const std::string redirect = "http://127.0.0.1:" + std::to_string(FreeLoopbackPort()) + "/callback";
  Emulator emu({"--size", "1", "--callback-url", redirect});
  WriteFile(dir.File("job.yaml"), AuthJob(dir, emu.url(),
                                          "    flow: authorization_code\n"
                                          "    client_id: ${SF_CLIENT_ID}\n"
                                          "    client_secret: ${SF_CLIENT_SECRET}\n"
                                          "    redirect_uri: " +
                                              redirect + "\n"));
  BackgroundProcess login({SfsyncBinary(), "auth", "login", "--no-browser", "--log-level", "trace", "--log-file",
                           dir.File("sfsync.log"), dir.File("job.yaml")},
                          dir.path(), {{"SF_CLIENT_ID", kClientId}, {"SF_CLIENT_SECRET", kClientSecret}});
  const std::string out = WaitForStdout(login, "Waiting up to");
  const size_t at = out.find(emu.url() + "/services/oauth2/authorize?");
  const std::string location = *BrowserGet(out.substr(at, out.find('\n', at) - at)).Header("Location");
  const std::string code = QueryParam(location, "code");
  BrowserGet(location);
  REQUIRE(login.Wait() == 0);
  ProcessResult r;
  r.out = login.Stdout();
  r.err = login.Stderr();
  const std::string written = EverythingWritten(r, dir);
  CHECK(written.find("grant_type=authorization_code") != std::string::npos);
  const nlohmann::json store = ReadTokenStore(dir);
  CheckNoneAppears(written, {code, kClientSecret, store.at("refresh_token"), store.at("access_token")});
}

}  // namespace
}  // namespace sfsync::testing
