#include "engine/config/job_loader.h"

#include <doctest/doctest.h>
#include <stdlib.h>

#include <string>

#include "engine/config/test_env.h"
#include "engine/core/exit_codes.h"
#include "engine/core/log.h"

namespace sfsync::config {
namespace {

using testing::FakeEnv;
using testing::JobsDir;

constexpr const char* kClientSecret = "client-secret-env-0001";
constexpr const char* kRefreshToken = "5Aep861-refresh-env-0002";

EnvLookup TestEnv() {
  return FakeEnv({{"SF_CLIENT_ID", "3MVG9fromEnv"},
                  {"SF_CLIENT_SECRET", kClientSecret},
                  {"SF_REFRESH_TOKEN", kRefreshToken},
                  {"HOME", "/home/tester"}});
}

Job LoadGood(const std::string& name) {
  StatusOr<Job> job = LoadJobFile(JobsDir() + "/good/" + name, TestEnv());
  REQUIRE_MESSAGE(job.ok(), job.status().ToString());
  return *job;
}

const char* kMinimalJob =
    "version: 1\n"
    "name: minimal\n"
    "connection:\n"
    "  login_url: https://login.salesforce.com\n"
    "  auth:\n"
    "    client_id: abc\n"
    "    username: u@example.com\n"
    "    private_key_file: keys/server.key\n"
    "store:\n"
    "  sqlite: data/minimal.db\n"
    "objects:\n"
    "  - name: Account\n"
    "    fields: [Name]\n";

TEST_CASE("a minimal job gets every default, absolute paths and an Id field") {
  StatusOr<Job> job = ParseJob(kMinimalJob, "minimal.yaml", "/etc/sfsync/jobs", FakeEnv({{"HOME", "/home/u"}}));
  REQUIRE_MESSAGE(job.ok(), job.status().ToString());
  CHECK(job->source_path == "/etc/sfsync/jobs/minimal.yaml");
  CHECK(job->version == 1);
  CHECK(job->schedule.empty());
  CHECK(job->settle_lag_seconds == 60);
  CHECK(job->state_dir == "/home/u/.local/state/sfsync");
  CHECK(job->store.sqlite_path == "/etc/sfsync/jobs/data/minimal.db");
  const ConnectionConfig& c = job->connection;
  CHECK(c.api_version == "60.0");
  CHECK(c.ca_file.empty());
  CHECK(c.timeout_seconds == 120);
  CHECK(c.max_attempts == 5);
  CHECK(c.max_response_mb == 256);
  CHECK(c.max_inflate_ratio == 500);
  CHECK(c.auth.flow == "jwt_bearer");
  CHECK(c.auth.private_key_file == "/etc/sfsync/jobs/keys/server.key");
  CHECK(c.auth.scopes == std::vector<std::string>{"api", "refresh_token"});
  CHECK(c.auth.session_timeout_seconds == 7200);
  REQUIRE(job->objects.size() == 1);
  const ObjectConfig& o = job->objects[0];
  CHECK(o.table == "Account");
  CHECK_FALSE(o.all_fields);
  CHECK(o.fields == std::vector<std::string>{"Id", "Name"});
  CHECK(o.mode == "incremental");
  CHECK(o.deletes == "soft");
  CHECK(o.batch_size == 2000);
  CHECK(o.formula_fields == "include");
  CHECK_FALSE(o.include_base64);
  CHECK(o.api == "rest");
}

TEST_CASE("state_dir defaults to XDG_STATE_HOME, then HOME, without either it must be set") {
  StatusOr<Job> xdg = ParseJob(kMinimalJob, "j.yaml", "/jobs", FakeEnv({{"XDG_STATE_HOME", "/state"}, {"HOME", "/h"}}));
  REQUIRE(xdg.ok());
  CHECK(xdg->state_dir == "/state/sfsync");
  StatusOr<Job> relative_xdg = ParseJob(kMinimalJob, "j.yaml", "/jobs", FakeEnv({{"XDG_STATE_HOME", "st"}, {"HOME", "/h"}}));
  REQUIRE(relative_xdg.ok());
  CHECK(relative_xdg->state_dir == "/h/.local/state/sfsync");
  StatusOr<Job> none = ParseJob(kMinimalJob, "j.yaml", "/jobs", FakeEnv({}));
  REQUIRE_FALSE(none.ok());
  CHECK(none.status().message() ==
        "j.yaml:1:1: no state_dir, and neither XDG_STATE_HOME nor HOME is set to an absolute path: set state_dir");
}

TEST_CASE("jwt_bearer example: file secret, explicit options, paths, Id added") {
  Job job = LoadGood("jwt_bearer.yaml");
  const std::string dir = JobsDir() + "/good";
  CHECK(job.source_path == dir + "/jwt_bearer.yaml");
  CHECK(job.name == "jwt-nightly");
  CHECK(job.schedule == "30 2 * * mon-fri");
  CHECK(job.connection.login_url == "https://login.salesforce.com");  // trailing '/' dropped
  CHECK(job.connection.api_version == "61.0");
  CHECK(job.connection.ca_file == JobsDir() + "/certs/private-ca.pem");
  CHECK(job.connection.timeout_seconds == 90);
  CHECK(job.connection.max_attempts == 3);
  CHECK(job.connection.max_response_mb == 1024);
  CHECK(job.connection.max_inflate_ratio == 800);
  const AuthConfig& auth = job.connection.auth;
  CHECK(auth.flow == "jwt_bearer");
  CHECK(auth.username == "integration@acme.com");
  CHECK(auth.private_key_file == JobsDir() + "/keys/server.key");
  CHECK(auth.private_key_passphrase == "correct-horse-battery-staple");
  CHECK(job.store.sqlite_path == JobsDir() + "/out/jwt.db");
  CHECK(job.state_dir == "/var/lib/sfsync");
  CHECK(job.settle_lag_seconds == 120);
  REQUIRE(job.objects.size() == 3);
  CHECK(job.objects[1].table == "contacts");
  CHECK(job.objects[1].fields.front() == "Id");
  CHECK(job.objects[1].fields.size() == 7);
  CHECK(job.objects[1].where == "LastName != null AND Email LIKE '%$%'");
  CHECK(job.objects[1].mode == "full");
  CHECK(job.objects[1].deletes == "hard");
  CHECK(job.objects[1].batch_size == 500);
  const ObjectConfig& opp = job.objects[2];
  CHECK(opp.all_fields);
  CHECK(opp.fields.empty());
  CHECK(opp.exclude == std::vector<std::string>{"Description", "NextStep"});
  CHECK(opp.formula_fields == "exclude");
  CHECK(opp.include_base64);
  CHECK(opp.api == "bulk");
}

TEST_CASE("refresh_token example (the demo job): secrets from the environment") {
  Job job = LoadGood("refresh_token.yaml");
  CHECK(job.connection.login_url == "http://127.0.0.1:8383");
  CHECK(job.connection.auth.flow == "refresh_token");
  CHECK(job.connection.auth.client_id == "3MVG9fromEnv");
  CHECK(job.connection.auth.client_secret == kClientSecret);
  CHECK(job.connection.auth.refresh_token == kRefreshToken);
  CHECK(job.store.sqlite_path == JobsDir() + "/good/demo.db");
  CHECK(job.objects.size() == 3);
}

TEST_CASE("client_credentials example: My Domain, relative state_dir, custom objects") {
  Job job = LoadGood("client_credentials.yaml");
  CHECK(job.connection.auth.flow == "client_credentials");
  CHECK(job.connection.auth.client_secret == kClientSecret);
  CHECK(job.connection.auth.session_timeout_seconds == 3600);
  CHECK(job.store.sqlite_path == "/srv/warehouse/salesforce.db");
  CHECK(job.state_dir == JobsDir() + "/good/state");
  CHECK(job.objects[0].table == "invoices");
  CHECK(job.objects[0].fields[3] == "Account__r.Name");
  CHECK(job.objects[1].name == "ns__Thing__c");
}

TEST_CASE("authorization_code and device examples") {
  Job code = LoadGood("authorization_code.yaml");
  CHECK(code.connection.auth.flow == "authorization_code");
  CHECK(code.connection.auth.client_secret == "client-secret-from-file-0003");
  CHECK(code.connection.auth.redirect_uri == "http://localhost:1717/oauth/callback");
  CHECK(code.connection.auth.scopes == std::vector<std::string>{"api", "refresh_token", "offline_access"});
  Job device = LoadGood("device.yaml");
  CHECK(device.connection.auth.flow == "device");
  CHECK(device.connection.login_url == "http://localhost:8383");
  CHECK(device.objects[0].fields == std::vector<std::string>{"Id", "Name", "Company"});
}

TEST_CASE("a secret value never appears in any error message") {
  // The refresh token resolves first; later keys fail, one of them showing a value taken from the
  // same environment variable.
  const std::string yaml =
      "version: 1\n"
      "name: job-${SF_REFRESH_TOKEN}!\n"
      "connection:\n"
      "  login_url: http://127.0.0.1:8383\n"
      "  auth:\n"
      "    flow: refresh_token\n"
      "    client_id: abc\n"
      "    client_secret: ${SF_CLIENT_SECRET}\n"
      "    refresh_token: ${SF_REFRESH_TOKEN}\n"
      "store:\n"
      "  sqlite: x.db\n"
      "objects:\n"
      "  - name: Account\n"
      "    fields: [Id]\n"
      "    where: \"Name = '${SF_CLIENT_SECRET}'\"\n"
      "    batch_size: 5000\n";
  StatusOr<Job> job = ParseJob(yaml, "s.yaml", "/jobs", TestEnv());
  REQUIRE_FALSE(job.ok());
  const std::string& message = job.status().message();
  CHECK(message.find(kRefreshToken) == std::string::npos);
  CHECK(message.find(kClientSecret) == std::string::npos);
  CHECK(message.find("s.yaml:2:7: name: must be 1-64 letters") != std::string::npos);
  CHECK(message.find("[REDACTED]") != std::string::npos);
  CHECK(message.find("s.yaml:16:17: objects[0].batch_size: 5000 is above the maximum 2000") != std::string::npos);

  // A semantic error after the schema passed, while both secrets are resolved.
  std::string semantic = yaml;
  semantic.replace(semantic.find("job-${SF_REFRESH_TOKEN}!"), 24, "ok");
  semantic.replace(semantic.find("    batch_size: 5000\n"), 21, "  - name: account\n    fields: [Id]\n");
  StatusOr<Job> later = ParseJob(semantic, "s.yaml", "/jobs", TestEnv());
  REQUIRE_FALSE(later.ok());
  CHECK(later.status().message() ==
        "s.yaml:16:11: objects[1].name: object account is listed twice (first on line 13); give each object one "
        "entry");
}

TEST_CASE("ProcessEnv reads the process environment") {
  REQUIRE(setenv("SFSYNC_CONFIG_TEST_VAR", "from-process", 1) == 0);
  EnvLookup env = ProcessEnv();
  CHECK(env("SFSYNC_CONFIG_TEST_VAR") == std::optional<std::string>("from-process"));
  unsetenv("SFSYNC_CONFIG_TEST_VAR");
  CHECK_FALSE(env("SFSYNC_CONFIG_TEST_VAR").has_value());
}

TEST_CASE("a job file that cannot be read is a job error naming the path") {
  StatusOr<Job> job = LoadJobFile(JobsDir() + "/no-such-job.yaml", TestEnv());
  REQUIRE_FALSE(job.ok());
  CHECK(job.status().reason() == "job.invalid");
  CHECK(ExitCodeFor(job.status()) == kExitInvalidJob);
  CHECK(job.status().message() == JobsDir() + "/no-such-job.yaml: cannot read job file: No such file or directory");
}

TEST_CASE("login URLs: https anywhere, http only on loopback, host only") {
  for (const char* ok : {"https://login.salesforce.com", "https://acme.my.salesforce.com/", "HTTPS://Login.Salesforce.com",
                         "http://127.0.0.1:8383", "http://127.3.2.1", "http://localhost:8080/", "http://[::1]:8383",
                         "https://10.0.0.5:8443"}) {
    CAPTURE(ok);
    std::string yaml = kMinimalJob;
    yaml.replace(yaml.find("https://login.salesforce.com"), 28, ok);
    StatusOr<Job> job = ParseJob(yaml, "u.yaml", "/jobs", FakeEnv({{"HOME", "/h"}}));
    CHECK_MESSAGE(job.ok(), job.status().message());
  }
}

TEST_CASE("a secret too short to be a credential does not mangle the messages") {
  const std::string yaml =
      "version: 1\n"
      "name: short\n"
      "connection:\n"
      "  login_url: http://example.com\n"
      "  auth:\n"
      "    flow: refresh_token\n"
      "    client_id: ${SHORT_ID}\n"
      "    client_secret: ${SHORT_SECRET}\n"
      "    refresh_token: ${SHORT_TOKEN}\n"
      "store:\n"
      "  sqlite: x.db\n"
      "objects:\n"
      "  - name: Account\n"
      "    fields: [Id]\n";
  StatusOr<Job> job = ParseJob(yaml, "short.yaml", "/jobs", [](const std::string& name) -> std::optional<std::string> {
    if (name == "SHORT_ID") return "a";
    if (name == "SHORT_SECRET") return "c";
    if (name == "SHORT_TOKEN") return "o";
    return TestEnv()(name);
  });
  REQUIRE_FALSE(job.ok());
  INFO(job.status().message());
  CHECK(job.status().message().find("short.yaml:4:14: connection.login_url: plain http:// is accepted only for a "
                                    "loopback host") != std::string::npos);
}

// A jwt_bearer job whose store section is `store` (the lines after "store:", from line 10).
StatusOr<Job> WithStore(const std::string& store, const EnvLookup& env = FakeEnv({{"HOME", "/h"}}),
                        const std::string& base_dir = "/jobs", const LoadOptions& options = {}) {
  const std::string yaml =
      "version: 1\nname: pg\nconnection:\n  login_url: https://login.salesforce.com\n  auth:\n    client_id: abc\n"
      "    username: u@example.com\n    private_key_file: keys/server.key\nstore:\n" +
      store + "objects:\n  - name: Account\n    fields: [Name]\n";
  return ParseJob(yaml, "pg.yaml", base_dir, env, options);
}

TEST_CASE("a PostgreSQL store keeps its URL as written, schema sfsync by default, and no SQLite path") {
  StatusOr<Job> job = WithStore("  postgres: postgresql://sync@db.example.com:5432/warehouse?sslmode=verify-full\n");
  REQUIRE_MESSAGE(job.ok(), job.status().ToString());
  CHECK(job->store.is_postgres());
  CHECK(job->store.postgres_url == "postgresql://sync@db.example.com:5432/warehouse?sslmode=verify-full");
  CHECK(job->store.postgres_schema == "sfsync");
  CHECK(job->store.postgres_password.empty());
  CHECK(job->store.sqlite_path.empty());

  StatusOr<Job> custom = WithStore("  postgres: postgres://sync@[::1]/warehouse\n  schema: Salesforce_2\n");
  REQUIRE_MESSAGE(custom.ok(), custom.status().ToString());
  CHECK(custom->store.postgres_url == "postgres://sync@[::1]/warehouse");
  CHECK(custom->store.postgres_schema == "Salesforce_2");

  // ${VAR} in the URL expands like in any other value.
  StatusOr<Job> from_env =
      WithStore("  postgres: postgresql://${PGUSER_NAME}@db/${PGDB}\n",
                FakeEnv({{"HOME", "/h"}, {"PGUSER_NAME", "sync"}, {"PGDB", "wh"}}));
  REQUIRE_MESSAGE(from_env.ok(), from_env.status().ToString());
  CHECK(from_env->store.postgres_url == "postgresql://sync@db/wh");

  StatusOr<Job> sqlite = ParseJob(kMinimalJob, "m.yaml", "/jobs", FakeEnv({{"HOME", "/h"}}));
  REQUIRE(sqlite.ok());
  CHECK_FALSE(sqlite->store.is_postgres());
  CHECK(sqlite->store.postgres_url.empty());
}

TEST_CASE("store.password comes from ${VAR} or file: and is redacted") {
  StatusOr<Job> env = WithStore("  postgres: postgresql://sync@db/wh\n  password: ${SFSYNC_PG_PASSWORD}\n",
                                FakeEnv({{"HOME", "/h"}, {"SFSYNC_PG_PASSWORD", "pg-password-from-env-31"}}));
  REQUIRE_MESSAGE(env.ok(), env.status().ToString());
  CHECK(env->store.postgres_password == "pg-password-from-env-31");
  CHECK(env->store.postgres_url == "postgresql://sync@db/wh");
  CHECK(Redact("connect pg-password-from-env-31") == "connect [REDACTED]");

  testing::TempDir dir;
  dir.Write("pgpass", "pg-password-from-file-32\n");
  StatusOr<Job> file = WithStore("  postgres: postgresql://sync@db/wh\n  password: file:pgpass\n",
                                 FakeEnv({{"HOME", "/h"}}), dir.path());
  REQUIRE_MESSAGE(file.ok(), file.status().ToString());
  CHECK(file->store.postgres_password == "pg-password-from-file-32");
  CHECK(Redact("x pg-password-from-file-32 y") == "x [REDACTED] y");
}

TEST_CASE("offline, store.password is read only for commands that read the database") {
  const std::string store = "  postgres: postgresql://sync@db/wh\n  password: ${SFSYNC_PG_PASSWORD}\n";
  LoadOptions lint;  // validate --offline: nothing secret needs to be set
  lint.offline = true;
  StatusOr<Job> linted = WithStore(store, FakeEnv({{"HOME", "/h"}}), "/jobs", lint);
  REQUIRE_MESSAGE(linted.ok(), linted.status().ToString());
  CHECK(linted->store.postgres_password != "");
  LoadOptions reads = lint;  // status, plan --offline
  reads.offline_reads_store = true;
  StatusOr<Job> read = WithStore(store, FakeEnv({{"HOME", "/h"}, {"SFSYNC_PG_PASSWORD", "pg-offline-33"}}), "/jobs", reads);
  REQUIRE_MESSAGE(read.ok(), read.status().ToString());
  CHECK(read->store.postgres_password == "pg-offline-33");
  StatusOr<Job> unset = WithStore(store, FakeEnv({{"HOME", "/h"}}), "/jobs", reads);
  REQUIRE_FALSE(unset.ok());
  CHECK(unset.status().message().find("SFSYNC_PG_PASSWORD") != std::string::npos);
}

TEST_CASE("a plain-text store.password is refused without being shown") {
  StatusOr<Job> job = WithStore("  postgres: postgresql://sync@db/wh\n  password: hunter22-plain\n");
  REQUIRE_FALSE(job.ok());
  CHECK(job.status().reason() == "job.invalid");
  CHECK(job.status().message() ==
        "pg.yaml:11:13: store.password: plain-text secret in job file: use ${ENV_VAR} or file:PATH");
  StatusOr<Job> number = WithStore("  postgres: postgresql://sync@db/wh\n  password: 123456789\n");
  REQUIRE_FALSE(number.ok());
  CHECK(number.status().message() ==
        "pg.yaml:11:13: store.password: plain-text secret in job file: use ${ENV_VAR} or file:PATH");
}

TEST_CASE("a store.postgres URL holding a password is refused at its value, the password not shown") {
  const std::string kRefused =
      "store.postgres: plain-text secret in job file: the URL holds a password; leave it out and set store.password "
      "to ${ENV_VAR} or file:PATH, or use PGPASSWORD or PGPASSFILE (~/.pgpass)";
  for (const char* url : {"postgresql://sync:hunter22@db.example.com/wh", "postgres://sync:hunter22@db/wh",
                          "postgresql://db/wh?sslmode=require&password=hunter22",
                          "postgresql://db/wh?pass%77ord=hunter22", "postgresql://sync:hunter22?x@db/wh"}) {
    CAPTURE(url);
    StatusOr<Job> job = WithStore(std::string("  postgres: \"") + url + "\"\n");
    REQUIRE_FALSE(job.ok());
    CHECK(job.status().message() == "pg.yaml:10:13: " + kRefused);
    CHECK(job.status().message().find("hunter22") == std::string::npos);
  }
  // The same when the URL comes from the environment.
  StatusOr<Job> env = WithStore("  postgres: ${PG_URL}\n",
                                FakeEnv({{"HOME", "/h"}, {"PG_URL", "postgresql://sync:hunter22@db/wh"}}));
  REQUIRE_FALSE(env.ok());
  CHECK(env.status().message() == "pg.yaml:10:13: " + kRefused);
}

TEST_CASE("store.postgres takes only postgresql:// or postgres:// URLs, not key=value strings") {
  StatusOr<Job> mysql = WithStore("  postgres: mysql://sync@db/wh\n");
  REQUIRE_FALSE(mysql.ok());
  CHECK(mysql.status().message() ==
        "pg.yaml:10:13: store.postgres: must be a postgresql:// (or postgres://) URL: "
        "postgresql://user@host:port/database");
  StatusOr<Job> upper = WithStore("  postgres: POSTGRESQL://sync@db/wh\n");  // libpq reads the prefix as written
  REQUIRE_FALSE(upper.ok());
  CHECK(upper.status().message().find("pg.yaml:10:13: store.postgres: must be a postgresql://") == 0);
  StatusOr<Job> conninfo = WithStore("  postgres: host=db dbname=wh password=hunter22\n");
  REQUIRE_FALSE(conninfo.ok());
  CHECK(conninfo.status().message() ==
        "pg.yaml:10:13: store.postgres: must be a URL, postgresql://user@host:port/database (key=value connection "
        "strings are not accepted)");
  CHECK(conninfo.status().message().find("hunter22") == std::string::npos);
}

TEST_CASE("store names exactly one of sqlite and postgres") {
  StatusOr<Job> both = WithStore("  sqlite: x.db\n  postgres: postgresql://sync@db/wh\n");
  REQUIRE_FALSE(both.ok());
  CHECK(both.status().message() == "pg.yaml:9:1: store: give store.sqlite or store.postgres, not both");
  StatusOr<Job> neither = WithStore("  schema: analytics\n");
  REQUIRE_FALSE(neither.ok());
  CHECK(neither.status().message() ==
        "pg.yaml:9:1: store: needs store.sqlite (a database file) or store.postgres (a URL)");
  StatusOr<Job> empty = WithStore("  {}\n");
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.status().message().find("needs store.sqlite (a database file) or store.postgres (a URL)") !=
        std::string::npos);
  StatusOr<Job> extra = WithStore("  sqlite: x.db\n  schema: analytics\n  password: ${PW}\n",
                                  FakeEnv({{"HOME", "/h"}, {"PW", "some-password-33"}}));
  REQUIRE_FALSE(extra.ok());
  CHECK(extra.status().message() ==
        "pg.yaml:11:3: store.schema: applies only with store.postgres\n"
        "pg.yaml:12:3: store.password: applies only with store.postgres");
}

TEST_CASE("store.schema must be a plain PostgreSQL identifier of at most 63 characters") {
  const std::string max(63, 's');
  StatusOr<Job> longest = WithStore("  postgres: postgresql://db/wh\n  schema: _" + max.substr(1) + "\n");
  REQUIRE_MESSAGE(longest.ok(), longest.status().ToString());
  CHECK(longest->store.postgres_schema.size() == 63);
  for (const std::string& bad : {std::string("9lives"), std::string("sales-force"), std::string("'\"Quoted\"'"),
                                 std::string("a.b"), "_" + max, std::string("\"\"")}) {
    CAPTURE(bad);
    StatusOr<Job> job = WithStore("  postgres: postgresql://db/wh\n  schema: " + bad + "\n");
    REQUIRE_FALSE(job.ok());
    CHECK(job.status().message().find(
              "pg.yaml:11:11: store.schema: must be a schema name: a letter or '_', then letters, digits or '_' (at "
              "most 63)") == 0);
  }
}

TEST_CASE("regression (job_yaml fuzzer): a job file that is not UTF-8 is refused at the first bad byte") {
  for (const std::string& bad : {std::string("\xff"), std::string("\xc0\xaf"), std::string("\xed\xa0\x80"),
                                std::string("\xf4\x90\x80\x80"), std::string("\xe2\x82")}) {
    const std::string text = std::string(kMinimalJob) + "# x " + bad + "\n";
    StatusOr<Job> job = ParseJob(text, "bad.yaml", "/tmp", TestEnv());
    REQUIRE_FALSE(job.ok());
    CHECK(job.status().message().find("bad.yaml:14:5: not valid UTF-8") != std::string::npos);
  }
  CHECK(ParseJob(std::string(kMinimalJob) + "# caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\n", "ok.yaml", "/tmp", TestEnv()).ok());
}

}  // namespace
}  // namespace sfsync::config

namespace sfsync::config {
namespace {

TEST_CASE("regression: a control character in the YAML stays inside its one message line") {
  // Found by tests/fuzz/job_loader_fuzz.cc: yaml-cpp's "unknown escape character: <c>" carried a
  // raw line break into the message, splitting one problem over two lines.
  StatusOr<Job> job = ParseJob("version: 1\nname: \"bad\\\x01\"\n", "j.yaml", "/tmp", FakeEnv({}));
  REQUIRE_FALSE(job.ok());
  CHECK(job.status().message().find('\x01') == std::string::npos);
  CHECK(job.status().message().find("unknown escape character: \\x01") != std::string::npos);
  StatusOr<Job> key = ParseJob("version: 1\n\"na\\tme\x01\": x\n", "j.yaml", "/tmp", FakeEnv({}));
  REQUIRE_FALSE(key.ok());
  CHECK(key.status().message().find("na\\tme\\x01") != std::string::npos);
}

}  // namespace
}  // namespace sfsync::config
