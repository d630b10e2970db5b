// Polymorphic lookups over real sockets: the Group (queue), Case, Task and Event objects, their
// describes, query results whose nested parents show the referenced record's real type and read
// its values at query time, the Name object's limits, filtering by type, writes and the admin
// API on the new objects.
#include <doctest/doctest.h>

#include <map>
#include <set>

#include "tests/emulator/testing/emulator_fixture.h"
#include "tests/emulator/testing/fixtures.h"

namespace sfsync::emulator {
namespace {

using nlohmann::ordered_json;
using testing::ClientResponse;
using testing::Fixture;
using testing::Keys;
using testing::ParseJson;
using testing::RunningEmulator;
using testing::SameShape;
using testing::SmallOrgConfig;
using testing::UrlEncode;

const std::string kData = "/services/data/v60.0";

EmulatorConfig PolymorphicOrg() {
  EmulatorConfig config = SmallOrgConfig();
  config.rows["Group"] = 2;
  config.rows["Lead"] = 40;
  config.rows["Case"] = 20;
  config.rows["Invoice__c"] = 5;
  config.rows["Task"] = 40;
  config.rows["Event"] = 15;
  return config;
}

ordered_json Records(RunningEmulator& e, const std::string& soql) {
  ClientResponse response = e.Query(soql);
  REQUIRE_MESSAGE(response.status == 200, response.body);
  return ParseJson(response.body)["records"];
}

ordered_json FieldNamed(const ordered_json& describe, const std::string& name) {
  for (const ordered_json& field : describe["fields"]) {
    if (field["name"] == name) return field;
  }
  FAIL("no field " << name);
  return {};
}

// Id -> Name of every record of `object`, through the admin API.
std::map<std::string, std::string> NamesById(RunningEmulator& e, const std::string& object, const std::string& field) {
  std::map<std::string, std::string> names;
  for (const ordered_json& r : ParseJson(e.Admin("GET", "/__emulator/records/" + object).body)) {
    names[r["Id"]] = r[field].is_null() ? "" : r[field].get<std::string>();
  }
  return names;
}

TEST_CASE("polymorphic describe: referenceTo lists every target and polymorphicForeignKey is set") {
  RunningEmulator e(PolymorphicOrg());
  auto describe = [&](const std::string& object) {
    ClientResponse response = e.RestGet(kData + "/sobjects/" + object + "/describe");
    REQUIRE(response.status == 200);
    return ParseJson(response.body);
  };
  for (const char* object : {"Lead", "Case", "Task"}) {
    CAPTURE(object);
    ordered_json owner = FieldNamed(describe(object), "OwnerId");
    CHECK(owner["referenceTo"] == ordered_json::array({"Group", "User"}));
    CHECK(owner["polymorphicForeignKey"] == true);
    CHECK(owner["relationshipName"] == "Owner");
  }
  ordered_json task = describe("Task");
  CHECK(FieldNamed(task, "WhatId")["referenceTo"] ==
        ordered_json::array({"Account", "Case", "Invoice__c", "Opportunity"}));
  CHECK(FieldNamed(task, "WhatId")["relationshipName"] == "What");
  CHECK(FieldNamed(task, "WhoId")["referenceTo"] == ordered_json::array({"Contact", "Lead"}));
  CHECK(FieldNamed(task, "WhoId")["polymorphicForeignKey"] == true);
  // An Event's owner is a User (README ⚠: no public calendars), Contact's too.
  CHECK(FieldNamed(describe("Event"), "OwnerId")["polymorphicForeignKey"] == false);
  CHECK(FieldNamed(describe("Contact"), "OwnerId")["referenceTo"] == ordered_json::array({"User"}));
  ordered_json number = FieldNamed(describe("Case"), "CaseNumber");
  CHECK(number["autoNumber"] == true);
  CHECK(number["nameField"] == true);
  CHECK(number["createable"] == false);
  // Each target lists the activities as its child relationship.
  std::set<std::string> account_children, contact_children;
  ordered_json account = describe("Account"), contact = describe("Contact");
  for (const ordered_json& child : account["childRelationships"]) {
    account_children.insert(child["childSObject"].get<std::string>() + "." + child["field"].get<std::string>() + ":" +
                            (child["relationshipName"].is_null() ? "" : child["relationshipName"].get<std::string>()));
  }
  for (const ordered_json& child : contact["childRelationships"]) {
    contact_children.insert(child["childSObject"].get<std::string>() + "." + child["field"].get<std::string>());
  }
  CHECK(account_children.contains("Task.WhatId:Tasks"));
  CHECK(account_children.contains("Event.WhatId:Events"));
  CHECK(account_children.contains("Case.AccountId:Cases"));
  CHECK(contact_children.contains("Task.WhoId"));
  CHECK(contact_children.contains("Case.ContactId"));
}

TEST_CASE("polymorphic query: a nested parent shows its real type and url, users and queues alike") {
  RunningEmulator e(PolymorphicOrg());
  std::map<std::string, std::string> users = NamesById(e, "User", "Name");
  std::map<std::string, std::string> queues = NamesById(e, "Group", "Name");
  REQUIRE(queues.size() == 2);
  ordered_json leads = Records(e, "SELECT Id, OwnerId, Owner.Name, Owner.Type FROM Lead ORDER BY Id");
  REQUIRE(leads.size() == 40);
  int queue_owned = 0;
  for (const ordered_json& lead : leads) {
    std::string owner_id = lead["OwnerId"];
    const ordered_json& owner = lead["Owner"];
    CHECK(Keys(owner) == std::vector<std::string>{"attributes", "Name", "Type"});
    bool queue = owner_id.starts_with("00G");
    queue_owned += queue;
    std::string type = queue ? "Group" : "User";
    CHECK(owner["attributes"]["type"] == type);
    CHECK(owner["attributes"]["url"] == kData + "/sobjects/" + type + "/" + owner_id);
    CHECK(owner["Type"] == (queue ? "Queue" : "User"));
    CHECK(owner["Name"] == (queue ? queues.at(owner_id) : users.at(owner_id)));
  }
  // Seeded Leads: some owned by queues, most by users.
  CHECK(queue_owned >= 4);
  CHECK(queue_owned <= 24);

  // A Task's What is an Account, Opportunity, Case or invoice; What.Name of a Case is its number.
  std::map<std::string, std::string> case_numbers = NamesById(e, "Case", "CaseNumber");
  std::set<std::string> what_types;
  for (const ordered_json& task :
       Records(e, "SELECT Id, WhatId, What.Name, What.Type, WhoId, Who.Name, Who.FirstName FROM Task")) {
    if (!task["What"].is_null()) {
      std::string type = task["What"]["attributes"]["type"];
      what_types.insert(type);
      CHECK(task["What"]["Type"] == type);
      CHECK(task["What"]["attributes"]["url"] == kData + "/sobjects/" + type + "/" + task["WhatId"].get<std::string>());
      if (type == "Case") CHECK(task["What"]["Name"] == case_numbers.at(task["WhatId"]));
    } else {
      CHECK(task["WhatId"].is_null());  // no parent: the relationship is null, not an object of nulls
    }
    if (!task["Who"].is_null()) {
      CHECK((task["Who"]["attributes"]["type"] == "Contact" || task["Who"]["attributes"]["type"] == "Lead"));
      if (task["Who"]["FirstName"].is_string()) {
        CHECK(std::string(task["Who"]["Name"]).starts_with(task["Who"]["FirstName"].get<std::string>() + " "));
      }
    }
  }
  CHECK(what_types.size() >= 3);
}

TEST_CASE("polymorphic query: fields the Name object lacks are INVALID_FIELD on entity Name") {
  RunningEmulator e(PolymorphicOrg());
  for (const char* soql : {"SELECT Id, Owner.SystemModstamp FROM Lead",
                           "SELECT Id FROM Task WHERE What.LastModifiedDate > 2024-01-01T00:00:00Z",
                           "SELECT Id FROM Event ORDER BY Who.Department"}) {
    CAPTURE(soql);
    ClientResponse response = e.Query(soql);
    CHECK(response.status == 400);
    ordered_json error = ParseJson(response.body)[0];
    CHECK(error["errorCode"] == "INVALID_FIELD");
    CHECK(std::string(error["message"]).find("' on entity 'Name'. If you are attempting to use a custom field") !=
          std::string::npos);
  }
  // Email comes from users and queues alike.
  std::map<std::string, std::string> queue_emails = NamesById(e, "Group", "Email");
  for (const ordered_json& lead : Records(e, "SELECT OwnerId, Owner.Email FROM Lead WHERE Owner.Type = 'Queue'")) {
    std::string email = lead["Owner"]["Email"].is_null() ? "" : lead["Owner"]["Email"].get<std::string>();
    CHECK(email == queue_emails.at(lead["OwnerId"]));
  }
  // Fields only users have are null for a queue owner.
  for (const ordered_json& lead :
       Records(e, "SELECT Owner.Alias, Owner.Username, Owner.IsActive FROM Lead WHERE Owner.Type = 'Queue'")) {
    CHECK(lead["Owner"]["Alias"].is_null());
    CHECK(lead["Owner"]["Username"].is_null());
    CHECK(lead["Owner"]["IsActive"].is_null());
  }
  for (const ordered_json& lead :
       Records(e, "SELECT Owner.Alias, Owner.Username FROM Lead WHERE Owner.Type = 'User'")) {
    CHECK(lead["Owner"]["Username"].get<std::string>().ends_with("@sfsync-emulator.example"));
  }
}

TEST_CASE("polymorphic query: filtering by Owner.Type and What.Type selects by the referenced record's type") {
  RunningEmulator e(PolymorphicOrg());
  ordered_json all = Records(e, "SELECT Id, OwnerId FROM Lead");
  ordered_json queued = Records(e, "SELECT Id, OwnerId FROM Lead WHERE Owner.Type = 'Queue'");
  size_t expected = 0;
  for (const ordered_json& lead : all) expected += std::string(lead["OwnerId"]).starts_with("00G");
  CHECK(queued.size() == expected);
  for (const ordered_json& lead : queued) CHECK(std::string(lead["OwnerId"]).starts_with("00G"));
  CHECK(Records(e, "SELECT Id FROM Lead WHERE Owner.Type = 'User'").size() == all.size() - expected);
  for (const ordered_json& task : Records(e, "SELECT WhatId FROM Task WHERE What.Type IN ('Account', 'Opportunity')")) {
    std::string what = task["WhatId"];
    CHECK((what.starts_with("001") || what.starts_with("006")));
  }
  ordered_json by_name = Records(e, "SELECT Owner.Name FROM Lead WHERE Owner.Name = 'lead intake' ORDER BY Owner.Name");
  for (const ordered_json& lead : by_name) CHECK(lead["Owner"]["Name"] == "Lead Intake");
}

TEST_CASE("polymorphic query: renaming a queue or a user changes Owner.Name, not the Lead's SystemModstamp") {
  RunningEmulator e(PolymorphicOrg());
  ordered_json before =
      Records(e, "SELECT Id, OwnerId, Owner.Name, SystemModstamp FROM Lead WHERE Owner.Type = 'Queue' LIMIT 1");
  REQUIRE(before.size() == 1);
  std::string queue = before[0]["OwnerId"];
  REQUIRE(e.Admin("POST", "/__emulator/clock", R"({"advance_seconds":60})").status == 200);
  REQUIRE(e.Admin("PATCH", "/__emulator/records/Group/" + queue, R"({"Name":"Renamed Queue"})").status == 204);
  ordered_json after = Records(
      e, "SELECT Id, Owner.Name, SystemModstamp FROM Lead WHERE Id = '" + before[0]["Id"].get<std::string>() + "'");
  CHECK(after[0]["Owner"]["Name"] == "Renamed Queue");
  CHECK(after[0]["SystemModstamp"] == before[0]["SystemModstamp"]);
  // The same for a Task whose What is renamed.
  ordered_json task = Records(e, "SELECT Id, WhatId, SystemModstamp FROM Task WHERE What.Type = 'Account' LIMIT 1");
  REQUIRE(task.size() == 1);
  REQUIRE(e.Admin("PATCH", "/__emulator/records/Account/" + task[0]["WhatId"].get<std::string>(),
                  R"({"Name":"Acme Renamed"})")
              .status == 204);
  ordered_json renamed =
      Records(e, "SELECT What.Name, SystemModstamp FROM Task WHERE Id = '" + task[0]["Id"].get<std::string>() + "'");
  CHECK(renamed[0]["What"]["Name"] == "Acme Renamed");
  CHECK(renamed[0]["SystemModstamp"] == task[0]["SystemModstamp"]);
}

TEST_CASE("polymorphic query: a parent's activities come through its child relationship") {
  RunningEmulator e(PolymorphicOrg());
  std::map<std::string, size_t> tasks_per_account;
  for (const ordered_json& task : Records(e, "SELECT WhatId FROM Task WHERE What.Type = 'Account'")) {
    ++tasks_per_account[task["WhatId"]];
  }
  REQUIRE_FALSE(tasks_per_account.empty());
  for (const ordered_json& account : Records(e, "SELECT Id, (SELECT Id, WhatId FROM Tasks) FROM Account")) {
    auto it = tasks_per_account.find(account["Id"]);
    if (it == tasks_per_account.end()) {
      CHECK(account["Tasks"].is_null());
      continue;
    }
    CHECK(account["Tasks"]["totalSize"] == it->second);
    for (const ordered_json& task : account["Tasks"]["records"]) CHECK(task["WhatId"] == account["Id"]);
  }
}

TEST_CASE("polymorphic query: TYPEOF is refused as not supported, never a wrong answer") {
  RunningEmulator e(PolymorphicOrg());
  ClientResponse response = e.Query("SELECT Id, TYPEOF What WHEN Account THEN Phone ELSE Name END FROM Task");
  CHECK(response.status == 400);
  ordered_json error = ParseJson(response.body)[0];
  CHECK(error["errorCode"] == "MALFORMED_QUERY");
  CHECK(std::string(error["message"]).find("not supported by sfsync-emulator") != std::string::npos);
}

TEST_CASE("Case query: the recorded Case result's keys, order and value types") {
  RunningEmulator e(PolymorphicOrg());
  ordered_json recorded = Fixture("query_cases_booleans_dates.json");
  std::string fields;
  for (const std::string& key : Keys(recorded["records"][0])) {
    if (key != "attributes") fields += (fields.empty() ? "" : ", ") + key;
  }
  ClientResponse response = e.Query("SELECT " + fields + " FROM Case WHERE IsClosed = true");
  REQUIRE(response.status == 200);
  ordered_json ours = ParseJson(response.body);
  REQUIRE_FALSE(ours["records"].empty());
  SameShape(ours["records"][0], recorded["records"][0]);
  CHECK(std::string(ours["records"][0]["CaseNumber"]).size() == 8);
  CHECK(ours["records"][0]["ClosedDate"].is_string());
}

TEST_CASE("polymorphic writes: an owner may be a queue or a user, nothing else, and Cases number themselves") {
  RunningEmulator e(PolymorphicOrg());
  std::string queue = NamesById(e, "Group", "Name").begin()->first;
  std::string account = Records(e, "SELECT Id FROM Account LIMIT 1")[0]["Id"];
  ClientResponse lead =
      e.Rest("POST", kData + "/sobjects/Lead",
             R"({"LastName":"Q","Company":"C","Status":"Open - Not Contacted","OwnerId":")" + queue + R"("})");
  CHECK(lead.status == 201);
  ClientResponse wrong =
      e.Rest("POST", kData + "/sobjects/Lead",
             R"({"LastName":"Q","Company":"C","Status":"Open - Not Contacted","OwnerId":")" + account + R"("})");
  CHECK(wrong.status == 400);
  CHECK(ParseJson(wrong.body)[0]["errorCode"] == "FIELD_INTEGRITY_EXCEPTION");
  ClientResponse task =
      e.Rest("POST", kData + "/sobjects/Task",
             R"({"Subject":"Call","Status":"Not Started","Priority":"Normal","WhatId":")" + account + R"("})");
  CHECK(task.status == 201);
  ClientResponse created = e.Rest("POST", kData + "/sobjects/Case", R"({"Subject":"Printer on fire"})");
  REQUIRE(created.status == 201);
  ordered_json fresh = Records(e, "SELECT CaseNumber, Owner.Name FROM Case WHERE Id = '" +
                                      ParseJson(created.body)["id"].get<std::string>() + "'");
  CHECK(fresh[0]["CaseNumber"] == "00001020");  // after the 20 seeded ones (00001000-00001019)
  CHECK(fresh[0]["Owner"]["attributes"]["type"] == "User");
}

TEST_CASE("admin API: records, generate, update and delete work for Group, Case, Task and Event") {
  RunningEmulator e(PolymorphicOrg());
  ordered_json groups = ParseJson(e.Admin("GET", "/__emulator/records/Group").body);
  REQUIRE(groups.size() == 2);
  CHECK(groups[0]["Name"] == "Support Queue");
  CHECK(groups[0]["Type"] == "Queue");
  CHECK(groups[1]["DeveloperName"] == "Lead_Intake");
  for (const char* object : {"Group", "Case", "Task", "Event"}) {
    CAPTURE(object);
    ClientResponse generated =
        e.Admin("POST", "/__emulator/generate", ordered_json{{"object", object}, {"count", 25}}.dump());
    REQUIRE(generated.status == 201);
    std::string id = ParseJson(generated.body)["ids_last"];
    CHECK(e.Admin("PATCH", std::string("/__emulator/records/") + object + "/" + id, R"({"Name":"x"})").status ==
          (std::string(object) == "Group" ? 204 : 400));
    // A Group has no recycle bin (as User): the admin API deletes it only for good.
    bool group = std::string(object) == "Group";
    std::string path = std::string("/__emulator/records/") + object + "/" + id;
    CHECK(e.Admin("DELETE", path).status == (group ? 400 : 204));
    if (group) CHECK(e.Admin("DELETE", path + "?hard=true").status == 204);
  }
  // Through REST, deleting a Group removes it (no recycle bin, so queryAll does not see it).
  std::string queue = groups[1]["Id"];
  CHECK(e.Rest("DELETE", kData + "/sobjects/Group/" + queue).status == 204);
  CHECK(e.Query("SELECT Id FROM Group WHERE Id = '" + queue + "'", {}, /*all=*/true).body.find(queue) ==
        std::string::npos);
  CHECK(e.Rest("DELETE", kData + "/sobjects/Group/" + queue).status == 404);
  ClientResponse inserted = e.Admin("POST", "/__emulator/records/Case", R"([{"Subject":"From the admin API"}])");
  REQUIRE(inserted.status == 201);
  ordered_json cases = ParseJson(e.Admin("GET", "/__emulator/records/Case").body);
  CHECK(cases.back()["Subject"] == "From the admin API");
  CHECK(cases.back()["CaseNumber"] == "00001045");  // 20 seeded, 25 generated, then this one
  // Generated Leads are owned by queues too.
  REQUIRE(e.Admin("POST", "/__emulator/generate", R"({"object":"Lead","count":200})").status == 201);
  size_t queue_owned = 0;
  for (const ordered_json& lead : ParseJson(e.Admin("GET", "/__emulator/records/Lead").body)) {
    queue_owned += std::string(lead["OwnerId"]).starts_with("00G");
  }
  CHECK(queue_owned > 30);
}

}  // namespace
}  // namespace sfsync::emulator
