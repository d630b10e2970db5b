// Push-back end to end, on both stores: edits made in the database with the store's own client (the
// sqlite3 shell, psql) reach the emulator through the real sfsync binary, exactly once and field by
// field; pulls never echo or overwrite a pending edit; conflicts wait for a decision; failures are
// kept with Salesforce's message. SQL here double-quotes identifiers, so it reads the same in both.
#include <doctest/doctest.h>

#include "tests/integration/push_support.h"

namespace sfsync::testing {
namespace {

using nlohmann::json;

TEST_CASE_TEMPLATE("an edit made with the store's own client reaches Salesforce, sending only the changed field", S,
                   OnSqlite, OnPostgres) {
  PushOrg org(S::kind);
  const std::string id = org.first_account;
  const json before = Record(org.emu, "Account", id);
  org.Edit("UPDATE \"Account\" SET \"Phone\" = '+1 555 0100' WHERE \"Id\" = '" + id + "'");
  CHECK(org.Scalar("SELECT count(*) FROM _sfsync_capture") == "1");  // logged by the trigger
  const std::string status = org.Status().out;
  CHECK(status.find("Account PENDING 1") != std::string::npos);
  CHECK(status.find("database " + org.store.Name(org.db)) != std::string::npos);  // the store under test
  CHECK(org.Scalar("SELECT count(*) FROM _sfsync_outbox WHERE state = 'PENDING'") == "1");
  // Meanwhile someone renames the account in Salesforce: a field the local edit did not touch.
  org.emu.AdvanceClock(2);
  org.emu.Update("Account", id, {{"Name", "Renamed in Salesforce"}});
  const int64_t calls_before = org.emu.Stats().at("api_calls");
  ProcessResult r = org.Push();
  INFO(r.out, r.err);
  REQUIRE(r.exit_code == 0);
  const json after = Record(org.emu, "Account", id);
  CHECK(after.at("Phone") == "+1 555 0100");
  CHECK(after.at("Name") == "Renamed in Salesforce");  // only Phone was sent: theirs is kept
  CHECK(after.at("Industry") == before.at("Industry"));
  CHECK(org.Scalar("SELECT state FROM _sfsync_outbox") == "DONE");
  // On the server's side: one Collections update whose one record carries only the edited field.
  json updates = json::array();
  for (const json& w : org.emu.Admin("GET", "/__emulator/writes")) {
    if (w.at("method") == "PATCH" && w.at("object") == "Account") updates.push_back(w);
  }
  REQUIRE(updates.size() == 1);  // the push (the admin API's rename is not a REST write)
  const json& pushed = updates[0];
  CHECK(pushed.at("path").get<std::string>().find("/composite/sobjects") != std::string::npos);
  REQUIRE(pushed.at("records").size() == 1);
  json sent = pushed.at("records")[0];
  sent.erase("attributes");
  CHECK(sent == json{{"id", id}, {"Phone", "+1 555 0100"}});
  // One conflict read and one write, after authentication and the describes.
  const int64_t calls = org.emu.Stats().at("api_calls").get<int64_t>() - calls_before;
  CHECK(r.out.find("Account                         0        1") != std::string::npos);
  CHECK(calls <= 2 + 4);  // retrieve + update, plus describes of Account and Contact (and parents)
  // The next pull brings the rename and does not capture it.
  REQUIRE(RunSfsync(org.job).exit_code == 0);
  CHECK(org.Scalar("SELECT \"Name\" || '|' || \"Phone\" FROM \"Account\" WHERE \"Id\" = '" + id + "'") ==
        "Renamed in Salesforce|+1 555 0100");
  CHECK(org.Scalar("SELECT count(*) FROM _sfsync_outbox WHERE state <> 'DONE'") == "0");
}

TEST_CASE_TEMPLATE("several edits of one row before a push merge into one change and one update", S, OnSqlite,
                   OnPostgres) {
  PushOrg org(S::kind);
  const std::string id = org.first_account;
  org.Edit("UPDATE \"Account\" SET \"Phone\" = '1' WHERE \"Id\" = '" + id + "'");
  org.Edit("UPDATE \"Account\" SET \"Phone\" = '2', \"Industry\" = 'Energy' WHERE \"Id\" = '" + id + "'");
  org.Edit("UPDATE \"Account\" SET \"NumberOfEmployees\" = 42 WHERE \"Id\" = '" + id + "'");
  org.Status();
  CHECK(org.Scalar("SELECT count(*) FROM _sfsync_outbox") == "1");
  std::string columns;
  for (const auto& row : org.store.Open(org.db)->Query("SELECT column_name FROM _sfsync_outbox_columns ORDER BY 1")) {
    columns += (columns.empty() ? "" : ",") + row[0].text;
  }
  CHECK(columns == "Industry,NumberOfEmployees,Phone");
  REQUIRE(org.Push().exit_code == 0);
  const json after = Record(org.emu, "Account", id);
  CHECK(after.at("Phone") == "2");
  CHECK(after.at("Industry") == "Energy");
  CHECK(after.at("NumberOfEmployees") == 42);
}

TEST_CASE_TEMPLATE("a pull never echoes, and never overwrites a field with a pending local edit", S, OnSqlite,
                   OnPostgres) {
  PushOrg org(S::kind);
  const std::string id = org.first_account;
  org.Edit("UPDATE \"Account\" SET \"Phone\" = 'local phone' WHERE \"Id\" = '" + id + "'");
  org.emu.AdvanceClock(2);
  org.emu.Update("Account", id, {{"Industry", "Banking"}});
  // Only the pull: a job without push would not send; here `run` pulls first, then pushes.
  WriteFile(org.job + ".pull.yaml", ReadFile(org.job));
  ProcessResult r = RunSfsync(org.job);
  INFO(r.out, r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(org.Scalar("SELECT \"Phone\" || '|' || \"Industry\" FROM \"Account\" WHERE \"Id\" = '" + id + "'") ==
        "local phone|Banking");
  CHECK(Record(org.emu, "Account", id).at("Phone") == "local phone");
  // The pulled rows (all 70 on the first run, the changed one now) were never captured.
  CHECK(org.Scalar("SELECT count(*) FROM _sfsync_outbox") == "1");
}

TEST_CASE_TEMPLATE("the same field changed on both sides is a conflict that waits, then is resolved as asked", S,
                   OnSqlite, OnPostgres) {
  PushOrg org(S::kind);
  const std::string id = org.first_account;
  org.Edit("UPDATE \"Account\" SET \"Phone\" = 'mine', \"Industry\" = 'Retail' WHERE \"Id\" = '" + id + "'");
  org.emu.AdvanceClock(2);
  org.emu.Update("Account", id, {{"Phone", "theirs"}});
  ProcessResult r = org.Push();
  INFO(r.out, r.err);
  CHECK(r.exit_code == 14);
  CHECK(Record(org.emu, "Account", id).at("Phone") == "theirs");     // nothing was overwritten
  CHECK(Record(org.emu, "Account", id).at("Industry") != "Retail");  // the record waits whole
  ProcessResult list = RunSfsyncCommand({"conflicts", "list"}, org.job);
  INFO(list.out);
  CHECK(list.out.find("Phone") != std::string::npos);
  CHECK(list.out.find("mine") != std::string::npos);
  CHECK(list.out.find("theirs") != std::string::npos);
  const std::string conflict = org.Scalar("SELECT conflict_id FROM _sfsync_conflicts");
  ProcessResult status = RunSfsyncCommand({"status"}, org.job);
  CHECK(status.out.find("Account CONFLICT 1") != std::string::npos);
  CHECK(status.out.find("open conflicts: 1") != std::string::npos);

  SUBCASE("--take local sends ours") {
    REQUIRE(RunSfsyncCommand({"conflicts", "resolve"}, org.job, {conflict, "--take", "local"}).exit_code == 0);
    REQUIRE(org.Push().exit_code == 0);
    CHECK(Record(org.emu, "Account", id).at("Phone") == "mine");
    CHECK(Record(org.emu, "Account", id).at("Industry") == "Retail");
  }
  SUBCASE("--take remote keeps theirs and sends the rest") {
    REQUIRE(RunSfsyncCommand({"conflicts", "resolve"}, org.job, {conflict, "--take", "remote"}).exit_code == 0);
    CHECK(org.Scalar("SELECT \"Phone\" FROM \"Account\" WHERE \"Id\" = '" + id + "'") == "theirs");
    REQUIRE(org.Push().exit_code == 0);
    CHECK(Record(org.emu, "Account", id).at("Phone") == "theirs");
    CHECK(Record(org.emu, "Account", id).at("Industry") == "Retail");
  }
  SUBCASE("--take value sends a third value") {
    REQUIRE(RunSfsyncCommand({"conflicts", "resolve"}, org.job, {conflict, "--take", "value", "--value", "agreed"})
                .exit_code == 0);
    REQUIRE(org.Push().exit_code == 0);
    CHECK(Record(org.emu, "Account", id).at("Phone") == "agreed");
  }
  CHECK(RunSfsyncCommand({"conflicts", "list"}, org.job).out == "no open conflicts\n");
}

TEST_CASE_TEMPLATE("conflict policies remote_wins and local_wins settle same-field conflicts without waiting", S,
                   OnSqlite, OnPostgres) {
  for (const std::string policy : {"remote_wins", "local_wins"}) {
    CAPTURE(policy);
    PushOrg org("settle_lag_seconds: 0\npush_conflicts: " + policy + "\n", S::kind);
    const std::string id = org.first_account;
    org.Edit("UPDATE \"Account\" SET \"Phone\" = 'mine', \"Industry\" = 'Retail' WHERE \"Id\" = '" + id + "'");
    org.emu.AdvanceClock(2);
    org.emu.Update("Account", id, {{"Phone", "theirs"}});
    ProcessResult r = org.Push();
    INFO(r.out, r.err);
    REQUIRE(r.exit_code == 0);
    const json after = Record(org.emu, "Account", id);
    CHECK(after.at("Industry") == "Retail");
    CHECK(after.at("Phone") == (policy == "remote_wins" ? "theirs" : "mine"));
    CHECK(org.Scalar("SELECT \"Phone\" FROM \"Account\" WHERE \"Id\" = '" + id + "'") ==
          (policy == "remote_wins" ? "theirs" : "mine"));
  }
}

TEST_CASE_TEMPLATE("a new contact under a new account: parent first, the lookup remapped, local Ids replaced", S,
                   OnSqlite, OnPostgres) {
  PushOrg org(S::kind);
  org.Edit(
      "INSERT INTO \"Account\" (\"Id\", \"Name\", \"Industry\") VALUES ('new-acme', 'Acme New', 'Energy');"
      "INSERT INTO \"Contact\" (\"LastName\", \"Email\", \"AccountId\") VALUES ('Newman', 'newman@example.com', "
      "'new-acme');");
  org.Status();
  CHECK(org.Scalar("SELECT count(*) FROM _sfsync_outbox WHERE op = 'insert'") == "2");
  ProcessResult r = org.Push();
  INFO(r.out, r.err);
  REQUIRE(r.exit_code == 0);
  const std::string account = org.Scalar("SELECT \"Id\" FROM \"Account\" WHERE \"Name\" = 'Acme New'");
  const std::string contact = org.Scalar("SELECT \"Id\" FROM \"Contact\" WHERE \"LastName\" = 'Newman'");
  CHECK(account.rfind("001", 0) == 0);
  CHECK(contact.rfind("003", 0) == 0);
  CHECK(org.Scalar("SELECT \"AccountId\" FROM \"Contact\" WHERE \"Id\" = '" + contact + "'") == account);
  const json created = Record(org.emu, "Contact", contact);
  CHECK(created.at("AccountId") == account);
  CHECK(created.at("Email") == "newman@example.com");
  CHECK(Record(org.emu, "Account", account).at(kKey) ==
        org.Scalar("SELECT \"Sfsync_Key__c\" FROM \"Account\" WHERE \"Id\" = '" + account + "'"));
  // Pushing again sends nothing; pulling brings them back as the same rows.
  REQUIRE(org.Push().exit_code == 0);
  REQUIRE(RunSfsync(org.job).exit_code == 0);
  CHECK(org.Scalar("SELECT count(*) FROM \"Account\" WHERE \"Name\" = 'Acme New'") == "1");
  CHECK(CountNamed(org.emu, "Account", "Acme New") == 1);
}

TEST_CASE_TEMPLATE("an insert whose answer is lost is sent again with its key and creates one record", S, OnSqlite,
                   OnPostgres) {
  // reset_body: the answer is cut half way; lost_answer: the write commits and no byte comes back.
  for (const std::string fault : {"reset_body", "lost_answer"}) {
    CAPTURE(fault);
    PushOrg org(S::kind);
    org.emu.Admin("POST", "/__emulator/faults",
                  {{"spec", fault + ":path=/services/data/*/composite/sobjects/Account/Sfsync_Key__c,nth=1"}});
    org.Edit("INSERT INTO \"Account\" (\"Name\") VALUES ('Only Once Inc')");
    ProcessResult r = org.Push();
    INFO(r.out, r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(org.emu.Admin("GET", "/__emulator/faults").at("faults")[0].at("fired") == 1);
    CHECK(CountNamed(org.emu, "Account", "Only Once Inc") == 1);
    CHECK(org.Scalar("SELECT \"Id\" FROM \"Account\" WHERE \"Name\" = 'Only Once Inc'").rfind("001", 0) == 0);
    // Both upserts reached the server with the same key: the second found the record the first made.
    std::vector<std::string> keys;
    for (const json& w : org.emu.Admin("GET", "/__emulator/writes")) {
      if (w.at("path").get<std::string>().find("/composite/sobjects/Account/Sfsync_Key__c") != std::string::npos) {
        keys.push_back(w.at("records")[0].at(kKey));
      }
    }
    REQUIRE(keys.size() == 2);
    CHECK(keys[0] == keys[1]);
  }
}

TEST_CASE("UNABLE_TO_LOCK_ROW is retried within the push, and a validation rule's refusal waits for a fix") {
  PushOrg org;
  const std::string locked = org.first_account;
  const std::string invalid = org.Scalar("SELECT \"Id\" FROM \"Account\" ORDER BY \"Id\" LIMIT 1 OFFSET 1");
  org.emu.Admin("POST", "/__emulator/faults", {{"spec", "unable_to_lock_row:method=PATCH,nth=1"}});
  org.emu.Admin("POST", "/__emulator/rules/Account",
                {{"name", "Employees_Positive"},
                 {"field", "NumberOfEmployees"},
                 {"condition", "<"},
                 {"value", 0},
                 {"message", "Employees must not be negative"}});
  org.Edit("UPDATE \"Account\" SET \"Phone\" = 'locked once' WHERE \"Id\" = '" + locked +
           "';"
           "UPDATE \"Account\" SET \"NumberOfEmployees\" = -5 WHERE \"Id\" = '" +
           invalid + "'");
  ProcessResult r = org.Push();
  INFO(r.out, r.err);
  CHECK(r.exit_code == 14);
  CHECK(Record(org.emu, "Account", locked).at("Phone") == "locked once");  // second round
  CHECK(org.Scalar("SELECT state || ' ' || attempts FROM _sfsync_outbox WHERE \"Id\" = '" + locked + "'") == "DONE 2");
  CHECK(org.Scalar("SELECT state || ' ' || status_code || ' ' || message || ' ' || error_fields FROM _sfsync_outbox "
                   "WHERE \"Id\" = '" +
                   invalid + "'") ==
        "FAILED FIELD_CUSTOM_VALIDATION_EXCEPTION Employees must not be negative NumberOfEmployees");
  ProcessResult status = org.Status();
  CHECK(status.out.find("Account FAILED 1") != std::string::npos);
  org.Edit("UPDATE \"Account\" SET \"NumberOfEmployees\" = 5 WHERE \"Id\" = '" + invalid + "'");
  REQUIRE(org.Push().exit_code == 0);
  CHECK(Record(org.emu, "Account", invalid).at("NumberOfEmployees") == 5);
}

TEST_CASE("inserts without an external id are refused unless the job accepts at-least-once") {
  Emulator emu({"--rows", "Account=5", "--rows", "Contact=0", "--rows", "Opportunity=0"});
  TempDir dir;
  const std::string db = dir.File("sync.db");
  const std::string objects = "  - name: Account\n    fields: [Id, Name, SystemModstamp]\n    push: true\n";
  WriteFile(dir.File("job.yaml"), JobYaml(emu, db, objects));
  REQUIRE(RunSfsync(dir.File("job.yaml")).exit_code == 0);
  Shell(db, "INSERT INTO Account (Name) VALUES ('Maybe Twice')");
  ProcessResult r = RunSfsyncCommand({"push"}, dir.File("job.yaml"));
  CHECK(r.exit_code == 14);
  ProcessResult errors = RunSfsyncCommand({"push"}, dir.File("job.yaml"), {"--errors"});
  CHECK(errors.out.find("SFSYNC_NO_EXTERNAL_ID") != std::string::npos);
  CHECK(emu.Records("Account").size() == 5);
  WriteFile(dir.File("job.yaml"), JobYaml(emu, db, objects + "    at_least_once_inserts: true\n"));
  r = RunSfsyncCommand({"push"}, dir.File("job.yaml"), {"--retry"});
  INFO(r.out, r.err);
  CHECK(r.exit_code == 0);
  CHECK(emu.Records("Account").size() == 6);
}

TEST_CASE_TEMPLATE("deletes: pushed by Id, not resurrected by a pull, and a conflict when edited in Salesforce", S,
                   OnSqlite, OnPostgres) {
  PushOrg org(S::kind);
  const std::string gone = org.first_account;
  const std::string edited = org.Scalar("SELECT \"Id\" FROM \"Account\" ORDER BY \"Id\" LIMIT 1 OFFSET 1");
  // Contacts first: deletes go children before parents, and an Account with Contacts would cascade.
  org.Edit("DELETE FROM \"Account\" WHERE \"Id\" IN ('" + gone + "', '" + edited + "')");
  org.emu.AdvanceClock(2);
  org.emu.Update("Account", edited, {{"Phone", "edited after the local delete"}});
  // A pull before the push does not bring either back.
  ProcessResult r = RunSfsync(org.job);
  INFO(r.out, r.err);
  CHECK(r.exit_code == 14);  // the pull succeeded; the push left a conflict
  CHECK(org.Scalar("SELECT count(*) FROM \"Account\" WHERE \"Id\" IN ('" + gone + "', '" + edited + "')") == "0");
  CHECK(Record(org.emu, "Account", gone).at("IsDeleted") == true);
  CHECK(Record(org.emu, "Account", edited).at("IsDeleted") == false);
  CHECK(org.Scalar("SELECT kind FROM _sfsync_conflicts") == "edited_remotely");
  // Keep Salesforce's: the row comes back from the server.
  const std::string conflict = org.Scalar("SELECT conflict_id FROM _sfsync_conflicts");
  REQUIRE(RunSfsyncCommand({"conflicts", "resolve"}, org.job, {conflict, "--take", "remote"}).exit_code == 0);
  REQUIRE(org.Push().exit_code == 0);
  CHECK(org.Scalar("SELECT \"Phone\" FROM \"Account\" WHERE \"Id\" = '" + edited + "'") ==
        "edited after the local delete");
  CHECK(Record(org.emu, "Account", edited).at("IsDeleted") == false);
}

TEST_CASE_TEMPLATE("an edit of a record deleted in Salesforce is a conflict, not a resurrection", S, OnSqlite,
                   OnPostgres) {
  PushOrg org(S::kind);
  const std::string id = org.first_account;
  org.Edit("UPDATE \"Account\" SET \"Phone\" = 'too late' WHERE \"Id\" = '" + id + "'");
  org.emu.Delete("Account", id);
  ProcessResult r = org.Push();
  CHECK(r.exit_code == 14);
  CHECK(org.Scalar("SELECT kind FROM _sfsync_conflicts") == "deleted_remotely");
  CHECK(Record(org.emu, "Account", id).at("IsDeleted") == true);
  const std::string conflict = org.Scalar("SELECT conflict_id FROM _sfsync_conflicts");
  ProcessResult keep = RunSfsyncCommand({"conflicts", "resolve"}, org.job, {conflict, "--take", "local"});
  CHECK(keep.exit_code == 2);
  CHECK(keep.err.find("undelete the record in Salesforce first") != std::string::npos);
  REQUIRE(RunSfsyncCommand({"conflicts", "resolve"}, org.job, {conflict, "--take", "remote"}).exit_code == 0);
  CHECK(org.Scalar("SELECT count(*) FROM \"Account\" WHERE \"Id\" = '" + id + "'") == "0");
}

TEST_CASE_TEMPLATE("a value Salesforce refuses is kept with its message, listed, and sent again once fixed", S,
                   OnSqlite, OnPostgres) {
  PushOrg org(S::kind);
  const std::string id = org.first_account;
  // Phone holds at most 40 characters.
  org.Edit("UPDATE \"Account\" SET \"Phone\" = '" + std::string(50, '5') + "' WHERE \"Id\" = '" + id + "'");
  ProcessResult r = org.Push();
  CHECK(r.exit_code == 14);
  CHECK(org.Scalar("SELECT state || ' ' || status_code || ' ' || error_fields FROM _sfsync_outbox") ==
        "FAILED STRING_TOO_LONG Phone");
  ProcessResult errors = org.Push({"--errors"});
  CHECK(errors.out.find("STRING_TOO_LONG") != std::string::npos);
  CHECK(errors.out.find("max length=40") != std::string::npos);
  // A retry without a fix fails the same way; fixing the row queues it again.
  CHECK(org.Push({"--retry"}).exit_code == 14);
  org.Edit("UPDATE \"Account\" SET \"Phone\" = '555' WHERE \"Id\" = '" + id + "'");
  org.Status();
  CHECK(org.Scalar("SELECT state FROM _sfsync_outbox") == "PENDING");
  REQUIRE(org.Push().exit_code == 0);
  CHECK(Record(org.emu, "Account", id).at("Phone") == "555");
}

TEST_CASE_TEMPLATE("columns Salesforce would not take refuse the edit in the user's client, with the reason", S,
                   OnSqlite, OnPostgres) {
  PushOrg org(S::kind);
  const std::string contact = org.Scalar("SELECT \"Id\" FROM \"Contact\" WHERE \"AccountId\" IS NOT NULL LIMIT 1");
  std::string refused = org.Refused("UPDATE \"Contact\" SET \"Account_Name\" = 'x' WHERE \"Id\" = '" + contact + "'");
  CHECK(refused.find("column Account_Name of table Contact cannot be pushed to Salesforce (a field of a parent "
                     "record") != std::string::npos);
  refused = org.Refused("UPDATE \"Account\" SET \"SystemModstamp\" = '2020-01-01T00:00:00.000Z' WHERE \"Id\" = '" +
                        org.first_account + "'");
  CHECK(refused.find("cannot be pushed to Salesforce") != std::string::npos);
  // A new row may not set what Salesforce sets itself.
  refused = org.Refused(
      "INSERT INTO \"Account\" (\"Name\", \"SystemModstamp\") VALUES ('x', "
      "'2020-01-01T00:00:00.000Z')");
  CHECK(refused.find("cannot be set on a new row") != std::string::npos);
  CHECK(org.Scalar("SELECT count(*) FROM \"Account\" WHERE \"Name\" = 'x'") == "0");
  CHECK(org.Scalar("SELECT count(*) FROM _sfsync_outbox") == "0");
}

TEST_CASE_TEMPLATE("push --dry-run shows what would be sent and the conflicts, and changes nothing", S, OnSqlite,
                   OnPostgres) {
  PushOrg org(S::kind);
  const std::string id = org.first_account;
  const std::string other = org.Scalar("SELECT \"Id\" FROM \"Account\" ORDER BY \"Id\" LIMIT 1 OFFSET 1");
  org.Edit("UPDATE \"Account\" SET \"Phone\" = 'dry' WHERE \"Id\" = '" + id +
           "';"
           "UPDATE \"Account\" SET \"Phone\" = 'mine' WHERE \"Id\" = '" +
           other +
           "';"
           "INSERT INTO \"Account\" (\"Name\") VALUES ('Dry Run Co')");
  org.emu.AdvanceClock(2);
  org.emu.Update("Account", other, {{"Phone", "theirs"}});
  org.Status();  // folds the logged edits, so the dump compares rows and outbox as they are
  const std::string before = org.store.Dump(org.db);
  const json accounts = org.emu.Records("Account");
  ProcessResult r = org.Push({"--dry-run"});
  INFO(r.out, r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("Account update " + id + ": Phone") != std::string::npos);
  CHECK(r.out.find("Account update " + other + ": CONFLICT on Phone") != std::string::npos);
  CHECK(r.out.find("Account insert local-") != std::string::npos);
  CHECK(r.out.find("dry run: nothing sent") != std::string::npos);
  CHECK(org.store.Dump(org.db) == before);
  CHECK(org.emu.Records("Account") == accounts);
}

}  // namespace
}  // namespace sfsync::testing
