#include "tests/emulator/soql/planner.h"

#include <doctest/doctest.h>

#include "tests/emulator/soql/parser.h"

namespace sfsync::emulator {
namespace {

class PlannerTest {
 protected:
  std::unique_ptr<Schema> schema_ = MakeStandardSchema();

  CompiledQuery Compile(std::string_view soql, bool include_deleted = false) {
    SoqlError error;
    std::optional<SoqlQuery> parsed = ParseSoql(soql, &error);
    REQUIRE_MESSAGE(parsed.has_value(), error.detail);
    std::optional<CompiledQuery> compiled = CompileSoql(*parsed, *schema_, include_deleted, &error);
    REQUIRE_MESSAGE(compiled.has_value(), error.detail);
    return *compiled;
  }

  // The error and its formatted "Row:R:Column:C".
  std::pair<SoqlError, std::string> Error(std::string_view soql) {
    SoqlError error;
    std::optional<SoqlQuery> parsed = ParseSoql(soql, &error);
    REQUIRE_MESSAGE(parsed.has_value(), error.detail);
    REQUIRE_FALSE(CompileSoql(*parsed, *schema_, false, &error).has_value());
    std::string message = FormatSoqlMessage(soql, error);
    size_t at = message.find("ERROR at ");
    return {error, message.substr(at + 9, message.find('\n', at) - at - 9)};
  }
};

TEST_CASE_FIXTURE(PlannerTest, "output keys use canonical names whatever the query's casing") {
  CompiledQuery q = Compile("select id, NAME, billingcity, regions__C from ACCOUNT");
  CHECK(q.object->name == "Account");
  REQUIRE(q.output.size() == 4);
  CHECK(q.output[0].key == "Id");
  CHECK(q.output[1].key == "Name");
  CHECK(q.output[2].key == "BillingCity");
  CHECK(q.output[3].key == "Regions__c");
}

TEST_CASE_FIXTURE(PlannerTest, "parent paths nest under one relationship node each, in SELECT order") {
  CompiledQuery q = Compile(
      "SELECT Id, Owner.Name, Account.Name, owner.profile.name, Owner.Email FROM Contact");
  REQUIRE(q.output.size() == 3);
  const OutputNode& owner = q.output[1];
  CHECK(owner.kind == OutputNode::Kind::kRelationship);
  CHECK(owner.key == "Owner");
  CHECK(owner.object->name == "User");
  REQUIRE(owner.children.size() == 3);
  CHECK(owner.children[0].key == "Name");
  CHECK(owner.children[1].key == "Profile");
  CHECK(owner.children[1].children[0].key == "Name");
  CHECK(owner.children[2].key == "Email");
  CHECK(q.output[2].key == "Account");
  // One LEFT JOIN per distinct relationship path: Owner, Account, Owner.Profile.
  size_t joins = 0;
  for (size_t at = q.row_sql.find("LEFT JOIN"); at != std::string::npos; at = q.row_sql.find("LEFT JOIN", at + 1)) ++joins;
  CHECK(joins == 3);
}

TEST_CASE_FIXTURE(PlannerTest, "the object's own name may prefix a field path") {
  CompiledQuery q = Compile("SELECT Account.Name FROM Account");
  REQUIRE(q.output.size() == 1);
  CHECK(q.output[0].kind == OutputNode::Kind::kField);
  CHECK(q.output[0].key == "Name");
}

TEST_CASE_FIXTURE(PlannerTest, "compound addresses select their eight component columns") {
  CompiledQuery q = Compile("SELECT BillingAddress FROM Account");
  REQUIRE(q.output.size() == 1);
  CHECK(q.output[0].kind == OutputNode::Kind::kAddress);
  CHECK(q.output[0].component_columns.size() == 8);
}

TEST_CASE_FIXTURE(PlannerTest, "query hides soft-deleted rows, queryAll does not") {
  CHECK(Compile("SELECT Id FROM Account").match_sql.find("\"IsDeleted\" = 0") != std::string::npos);
  CHECK(Compile("SELECT Id FROM Account", true).match_sql.find("IsDeleted") == std::string::npos);
}

TEST_CASE_FIXTURE(PlannerTest, "unknown object is INVALID_TYPE at the object's column") {
  auto [error, position] = Error("SELECT Id,Name,BillingCity,IsDeleted FROM Accout");
  CHECK(error.error_code == "INVALID_TYPE");
  CHECK(error.detail.starts_with("sObject type 'Accout' is not supported."));
  CHECK(position == "Row:1:Column:43");  // as in error_invalid_type_in_query.json
}

TEST_CASE_FIXTURE(PlannerTest, "unknown fields are INVALID_FIELD at the field's column") {
  auto [error, position] = Error("select Id, Company,Email,LastName,SF_date__c, ConvertedContactId from Lead");
  CHECK(error.error_code == "INVALID_FIELD");
  CHECK(error.detail.starts_with("No such column 'SF_date__c' on entity 'Lead'."));
  CHECK(position == "Row:1:Column:35");  // as in error_invalid_field.json

  auto [where_error, where_position] = Error("SELECT Id FROM Account WHERE Nmae = 'x'");
  CHECK(where_error.error_code == "INVALID_FIELD");
  CHECK(where_position == "Row:1:Column:30");

  auto [parent_error, parent_position] = Error("SELECT Id, Owner.Nam FROM Account");
  CHECK(parent_error.detail.starts_with("No such column 'Nam' on entity 'User'."));
  CHECK(parent_position == "Row:1:Column:12");

  auto [relationship_error, relationship_position] = Error("SELECT Id, Ownr.Name FROM Account");
  CHECK(relationship_error.error_code == "INVALID_FIELD");
  CHECK(relationship_error.detail.starts_with("Didn't understand relationship 'Ownr' in field path."));
  CHECK(relationship_position == "Row:1:Column:12");
}

TEST_CASE_FIXTURE(PlannerTest, "User and Profile have no IsDeleted field, as in Salesforce") {
  CHECK(Error("SELECT Id, IsDeleted FROM User").first.error_code == "INVALID_FIELD");
}

TEST_CASE_FIXTURE(PlannerTest, "long text areas cannot be filtered or sorted, addresses not filtered") {
  CHECK(Error("SELECT Id FROM Account WHERE Description = 'x'").first.detail ==
        "field 'Description' can not be filtered in query call");
  CHECK(Error("SELECT Id FROM Account ORDER BY Description").first.detail ==
        "field 'Description' can not be sorted in a query call");
  CHECK(Error("SELECT Id FROM Account WHERE BillingAddress = null").first.error_code == "INVALID_FIELD");
}

TEST_CASE_FIXTURE(PlannerTest, "literals must match the field type, with Salesforce's wording") {
  auto [datetime, datetime_position] = Error("SELECT Id FROM Account WHERE CreatedDate > 2024-01-01");
  CHECK(datetime.detail ==
        "value of filter criterion for field 'CreatedDate' must be of type dateTime and should not "
        "be enclosed in quotes");
  CHECK(datetime_position == "Row:1:Column:44");
  CHECK(Error("SELECT Id FROM Account WHERE Name = 5").first.detail ==
        "value of filter criterion for field 'Name' must be of type string and should be enclosed in quotes");
  CHECK(Error("SELECT Id FROM Account WHERE AnnualRevenue = '5'").first.error_code == "INVALID_FIELD");
  CHECK(Error("SELECT Id FROM Account WHERE IsDeleted = 'true'").first.error_code == "INVALID_FIELD");
  CHECK(Error("SELECT Id FROM Contact WHERE Birthdate = 2024-01-01T00:00:00Z").first.error_code ==
        "INVALID_FIELD");
  auto [id, id_position] = Error("SELECT Id FROM Account WHERE Id = '001xyz'");
  CHECK(id.error_code == "INVALID_QUERY_FILTER_OPERATOR");
  CHECK(id.detail == "invalid ID field: 001xyz");
  CHECK(Error("SELECT Id FROM Account WHERE AnnualRevenue LIKE '5%'").first.error_code ==
        "INVALID_QUERY_FILTER_OPERATOR");
  CHECK(Error("SELECT Id FROM Account WHERE IsDeleted > false").first.error_code ==
        "INVALID_QUERY_FILTER_OPERATOR");
}

TEST_CASE_FIXTURE(PlannerTest, "a field selected twice is rejected") {
  auto [error, position] = Error("SELECT Id, Name, name FROM Account");
  CHECK(error.detail == "duplicate field selected: Name");
  CHECK(position == "Row:1:Column:18");
}

TEST_CASE_FIXTURE(PlannerTest, "15-character Id literals are widened to 18 for exact comparison") {
  CompiledQuery q = Compile("SELECT Id FROM Account WHERE Id IN ('001D000000IRFma', '001D000000IRFmaIAH')");
  REQUIRE(q.match_params.size() == 2);
  CHECK(std::get<std::string>(q.match_params[0]) == "001D000000IRFmaIAH");
  CHECK(std::get<std::string>(q.match_params[1]) == "001D000000IRFmaIAH");
}

TEST_CASE_FIXTURE(PlannerTest, "aggregate queries: keys are field names, aliases or exprN, typed values") {
  CompiledQuery q = Compile(
      "SELECT CALENDAR_YEAR(CreatedDate), CALENDAR_MONTH(CreatedDate) m, COUNT(Id), Industry, "
      "MAX(AnnualRevenue), AVG(NumberOfEmployees), DAY_ONLY(LastModifiedDate) FROM Account "
      "GROUP BY CALENDAR_YEAR(CreatedDate), CALENDAR_MONTH(CreatedDate), Industry, "
      "DAY_ONLY(LastModifiedDate)");
  CHECK(q.aggregate);
  std::vector<std::string> keys;
  std::vector<FieldType> types;
  for (const OutputNode& node : q.output) {
    CHECK(node.kind == OutputNode::Kind::kValue);
    keys.push_back(node.key);
    types.push_back(node.value_type);
  }
  CHECK(keys == std::vector<std::string>{"expr0", "m", "expr1", "Industry", "expr2", "expr3", "expr4"});
  CHECK(types == std::vector<FieldType>{FieldType::kInt, FieldType::kInt, FieldType::kInt,
                                        FieldType::kPicklist, FieldType::kCurrency,
                                        FieldType::kDouble, FieldType::kDate});
  CHECK(q.match_sql.find("GROUP BY") != std::string::npos);
}

TEST_CASE_FIXTURE(PlannerTest, "aggregate rules are Salesforce's, at the offending token") {
  auto [ungrouped, position] = Error("SELECT Name, COUNT(Id) FROM Account");
  CHECK(ungrouped.error_code == "MALFORMED_QUERY");
  CHECK(ungrouped.detail == "Field must be grouped or aggregated: Name");
  CHECK(position == "Row:1:Column:8");
  CHECK(Error("SELECT AnnualRevenue FROM Account GROUP BY AnnualRevenue").first.detail ==
        "field 'AnnualRevenue' can not be grouped in a query call");
  CHECK(Error("SELECT SUM(Name) FROM Account").first.detail ==
        "field Name does not support aggregate operator SUM");
  CHECK(Error("SELECT MAX(Description) FROM Account").first.error_code == "INVALID_FIELD");
  CHECK(Error("SELECT Industry, COUNT(Id) FROM Account GROUP BY Industry ORDER BY Name").first.detail ==
        "Ordered field must be grouped or aggregated: Name");
  CHECK(Error("SELECT CALENDAR_YEAR(Name) FROM Account GROUP BY CALENDAR_YEAR(Name)").first.error_code ==
        "MALFORMED_QUERY");
  CHECK(Error("SELECT Id FROM Account WHERE COUNT(Id) > 1").first.error_code == "MALFORMED_QUERY");
  CHECK(Error("SELECT Id n FROM Account").first.detail == "Only aggregate expressions use field aliasing");
  CHECK(Error("SELECT COUNT(Id) c, MAX(Name) c FROM Account").first.detail == "duplicate alias: c");
}

TEST_CASE_FIXTURE(PlannerTest, "COUNT() with GROUP BY counts groups") {
  CompiledQuery q = Compile("SELECT COUNT() FROM Contact GROUP BY AccountId");
  CHECK(q.count_only);
  CHECK(q.match_sql.starts_with("SELECT COUNT(*) FROM (SELECT 1 FROM"));
  CHECK(q.match_sql.find("GROUP BY") != std::string::npos);
}

TEST_CASE_FIXTURE(PlannerTest, "a sub-query compiles to a child plan keyed by the parent's Id") {
  CompiledQuery q = Compile("SELECT Name, (SELECT LastName, Description FROM contacts) FROM Account");
  REQUIRE(q.output.size() == 2);
  CHECK(q.output[1].kind == OutputNode::Kind::kSubquery);
  CHECK(q.output[1].key == "Contacts");
  REQUIRE(q.children.size() == 1);
  const CompiledQuery& child = *q.children[0];
  CHECK(child.object->name == "Contact");
  CHECK(child.match_sql.find("t0.\"AccountId\" = ?") != std::string::npos);
  CHECK(q.long_text_fields == 1);  // the child's Description
  CHECK(q.objects == std::set<std::string>{"Account", "Contact"});
  CHECK(Compile("SELECT Id, (SELECT Id FROM Invoices__r) FROM Account").children[0]->object->name ==
        "Invoice__c");
  auto [error, position] = Error("SELECT Id, (SELECT Id FROM Contactz) FROM Account");
  CHECK(error.error_code == "INVALID_TYPE");
  CHECK(error.detail.starts_with("Didn't understand relationship 'Contactz' in FROM part of query call."));
  CHECK(position == "Row:1:Column:28");
  CHECK(Error("SELECT Id, (SELECT COUNT(Id) FROM Contacts) FROM Account").first.error_code ==
        "MALFORMED_QUERY");
}

TEST_CASE_FIXTURE(PlannerTest, "formula fields read through their SQL expression") {
  CompiledQuery q = Compile("SELECT AccountName__c FROM Invoice__c WHERE AccountName__c LIKE 'A%'");
  CHECK(q.row_sql.find("FROM \"Account\" f WHERE f.\"Id\" = t0.\"Account__c\"") != std::string::npos);
  CHECK(q.match_sql.find("FROM \"Account\" f WHERE f.\"Id\" = t0.\"Account__c\"") != std::string::npos);
}

TEST_CASE_FIXTURE(PlannerTest, "compound locations, blobs and long text areas") {
  CompiledQuery invoice = Compile("SELECT DeliveryLocation__c, Notes__c FROM Invoice__c");
  CHECK(invoice.output[0].kind == OutputNode::Kind::kLocation);
  CHECK(invoice.output[0].component_columns.size() == 2);
  CHECK(invoice.long_text_fields == 1);
  CompiledQuery attachment = Compile("SELECT Name, Body, Parent.Name FROM Attachment");
  CHECK(attachment.output[1].kind == OutputNode::Kind::kBlob);
  CHECK(attachment.output[1].id_column == 0);
  CHECK(Error("SELECT Id FROM Invoice__c WHERE BankAccount__c = 'x'").first.error_code == "INVALID_FIELD");
  CHECK(Error("SELECT Id FROM Invoice__c WHERE DeliveryLocation__c = null").first.error_code == "INVALID_FIELD");
}

TEST_CASE_FIXTURE(PlannerTest, "a polymorphic relationship resolves against the Name object, one join per target") {
  CompiledQuery q = Compile("SELECT Id, Owner.Name, Owner.Type, Owner.Profile.Name FROM Lead");
  REQUIRE(q.output.size() == 2);
  const OutputNode& owner = q.output[1];
  CHECK(owner.kind == OutputNode::Kind::kRelationship);
  CHECK(owner.key == "Owner");
  CHECK(owner.object == &NameObject());
  CHECK(owner.type_column >= 0);  // the real type, for attributes.type
  REQUIRE(owner.children.size() == 3);
  CHECK(owner.children[2].key == "Profile");
  CHECK(owner.children[2].type_column == -1);  // Profile itself is no polymorphic lookup
  CHECK(q.row_sql.find("LEFT JOIN \"Group\"") != std::string::npos);
  CHECK(q.row_sql.find("LEFT JOIN \"User\"") != std::string::npos);
  // The cursor depends on the real tables, never on Name.
  CHECK(q.objects == std::set<std::string>{"Lead", "Group", "User", "Profile"});
  // Contact's Owner is a User only: no Name object there.
  CompiledQuery contact = Compile("SELECT Owner.SystemModstamp FROM Contact");
  CHECK(contact.output[0].object->name == "User");
  CHECK(contact.output[0].type_column == -1);
}

TEST_CASE_FIXTURE(PlannerTest,
                  "a field the Name object lacks is INVALID_FIELD on entity Name in SELECT, WHERE and ORDER BY") {
  const char* kDetail =
      "No such column 'SystemModstamp' on entity 'Name'. If you are attempting to use a custom field, be sure to "
      "append the '__c' after the custom field name. Please reference your WSDL or the describe call for the "
      "appropriate names.";
  auto [select, select_at] = Error("SELECT Id, Owner.SystemModstamp FROM Lead");
  CHECK(select.error_code == "INVALID_FIELD");
  CHECK(select.detail == kDetail);
  CHECK(select_at == "Row:1:Column:12");
  auto [where, where_at] = Error("SELECT Id FROM Case WHERE Owner.SystemModstamp > 2024-01-01T00:00:00Z");
  CHECK(where.detail == kDetail);
  CHECK(where_at == "Row:1:Column:27");
  auto [order, order_at] = Error("SELECT Id FROM Lead ORDER BY Owner.SystemModstamp");
  CHECK(order.detail == kDetail);
  CHECK(order_at == "Row:1:Column:30");
  CHECK(Error("SELECT What.LastModifiedDate FROM Task")
            .first.detail.starts_with("No such column 'LastModifiedDate' on entity 'Name'"));
  CHECK(Error("SELECT Who.Department FROM Event")
            .first.detail.starts_with("No such column 'Department' on entity 'Name'"));
  // Every field of the Name object is there.
  Compile(
      "SELECT Who.Id, Who.Alias, Who.Email, Who.FirstName, Who.IsActive, Who.LastName, Who.LastReferencedDate, "
      "Who.LastViewedDate, Who.Name, Who.NameOrAlias, Who.Phone, Who.ProfileId, Who.RecordTypeId, Who.Title, "
      "Who.Type, Who.UserRoleId, Who.Username FROM Task");
}

TEST_CASE_FIXTURE(PlannerTest, "polymorphic parents filter and sort, and their child relationships take sub-queries") {
  CompiledQuery filtered = Compile("SELECT Id FROM Task WHERE What.Type IN ('Account', 'Case') ORDER BY What.Name");
  CHECK(filtered.match_sql.find("LEFT JOIN \"Opportunity\"") != std::string::npos);
  // An Account's Tasks are the Tasks whose WhatId is the Account; a Contact's those whose WhoId is.
  CompiledQuery account = Compile("SELECT Id, (SELECT Id, Subject FROM Tasks) FROM Account");
  REQUIRE(account.children.size() == 1);
  CHECK(account.children[0]->object->name == "Task");
  CHECK(account.children[0]->match_sql.find("\"WhatId\" = ?") != std::string::npos);
  CompiledQuery contact = Compile("SELECT Id, (SELECT Id FROM Events) FROM Contact");
  CHECK(contact.children[0]->match_sql.find("\"WhoId\" = ?") != std::string::npos);
}

}  // namespace
}  // namespace sfsync::emulator
