#include "connectors/salesforce/read/describe.h"

#include <doctest/doctest.h>

#include "connectors/salesforce/testing/fixtures.h"

namespace sfsync::salesforce {
namespace {

using testing::ReadFixture;

TEST_CASE("the recorded v53 Account describe parses with its object flags and 71 fields") {
  StatusOr<SObjectInfo> info = ParseDescribe(ReadFixture("describe_account.json"));
  REQUIRE(info.ok());
  CHECK(info->name == "Account");
  CHECK(info->label == "Account");
  CHECK(info->key_prefix == "001");
  CHECK(info->queryable);
  CHECK(info->replicateable);
  CHECK(info->retrieveable);
  CHECK_FALSE(info->custom);
  CHECK(info->fields.size() == 71);
  CHECK(info->fields.front().name == "Id");
  CHECK(info->fields.front().type == "id");

  const FieldInfo* parent = info->Field("parentid");  // case-insensitive
  REQUIRE(parent != nullptr);
  CHECK(parent->name == "ParentId");
  CHECK(parent->type == "reference");
  CHECK(parent->length == 18);
  CHECK(parent->reference_to == std::vector<std::string>{"Account"});
  CHECK(parent->relationship_name == "Parent");
  CHECK(info->Relationship("PARENT") == parent);

  const FieldInfo* revenue = info->Field("AnnualRevenue");
  REQUIRE(revenue != nullptr);
  CHECK(revenue->type == "currency");
  CHECK(revenue->precision == 18);
  CHECK(revenue->scale == 0);
  const FieldInfo* employees = info->Field("NumberOfEmployees");
  REQUIRE(employees != nullptr);
  CHECK(employees->digits == 8);

  const FieldInfo* city = info->Field("BillingCity");
  REQUIRE(city != nullptr);
  CHECK(city->compound_field_name == "BillingAddress");
  const FieldInfo* address = info->Field("BillingAddress");
  REQUIRE(address != nullptr);
  CHECK(address->type == "address");
  CHECK(address->soap_type == "urn:address");
  CHECK(address->relationship_name.empty());

  const FieldInfo* custom = info->Field("playgroundorg__NumberofLocations__c");
  REQUIRE(custom != nullptr);
  CHECK(custom->custom);
  CHECK(custom->type == "double");
  CHECK(info->Field("NoSuchField") == nullptr);
  CHECK(info->Relationship("NoSuchRelationship") == nullptr);
}

TEST_CASE("the recorded v58 Account describe parses, state/country code fields included") {
  StatusOr<SObjectInfo> info = ParseDescribe(ReadFixture("describe_account_v58.json"));
  REQUIRE(info.ok());
  CHECK(info->fields.size() == 70);
  const FieldInfo* id = info->Field("Id");
  REQUIRE(id != nullptr);
  CHECK_FALSE(id->nillable);
  CHECK(id->id_lookup);
  CHECK_FALSE(id->createable);
  const FieldInfo* modstamp = info->Field("SystemModstamp");
  REQUIRE(modstamp != nullptr);
  CHECK(modstamp->type == "datetime");
  CHECK(modstamp->filterable);
  CHECK(info->Field("NumberofLocations__c") != nullptr);
}

TEST_CASE("malformed describes are DataLoss, not a crash") {
  CHECK(ParseDescribe("").status().code() == StatusCode::kDataLoss);
  CHECK(ParseDescribe("<html>").status().code() == StatusCode::kDataLoss);
  CHECK(ParseDescribe("[]").status().code() == StatusCode::kDataLoss);
  CHECK(ParseDescribe(R"({"name":"Account"})").status().code() == StatusCode::kDataLoss);
  CHECK(ParseDescribe(R"({"name":"Account","fields":[{"label":"no name"}]})").status().code() ==
        StatusCode::kDataLoss);
  // Unknown types and missing optional keys keep the defaults (§4.2: map unknown types, never fail).
  StatusOr<SObjectInfo> odd = ParseDescribe(
      R"({"name":"Odd__c","keyPrefix":null,"fields":[{"name":"X__c","type":"FloatArray","length":"7","referenceTo":null}]})");
  REQUIRE(odd.ok());
  CHECK(odd->key_prefix.empty());
  CHECK(odd->fields[0].type == "floatarray");
  CHECK(odd->fields[0].length == 0);
  CHECK(odd->fields[0].nillable);
  CHECK(odd->fields[0].reference_to.empty());
  // A length or precision no int64 holds (converting it would be undefined behaviour) is 0.
  StatusOr<SObjectInfo> huge = ParseDescribe(
      R"({"name":"Odd__c","fields":[{"name":"X__c","type":"double","length":1e300,"precision":-1e19,"scale":2.0}]})");
  REQUIRE(huge.ok());
  CHECK(huge->fields[0].length == 0);
  CHECK(huge->fields[0].precision == 0);
  CHECK(huge->fields[0].scale == 2);
}

}  // namespace
}  // namespace sfsync::salesforce
