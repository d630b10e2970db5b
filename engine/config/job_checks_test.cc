#include "engine/config/job_checks.h"

#include <doctest/doctest.h>

#include "engine/config/job_loader.h"
#include "engine/config/test_env.h"

namespace sfsync::config {
namespace {

TEST_CASE("login URLs that are refused, and why") {
  CHECK(LoginUrlProblem("https://login.salesforce.com").empty());
  CHECK(LoginUrlProblem("http://127.0.0.1:8383/").empty());
  CHECK(LoginUrlProblem("ftp://login.salesforce.com") == "must start with https:// (or http:// for a loopback host)");
  CHECK(LoginUrlProblem("http://acme.my.salesforce.com") ==
        "plain http:// is accepted only for a loopback host (127.0.0.1, [::1], localhost); use https://");
  // Look-alikes of loopback hosts are not loopback.
  for (const char* url : {"http://127.0.0.1.evil.com", "http://128.0.0.1", "http://localhost.evil.com",
                          "http://[::2]:8383", "http://127.0.0.256", "http://127.1"}) {
    CAPTURE(url);
    CHECK(LoginUrlProblem(url).find("plain http:// is accepted only for a loopback host") == 0);
  }
  CHECK(LoginUrlProblem("https://login.salesforce.com/services/oauth2/token") ==
        "must be the login host only, without a path, query or fragment: remove '/services/oauth2/token'");
  CHECK(LoginUrlProblem("https://login.salesforce.com?x=1") ==
        "must be the login host only, without a path, query or fragment: remove '?x=1'");
  CHECK(LoginUrlProblem("https://user:pw@login.salesforce.com") == "must not contain a user name or password");
  CHECK(LoginUrlProblem("https://") == "has no host");
  CHECK(LoginUrlProblem("https://login.salesforce.com:0") == "has an invalid port '0'");
  CHECK(LoginUrlProblem("https://login.salesforce.com:") == "has an invalid port ''");
  CHECK(LoginUrlProblem("https://login_salesforce.com") == "has an invalid host name 'login_salesforce.com'");
  CHECK(LoginUrlProblem("http://[::1") == "has an IPv6 host without its closing ']'");
}

TEST_CASE("store.postgres URLs that are refused, and why") {
  for (const char* ok : {"postgresql://db", "postgres://sync@db.example.com:5432/wh?sslmode=verify-full",
                         "postgresql://sync@[::1]:5433/wh", "postgresql:///wh?host=/var/run/postgresql",
                         "postgresql://sync@h1:5432,h2:5433/wh?target_session_attrs=read-write",
                         "postgresql://sync%3Ax@db/wh", "postgresql://db/wh?passfile=/etc/sfsync/pgpass"}) {
    CAPTURE(ok);
    CHECK(PostgresUrlProblem(ok).empty());
  }
  const std::string kHoldsPassword = "plain-text secret in job file: the URL holds a password";
  // As libpq reads them: user info runs to the first '@' before a '/', even past a '?'; query keys
  // are percent-decoded.
  for (const char* secret : {"postgresql://sync:pw@db/wh", "postgres://sync:@db/wh", "postgresql://sync:pw@h1,h2/wh",
                             "postgresql://sync:p?w@db/wh", "postgresql://db?options=x:pw@h/wh",
                             "postgresql://sync@x:pw@db/wh", "postgresql://db/wh?password=pw",
                             "postgresql://db/wh?sslmode=require&password=pw", "postgresql://db/wh?pass%77ord=pw",
                             "postgresql://db/wh?PASSWORD=pw", "postgresql:///wh?host=/tmp&password="}) {
    CAPTURE(secret);
    CHECK(PostgresUrlProblem(secret).rfind(kHoldsPassword, 0) == 0);
  }
  for (const char* other : {"mysql://sync@db/wh", "POSTGRESQL://sync@db/wh", "postgresql:/db", "jdbc:postgresql://db/wh"}) {
    CAPTURE(other);
    CHECK(PostgresUrlProblem(other).rfind("must be a", 0) == 0);
  }
  CHECK(PostgresUrlProblem("mysql://sync:pw@db/wh") ==
        "must be a postgresql:// (or postgres://) URL: postgresql://user@host:port/database");
  CHECK(PostgresUrlProblem("host=db dbname=wh password=pw") ==
        "must be a URL, postgresql://user@host:port/database (key=value connection strings are not accepted)");
  CHECK(PostgresUrlProblem("") ==
        "must be a URL, postgresql://user@host:port/database (key=value connection strings are not accepted)");
}

TEST_CASE("push-back loads on either store") {
  const std::string yaml =
      "version: 1\nname: t\nconnection:\n  login_url: https://login.salesforce.com\n  auth:\n    client_id: a\n"
      "    username: u\n    private_key_file: k.pem\nstore:\n  postgres: postgresql://sync@db/wh\nobjects:\n"
      "  - name: Account\n    fields: [Id]\n    push: true\n  - name: Contact\n    fields: [Id]\n    push: false\n"
      "  - name: Lead\n    fields: [Id]\n    push: true\n    external_id: Ext__c\n";
  StatusOr<Job> pg = ParseJob(yaml, "t.yaml", "/jobs", testing::FakeEnv({{"HOME", "/h"}}));
  REQUIRE_MESSAGE(pg.ok(), pg.status().ToString());
  CHECK(pg->objects[0].push);
  CHECK_FALSE(pg->objects[1].push);
  CHECK(pg->objects[2].push);
  std::string sqlite = yaml;
  sqlite.replace(sqlite.find("postgres: postgresql://sync@db/wh"), 33, "sqlite: t.db");
  StatusOr<Job> ok = ParseJob(sqlite, "t.yaml", "/jobs", testing::FakeEnv({{"HOME", "/h"}}));
  CHECK_MESSAGE(ok.ok(), ok.status().ToString());
}

// A jwt_bearer job whose auth section is `auth`.
StatusOr<Job> WithAuth(const std::string& auth, const std::string& login_url = "https://acme.my.salesforce.com") {
  const std::string yaml = "version: 1\nname: t\nconnection:\n  login_url: " + login_url + "\n  auth:\n" + auth +
                           "store:\n  sqlite: t.db\nobjects:\n  - name: Account\n    fields: \"*\"\n";
  return ParseJob(yaml, "t.yaml", "/jobs",
                  testing::FakeEnv({{"HOME", "/h"}, {"SECRET", "client-secret-value"}, {"TOKEN", "refresh-value"}}));
}

TEST_CASE("each auth flow has the keys it needs and no key it would ignore") {
  CHECK(WithAuth("    flow: client_credentials\n    client_id: a\n    client_secret: ${SECRET}\n").ok());
  CHECK(WithAuth("    flow: refresh_token\n    client_id: a\n    refresh_token: ${TOKEN}\n").ok());
  CHECK(WithAuth("    flow: device\n    client_id: a\n    scopes: [api]\n    session_timeout_seconds: 900\n").ok());

  StatusOr<Job> cc = WithAuth("    flow: client_credentials\n    client_id: a\n");
  CHECK(cc.status().message() == "t.yaml:5:3: connection.auth: flow client_credentials needs 'client_secret'");
  StatusOr<Job> extra = WithAuth(
      "    client_id: a\n    username: u\n    private_key_file: k.pem\n    client_secret: ${SECRET}\n");
  CHECK(extra.status().message() ==
        "t.yaml:9:5: connection.auth.client_secret: flow jwt_bearer (the default) does not use this key; only "
        "refresh_token, client_credentials, authorization_code, device do: remove it or set 'flow'");
  StatusOr<Job> test_host = WithAuth("    flow: client_credentials\n    client_id: a\n    client_secret: ${SECRET}\n",
                                     "https://test.salesforce.com");
  CHECK(test_host.status().message().find("flow client_credentials needs your My Domain URL") != std::string::npos);
}

// A job with one Account object whose `where` is written as `where_yaml` (the YAML after "where:").
StatusOr<Job> WithWhere(const std::string& where_yaml) {
  const std::string yaml =
      "version: 1\nname: t\nconnection:\n  login_url: https://login.salesforce.com\n  auth:\n    client_id: a\n"
      "    username: u\n    private_key_file: k.pem\nstore:\n  sqlite: t.db\nobjects:\n  - name: Account\n"
      "    fields: [Id]\n    where: " +
      where_yaml;
  return ParseJob(yaml, "t.yaml", "/jobs", testing::FakeEnv({{"HOME", "/h"}, {"COUNTRY", "Österreich"}}));
}

TEST_CASE("a where written over lines, with a semi-join, unicode and ${VAR}, loads as written") {
  StatusOr<Job> job = WithWhere(
      ">-\n      Id IN (SELECT AccountId FROM Contact WHERE Email LIKE '%@acme.com')\n"
      "      AND BillingCountry IN ('${COUNTRY}', 'Česko')\n");
  REQUIRE_MESSAGE(job.ok(), job.status().ToString());
  CHECK(job->objects[0].where ==
        "Id IN (SELECT AccountId FROM Contact WHERE Email LIKE '%@acme.com') AND BillingCountry IN ('Österreich', "
        "'Česko')");
}

TEST_CASE("a where that would escape the engine's parentheses is refused at its value, the position in the message") {
  CHECK(WithWhere("\"Name = 'a') OR (Name != 'zzz'\"\n").status().message() ==
        "t.yaml:14:12: objects[0].where: ')' at column 11 closes a parenthesis that was never opened: sfsync puts the "
        "condition in parentheses and ANDs its own, so the condition's parentheses must balance");
  // The WHERE keyword keeps its own message.
  CHECK(WithWhere("WHERE Name = 'a' ORDER BY Name\n").status().message() ==
        "t.yaml:14:12: objects[0].where: write the condition without the WHERE keyword");
}

}  // namespace
}  // namespace sfsync::config
