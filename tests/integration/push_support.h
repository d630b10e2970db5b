// What the push-back integration tests share: an org with an external-id field, a job pushing
// Account and Contact into either store, a user's own SQL client, and reading records back from the
// emulator.
#pragma once

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/testing/compare.h"
#include "tests/testing/store_target.h"

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
inline ProcessResult ShellResult(const std::string& db, const std::string& sql) {
  return RunProcess({"/usr/bin/env", "sqlite3", db, sql});
}

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
  StoreTarget store;
  std::string db = dir.File("sync.db");
  std::string job = dir.File("job.yaml");
  std::string first_account;

  explicit PushOrg(const std::string& extra = "settle_lag_seconds: 0\n", StoreKind kind = StoreKind::kSqlite)
      : store(kind) {
    AddKeyField(emu, "Account");
    AddKeyField(emu, "Contact");
    WriteFile(job,
              store.Job(emu, db,
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
    first_account = Scalar("SELECT \"Id\" FROM \"Account\" ORDER BY \"Id\" LIMIT 1");
  }
  explicit PushOrg(StoreKind kind) : PushOrg("settle_lag_seconds: 0\n", kind) {}
  // SQL as a user's own client runs it (the sqlite3 shell, psql): edits the triggers capture.
  // Identifiers double-quoted, so one statement reads the same in both dialects.
  void Edit(const std::string& sql) { store.Exec(db, sql); }
  // The error an edit the triggers refuse ends with ("" if it was not refused).
  std::string Refused(const std::string& sql) {
    try {
      store.Exec(db, sql);
    } catch (const std::exception& e) {
      return e.what();
    }
    return "";
  }
  ProcessResult Push(const std::vector<std::string>& args = {}) { return RunSfsyncCommand({"push"}, job, args); }
  std::string Scalar(const std::string& sql) { return store.Open(db)->Scalar(sql); }
  // `sfsync status`, which also folds the edits the triggers logged into _sfsync_outbox.
  ProcessResult Status() {
    ProcessResult r = RunSfsyncCommand({"status"}, job);
    REQUIRE(r.exit_code == 0);
    return r;
  }
};

}  // namespace sfsync::testing
