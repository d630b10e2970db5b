#include "engine/sync/planner.h"

#include <doctest/doctest.h>

#include <map>

#include "engine/sync/query_builder.h"

namespace sfsync::sync {
namespace {

using salesforce::FieldInfo;
using salesforce::SObjectInfo;

FieldInfo F(std::string name, std::string type) {
  FieldInfo f;
  f.name = std::move(name);
  f.type = std::move(type);
  return f;
}

FieldInfo Ref(std::string name, std::string relationship, std::vector<std::string> to) {
  FieldInfo f = F(std::move(name), "reference");
  f.relationship_name = std::move(relationship);
  f.reference_to = std::move(to);
  return f;
}

SObjectInfo Object(std::string name, std::vector<FieldInfo> fields) {
  SObjectInfo o;
  o.name = std::move(name);
  o.queryable = true;
  o.fields = std::move(fields);
  return o;
}

SObjectInfo Account() {
  FieldInfo city = F("BillingCity", "string");
  city.compound_field_name = "BillingAddress";
  FieldInfo street = F("BillingStreet", "textarea");
  street.compound_field_name = "BillingAddress";
  FieldInfo formula = F("Score__c", "double");
  formula.calculated = true;
  return Object("Account", {F("Id", "id"), F("IsDeleted", "boolean"), F("Name", "string"), street, city,
                            F("BillingAddress", "address"), F("AnnualRevenue", "currency"), F("Photo", "base64"),
                            Ref("OwnerId", "Owner", {"User"}), formula, F("CreatedDate", "datetime"),
                            F("SystemModstamp", "datetime")});
}

struct Org {
  std::map<std::string, SObjectInfo> objects = {
      {"Account", Account()},
      {"User", Object("User", {F("Id", "id"), F("Name", "string"), Ref("ProfileId", "Profile", {"Profile"}),
                               F("SystemModstamp", "datetime")})},
      {"Profile", Object("Profile", {F("Id", "id"), F("Name", "string")})},
  };
  int describes = 0;
  DescribeFn fn() {
    return [this](const std::string& name) -> StatusOr<SObjectInfo> {
      ++describes;
      auto it = objects.find(name);
      if (it == objects.end()) return NotFoundError(name);
      return it->second;
    };
  }
};

config::ObjectConfig Explicit(std::vector<std::string> fields) {
  config::ObjectConfig c;
  c.name = "Account";
  c.fields = std::move(fields);
  return c;
}

TEST_CASE("an explicit list resolves names case-insensitively and always adds Id, cursor and IsDeleted") {
  Org org;
  auto plan = PlanObject(Explicit({"name", "ANNUALREVENUE"}), org.objects["Account"], org.fn());
  REQUIRE(plan.ok());
  CHECK(plan->select == std::vector<std::string>{"Id", "Name", "AnnualRevenue", "SystemModstamp", "IsDeleted"});
  CHECK(plan->cursor_field == "SystemModstamp");
  CHECK(plan->incremental);
  CHECK(plan->query_all);
  CHECK(plan->cursor_column == 3);
  CHECK(plan->is_deleted_column == 4);
  CHECK(plan->table.table == "Account");
  CHECK(plan->table.columns[2].type == store::ColumnType::kReal);
}

TEST_CASE("parent paths resolve through each relationship's describe into flattened columns") {
  Org org;
  auto plan = PlanObject(Explicit({"owner.profile.name", "Owner.Name"}), org.objects["Account"], org.fn());
  REQUIRE(plan.ok());
  CHECK(plan->select[1] == "Owner.Profile.Name");
  CHECK(plan->table.columns[1].name == "Owner_Profile_Name");
  CHECK(plan->table.columns[1].source == "Owner.Profile.Name");
  CHECK(plan->select[2] == "Owner.Name");
  CHECK(org.describes == 2);  // User and Profile, each once
  // A cursor per flattened relationship that has a timestamp (Profile has none here).
  REQUIRE(plan->parent_cursors.size() == 1);
  CHECK(plan->parent_cursors[0].path == "Owner");
  CHECK(plan->parent_cursors[0].field == "SystemModstamp");
  CHECK(BuildParentRefreshQuery(*plan, plan->parent_cursors[0], {"2024-05-01T10:00:00.000Z", "001A"}) ==
        "SELECT Id, Owner.Profile.Name, Owner.Name, SystemModstamp, IsDeleted, Owner.SystemModstamp FROM Account WHERE "
        "(Owner.SystemModstamp > 2024-05-01T10:00:00.000Z OR (Owner.SystemModstamp = 2024-05-01T10:00:00.000Z AND "
        "Id > '001A')) ORDER BY Owner.SystemModstamp ASC, Id ASC");
}

TEST_CASE("regression: a parent stamp the job selects is the refresh cursor's stamp, never selected twice") {
  Org org;
  auto plan = PlanObject(Explicit({"Owner.Name", "owner.systemmodstamp"}), org.objects["Account"], org.fn());
  REQUIRE(plan.ok());
  REQUIRE(plan->parent_cursors.size() == 1);
  CHECK(ParentStampColumn(*plan, plan->parent_cursors[0]) == 2);
  CHECK(BuildParentRefreshQuery(*plan, plan->parent_cursors[0], {"2024-05-01T10:00:00.000Z", ""}) ==
        "SELECT Id, Owner.Name, Owner.SystemModstamp, SystemModstamp, IsDeleted FROM Account WHERE "
        "Owner.SystemModstamp >= 2024-05-01T10:00:00.000Z ORDER BY Owner.SystemModstamp ASC, Id ASC");
}

TEST_CASE("fields through a polymorphic lookup get no refresh cursor: Salesforce's Name object has no stamp") {
  Org org;
  FieldInfo owner = Ref("OwnerId", "Owner", {"Group", "User"});
  owner.polymorphic_foreign_key = true;
  org.objects["Group"] = Object("Group", {F("Id", "id"), F("Name", "string"), F("SystemModstamp", "datetime")});
  org.objects["Lead"] = Object("Lead", {F("Id", "id"), F("LastName", "string"), owner, F("SystemModstamp", "datetime")});
  config::ObjectConfig lead = Explicit({"LastName", "Owner.Name", "Owner.Profile.Name"});
  lead.name = "Lead";
  auto plan = PlanObject(lead, org.objects["Lead"], org.fn());
  REQUIRE(plan.ok());
  CHECK(plan->parent_cursors.empty());
  CHECK(plan->unrefreshed_parents == std::vector<std::string>{"Owner", "Owner.Profile"});
  CHECK(plan->select[2] == "Owner.Name");
}

TEST_CASE("cursor_field picks the watermark's field, which must be a filterable datetime of the object") {
  Org org;
  config::ObjectConfig c = Explicit({"Name"});
  c.cursor_field = "createddate";
  auto plan = PlanObject(c, org.objects["Account"], org.fn());
  REQUIRE(plan.ok());
  CHECK(plan->cursor_field == "CreatedDate");
  CHECK(plan->select == std::vector<std::string>{"Id", "Name", "CreatedDate", "IsDeleted"});
  c.cursor_field = "Name";
  auto bad = PlanObject(c, org.objects["Account"], org.fn());
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message() == "cursor_field 'Name' is not a filterable datetime field of Account");
}

TEST_CASE("unknown fields and relationships are errors that name them") {
  Org org;
  auto bad = PlanObject(Explicit({"Nmae"}), org.objects["Account"], org.fn());
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == StatusCode::kInvalidArgument);
  CHECK(bad.status().message().find("no field 'Nmae' on Account") != std::string::npos);
  auto bad_rel = PlanObject(Explicit({"Parent.Name"}), org.objects["Account"], org.fn());
  REQUIRE_FALSE(bad_rel.ok());
  CHECK(bad_rel.status().message().find("no relationship 'Parent'") != std::string::npos);
}

TEST_CASE("a compound field expands to its components") {
  Org org;
  auto plan = PlanObject(Explicit({"BillingAddress"}), org.objects["Account"], org.fn());
  REQUIRE(plan.ok());
  CHECK(plan->select[1] == "BillingStreet");
  CHECK(plan->select[2] == "BillingCity");
}

TEST_CASE("fields * takes stored fields, minus exclude, base64 and (when asked) formulas") {
  Org org;
  config::ObjectConfig c;
  c.name = "Account";
  c.all_fields = true;
  c.exclude = {"annualrevenue"};
  c.formula_fields = "exclude";
  auto plan = PlanObject(c, org.objects["Account"], org.fn());
  REQUIRE(plan.ok());
  CHECK(plan->select == std::vector<std::string>{"Id", "IsDeleted", "Name", "BillingStreet", "BillingCity",
                                                 "OwnerId", "CreatedDate", "SystemModstamp"});
  c.exclude = {"NoSuchField"};
  CHECK_FALSE(PlanObject(c, org.objects["Account"], org.fn()).ok());
}

TEST_CASE("deletes: ignore reads through query and leaves IsDeleted out") {
  Org org;
  config::ObjectConfig c = Explicit({"Name"});
  c.deletes = "ignore";
  auto plan = PlanObject(c, org.objects["Account"], org.fn());
  REQUIRE(plan.ok());
  CHECK_FALSE(plan->query_all);
  CHECK(plan->is_deleted_column == -1);
}

TEST_CASE("an object without timestamps is synced in full") {
  Org org;
  config::ObjectConfig c;
  c.name = "Profile";
  c.fields = {"Name"};
  auto plan = PlanObject(c, org.objects["Profile"], org.fn());
  REQUIRE(plan.ok());
  CHECK(plan->cursor_field.empty());
  CHECK_FALSE(plan->incremental);
}

TEST_CASE("queries: Id-ordered load and tie-safe keyset incremental, with escaped literals") {
  Org org;
  config::ObjectConfig c = Explicit({"Name"});
  c.where = "Name != null OR AnnualRevenue > 5";
  auto plan = PlanObject(c, org.objects["Account"], org.fn());
  REQUIRE(plan.ok());
  CHECK(BuildLoadQuery(*plan, "") ==
        "SELECT Id, Name, SystemModstamp, IsDeleted FROM Account WHERE (Name != null OR AnnualRevenue > 5) "
        "ORDER BY Id ASC");
  CHECK(BuildLoadQuery(*plan, "001x'y") ==
        "SELECT Id, Name, SystemModstamp, IsDeleted FROM Account WHERE (Name != null OR AnnualRevenue > 5) "
        "AND Id > '001x\\'y' ORDER BY Id ASC");
  CHECK(BuildIncrementalQuery(*plan, {"2024-05-01T10:00:00.000Z", "001A"}) ==
        "SELECT Id, Name, SystemModstamp, IsDeleted FROM Account WHERE (Name != null OR AnnualRevenue > 5) AND "
        "(SystemModstamp > 2024-05-01T10:00:00.000Z OR (SystemModstamp = 2024-05-01T10:00:00.000Z AND Id > "
        "'001A')) ORDER BY SystemModstamp ASC, Id ASC");
  CHECK(BuildIncrementalQuery(*plan, {"2024-05-01T10:00:00.000Z", ""}).find("SystemModstamp >= 2024-05-01T10:00:00.000Z") !=
        std::string::npos);
}

TEST_CASE("audit queries: month counts, and rows or Ids of a condition in Id order, inside the job's where") {
  Org org;
  config::ObjectConfig c = Explicit({"Name", "CreatedDate"});
  c.where = "Name != null OR AnnualRevenue > 5";
  auto plan = PlanObject(c, org.objects["Account"], org.fn());
  REQUIRE(plan.ok());
  CHECK(BuildMonthCountQuery(*plan) ==
        "SELECT CALENDAR_YEAR(CreatedDate), CALENDAR_MONTH(CreatedDate), COUNT(Id) FROM Account WHERE (Name != null OR "
        "AnnualRevenue > 5) GROUP BY CALENDAR_YEAR(CreatedDate), CALENDAR_MONTH(CreatedDate)");
  CHECK(BuildAuditQuery(*plan, false, "Id IN ('001A')") ==
        "SELECT Id, Name, CreatedDate, SystemModstamp, IsDeleted FROM Account WHERE (Name != null OR AnnualRevenue > 5) "
        "AND Id IN ('001A') ORDER BY Id ASC");
  CHECK(BuildAuditQuery(*plan, true, "") ==
        "SELECT Id FROM Account WHERE (Name != null OR AnnualRevenue > 5) ORDER BY Id ASC");
  c.where.clear();
  plan = PlanObject(c, org.objects["Account"], org.fn());
  REQUIRE(plan.ok());
  CHECK(BuildMonthCountQuery(*plan) ==
        "SELECT CALENDAR_YEAR(CreatedDate), CALENDAR_MONTH(CreatedDate), COUNT(Id) FROM Account "
        "GROUP BY CALENDAR_YEAR(CreatedDate), CALENDAR_MONTH(CreatedDate)");
  CHECK(BuildAuditQuery(*plan, true, "CreatedDate >= 2024-05-01T00:00:00.000Z") ==
        "SELECT Id FROM Account WHERE CreatedDate >= 2024-05-01T00:00:00.000Z ORDER BY Id ASC");
}

}  // namespace
}  // namespace sfsync::sync
