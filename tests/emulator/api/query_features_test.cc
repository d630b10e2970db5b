// Stage 2 query features over a socket: aggregates and date functions, parent-to-child
// sub-queries, the custom object's field kinds and formula, and pages that come back smaller
// than batchSize.
#include <doctest/doctest.h>

#include <map>
#include <regex>

#include "tests/emulator/testing/emulator_fixture.h"

namespace sfsync::emulator {
namespace {

using nlohmann::ordered_json;
using testing::AllPages;
using testing::ClientResponse;
using testing::ParseJson;
using testing::RunningEmulator;
using testing::SmallOrgConfig;

EmulatorConfig WithInvoices(int64_t invoices = 60, int64_t attachments = 10) {
  EmulatorConfig config = SmallOrgConfig();
  config.rows["Invoice__c"] = invoices;
  config.rows["Attachment"] = attachments;
  return config;
}

ordered_json QueryOk(RunningEmulator& e, const std::string& soql, bool all = false,
                     testing::HttpClient::Headers headers = {}) {
  ClientResponse r = e.Query(soql, std::move(headers), all);
  REQUIRE_MESSAGE(r.status == 200, soql << " -> " << r.body);
  return ParseJson(r.body);
}

std::string ErrorCode(RunningEmulator& e, const std::string& soql) {
  ClientResponse r = e.Query(soql);
  CHECK(r.status == 400);
  return ParseJson(r.body)[0]["errorCode"];
}

// "yyyy-MM" of every record's CreatedDate, counted, from the admin listing.
std::map<std::string, int> MonthsByHand(RunningEmulator& e, const std::string& object, const std::string& deleted) {
  std::map<std::string, int> months;
  for (const ordered_json& r :
       ParseJson(e.Admin("GET", "/__emulator/records/" + object + "?deleted=" + deleted).body)) {
    ++months[std::string(r["CreatedDate"]).substr(0, 7)];
  }
  return months;
}

std::map<std::string, int> MonthsByAggregate(const ordered_json& page) {
  std::map<std::string, int> months;
  for (const ordered_json& g : page["records"]) {
    char key[16];
    std::snprintf(key, sizeof(key), "%04d-%02d", g["expr0"].get<int>(), g["expr1"].get<int>());
    months[key] = g["expr2"].get<int>();
  }
  return months;
}

TEST_CASE("the audit query: counts by CreatedDate month match a manual count, queryAll adds deleted rows") {
  EmulatorConfig config = SmallOrgConfig();
  config.rows["Account"] = 400;
  RunningEmulator e(config);
  const std::string audit =
      "SELECT CALENDAR_YEAR(CreatedDate), CALENDAR_MONTH(CreatedDate), COUNT(Id) FROM Account "
      "GROUP BY CALENDAR_YEAR(CreatedDate), CALENDAR_MONTH(CreatedDate)";
  ordered_json page = QueryOk(e, audit);
  CHECK(page["done"] == true);
  CHECK_FALSE(page.contains("nextRecordsUrl"));
  CHECK(page["totalSize"] == page["records"].size());
  CHECK(page["records"].size() > 12);  // three years of data
  std::map<std::string, int> by_hand = MonthsByHand(e, "Account", "exclude");
  CHECK(MonthsByAggregate(page) == by_hand);

  // Soft-delete three rows: query stops counting them, queryAll keeps them.
  ordered_json accounts = ParseJson(e.Admin("GET", "/__emulator/records/Account").body);
  for (int i : {3, 100, 200}) {
    REQUIRE(e.Admin("DELETE", "/__emulator/records/Account/" + std::string(accounts[i]["Id"])).status == 204);
  }
  CHECK(MonthsByAggregate(QueryOk(e, audit)) == MonthsByHand(e, "Account", "exclude"));
  CHECK(MonthsByAggregate(QueryOk(e, audit, /*all=*/true)) == by_hand);
  // A WHERE narrows the buckets, and the Ids of one bucket can be listed with the same functions.
  const ordered_json& bucket = page["records"][page["records"].size() / 2];
  std::string in_bucket = "CALENDAR_YEAR(CreatedDate) = " + bucket["expr0"].dump() +
                          " AND CALENDAR_MONTH(CreatedDate) = " + bucket["expr1"].dump();
  ordered_json one = QueryOk(
      e, audit.substr(0, audit.find(" GROUP BY")) + " WHERE " + in_bucket + audit.substr(audit.find(" GROUP BY")));
  REQUIRE(one["records"].size() == 1);
  ordered_json ids = QueryOk(e, "SELECT Id FROM Account WHERE " + in_bucket);
  CHECK(ids["totalSize"] == one["records"][0]["expr2"]);
  CHECK(ids["totalSize"].get<int>() > 0);
}

TEST_CASE("aggregate results: AggregateResult attributes, aliases, grouped field keys, typed values") {
  RunningEmulator e;
  ordered_json page = QueryOk(e,
                              "SELECT Industry, COUNT(Id) total, MIN(CreatedDate), MAX(AnnualRevenue), "
                              "DAY_ONLY(CreatedDate) FROM Account WHERE Industry IN ('Banking', 'Energy') "
                              "GROUP BY Industry, DAY_ONLY(CreatedDate) ORDER BY COUNT(Id) DESC, Industry LIMIT 5");
  REQUIRE(page["records"].size() > 0);
  std::regex datetime(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000\+0000)");
  std::regex date(R"(\d{4}-\d{2}-\d{2})");
  int previous = 1 << 30;
  for (const ordered_json& g : page["records"]) {
    CHECK(g.begin().key() == "attributes");
    CHECK(g["attributes"] == ordered_json::parse(R"({"type":"AggregateResult"})"));
    std::vector<std::string> keys;
    for (auto it = g.begin(); it != g.end(); ++it) keys.push_back(it.key());
    CHECK(keys == std::vector<std::string>{"attributes", "Industry", "total", "expr0", "expr1", "expr2"});
    CHECK(g["total"].is_number_integer());
    CHECK(g["total"].get<int>() <= previous);
    previous = g["total"];
    CHECK(std::regex_match(std::string(g["expr0"]), datetime));
    CHECK((g["expr1"].is_null() || g["expr1"].is_number()));
    CHECK(std::regex_match(std::string(g["expr2"]), date));
  }
  ordered_json whole = QueryOk(e, "SELECT COUNT(Id), COUNT(Industry), MAX(CreatedDate) FROM Account");
  REQUIRE(whole["records"].size() == 1);
  CHECK(whole["records"][0]["expr0"] == 50);
  CHECK(whole["records"][0]["expr1"].get<int>() < 50);  // COUNT(field) skips nulls
  // COUNT() with GROUP BY: totalSize is the number of groups, no records.
  ordered_json groups = QueryOk(e, "SELECT COUNT() FROM Account GROUP BY Industry");
  CHECK(groups["records"].empty());
  CHECK(groups["totalSize"] == QueryOk(e, "SELECT Industry FROM Account GROUP BY Industry")["totalSize"]);
}

TEST_CASE("aggregate and function errors are 400s with Salesforce's codes") {
  RunningEmulator e;
  CHECK(ErrorCode(e, "SELECT Name, COUNT(Id) FROM Account") == "MALFORMED_QUERY");
  CHECK(ErrorCode(e, "SELECT Amount FROM Opportunity GROUP BY Amount") == "INVALID_FIELD");
  CHECK(ErrorCode(e, "SELECT SUM(Name) FROM Account") == "INVALID_FIELD");
  CHECK(ErrorCode(e, "SELECT Id, Name n FROM Account") == "MALFORMED_QUERY");
  CHECK(ErrorCode(e, "SELECT TOLABEL(Industry) FROM Account") == "MALFORMED_QUERY");
}

TEST_CASE("parent-to-child sub-queries: nested QueryResult, null without children, filters and queryAll") {
  RunningEmulator e;
  ordered_json ids = ParseJson(
      e.Admin("POST", "/__emulator/records/Account", R"([{"Name":"Parent With Kids"},{"Name":"Lonely Parent"}])")
          .body)["ids"];
  std::string with_kids = ids[0], lonely = ids[1];
  ordered_json contacts =
      ParseJson(e.Admin("POST", "/__emulator/records/Contact",
                        R"([{"LastName":"Able","AccountId":")" + with_kids + R"("},{"LastName":"Baker","AccountId":")" +
                            with_kids + R"("},{"LastName":"Cole","AccountId":")" + with_kids + R"("}])")
                    .body)["ids"];
  REQUIRE(e.Admin("DELETE", "/__emulator/records/Contact/" + std::string(contacts[2])).status == 204);

  ordered_json page = QueryOk(e,
                              "SELECT Id, Name, (SELECT Id, LastName FROM Contacts ORDER BY LastName DESC) "
                              "FROM Account WHERE Id IN ('" +
                                  with_kids + "', '" + lonely + "') ORDER BY Name DESC");
  REQUIRE(page["records"].size() == 2);
  const ordered_json& parent = page["records"][0];
  std::vector<std::string> keys;
  for (auto it = parent.begin(); it != parent.end(); ++it) keys.push_back(it.key());
  CHECK(keys == std::vector<std::string>{"attributes", "Id", "Name", "Contacts"});
  const ordered_json& kids = parent["Contacts"];
  std::vector<std::string> result_keys;
  for (auto it = kids.begin(); it != kids.end(); ++it) result_keys.push_back(it.key());
  CHECK(result_keys == std::vector<std::string>{"totalSize", "done", "records"});
  CHECK(kids["totalSize"] == 2);  // the deleted child is hidden from query
  CHECK(kids["done"] == true);
  CHECK(kids["records"][0]["LastName"] == "Baker");
  CHECK(kids["records"][0]["attributes"]["type"] == "Contact");
  CHECK(std::string(kids["records"][0]["attributes"]["url"]).starts_with("/services/data/v60.0/sobjects/Contact/003"));
  CHECK(page["records"][1]["Name"] == "Lonely Parent");
  CHECK(page["records"][1]["Contacts"].is_null());  // no children: null, not an empty result

  ordered_json all = QueryOk(e,
                             "SELECT Id, (SELECT Id FROM Contacts WHERE LastName != 'Able') FROM Account "
                             "WHERE Id = '" +
                                 with_kids + "'",
                             /*all=*/true);
  CHECK(all["records"][0]["Contacts"]["totalSize"] == 2);  // Baker, and the deleted Cole
  ordered_json invoices =
      QueryOk(e, "SELECT Id, (SELECT Id, InvoiceNumber__c FROM Invoices__r LIMIT 1) FROM Account LIMIT 3");
  CHECK(invoices["records"][0].contains("Invoices__r"));
}

TEST_CASE("Invoice__c fields render in Salesforce's encodings, the blob field as a URL") {
  RunningEmulator e(WithInvoices());
  ordered_json page =
      QueryOk(e,
              "SELECT Id, Name, InvoiceNumber__c, Account__c, Account__r.Name, AccountName__c, Amount__c, "
              "LineCount__c, DueTime__c, DeliveryLocation__c, DeliveryLocation__Latitude__s, BankAccount__c, "
              "Category__c, Notes__c FROM Invoice__c");
  REQUIRE(page["totalSize"] == 60);
  std::regex time(R"(\d{2}:\d{2}:\d{2}\.\d{3}Z)");
  bool location = false, null_location = false, multi_line = false, off_list = false, big = false;
  for (const ordered_json& r : page["records"]) {
    CHECK(std::string(r["Id"]).starts_with("a00"));
    if (r["DueTime__c"].is_string()) CHECK(std::regex_match(std::string(r["DueTime__c"]), time));
    if (r["DeliveryLocation__c"].is_object()) {
      location = true;
      std::vector<std::string> keys;
      for (auto it = r["DeliveryLocation__c"].begin(); it != r["DeliveryLocation__c"].end(); ++it)
        keys.push_back(it.key());
      CHECK(keys == std::vector<std::string>{"latitude", "longitude"});
      CHECK(r["DeliveryLocation__c"]["latitude"] == r["DeliveryLocation__Latitude__s"]);
    } else {
      null_location = true;
      CHECK(r["DeliveryLocation__Latitude__s"].is_null());
    }
    if (r["Account__c"].is_string()) {
      CHECK(r["AccountName__c"] == r["Account__r"]["Name"]);
    } else {
      CHECK(r["AccountName__c"].is_null());
      CHECK(r["Account__r"].is_null());
    }
    multi_line |= r["Notes__c"].is_string() && std::string(r["Notes__c"]).find('\n') != std::string::npos;
    off_list |= r["Category__c"] == "Freight & Customs";
    big |= r["LineCount__c"].is_number() && r["LineCount__c"].get<double>() > 2147483647.0;
  }
  CHECK(location);
  CHECK(null_location);
  CHECK(multi_line);
  CHECK(off_list);
  CHECK(big);
  // External ids match case-insensitively; time fields filter with time literals.
  std::string number = page["records"][0]["InvoiceNumber__c"];
  std::string lower = number;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  CHECK(QueryOk(e, "SELECT Id FROM Invoice__c WHERE InvoiceNumber__c = '" + lower + "'")["totalSize"] == 1);
  CHECK(QueryOk(e, "SELECT Id FROM Invoice__c WHERE DueTime__c >= 12:00:00Z")["totalSize"].get<int>() > 0);

  ordered_json attachments = QueryOk(e, "SELECT Id, Name, Body, BodyLength FROM Attachment");
  REQUIRE(attachments["totalSize"] == 10);
  const ordered_json& a = attachments["records"][0];
  CHECK(a["Body"] == "/services/data/v60.0/sobjects/Attachment/" + std::string(a["Id"]) + "/Body");
  CHECK(a["BodyLength"].is_number_integer());
}

TEST_CASE("a formula reading the parent changes without moving the child's SystemModstamp") {
  RunningEmulator e(WithInvoices());
  ordered_json before = QueryOk(e,
                                "SELECT Id, Account__c, AccountName__c, SystemModstamp FROM Invoice__c "
                                "WHERE Account__c != null LIMIT 1")["records"][0];
  e.Admin("POST", "/__emulator/clock", R"({"advance_seconds":120})");
  REQUIRE(e.Admin("PATCH", "/__emulator/records/Account/" + std::string(before["Account__c"]),
                  R"({"Name":"Renamed Parent Ltd"})")
              .status == 204);
  ordered_json after = QueryOk(e, "SELECT Id, AccountName__c, SystemModstamp FROM Invoice__c WHERE Id = '" +
                                      std::string(before["Id"]) + "'")["records"][0];
  CHECK(after["AccountName__c"] == "Renamed Parent Ltd");
  CHECK(after["AccountName__c"] != before["AccountName__c"]);
  CHECK(after["SystemModstamp"] == before["SystemModstamp"]);
  // An incremental query on SystemModstamp therefore does not see the change.
  CHECK(QueryOk(e, "SELECT Id FROM Invoice__c WHERE SystemModstamp > 2024-05-01T10:00:30Z")["totalSize"] == 0);
}

TEST_CASE("describe of Invoice__c: external id, lookup, formula and the field kinds") {
  RunningEmulator e(WithInvoices());
  ordered_json d = ParseJson(e.RestGet("/services/data/v60.0/sobjects/Invoice__c/describe").body);
  CHECK(d["custom"] == true);
  CHECK(d["keyPrefix"] == "a00");
  std::map<std::string, ordered_json> f;
  for (const ordered_json& field : d["fields"]) f[field["name"]] = field;
  CHECK(f["InvoiceNumber__c"]["externalId"] == true);
  CHECK(f["InvoiceNumber__c"]["unique"] == true);
  CHECK(f["InvoiceNumber__c"]["caseSensitive"] == false);
  CHECK(f["InvoiceNumber__c"]["idLookup"] == true);
  CHECK(f["Account__c"]["referenceTo"] == ordered_json::parse(R"(["Account"])"));
  CHECK(f["Account__c"]["relationshipName"] == "Account__r");
  CHECK(f["AccountName__c"]["calculated"] == true);
  CHECK(f["AccountName__c"]["calculatedFormula"] == "Account__r.Name");
  CHECK(f["AccountName__c"]["createable"] == false);
  CHECK(f["DueTime__c"]["type"] == "time");
  CHECK(f["DueTime__c"]["soapType"] == "xsd:time");
  CHECK(f["LineCount__c"]["type"] == "double");
  CHECK(f["LineCount__c"]["scale"] == 0);
  CHECK(f["DeliveryLocation__c"]["type"] == "location");
  CHECK(f["DeliveryLocation__c"]["soapType"] == "urn:location");
  CHECK(f["DeliveryLocation__Latitude__s"]["compoundFieldName"] == "DeliveryLocation__c");
  CHECK(f["BankAccount__c"]["type"] == "encryptedstring");
  CHECK(f["BankAccount__c"]["mask"] == "lastFour");
  CHECK(f["BankAccount__c"]["filterable"] == false);
  CHECK(f["Category__c"]["type"] == "combobox");
  CHECK(f["Category__c"]["picklistValues"].size() == 4);
  CHECK(f["Notes__c"]["length"] == 32768);
  CHECK(f["Notes__c"]["extraTypeInfo"] == "plaintextarea");
  ordered_json account = ParseJson(e.RestGet("/services/data/v60.0/sobjects/Account/describe").body);
  bool invoices = false;
  for (const ordered_json& child : account["childRelationships"]) {
    invoices |= child["childSObject"] == "Invoice__c" && child["relationshipName"] == "Invoices__r";
  }
  CHECK(invoices);
  ordered_json attachment = ParseJson(e.RestGet("/services/data/v60.0/sobjects/Attachment/describe").body);
  for (const ordered_json& field : attachment["fields"]) {
    if (field["name"] == "Body") {
      CHECK(field["type"] == "base64");
      CHECK(field["soapType"] == "xsd:base64Binary");
    }
  }
}

TEST_CASE("pages shrink: one long text area caps at 1000, two at 200, children count, --wide-row-bytes") {
  EmulatorConfig config = SmallOrgConfig();
  config.rows["Account"] = 2500;
  config.rows["Contact"] = 0;
  config.rows["Opportunity"] = 0;
  RunningEmulator e(config);
  auto first_page = [&](const std::string& soql) { return QueryOk(e, soql)["records"].size(); };
  CHECK(first_page("SELECT Id, Name FROM Account") == 2000);
  CHECK(first_page("SELECT Id, Description FROM Account") == 1000);  // query_batch1000_*.json
  // Two long text areas: Account's Description and a sub-query's Contact Description.
  CHECK(first_page("SELECT Id, Description, (SELECT Description FROM Contacts) FROM Account") == 200);
  std::vector<ordered_json> pages = AllPages(e, e.Query("SELECT Id, Description FROM Account"));
  CHECK(pages.size() == 3);
  CHECK(pages[1]["nextRecordsUrl"].get<std::string>().ends_with("-2000"));

  EmulatorConfig wide = config;
  wide.wide_row_bytes = 50'000;
  wide.one_long_text_page = wide.many_long_text_page = 0;
  RunningEmulator w(wide);
  std::vector<ordered_json> capped = AllPages(w, w.Query("SELECT Id, Name, Description, BillingStreet FROM Account"));
  size_t total = 0;
  for (const ordered_json& page : capped) {
    CHECK(page.dump().size() < 50'000);
    total += page["records"].size();
  }
  CHECK(capped.size() > 10);
  CHECK(total == 2500);

  // Child rows count toward the batch: 250 parents with 9 children each fill 2000 at 200 parents.
  EmulatorConfig family = SmallOrgConfig();
  family.rows["Account"] = 250;
  family.rows["Contact"] = 0;
  RunningEmulator f(family);
  ordered_json accounts = ParseJson(f.Admin("GET", "/__emulator/records/Account").body);
  std::string contacts = "[";
  for (const ordered_json& a : accounts) {
    for (int i = 0; i < 9; ++i) {
      contacts += std::string(contacts.size() > 1 ? "," : "") + R"({"LastName":"Kid","AccountId":")" +
                  std::string(a["Id"]) + "\"}";
    }
  }
  REQUIRE(f.Admin("POST", "/__emulator/records/Contact", contacts + "]").status == 201);
  ordered_json first = QueryOk(f, "SELECT Id, (SELECT Id FROM Contacts) FROM Account");
  CHECK(first["records"].size() == 200);
  CHECK(first["nextRecordsUrl"].get<std::string>().ends_with("-200"));
}

}  // namespace
}  // namespace sfsync::emulator
