// HTTPS: the emulator serves a self-signed certificate made with the openssl CLI. sfsync verifies
// every https certificate; a private CA is trusted only through the job's ca_file.
#include <doctest/doctest.h>

#include "engine/core/exit_codes.h"
#include "tests/integration/auth_support.h"
#include "tests/testing/sqlite_db.h"

namespace sfsync::testing {
namespace {

TEST_CASE("a self-signed server certificate is refused without ca_file and trusted with it") {
  TempDir dir;
  const ServerCertificate cert = MakeServerCertificate(dir);
  Emulator emu({"--size", "20", "--tls-cert", cert.cert_file, "--tls-key", cert.key_file});
  REQUIRE(emu.url().rfind("https://127.0.0.1:", 0) == 0);

  // a) No ca_file: the system trust store does not know this certificate, so nothing is sent.
  WriteFile(dir.File("job.yaml"), AuthJob(dir, emu.url(), kRefreshAuth));
  ProcessResult refused = Sfsync({"run", dir.File("job.yaml")}, TestAuthEnv());
  INFO(refused.err);
  CHECK(refused.exit_code == kExitTls);
  CHECK(CountLines(refused.err) == 1);
  CHECK(refused.err.find("TLS certificate verification failed") != std::string::npos);
  CHECK(refused.err.find("set ca_file") != std::string::npos);
  CHECK(emu.Stats().at("token_requests") == 0);
  CHECK(TokenStoreFiles(dir).empty());
  CHECK_FALSE(FileExists(dir.File("sync.db")));

  // b) ca_file naming the certificate: the same job syncs.
  WriteFile(dir.File("job.yaml"), AuthJob(dir, emu.url(), kRefreshAuth, "  ca_file: " + cert.cert_file + "\n"));
  ProcessResult trusted = Sfsync({"run", dir.File("job.yaml")}, TestAuthEnv());
  INFO(trusted.err);
  CHECK(trusted.exit_code == 0);
  CHECK(SqliteDb(dir.File("sync.db")).Count("Account") == 20);
  CHECK(ReadTokenStore(dir).at("instance_url") == emu.url());

  // c) A ca_file holding some other certificate does not help.
  TempDir other_dir;
  const ServerCertificate other = MakeServerCertificate(other_dir);
  WriteFile(dir.File("job.yaml"), AuthJob(dir, emu.url(), kRefreshAuth, "  ca_file: " + other.cert_file + "\n"));
  emu.Admin("POST", "/__emulator/sessions/expire");
  ProcessResult wrong = Sfsync({"run", dir.File("job.yaml")}, TestAuthEnv());
  CHECK(wrong.exit_code == kExitTls);
  CHECK(wrong.err.find("TLS certificate verification failed") != std::string::npos);
}

TEST_CASE("jwt_bearer and the authorization-code login work end to end over HTTPS") {
  TempDir dir;
  const ServerCertificate cert = MakeServerCertificate(dir);
  const JwtKeys keys = MakeJwtKeys(dir);
  const std::string redirect = "http://127.0.0.1:" + std::to_string(FreeLoopbackPort()) + "/callback";
  Emulator emu({"--size", "12", "--tls-cert", cert.cert_file, "--tls-key", cert.key_file, "--jwt-cert", keys.cert_file,
                "--callback-url", redirect});
  const std::string ca = "  ca_file: " + cert.cert_file + "\n";

  WriteFile(dir.File("jwt.yaml"), AuthJob(dir, emu.url(),
                                          "    flow: jwt_bearer\n"
                                          "    client_id: ${SF_CLIENT_ID}\n"
                                          "    username: " +
                                              std::string(kIntegrationUser) +
                                              "\n"
                                              "    private_key_file: " +
                                              keys.key_file + "\n",
                                          ca));
  ProcessResult jwt = Sfsync({"run", dir.File("jwt.yaml")}, TestAuthEnv());
  INFO(jwt.err);
  CHECK(jwt.exit_code == 0);
  CHECK(SqliteDb(dir.File("sync.db")).Count("Account") == 12);

  TempDir code_dir;
  WriteFile(code_dir.File("code.yaml"), AuthJob(code_dir, emu.url(),
                                                "    flow: authorization_code\n"
                                                "    client_id: ${SF_CLIENT_ID}\n"
                                                "    client_secret: ${SF_CLIENT_SECRET}\n"
                                                "    redirect_uri: " +
                                                    redirect + "\n",
                                                ca));
  BackgroundProcess login({SfsyncBinary(), "auth", "login", "--no-browser", code_dir.File("code.yaml")},
                          code_dir.path(), TestAuthEnv());
  const std::string out = WaitForStdout(login, "Waiting up to");
  const size_t at = out.find(emu.url() + "/services/oauth2/authorize?");
  REQUIRE(at != std::string::npos);
  const salesforce::HttpResponse approved = BrowserGet(out.substr(at, out.find('\n', at) - at), cert.cert_file);
  REQUIRE(approved.status == 302);
  CHECK(BrowserGet(*approved.Header("Location")).status == 200);
  INFO(login.Stderr());
  CHECK(login.Wait() == 0);
  ProcessResult run = Sfsync({"run", code_dir.File("code.yaml")}, TestAuthEnv());
  CHECK(run.exit_code == 0);
  CHECK(SqliteDb(code_dir.File("sync.db")).Count("Account") == 12);
}

}  // namespace
}  // namespace sfsync::testing
