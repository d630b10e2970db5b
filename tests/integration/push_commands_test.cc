// Push-back's commands and edges, each a README promise: --object, --null, the daemon's push after
// its pull, the policies on deletes, a stop by the API limit, values a column cannot hold, a child
// waiting for its parent's insert, and audit repairs that keep pending edits.
#include <doctest/doctest.h>

#include "tests/integration/push_support.h"

namespace sfsync::testing {
namespace {

TEST_CASE("push --object pushes that object only") {
  PushOrg org;
  const std::string contact = org.Scalar("SELECT Id FROM Contact ORDER BY Id LIMIT 1");
  Shell(org.db, "UPDATE Account SET Phone = 'acct' WHERE Id = '" + org.first_account + "';"
                "UPDATE Contact SET Email = 'only@example.com' WHERE Id = '" + contact + "'");
  ProcessResult r = org.Push({"--object", "Contact"});
  INFO(r.out, r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(Record(org.emu, "Contact", contact).at("Email") == "only@example.com");
  CHECK(Record(org.emu, "Account", org.first_account).at("Phone") != "acct");
  CHECK(org.Scalar("SELECT state FROM _sfsync_outbox WHERE table_name = 'Account'") == "PENDING");
  CHECK(org.Push({"--object", "Lead"}).exit_code == 2);
}

TEST_CASE("conflicts resolve --take value --null clears the field in Salesforce") {
  PushOrg org;
  const std::string id = org.first_account;
  Shell(org.db, "UPDATE Account SET Phone = 'mine' WHERE Id = '" + id + "'");
  org.emu.AdvanceClock(2);
  org.emu.Update("Account", id, {{"Phone", "theirs"}});
  REQUIRE(org.Push().exit_code == 14);
  const std::string conflict = org.Scalar("SELECT conflict_id FROM _sfsync_conflicts");
  CHECK(RunSfsyncCommand({"conflicts", "resolve"}, org.job, {conflict, "--take", "value"}).exit_code == 2);
  REQUIRE(RunSfsyncCommand({"conflicts", "resolve"}, org.job, {conflict, "--take", "value", "--null"}).exit_code == 0);
  REQUIRE(org.Push().exit_code == 0);
  CHECK(Record(org.emu, "Account", id).at("Phone").is_null());
  CHECK(org.Scalar("SELECT coalesce(Phone, 'NULL') FROM Account WHERE Id = '" + id + "'") == "NULL");
}

TEST_CASE("the daemon pushes after each pull") {
  PushOrg org;
  Shell(org.db, "UPDATE Account SET Phone = 'from the daemon' WHERE Id = '" + org.first_account + "'");
  std::string yaml = ReadFile(org.job);
  WriteFile(org.job, "schedule: \"* * * * *\"\n" + yaml);
  std::map<std::string, std::string> env = TestAuthEnv();
  env["XDG_STATE_HOME"] = org.dir.File("state");
  ProcessResult r = RunProcess({SfsyncBinary(), "daemon", "--once", org.job}, env);
  INFO(r.out, r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(Record(org.emu, "Account", org.first_account).at("Phone") == "from the daemon");
}

TEST_CASE("conflict policies on deletes: remote_wins restores the row, local_wins deletes") {
  for (const std::string policy : {"remote_wins", "local_wins"}) {
    CAPTURE(policy);
    PushOrg org("settle_lag_seconds: 0\npush_conflicts: " + policy + "\n");
    const std::string id = org.first_account;
    Shell(org.db, "DELETE FROM Account WHERE Id = '" + id + "'");
    org.emu.AdvanceClock(2);
    org.emu.Update("Account", id, {{"Phone", "edited in Salesforce"}});
    ProcessResult r = org.Push();
    INFO(r.out, r.err);
    REQUIRE(r.exit_code == 0);
    if (policy == "remote_wins") {
      CHECK(Record(org.emu, "Account", id).at("IsDeleted") == false);
      CHECK(org.Scalar("SELECT Phone FROM Account WHERE Id = '" + id + "'") == "edited in Salesforce");
    } else {
      CHECK(Record(org.emu, "Account", id).at("IsDeleted") == true);
      CHECK(org.Scalar("SELECT count(*) FROM Account WHERE Id = '" + id + "'") == "0");
    }
  }
}

TEST_CASE("REQUEST_LIMIT_EXCEEDED stops the push (exit 9), and the next push finishes it") {
  PushOrg org;
  Shell(org.db, "UPDATE Account SET Phone = 'after the limit' WHERE Id = '" + org.first_account + "'");
  org.emu.Admin("POST", "/__emulator/faults",
                {{"spec", "limit_exceeded:path=/services/data/*/composite/sobjects,method=PATCH,times=1"}});
  ProcessResult r = org.Push();
  CHECK(r.exit_code == 9);
  CHECK(org.Scalar("SELECT state FROM _sfsync_outbox") == "SENT");  // the answer said nothing about it
  REQUIRE(org.Push().exit_code == 0);
  CHECK(Record(org.emu, "Account", org.first_account).at("Phone") == "after the limit");
  CHECK(org.Scalar("SELECT state FROM _sfsync_outbox") == "DONE");
}

TEST_CASE("a value the column cannot hold fails locally, without a call") {
  PushOrg org;
  Shell(org.db, "UPDATE Account SET NumberOfEmployees = 'lots' WHERE Id = '" + org.first_account + "'");
  ProcessResult r = org.Push();
  CHECK(r.exit_code == 14);
  CHECK(org.Scalar("SELECT status_code || ': ' || message FROM _sfsync_outbox") ==
        "SFSYNC_BAD_VALUE: column NumberOfEmployees: value lots is not a number");
  bool sent = false;
  for (const json& w : org.emu.Admin("GET", "/__emulator/writes")) sent = sent || w.at("object") == "Account";
  CHECK_FALSE(sent);
}

TEST_CASE("a contact under an account whose insert failed waits, and goes once the account is fixed") {
  PushOrg org;
  org.emu.Admin("POST", "/__emulator/rules/Account",
                {{"name", "Needs_City"}, {"field", "Phone"}, {"condition", "is_null"}, {"message", "Phone required"}});
  Shell(org.db, "INSERT INTO Account (Id, Name) VALUES ('new-parent', 'No Phone Yet');"
                "INSERT INTO Contact (LastName, AccountId) VALUES ('Waiting', 'new-parent')");
  ProcessResult r = org.Push();
  INFO(r.out, r.err);
  CHECK(r.exit_code == 14);
  CHECK(org.Scalar("SELECT state || ' ' || status_code FROM _sfsync_outbox WHERE table_name = 'Account'") ==
        "FAILED FIELD_CUSTOM_VALIDATION_EXCEPTION");
  CHECK(org.Scalar("SELECT state || ' ' || status_code FROM _sfsync_outbox WHERE table_name = 'Contact'") ==
        "PENDING SFSYNC_WAITING");
  Shell(org.db, "UPDATE Account SET Phone = '555' WHERE Id = 'new-parent'");
  r = org.Push();
  INFO(r.out, r.err);
  REQUIRE(r.exit_code == 0);
  const std::string account = org.Scalar("SELECT Id FROM Account WHERE Name = 'No Phone Yet'");
  CHECK(Record(org.emu, "Contact", org.Scalar("SELECT Id FROM Contact WHERE LastName = 'Waiting'")).at("AccountId") ==
        account);
}

TEST_CASE("an audit repair keeps a pending local edit") {
  PushOrg org;
  const std::string id = org.first_account;
  Shell(org.db, "UPDATE Account SET Phone = 'pending' WHERE Id = '" + id + "'");
  ProcessResult audit = RunSfsyncCommand({"audit"}, org.job, {"--deep"});
  INFO(audit.out, audit.err);
  CHECK(audit.exit_code == 0);
  CHECK(org.Scalar("SELECT Phone FROM Account WHERE Id = '" + id + "'") == "pending");
  REQUIRE(org.Push().exit_code == 0);
  CHECK(Record(org.emu, "Account", id).at("Phone") == "pending");
}

}  // namespace
}  // namespace sfsync::testing

namespace sfsync::testing {
namespace {

TEST_CASE("a new account under a new parent account goes in the same push, the parent first") {
  Emulator emu({"--rows", "Account=5", "--rows", "Contact=0", "--rows", "Opportunity=0"});
  AddKeyField(emu, "Account");
  TempDir dir;
  const std::string db = dir.File("sync.db");
  WriteFile(dir.File("job.yaml"),
            JobYaml(emu, db, "  - name: Account\n    fields: [Id, Name, ParentId, SystemModstamp, Sfsync_Key__c]\n"
                             "    push: true\n    external_id: Sfsync_Key__c\n"));
  REQUIRE(RunSfsync(dir.File("job.yaml")).exit_code == 0);
  // The child is inserted first, so it is older in the outbox than its parent.
  Shell(db, "INSERT INTO Account (Id, Name, ParentId) VALUES ('new-child', 'Child Co', 'new-parent');"
            "INSERT INTO Account (Id, Name) VALUES ('new-parent', 'Parent Co');");
  ProcessResult r = RunSfsyncCommand({"push"}, dir.File("job.yaml"));
  INFO(r.out, r.err);
  REQUIRE(r.exit_code == 0);
  const std::string parent = SqliteDb(db).Scalar("SELECT Id FROM Account WHERE Name = 'Parent Co'");
  const std::string child = SqliteDb(db).Scalar("SELECT Id FROM Account WHERE Name = 'Child Co'");
  CHECK(parent.rfind("001", 0) == 0);
  CHECK(SqliteDb(db).Scalar("SELECT ParentId FROM Account WHERE Id = '" + child + "'") == parent);
  CHECK(Record(emu, "Account", child).at("ParentId") == parent);
}

}  // namespace
}  // namespace sfsync::testing
