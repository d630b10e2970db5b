#include "engine/config/references.h"

#include <doctest/doctest.h>

#include <filesystem>

#include "engine/config/test_env.h"
#include "engine/core/log.h"

namespace sfsync::config {
namespace {

using testing::FakeEnv;
using testing::TempDir;

struct Resolved {
  std::optional<JobDocument> doc;
  std::string errors;
};

Resolved Resolve(std::string_view yaml, const EnvLookup& env, const std::string& base_dir = "/jobs") {
  Diagnostics diag("job.yaml");
  Resolved r;
  r.doc = ParseYamlDocument(yaml, &diag);
  REQUIRE(r.doc);
  ResolveReferences(&*r.doc, base_dir, env, false, &diag);
  if (!diag.empty()) r.errors = diag.ToStatus().message();
  return r;
}

TEST_CASE("${VAR} expands whole, embedded and several times, $$ is a literal $") {
  EnvLookup env = FakeEnv({{"HOST", "acme"}, {"N", "7"}, {"EMPTY", ""}});
  CHECK(ExpandVariables("${HOST}", env).value == "acme");
  CHECK(ExpandVariables("https://${HOST}.my.salesforce.com", env).value == "https://acme.my.salesforce.com");
  CHECK(ExpandVariables("${HOST}-${N}-${HOST}", env).value == "acme-7-acme");
  CHECK(ExpandVariables("cost $$5 and $${HOST}", env).value == "cost $5 and ${HOST}");
  CHECK(ExpandVariables("a $ b $x $", env).value == "a $ b $x $");  // a lone $ stays as written
  CHECK(ExpandVariables("[${EMPTY}]", env).value == "[]");
}

TEST_CASE("missing variables are all named, malformed references are explained") {
  EnvLookup env = FakeEnv({{"A", "1"}});
  Expansion missing = ExpandVariables("x ${A} ${B} ${C} ${B}", env);
  CHECK(missing.missing == std::vector<std::string>{"B", "C"});
  CHECK(missing.problem_offset == 7);
  Expansion unclosed = ExpandVariables("pre ${A", env);
  CHECK(unclosed.syntax_error == "'${' is not closed by '}' (write $$ for a literal $)");
  CHECK(unclosed.problem_offset == 4);
  CHECK(ExpandVariables("${1A}", env).syntax_error.find("'${1A}' is not a valid variable reference") == 0);
  CHECK(ExpandVariables("${A:-x}", env).syntax_error.find("not a valid variable reference") != std::string::npos);
}

TEST_CASE("references in every string of the document are expanded, other values are untouched") {
  Resolved r = Resolve("name: ${N}\nobjects:\n  - where: \"Owner = '${O}'\"\n    batch_size: 500\n",
                       FakeEnv({{"N", "nightly"}, {"O", "005xx"}}));
  REQUIRE_MESSAGE(r.errors.empty(), r.errors);
  CHECK(r.doc->root["name"] == "nightly");
  CHECK(r.doc->root["objects"][0]["where"] == "Owner = '005xx'");
  CHECK(r.doc->root["objects"][0]["batch_size"] == 500);
}

TEST_CASE("a missing variable is reported at its own column") {
  Resolved r = Resolve("connection:\n  login_url: https://${SUBDOMAIN}.my.salesforce.com\n", FakeEnv({}));
  CHECK(r.errors == "job.yaml:2:22: connection.login_url: environment variable SUBDOMAIN is not set");
  Resolved two = Resolve("a: \"${X}${Y}\"\n", FakeEnv({}));
  CHECK(two.errors == "job.yaml:1:5: a: environment variables X, Y are not set");
}

TEST_CASE("secrets come from the environment and are registered for redaction") {
  Resolved r = Resolve("auth:\n  client_secret: ${SF_SECRET}\n", FakeEnv({{"SF_SECRET", "s3cr3t-from-env-42"}}));
  REQUIRE_MESSAGE(r.errors.empty(), r.errors);
  CHECK(r.doc->root["auth"]["client_secret"] == "s3cr3t-from-env-42");
  CHECK(Redact("leak s3cr3t-from-env-42 here") == "leak [REDACTED] here");
}

TEST_CASE("file: secrets are read relative to the job file, trailing newlines trimmed") {
  TempDir dir;
  dir.Write("token.txt", "refresh-token-from-file-77\r\n\n");
  std::filesystem::create_directory(dir.path() + "/creds");
  dir.Write("creds/pass", "pass phrase with spaces  \n");
  Resolved r = Resolve(
      "auth:\n  refresh_token: file:token.txt\n  private_key_passphrase: file:${CREDS}/pass\n",
      FakeEnv({{"CREDS", dir.path() + "/creds"}}), dir.path());
  REQUIRE_MESSAGE(r.errors.empty(), r.errors);
  CHECK(r.doc->root["auth"]["refresh_token"] == "refresh-token-from-file-77");
  CHECK(r.doc->root["auth"]["private_key_passphrase"] == "pass phrase with spaces  ");
  CHECK(Redact("x refresh-token-from-file-77 y") == "x [REDACTED] y");
}

TEST_CASE("plain-text secrets are refused, whatever their type, without showing them") {
  const char* kMessage = "plain-text secret in job file: use ${ENV_VAR} or file:PATH";
  for (const char* value : {"hunter2-plain", "12345678", "true", "prefix${SF_SECRET}", "$${SF_SECRET}"}) {
    CAPTURE(value);
    Resolved r = Resolve(std::string("auth:\n  client_secret: ") + value + "\n", FakeEnv({{"SF_SECRET", "x"}}));
    CHECK(r.errors == std::string("job.yaml:2:18: auth.client_secret: ") + kMessage);
  }
  CHECK(Resolve("auth:\n  refresh_token:\n", FakeEnv({})).errors ==
        "job.yaml:2:3: auth.refresh_token: no value: use ${ENV_VAR} or file:PATH");
}

TEST_CASE("store.password is a secret: a reference is resolved and redacted, plain text refused") {
  Resolved r = Resolve("store:\n  postgres: postgresql://sync@db/wh\n  password: ${PGPW}\n",
                       FakeEnv({{"PGPW", "pg-secret-from-env-51"}}));
  REQUIRE_MESSAGE(r.errors.empty(), r.errors);
  CHECK(r.doc->root["store"]["password"] == "pg-secret-from-env-51");
  CHECK(Redact("password pg-secret-from-env-51") == "password [REDACTED]");
  CHECK(Resolve("store:\n  password: hunter2-plain\n", FakeEnv({})).errors ==
        "job.yaml:2:13: store.password: plain-text secret in job file: use ${ENV_VAR} or file:PATH");
  CHECK(Resolve("store:\n  password: ${NOPE}\n", FakeEnv({})).errors ==
        "job.yaml:2:13: store.password: environment variable NOPE is not set");
}

TEST_CASE("secret references that cannot be resolved name the variable or path, never content") {
  TempDir dir;
  dir.Write("empty", "\n");
  EnvLookup env = FakeEnv({{"BLANK", ""}});
  CHECK(Resolve("client_secret: ${NOPE}\n", env).errors ==
        "job.yaml:1:16: client_secret: environment variable NOPE is not set");
  CHECK(Resolve("client_secret: ${BLANK}\n", env).errors ==
        "job.yaml:1:16: client_secret: environment variable BLANK is empty");
  CHECK(Resolve("client_secret: file:missing.txt\n", env, dir.path()).errors ==
        "job.yaml:1:16: client_secret: cannot read secret file '" + dir.path() +
            "/missing.txt': No such file or directory");
  CHECK(Resolve("client_secret: file:empty\n", env, dir.path()).errors ==
        "job.yaml:1:16: client_secret: secret file '" + dir.path() + "/empty' is empty");
  CHECK(Resolve("client_secret: \"file:\"\n", env).errors ==
        "job.yaml:1:16: client_secret: file: needs the path of the file holding the secret");
  CHECK(Resolve("client_secret: file:${DIR}/x\n", env).errors ==
        "job.yaml:1:21: client_secret: environment variable DIR is not set");
}

}  // namespace
}  // namespace sfsync::config
