// Polymorphic lookups (Owner of a Case: a User or a queue; What and Who of a Task): their parent
// fields come from Salesforce's Name object, which has no stamp. They sync, later runs never ask for
// a stamp the Name object lacks, and what stays stale until the child changes is refreshed by
// audit --deep (README "Polymorphic parents").
#include <doctest/doctest.h>

#include "tests/testing/compare.h"

namespace sfsync::testing {
namespace {

using nlohmann::json;

std::map<std::string, json> Merged(std::initializer_list<json> record_lists) {
  std::map<std::string, json> out;
  for (const json& records : record_lists) {
    for (const auto& [id, record] : ById(records)) out[id] = record;
  }
  return out;
}

TEST_CASE("regression: polymorphic parents sync, and a later run never asks the Name object for a stamp") {
  Emulator emu({"--rows", "Account=10", "--rows", "Contact=10", "--rows", "Opportunity=0", "--rows", "Case=30",
                "--rows", "Task=20", "--rows", "Event=0"});
  TempDir dir;
  const std::string db = dir.File("poly.db");
  WriteFile(dir.File("job.yaml"),
            JobYaml(emu, db,
                    "  - name: Case\n    fields: [Id, Subject, OwnerId, Owner.Name, Owner.Type, SystemModstamp]\n"
                    "  - name: Task\n    fields: [Id, Subject, WhatId, What.Name, WhoId, Who.Name, SystemModstamp]\n"));
  ProcessResult first = RunSfsync(dir.File("job.yaml"));
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  CHECK(first.err.find("Case: fields through Owner come from a polymorphic lookup") != std::string::npos);
  const json queues = emu.Records("Group");
  REQUIRE(queues.size() > 0);
  // Through the Name object a User's Type is "User" (a queue's is its Group Type, "Queue").
  auto owners = [&] {
    std::map<std::string, json> all = Merged({emu.Records("User"), emu.Records("Group")});
    for (auto& [id, record] : all) {
      if (!record.contains("Type")) record["Type"] = "User";
    }
    return all;
  };
  CheckTableEqualsEmulator(emu, db, "Case", {{"Owner", owners()}});
  SqliteDb sql(db);
  CHECK(std::stoi(sql.Scalar("SELECT count(*) FROM \"Case\" WHERE Owner_Type = 'Queue'")) > 0);
  CHECK(std::stoi(sql.Scalar("SELECT count(*) FROM \"Case\" WHERE OwnerId LIKE '005%' AND Owner_Name IS NOT NULL")) > 0);
  // What and Who name the real record, whatever its type.
  for (const json& task : emu.Records("Task")) {
    if (!task.at("WhoId").is_string()) continue;
    const std::string id = task.at("Id");
    const json who = Merged({emu.Records("Contact"), emu.Records("Lead")}).at(task.at("WhoId").get<std::string>());
    CHECK(sql.Scalar("SELECT Who_Name FROM Task WHERE Id = '" + id + "'") == who.at("Name").get<std::string>());
  }

  // A queue is renamed: the Cases it owns do not change, so a run does not read them (stale until
  // they change: the documented limit), and no run fails asking for Owner.SystemModstamp.
  const std::string queue = queues[0].at("Id");
  emu.Update("Group", queue, {{"Name", "Renamed Queue"}});
  emu.AdvanceClock(2);
  for (int run = 0; run < 2; ++run) {
    ProcessResult next = RunSfsync(dir.File("job.yaml"));
    INFO(next.err);
    REQUIRE(next.exit_code == 0);
    CHECK(LastRunRowsRead(db, "Case") == 0);
  }
  const std::string owned = "SELECT count(*) FROM \"Case\" WHERE OwnerId = '" + queue + "'";
  REQUIRE(std::stoi(SqliteDb(db).Scalar(owned)) > 0);
  CHECK(SqliteDb(db).Scalar(owned + " AND Owner_Name = 'Renamed Queue'") == "0");

  // audit --deep compares values: it finds and repairs them.
  ProcessResult deep = RunProcess({SfsyncBinary(), "audit", dir.File("job.yaml"), "--deep"}, TestAuthEnv());
  INFO(deep.err);
  CHECK(deep.exit_code == 0);
  CheckTableEqualsEmulator(emu, db, "Case", {{"Owner", owners()}});
  CHECK(SqliteDb(db).Scalar(owned + " AND Owner_Name = 'Renamed Queue'") == SqliteDb(db).Scalar(owned));
}

}  // namespace
}  // namespace sfsync::testing
