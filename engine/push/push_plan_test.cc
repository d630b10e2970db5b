// Which columns a pushed table sends, and the checks on external_id.
#include "engine/push/push_plan.h"

#include <doctest/doctest.h>

namespace sfsync::push {
namespace {

salesforce::SObjectInfo ContactInfo() {
  salesforce::SObjectInfo info;
  info.name = "Contact";
  auto field = [](std::string name, std::string type, bool create, bool update) {
    salesforce::FieldInfo f;
    f.name = std::move(name);
    f.type = std::move(type);
    f.createable = create;
    f.updateable = update;
    return f;
  };
  info.fields = {field("Id", "id", false, false), field("LastName", "string", true, true),
                 field("AccountId", "reference", true, true), field("SystemModstamp", "datetime", false, false),
                 field("Score__c", "double", false, false), field("Key__c", "string", true, true),
                 field("Legacy__c", "string", true, false)};
  info.fields[2].reference_to = {"Account"};
  info.fields[4].calculated = true;
  info.fields[5].external_id = true;
  return info;
}

sync::ObjectPlan ContactPlan() {
  sync::ObjectPlan plan;
  plan.object = "Contact";
  plan.table = {"Contact", "Contact", {}};
  for (const char* source : {"Id", "LastName", "AccountId", "Account.Name", "SystemModstamp", "Score__c", "Key__c",
                             "Legacy__c"}) {
    plan.table.columns.push_back({sync::ColumnNameForPath(source), source, store::ColumnType::kText, "string"});
  }
  return plan;
}

TEST_CASE("only own, settable fields are pushed, each other column says why not") {
  config::ObjectConfig config;
  config.name = "Contact";
  config.push = true;
  config.external_id = "key__c";
  auto t = PlanPushTable(config, ContactPlan(), ContactInfo());
  REQUIRE(t.ok());
  CHECK(t->Column("LastName")->updateable);
  CHECK(t->Column("AccountId")->reference_to == std::vector<std::string>{"Account"});
  CHECK(t->Column("Account_Name")->why_not == "a field of a parent record; edit the parent's row");
  CHECK(t->Column("Score__c")->why_not == "a formula or roll-up field, computed by Salesforce");
  CHECK(t->Column("SystemModstamp")->why_not == "Salesforce does not let it be set (a system or read-only field)");
  CHECK(t->Column("Legacy__c")->createable);
  CHECK_FALSE(t->Column("Legacy__c")->updateable);
  CHECK(t->stamp_column == "SystemModstamp");
  CHECK(t->key_field == "Key__c");
  CHECK(t->InsertColumns() == std::vector<std::string>{"LastName", "AccountId", "Legacy__c"});
}

TEST_CASE("an external_id that is not a synced External ID text field is a job error") {
  config::ObjectConfig config;
  config.name = "Contact";
  config.push = true;
  config.external_id = "LastName";
  CHECK(PlanPushTable(config, ContactPlan(), ContactInfo()).status().reason() == "push.config");
  config.external_id = "Nope__c";
  CHECK(PlanPushTable(config, ContactPlan(), ContactInfo()).status().message() ==
        "Contact: external_id Nope__c is not a field of the object");
  sync::ObjectPlan plan = ContactPlan();
  plan.table.columns.pop_back();
  plan.table.columns.erase(plan.table.columns.begin() + 6);  // Key__c not synced
  config.external_id = "Key__c";
  CHECK(PlanPushTable(config, plan, ContactInfo()).status().message() ==
        "Contact: external_id Key__c must be one of the synced fields (add it to fields)");
}

}  // namespace
}  // namespace sfsync::push
