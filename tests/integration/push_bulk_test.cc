// Large pushes through Bulk API 2.0 ingest jobs (push_bulk_threshold), against the emulator's ingest
// jobs, which return results in another order than the upload's: every outcome must still reach its
// own change (matched by Id or key), a failed record keeps its message, and nothing is sent twice.
#include <doctest/doctest.h>

#include "tests/integration/push_support.h"

namespace sfsync::testing {
namespace {

TEST_CASE("above push_bulk_threshold, updates, keyed inserts and deletes go as ingest jobs, matched by key") {
  PushOrg org("settle_lag_seconds: 0\npush_bulk_threshold: 5\n");
  org.emu.Admin("POST", "/__emulator/rules/Account",
                {{"name", "Employees_Positive"}, {"field", "NumberOfEmployees"}, {"condition", "<"}, {"value", 0},
                 {"message", "Employees must not be negative"}});
  std::vector<std::string> ids;
  for (auto& row : SqliteDb(org.db).Query("SELECT Id FROM Account ORDER BY Id LIMIT 20")) ids.push_back(row[0].text);
  std::string sql;
  for (int i = 0; i < 8; ++i) {
    sql += "UPDATE Account SET Phone = 'bulk " + std::to_string(i) + "', NumberOfEmployees = " +
           std::to_string(i == 3 ? -1 : i) + " WHERE Id = '" + ids[i] + "';";
  }
  for (int i = 0; i < 6; ++i) sql += "INSERT INTO Account (Name) VALUES ('Bulk New " + std::to_string(i) + "');";
  for (int i = 10; i < 16; ++i) sql += "DELETE FROM Account WHERE Id = '" + ids[i] + "';";
  Shell(org.db, sql);
  ProcessResult r = org.Push();
  INFO(r.out, r.err);
  CHECK(r.exit_code == 14);  // the record the rule refuses
  // One ingest job per operation, no Collections write for Accounts.
  int collections_writes = 0;
  for (const json& w : org.emu.Admin("GET", "/__emulator/writes")) {
    if (w.at("object") == "Account" && w.at("path").get<std::string>().find("/composite/") != std::string::npos &&
        w.at("method") != "POST") {
      ++collections_writes;
    }
  }
  CHECK(collections_writes == 0);
  CHECK(r.out.find("Account                         6        7        6") != std::string::npos);
  for (int i = 0; i < 8; ++i) {
    CAPTURE(i);
    const json record = Record(org.emu, "Account", ids[i]);
    if (i == 3) {
      CHECK(record.at("Phone") != "bulk 3");
    } else {
      CHECK(record.at("Phone") == "bulk " + std::to_string(i));
    }
  }
  CHECK(org.Scalar("SELECT state || ' ' || status_code || ' ' || message FROM _sfsync_outbox WHERE \"Id\" = '" +
                   ids[3] + "'") == "FAILED FIELD_CUSTOM_VALIDATION_EXCEPTION Employees must not be negative");
  for (int i = 0; i < 6; ++i) {
    const std::string name = "Bulk New " + std::to_string(i);
    CHECK(CountNamed(org.emu, "Account", name) == 1);
    // The Id written back is the one Salesforce gave that very record.
    const std::string local = org.Scalar("SELECT Id FROM Account WHERE Name = '" + name + "'");
    CHECK(Record(org.emu, "Account", local).at("Name") == name);
  }
  for (int i = 10; i < 16; ++i) CHECK(Record(org.emu, "Account", ids[i]).at("IsDeleted") == true);
}

}  // namespace
}  // namespace sfsync::testing
