#include "tests/emulator/soql/parser.h"

#include <doctest/doctest.h>

namespace sfsync::emulator {
namespace {

SoqlQuery Parse(std::string_view soql) {
  SoqlError error;
  std::optional<SoqlQuery> query = ParseSoql(soql, &error);
  REQUIRE_MESSAGE(query.has_value(), error.detail);
  return *query;
}

SoqlError ParseError(std::string_view soql) {
  SoqlError error;
  REQUIRE_FALSE(ParseSoql(soql, &error).has_value());
  return error;
}

// The formatted message's "Row:R:Column:C" (or the bare detail for first-token errors).
std::string Position(std::string_view soql) {
  SoqlError error = ParseError(soql);
  std::string message = FormatSoqlMessage(soql, error);
  size_t at = message.find("ERROR at ");
  return at == std::string::npos ? "" : message.substr(at + 9, message.find('\n', at) - at - 9);
}

Condition Where(std::string_view soql) {
  SoqlQuery query = Parse(soql);
  REQUIRE(query.where.has_value());
  return *query.where;
}

TEST_CASE("select list, FROM, ORDER BY and LIMIT, keywords in any case") {
  SoqlQuery q = Parse(
      "select Id, name, Owner.Profile.Name FROM account order by Name desc nulls last, Id limit 10");
  REQUIRE(q.select.size() == 3);
  CHECK(q.select[1].expr.field.text == "name");
  CHECK(q.select[2].expr.field.parts == std::vector<std::string>{"Owner", "Profile", "Name"});
  CHECK(q.select[2].expr.field.offset == 17);
  CHECK(q.select[2].expr.function == Function::kNone);
  CHECK(q.object == "account");
  CHECK(q.object_offset == 41);
  REQUIRE(q.order_by.size() == 2);
  CHECK(q.order_by[0].descending);
  CHECK(q.order_by[0].nulls == OrderItem::Nulls::kLast);
  CHECK_FALSE(q.order_by[1].descending);
  CHECK(q.limit == std::optional<int64_t>(10));
  CHECK_FALSE(q.count_only);
}

TEST_CASE("regression: FROM Group names the Group object, GROUP BY still groups") {
  SoqlQuery queues = Parse("SELECT Id, Name FROM Group WHERE Type = 'Queue'");
  CHECK(queues.object == "Group");
  REQUIRE(queues.where.has_value());
  SoqlQuery grouped = Parse("SELECT Type, COUNT(Id) FROM group GROUP BY Type");
  CHECK(grouped.object == "group");
  REQUIRE(grouped.group_by.size() == 1);
  CHECK(grouped.group_by[0].field.text == "Type");
  CHECK(Parse("SELECT Industry FROM Account GROUP BY Industry").group_by.size() == 1);
}

TEST_CASE("SELECT COUNT() is a count-only query") {
  SoqlQuery q = Parse("SELECT COUNT() FROM Contact WHERE LastName = 'Smith'");
  CHECK(q.count_only);
  CHECK(q.select.empty());
}

TEST_CASE("functions, aliases and GROUP BY parse into expressions") {
  SoqlQuery q = Parse(
      "SELECT calendar_year(CreatedDate), CALENDAR_MONTH(CreatedDate) m, COUNT(Id) total "
      "FROM Account WHERE DAY_ONLY(CreatedDate) > 2024-01-01 "
      "GROUP BY CALENDAR_YEAR(CreatedDate), CALENDAR_MONTH(CreatedDate) ORDER BY COUNT(Id) DESC");
  REQUIRE(q.select.size() == 3);
  CHECK(q.select[0].expr.function == Function::kCalendarYear);
  CHECK(q.select[0].expr.field.text == "CreatedDate");
  CHECK(q.select[0].alias.empty());
  CHECK(q.select[1].alias == "m");
  CHECK(q.select[2].expr.function == Function::kCount);
  CHECK(q.select[2].alias == "total");
  CHECK(q.where->left.function == Function::kDayOnly);
  REQUIRE(q.group_by.size() == 2);
  CHECK(q.group_by[1].function == Function::kCalendarMonth);
  CHECK(q.order_by[0].expr.function == Function::kCount);
  CHECK(q.order_by[0].descending);
}

TEST_CASE("a parent-to-child sub-query is a nested query in the select list") {
  SoqlQuery q = Parse(
      "SELECT Id, (SELECT Id, LastName FROM Contacts WHERE LastName != null ORDER BY LastName "
      "LIMIT 5), Name FROM Account");
  REQUIRE(q.select.size() == 3);
  REQUIRE(q.select[1].subquery != nullptr);
  const SoqlQuery& child = *q.select[1].subquery;
  CHECK(child.object == "Contacts");
  CHECK(child.select.size() == 2);
  CHECK(child.where.has_value());
  CHECK(child.order_by.size() == 1);
  CHECK(child.limit == std::optional<int64_t>(5));
  CHECK(q.select[2].expr.field.text == "Name");
}

TEST_CASE("time literals are normalized to HH:mm:ss.SSSZ") {
  CHECK(Where("SELECT Id FROM Invoice__c WHERE DueTime__c = 13:45:00Z").values[0].value == "13:45:00.000Z");
  CHECK(Where("SELECT Id FROM Invoice__c WHERE DueTime__c < 08:05:09.5Z").values[0].value == "08:05:09.500Z");
  CHECK(Where("SELECT Id FROM Invoice__c WHERE DueTime__c > 23:59:59.999Z").values[0].kind == LiteralKind::kTime);
  CHECK(ParseError("SELECT Id FROM Invoice__c WHERE DueTime__c = 25:00:00Z").detail ==
        "invalid time literal: '25:00:00Z'");
}

TEST_CASE("each comparison operator parses, <> meaning !=") {
  struct Case {
    const char* text;
    CompareOp op;
  };
  for (Case c : {Case{"=", CompareOp::kEq}, Case{"!=", CompareOp::kNe}, Case{"<>", CompareOp::kNe},
                 Case{"<", CompareOp::kLt}, Case{"<=", CompareOp::kLe}, Case{">", CompareOp::kGt},
                 Case{">=", CompareOp::kGe}}) {
    CAPTURE(c.text);
    Condition where = Where(std::string("SELECT Id FROM Account WHERE AnnualRevenue ") + c.text + " 5");
    CHECK(where.kind == Condition::Kind::kCompare);
    CHECK(where.op == c.op);
  }
  CHECK(Where("SELECT Id FROM Account WHERE Name LIKE 'A%'").op == CompareOp::kLike);
  Condition in = Where("SELECT Id FROM Account WHERE Type IN ('a', 'b', null)");
  CHECK(in.op == CompareOp::kIn);
  CHECK(in.values.size() == 3);
  CHECK(Where("SELECT Id FROM Account WHERE Type NOT IN ('a')").op == CompareOp::kNotIn);
}

TEST_CASE("literal kinds: strings with escapes, numbers, dates, datetimes, null, booleans") {
  Condition s = Where(R"(SELECT Id FROM Account WHERE Name = 'O\'Brien \\ \"x\" \n\u00e9')");
  CHECK(s.values[0].kind == LiteralKind::kString);
  CHECK(s.values[0].value == "O'Brien \\ \"x\" \n\xC3\xA9");
  Condition n = Where("SELECT Id FROM Account WHERE CreditBalance__c > -1250.75");
  CHECK(n.values[0].kind == LiteralKind::kNumber);
  CHECK(n.values[0].value == "-1250.75");
  CHECK(Where("SELECT Id FROM Contact WHERE Birthdate < 1965-01-31").values[0].kind ==
        LiteralKind::kDate);
  for (const char* dt : {"2024-05-01T10:00:00Z", "2024-05-01T10:00:00.000+0000",
                         "2024-05-01T12:00:00+02:00"}) {
    Condition d = Where(std::string("SELECT Id FROM Account WHERE SystemModstamp >= ") + dt);
    CHECK(d.values[0].kind == LiteralKind::kDateTime);
    CHECK(d.values[0].epoch_ms == 1714557600000);
  }
  CHECK(Where("SELECT Id FROM Account WHERE ParentId = NULL").values[0].kind == LiteralKind::kNull);
  CHECK(Where("SELECT Id FROM Account WHERE IsDeleted = TRUE").values[0].kind == LiteralKind::kTrue);
  CHECK(Where("SELECT Id FROM Account WHERE IsDeleted = false").values[0].kind == LiteralKind::kFalse);
}

TEST_CASE("LIKE patterns keep escaped wildcards literal") {
  Condition like = Where(R"(SELECT Id FROM Account WHERE Name LIKE '50\% off_%')");
  CHECK(like.values[0].value == "50% off_%");
  CHECK(like.values[0].like_pattern == "50\\% off_%");
}

TEST_CASE("precedence: AND chains, OR chains, NOT opening a group, parentheses") {
  Condition and_chain = Where("SELECT Id FROM Account WHERE Name = 'a' AND Type = 'b' AND Site = 'c'");
  CHECK(and_chain.kind == Condition::Kind::kAnd);
  CHECK(and_chain.children.size() == 3);
  Condition grouped =
      Where("SELECT Id FROM Account WHERE (Name = 'a' OR Name = 'b') AND (NOT Type = 'c')");
  REQUIRE(grouped.kind == Condition::Kind::kAnd);
  CHECK(grouped.children[0].kind == Condition::Kind::kOr);
  CHECK(grouped.children[1].kind == Condition::Kind::kNot);
  CHECK(grouped.children[1].children[0].kind == Condition::Kind::kCompare);
  Condition negated = Where("SELECT Id FROM Account WHERE NOT (Name = 'a' OR Name = 'b')");
  CHECK(negated.kind == Condition::Kind::kNot);
  CHECK(negated.children[0].kind == Condition::Kind::kOr);
}

TEST_CASE("AND and OR cannot be mixed without parentheses, as in Salesforce") {
  std::string_view soql = "SELECT Id FROM Account WHERE Name = 'a' AND Type = 'b' OR Site = 'c'";
  SoqlError error = ParseError(soql);
  CHECK(error.error_code == "MALFORMED_QUERY");
  CHECK(error.detail == "unexpected token: 'OR'");
  CHECK(Position(soql) == "Row:1:Column:56");
  CHECK(Position("SELECT Id FROM Account WHERE Name = 'a' AND NOT Type = 'b'") == "Row:1:Column:45");
}

TEST_CASE("syntax errors carry the offending token's row and column") {
  CHECK(Position("SELECT Id, FROM Account") == "Row:1:Column:12");
  CHECK(Position("SELECT Id FROM") == "Row:1:Column:15");  // <EOF>
  CHECK(ParseError("SELECT Id FROM").detail == "unexpected token: '<EOF>'");
  CHECK(Position("SELECT Id\nFROM Account\nWHERE Name = 'x' LIMIT -3") == "Row:3:Column:24");
  CHECK(Position("SELECT Id FROM Account WHERE Name = 'open") == "Row:1:Column:37");
  CHECK(ParseError(R"(SELECT Id FROM Account WHERE Name = 'a\q')").detail.find("Illegal character sequence '\\q'") !=
        std::string::npos);
}

TEST_CASE("an error on the first token is the bare message (error_malformed_query.json)") {
  std::string_view soql = "invalid";
  SoqlError error = ParseError(soql);
  CHECK(FormatSoqlMessage(soql, error) == "unexpected token: 'invalid'");
}

TEST_CASE("valid SOQL the emulator does not implement is MALFORMED_QUERY, never a wrong answer") {
  for (const char* soql :
       {"SELECT Name FROM Account GROUP BY Name HAVING COUNT(Id) > 1", "SELECT Id FROM Account OFFSET 10",
        "SELECT Id FROM Account a", "SELECT FORMAT(AnnualRevenue) FROM Account",
        "SELECT Name FROM Account GROUP BY ROLLUP(Name)", "SELECT MAX(CALENDAR_YEAR(CreatedDate)) FROM Account",
        "SELECT Id, (SELECT Id, (SELECT Id FROM Opportunities) FROM Contacts) FROM Account",
        "SELECT Id FROM Account WHERE CreatedDate = TODAY", "SELECT Id FROM Account WHERE CreatedDate = LAST_N_DAYS:3",
        "SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Contact)",
        "SELECT Id FROM Account WHERE Name = :name", "SELECT Id FROM Account WHERE Regions__c INCLUDES ('EMEA')",
        "SELECT FIELDS(ALL) FROM Account LIMIT 200",
        "SELECT Id, TYPEOF What WHEN Account THEN Phone ELSE Name END FROM Task"}) {
    CAPTURE(soql);
    SoqlError error = ParseError(soql);
    CHECK(error.error_code == "MALFORMED_QUERY");
    CHECK(error.detail.find("not supported by sfsync-emulator") != std::string::npos);
  }
}

}  // namespace
}  // namespace sfsync::emulator
