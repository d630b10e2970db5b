// What the push-back integration tests share: an org with an external-id field, a job pushing
// Account and Contact, the sqlite3 shell, and reading records back from the emulator.
#pragma once

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/testing/compare.h"

namespace sfsync::testing {

using nlohmann::json;

inline constexpr char kKey[] = "Sfsync_Key__c";

// An external-id text field on `object` (the key inserts are upserted on), if the org lacks it.
inline void AddKeyField(Emulator& emu, const std::string& object) {
  try {
    emu.Admin("POST", "/__emulator/schema/" + object + "/fields",
              {{"name", kKey}, {"type", "string"}, {"length", 64}, {"externalId", true}, {"unique", true}});
  } catch (const std::exception&) {
    // Seeded already.
  }
}

// Runs SQL through the sqlite3 command-line shell: another process, with no sfsync code loaded.
inline void Shell(const std::string& db, const std::string& sql) {
  ProcessResult r = RunProcess({"/usr/bin/env", "sqlite3", db, sql});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
}
inline ProcessResult ShellResult(const std::string& db, const std::string& sql) { return RunProcess({"/usr/bin/env", "sqlite3", db, sql}); }

// How many live records of `object` are named `name`.
inline int CountNamed(Emulator& emu, const std::string& object, const std::string& name) {
  int n = 0;
  for (const json& r : emu.Records(object)) n += r.at("Name") == name;
  return n;
}

inline json Record(Emulator& emu, const std::string& object, const std::string& id) {
  for (const json& r : emu.Records(object, "include")) {
    if (r.at("Id") == id) return r;
  }
  return nullptr;
}

struct PushOrg {
  Emulator emu{{"--rows", "Account=30", "--rows", "Contact=40", "--rows", "Opportunity=0"}};
  TempDir dir;
  std::string db = dir.File("sync.db");
  std::string job = dir.File("job.yaml");
  std::string first_account;

  explicit PushOrg(const std::string& extra = "settle_lag_seconds: 0\n") {
    AddKeyField(emu, "Account");
    AddKeyField(emu, "Contact");
    WriteFile(job, JobYaml(emu, db,
                           "  - name: Account\n"
                           "    fields: [Id, Name, Phone, Industry, NumberOfEmployees, SystemModstamp, Sfsync_Key__c]\n"
                           "    push: true\n"
                           "    external_id: Sfsync_Key__c\n"
                           "  - name: Contact\n"
                           "    fields: [Id, LastName, Email, AccountId, Account.Name, SystemModstamp, Sfsync_Key__c]\n"
                           "    push: true\n"
                           "    external_id: Sfsync_Key__c\n",
                           extra));
    ProcessResult r = RunSfsync(job);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    first_account = SqliteDb(db).Scalar("SELECT Id FROM Account ORDER BY Id LIMIT 1");
  }
  ProcessResult Push(const std::vector<std::string>& args = {}) { return RunSfsyncCommand({"push"}, job, args); }
  std::string Scalar(const std::string& sql) { return SqliteDb(db).Scalar(sql); }
  // `sfsync status`, which also folds the edits the triggers logged into _sfsync_outbox.
  ProcessResult Status() {
    ProcessResult r = RunSfsyncCommand({"status"}, job);
    REQUIRE(r.exit_code == 0);
    return r;
  }
};

}  // namespace sfsync::testing
