// The `where` scanner: real conditions pass untouched, and each way out of the engine's
// parentheses is refused with what is wrong and where.
#include "engine/config/soql_condition.h"

#include <doctest/doctest.h>

namespace sfsync::config {
namespace {

using Kind = ConditionTokenKind;

std::string Kinds(std::string_view condition) {
  ConditionScan scan = ScanCondition(condition);
  REQUIRE_MESSAGE(scan.problem.empty(), scan.problem);
  std::string out;
  for (const ConditionToken& t : scan.tokens) {
    static constexpr const char* kNames[] = {"str", "word", "dlit", "num", "date", "dt", "op", ",", "(", ")"};
    if (!out.empty()) out += ' ';
    out += kNames[static_cast<int>(t.kind)];
  }
  return out;
}

TEST_CASE("the scanner splits a condition into literals, words, operators and parentheses") {
  const std::string_view condition = "Account.Name LIKE 'O\\'Brien%' AND (Amount >= -1.5 OR Id IN ('a','b'))";
  ConditionScan scan = ScanCondition(condition);
  REQUIRE(scan.problem.empty());
  REQUIRE(scan.tokens.size() == 17);
  CHECK(scan.tokens[0].text == "Account.Name");
  CHECK(scan.tokens[2].text == "'O\\'Brien%'");
  CHECK(scan.tokens[2].offset == 18);
  CHECK(scan.tokens[6].text == ">=");
  CHECK(scan.tokens[7].text == "-1.5");
  CHECK(Kinds(condition) == "word word str word ( word op num word word word ( str , str ) )");

  CHECK(Kinds("CreatedDate > 2024-01-31T08:00:00.000+01:00 AND CloseDate < 2024-02-01") ==
        "word op dt word word op date");
  CHECK(Kinds("CreatedDate = LAST_N_DAYS:30 OR CreatedDate = TODAY") == "word op dlit word word op word");
  CHECK(Kinds("Amount<>5") == "word op num");
}

TEST_CASE("real conditions pass: semi-joins, NOT, INCLUDES, LIKE, date literals, IN lists, nesting, unicode, escapes") {
  for (const char* condition : {
           "Name != null",
           "Id IN (SELECT AccountId FROM Contact WHERE Email LIKE '%@acme.com')",
           "Id NOT IN (SELECT AccountId FROM Opportunity WHERE StageName = 'Closed Lost' LIMIT 10)",
           "NOT Name LIKE 'Test%'",
           "(NOT (IsDeleted = true)) AND ((Type = 'Customer') OR (Type = 'Partner'))",
           "Interests__c INCLUDES ('golf;tennis', 'sailing') AND Skills__c EXCLUDES ('x')",
           "CreatedDate = LAST_N_DAYS:30",
           "CloseDate > NEXT_N_FISCAL_QUARTERS:2 AND CloseDate < THIS_YEAR",
           "SystemModstamp >= 2024-01-01T00:00:00Z",
           "SystemModstamp >= 2024-01-01T00:00:00.000+0000",
           "BillingCountry IN ('France','Deutschland', 'España')",
           "Name = 'Zoë Ünlü 東京 🙂'",
           "Name = 'O\\'Brien' OR Description LIKE '50\\% off\\_now' OR Title = 'a\\\\b \\\"q\\\" \\n\\t\\u00e9'",
           "Name = 'it''s'",  // two adjacent literals: Salesforce's error, not an escape
           "Amount > USD5000 AND NumberOfEmployees <= -3",
           "Name = ') OR (Name != '",  // parentheses inside a literal are text
           "Name = 'ORDER BY Name LIMIT 1; DELETE'",
           "Order.Status = 'Draft' AND Owner.Profile.Name != 'x'",
           "  Name != null\n  AND Industry = 'Energy'\n",
           "Name != null AND (Id IN (SELECT ParentId FROM Note WITH SECURITY_ENFORCED))",
       }) {
    CAPTURE(condition);
    CHECK(ConditionProblem(condition) == "");
  }
}

TEST_CASE("issue 13: a ')' before its '(' is refused, so a where cannot close the engine's parenthesis") {
  CHECK(ConditionProblem("Name = 'a') OR (Name != 'zzz'") ==
        "')' at column 11 closes a parenthesis that was never opened: sfsync puts the condition in parentheses "
        "and ANDs its own, so the condition's parentheses must balance");
  CHECK(ConditionProblem("(Name = 'a'))").find("')' at column 13 closes") == 0);
}

TEST_CASE("a '(' never closed is refused at the innermost one left open") {
  CHECK(ConditionProblem("(Name = 'a' OR (Type = 'b')") == "'(' at column 1 is never closed: add the ')' that ends it");
  CHECK(ConditionProblem("Id IN (SELECT Id FROM Contact WHERE (Name = 'x')").find("'(' at column 7 is never") == 0);
}

TEST_CASE("a string literal left open is refused where it starts") {
  CHECK(ConditionProblem("Name = 'abc") ==
        "the string starting at column 8 is never closed: end it with ' (a quote inside a string is written \\')");
  // The escaped quote does not end it, and an escaped backslash before the quote does.
  CHECK(ConditionProblem("Name = 'abc\\'").find("the string starting at column 8 is never closed") == 0);
  CHECK(ConditionProblem("Name = 'abc\\\\'") == "");
}

TEST_CASE("a backslash escape SOQL does not have is refused") {
  CHECK(ConditionProblem("Name = 'a\\qb'") ==
        "'\\q' at column 10 is not a SOQL escape: use \\' \\\" \\\\ \\n \\r \\t \\b \\f \\_ \\% or \\uXXXX");
  CHECK(ConditionProblem("Name = 'a\\u00g1'") == "'\\u' at column 10 needs four hex digits (\\u00e9)");
  CHECK(ConditionProblem("Name = 'a\\").find("a backslash at column 10 is not a SOQL escape") == 0);
}

TEST_CASE("a semicolon is refused: a where holds one condition, not statements") {
  CHECK(ConditionProblem("Name != null; DELETE FROM Account") ==
        "';' at column 13 is not allowed: a where holds one condition, not statements; remove it");
}

TEST_CASE("characters SOQL has only inside literals are refused outside them") {
  CHECK(ConditionProblem("Name = \"x\"") ==
        "a double quote at column 8 is not SOQL outside a string: SOQL strings are written in single quotes ('text')");
  CHECK(ConditionProblem("Name != null -- comment") ==
        "\"-\" at column 14 is not SOQL outside a string literal: quote it ('...') if it is a value");
  CHECK(ConditionProblem("Name != null /* x */").find("\"/\" at column 14 is not SOQL") == 0);
  CHECK(ConditionProblem("Amount > 1 * 2").find("\"*\" at column 12 is not SOQL") == 0);
  CHECK(ConditionProblem("Name = {x}").find("\"{\" at column 8 is not SOQL") == 0);
  CHECK(ConditionProblem("Amount > $5").find("\"$\" at column 10 is not SOQL") == 0);
  CHECK(ConditionProblem("Name = Zoë").find("\"ë\" at column 10 is not SOQL") == 0);
  CHECK(ConditionProblem("Name ! = 'x'").find("'!' at column 6 is not SOQL: write !=") == 0);
  CHECK(ConditionProblem("Name = :name") ==
        "':' at column 8 is not allowed: only date literals take an argument (LAST_N_DAYS:30); bind variables "
        "(:name) are Apex only");
  CHECK(ConditionProblem("CreatedDate = LAST_N_DAYS:") ==
        "':' at column 26 must be followed by a number, as in LAST_N_DAYS:30");
}

TEST_CASE("a token starting with a digit must be a number, a date or a datetime") {
  CHECK(ConditionProblem("CreatedDate > 2024-01-01 12:52:08") ==
        "\"12:52:08\" at column 26 is not a number (42, -1.5), a date (2024-01-31) or a datetime "
        "(2024-01-31T00:00:00Z, unquoted)");
  CHECK(ConditionProblem("CreatedDate > 2024-01-01T00:00:00").find("\"2024-01-01T00:00:00\" at column 15") == 0);
  CHECK(ConditionProblem("Amount > 1.").find("\"1.\" at column 10") == 0);
  CHECK(ConditionProblem("Amount > 5-3").find("\"5-3\" at column 10") == 0);
}

TEST_CASE("a clause keyword outside parentheses is refused: it would end the WHERE") {
  CHECK(ConditionProblem("Name != null ORDER BY Name") ==
        "ORDER BY at column 14 would end the WHERE clause: a where holds a condition only, sfsync builds the rest of "
        "the query");
  CHECK(ConditionProblem("Id IN SELECT AccountId FROM Contact") ==
        "SELECT at column 7 would end the WHERE clause: a where holds a condition only; a subquery goes in "
        "parentheses: Id IN (SELECT AccountId FROM Contact)");
  struct Case {
    const char* condition;
    const char* keyword;
  };
  for (const Case& c : {
           Case{"Name != null order by Name", "ORDER BY"},
           Case{"Name != null GROUP BY Name", "GROUP BY"},
           Case{"Name != null LIMIT 1", "LIMIT"},
           Case{"Name != null OFFSET 5", "OFFSET"},
           Case{"Name != null HAVING COUNT(Id) > 1", "HAVING"},
           Case{"Name != null WITH SECURITY_ENFORCED", "WITH"},
           Case{"Name != null FOR VIEW", "FOR VIEW"},
           Case{"Name != null for Update", "FOR UPDATE"},
           Case{"Name != null FOR REFERENCE", "FOR REFERENCE"},
           Case{"Name != null USING SCOPE mine", "USING SCOPE"},
           Case{"Name != null UPDATE TRACKING", "UPDATE TRACKING"},
           Case{"Name != null UPDATE VIEWSTAT", "UPDATE VIEWSTAT"},
           Case{"Name != null FROM Account", "FROM"},
           Case{"(Name != null) SELECT Id", "SELECT"},
       }) {
    CAPTURE(c.condition);
    CHECK(ConditionProblem(c.condition).find(std::string(c.keyword) + " at column ") == 0);
  }
}

TEST_CASE("positions count characters, and lines once the condition spans lines") {
  CHECK(ConditionProblem("Name = 'Zoë') OR (x = 1").find("')' at column 13 closes") == 0);
  CHECK(ConditionProblem("Name != null\nAND (Type = 'a'))").find("')' at line 2, column 17 closes") == 0);
}

}  // namespace
}  // namespace sfsync::config
