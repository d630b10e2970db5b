// What queries match and how values render, against hand-made rows.
#include <doctest/doctest.h>

#include "tests/emulator/testing/emulator_fixture.h"

namespace sfsync::emulator {
namespace {

using nlohmann::ordered_json;
using testing::ParseJson;
using testing::RunningEmulator;
using testing::SmallOrgConfig;

EmulatorConfig EmptyOrg(NumberStyle style = NumberStyle::kDecimal) {
  EmulatorConfig config = SmallOrgConfig();
  config.rows["Account"] = config.rows["Contact"] = config.rows["Opportunity"] = 0;
  config.number_style = style;
  return config;
}

constexpr char kAccounts[] = R"([
  {"Name":"Acme Corp","Industry":"Banking","AnnualRevenue":5000000,"CreditBalance__c":-1250.5,
   "CustomerSince__c":"1965-03-01","SystemModstamp":"2024-04-01T08:00:00Z"},
  {"Name":"acme labs","CreditBalance__c":200.25,"CustomerSince__c":"2001-07-15",
   "SystemModstamp":"2024-04-02T08:00:00Z"},
  {"Name":"Globex 50% Off","Industry":"Energy","AnnualRevenue":139000000,
   "CustomerSince__c":"1999-12-31","SystemModstamp":"2024-04-03T08:00:00Z"},
  {"Name":"Initech_X","Industry":"Technology","AnnualRevenue":75000,
   "SystemModstamp":"2024-04-04T08:00:00Z"},
  {"Name":"Zeta","Industry":"Banking","SystemModstamp":"2024-04-30T12:00:00.000+0000"}
])";

class SemanticsTest {
 protected:
  RunningEmulator e_{EmptyOrg()};
  std::vector<std::string> ids_;

  SemanticsTest() {
    testing::ClientResponse inserted = e_.Admin("POST", "/__emulator/records/Account", kAccounts);
    REQUIRE(inserted.status == 201);
    ids_ = ParseJson(inserted.body)["ids"].get<std::vector<std::string>>();
  }

  // Names of the matching Accounts in result order, joined by '|'.
  std::string Names(const std::string& where_and_order) {
    testing::ClientResponse r = e_.Query("SELECT Name FROM Account " + where_and_order);
    REQUIRE_MESSAGE(r.status == 200, r.body);
    std::string names;
    ordered_json page = ParseJson(r.body);
    for (const ordered_json& record : page["records"]) {
      names += (names.empty() ? "" : "|") + record["Name"].get<std::string>();
    }
    return names;
  }
};

TEST_CASE_FIXTURE(SemanticsTest, "string equality is case-insensitive, Ids match in 15 or 18 characters") {
  CHECK(Names("WHERE Name = 'ACME CORP'") == "Acme Corp");
  CHECK(Names("WHERE Id = '" + ids_[3] + "'") == "Initech_X");
  CHECK(Names("WHERE Id = '" + ids_[3].substr(0, 15) + "'") == "Initech_X");
}

TEST_CASE_FIXTURE(SemanticsTest, "!= and NOT IN treat null as a value, = null and != null test for it") {
  CHECK(Names("WHERE Industry != 'Banking' ORDER BY Name") == "acme labs|Globex 50% Off|Initech_X");
  CHECK(Names("WHERE Industry NOT IN ('Banking', 'Energy') ORDER BY Name") == "acme labs|Initech_X");
  CHECK(Names("WHERE Industry IN ('Banking', null) ORDER BY Name") == "Acme Corp|acme labs|Zeta");
  CHECK(Names("WHERE Industry = null") == "acme labs");
  CHECK(Names("WHERE Industry != null ORDER BY Name") == "Acme Corp|Globex 50% Off|Initech_X|Zeta");
}

TEST_CASE_FIXTURE(SemanticsTest, "LIKE: case-insensitive wildcards, escaped % and _ are literal") {
  CHECK(Names("WHERE Name LIKE 'acme%' ORDER BY Name") == "Acme Corp|acme labs");
  CHECK(Names(R"(WHERE Name LIKE '%50\% Off')") == "Globex 50% Off");
  CHECK(Names(R"(WHERE Name LIKE 'Initech\_%')") == "Initech_X");
  CHECK(Names("WHERE Name LIKE '_eta'") == "Zeta");
}

TEST_CASE_FIXTURE(SemanticsTest, "numbers, negative values and nulls compare like SOQL") {
  CHECK(Names("WHERE AnnualRevenue > 100000 ORDER BY Name") == "Acme Corp|Globex 50% Off");
  CHECK(Names("WHERE CreditBalance__c < 0") == "Acme Corp");
  CHECK(Names("WHERE AnnualRevenue <= 75000") == "Initech_X");
}

TEST_CASE_FIXTURE(SemanticsTest, "dates compare as dates, also before 1970") {
  CHECK(Names("WHERE CustomerSince__c < 1970-01-01") == "Acme Corp");
  CHECK(Names("WHERE CustomerSince__c >= 1999-12-31 ORDER BY CustomerSince__c") ==
        "Globex 50% Off|acme labs");
}

TEST_CASE_FIXTURE(SemanticsTest, "datetimes compare as instants whatever the literal's zone") {
  CHECK(Names("WHERE SystemModstamp = 2024-04-30T14:00:00+02:00") == "Zeta");
  CHECK(Names("WHERE SystemModstamp > 2024-04-03T07:59:59.999Z ORDER BY SystemModstamp") ==
        "Globex 50% Off|Initech_X|Zeta");
  CHECK(Names("WHERE SystemModstamp < 2024-04-02T00:00:00.000-0800") == "Acme Corp");
}

TEST_CASE_FIXTURE(SemanticsTest, "AND, OR, NOT and parentheses") {
  CHECK(Names("WHERE (Industry = 'Banking' OR Industry = 'Energy') AND AnnualRevenue > 0 ORDER BY Name") ==
        "Acme Corp|Globex 50% Off");
  CHECK(Names("WHERE NOT Industry = 'Banking' ORDER BY Name") ==
        "acme labs|Globex 50% Off|Initech_X");
  CHECK(Names("WHERE Name = 'Zeta' OR (NOT AnnualRevenue > 0) ORDER BY Name") ==
        "acme labs|Zeta");
}

TEST_CASE_FIXTURE(SemanticsTest, "ORDER BY several fields, ASC/DESC, NULLS FIRST/LAST, then LIMIT") {
  CHECK(Names("ORDER BY Industry ASC NULLS LAST, Name DESC") ==
        "Zeta|Acme Corp|Globex 50% Off|Initech_X|acme labs");
  CHECK(Names("ORDER BY Industry") ==  // ASC puts nulls first by default
        "acme labs|Acme Corp|Zeta|Globex 50% Off|Initech_X");
  CHECK(Names("ORDER BY AnnualRevenue DESC LIMIT 3") ==  // DESC puts nulls last by default
        "Globex 50% Off|Acme Corp|Initech_X");
  CHECK(Names("ORDER BY AnnualRevenue DESC NULLS FIRST, Name LIMIT 2") == "acme labs|Zeta");
}

TEST_CASE_FIXTURE(SemanticsTest, "SELECT COUNT() counts matches (and respects LIMIT)") {
  ordered_json count = ParseJson(e_.Query("SELECT COUNT() FROM Account WHERE Industry = 'Banking'").body);
  CHECK(count == ordered_json::parse(R"({"totalSize":2,"done":true,"records":[]})"));
  CHECK(ParseJson(e_.Query("SELECT COUNT() FROM Account LIMIT 3").body)["totalSize"] == 3);
}

TEST_CASE_FIXTURE(SemanticsTest, "parent fields filter and render through LEFT JOINs, no parent is null") {
  REQUIRE(e_.Admin("POST", "/__emulator/records/Contact",
                   R"([{"LastName":"Banker","AccountId":")" + ids_[0] + R"("},
                       {"LastName":"Loner"},
                       {"FirstName":"Ada","LastName":"Energy","AccountId":")" + ids_[2] + R"("}])").status == 201);
  testing::ClientResponse r = e_.Query(
      "SELECT LastName, Name, Account.Name, Account.Owner.Name FROM Contact ORDER BY LastName");
  REQUIRE(r.status == 200);
  ordered_json records = ParseJson(r.body)["records"];
  REQUIRE(records.size() == 3);
  CHECK(records[0]["Account"]["Name"] == "Acme Corp");
  CHECK(records[0]["Account"]["attributes"]["type"] == "Account");
  CHECK(records[0]["Account"]["Owner"]["Name"] == "Integration User");
  CHECK(records[1]["Name"] == "Ada Energy");  // derived from FirstName and LastName
  CHECK(records[2]["LastName"] == "Loner");
  CHECK(records[2]["Account"].is_null());
  ordered_json banking = ParseJson(
      e_.Query("SELECT LastName FROM Contact WHERE Account.Industry = 'Banking'").body)["records"];
  REQUIRE(banking.size() == 1);
  CHECK(banking[0]["LastName"] == "Banker");
  CHECK(ParseJson(e_.Query("SELECT LastName FROM Contact WHERE Account.Name = null").body)["totalSize"] == 1);
}

TEST_CASE_FIXTURE(SemanticsTest, "values render in Salesforce's encodings") {
  testing::ClientResponse r = e_.Query(
      "SELECT Name, AnnualRevenue, CreditBalance__c, CustomerSince__c, SystemModstamp, IsDeleted, "
      "BillingAddress, Owner.Name FROM Account WHERE Name = 'Acme Corp'");
  REQUIRE(r.status == 200);
  CHECK(r.body.find(R"("AnnualRevenue":5000000.0,"CreditBalance__c":-1250.5,)") != std::string::npos);
  CHECK(r.body.find(R"("CustomerSince__c":"1965-03-01","SystemModstamp":"2024-04-01T08:00:00.000+0000",)") !=
        std::string::npos);
  CHECK(r.body.find(R"("IsDeleted":false,"BillingAddress":null,)") != std::string::npos);
  CHECK(r.body.find(R"("url":"/services/data/v60.0/sobjects/Account/)" + ids_[0] + "\"") != std::string::npos);
}

TEST_CASE("--number-style java renders large doubles in E-notation") {
  RunningEmulator e(EmptyOrg(NumberStyle::kJava));
  REQUIRE(e.Admin("POST", "/__emulator/records/Account", R"([{"Name":"Big","AnnualRevenue":139000000}])").status == 201);
  testing::ClientResponse r = e.Query("SELECT AnnualRevenue FROM Account");
  CHECK(r.body.find(R"("AnnualRevenue":1.39E8)") != std::string::npos);
}

}  // namespace
}  // namespace sfsync::emulator
