// Conformance with the recorded Salesforce responses in tests/fixtures/salesforce: the same key
// names, key order and shapes.
#include <doctest/doctest.h>

#include <regex>

#include "tests/emulator/testing/emulator_fixture.h"
#include "tests/emulator/testing/fixtures.h"

namespace sfsync::emulator {
namespace {

using nlohmann::ordered_json;
using testing::ClientResponse;
using testing::ParseJson;
using testing::RunningEmulator;

using testing::Fixture;
using testing::FixtureText;
using testing::Keys;

TEST_CASE("query pages: top-level keys, attributes and record keys as recorded") {
  RunningEmulator e;
  // The query behind query_page1_with_nextRecordsUrl.json (HEADERS.json), paged at 200.
  std::string soql =
      "SELECT Id, Name, AccountNumber, Industry, Type, BillingCity, BillingState, BillingCountry, "
      "Phone, Website, CreatedDate, LastModifiedDate, SystemModstamp FROM Account ORDER BY "
      "SystemModstamp ASC";
  testing::HttpClient::Headers batch = {{"Sforce-Query-Options", "batchSize=200"}};
  std::vector<ordered_json> pages =
      testing::AllPages(e, e.Query(soql, batch), batch);
  REQUIRE(pages.size() == 1);  // 50 accounts: one page; make a second query for a cursor
  EmulatorConfig config = testing::SmallOrgConfig();
  config.rows["Account"] = 250;
  RunningEmulator big(config);
  pages = testing::AllPages(big, big.Query(soql, batch), batch);
  REQUIRE(pages.size() == 2);

  ordered_json first = Fixture("query_page1_with_nextRecordsUrl.json");
  ordered_json last = Fixture("query_last_page.json");
  CHECK(Keys(pages[0]) == Keys(first));
  CHECK(Keys(pages[1]) == Keys(last));
  CHECK(Keys(pages[0]["records"][0]) == Keys(first["records"][0]));
  CHECK(Keys(pages[0]["records"][0]["attributes"]) == Keys(first["records"][0]["attributes"]));
  // Datetimes exactly like the recording's: milliseconds and +0000.
  std::regex datetime(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000)");
  CHECK(std::regex_match(std::string(first["records"][0]["SystemModstamp"]), datetime));
  CHECK(std::regex_match(std::string(pages[1]["records"][0]["SystemModstamp"]), datetime));
  // nextRecordsUrl has the recording's shape.
  std::regex locator(R"(/services/data/v\d+\.0/query/0r8xx[0-9A-Za-z]{13}-\d+)");
  CHECK(std::regex_match(std::string(first["nextRecordsUrl"]), locator));
  CHECK(std::regex_match(std::string(pages[0]["nextRecordsUrl"]), locator));
}

TEST_CASE("parent relationships: nested attributes, and null for a missing parent") {
  RunningEmulator e;
  ordered_json fixture = Fixture("query_relationship_null_and_nested.json");
  ClientResponse r = e.Query(
      "SELECT Id, Username, Email, FirstName, LastName, IsActive, ProfileId, Profile.Name, "
      "SystemModstamp FROM User ORDER BY SystemModstamp ASC");
  ordered_json page = ParseJson(r.body);
  CHECK(Keys(page) == Keys(fixture));
  CHECK(Keys(page["records"][0]) == Keys(fixture["records"][0]));
  const ordered_json* nested = nullptr;
  for (const ordered_json& record : fixture["records"]) {
    if (!record["Profile"].is_null()) nested = &record["Profile"];
  }
  REQUIRE(nested != nullptr);
  CHECK(Keys(page["records"][0]["Profile"]) == Keys(*nested));

  // A Contact without an Account: the relationship is null, never an object of nulls.
  REQUIRE(e.Admin("POST", "/__emulator/records/Contact", R"([{"LastName":"Orphan"}])").status == 201);
  ordered_json orphan = ParseJson(e.Query("SELECT Id, Account.Name FROM Contact WHERE LastName = 'Orphan'").body);
  CHECK(orphan["records"][0]["Account"].is_null());
}

TEST_CASE("compound addresses: the recorded key set, and null when every component is null") {
  RunningEmulator e;
  ordered_json fixture = Fixture("sobject_get_account_v62.json");
  ordered_json records = ParseJson(e.Query("SELECT BillingAddress, ShippingAddress FROM Account").body)["records"];
  bool saw_object = false, saw_null = false;
  for (const ordered_json& record : records) {
    for (const char* key : {"BillingAddress", "ShippingAddress"}) {
      if (record[key].is_null()) {
        saw_null = true;
      } else {
        saw_object = true;
        CHECK(Keys(record[key]) == Keys(fixture["BillingAddress"]));
      }
    }
  }
  CHECK(saw_object);
  CHECK(saw_null);
}

TEST_CASE("SELECT COUNT() and empty results have the recorded shape") {
  RunningEmulator e;
  CHECK(Keys(ParseJson(e.Query("SELECT COUNT() FROM Account").body)) == Keys(Fixture("query_count_only.json")));
  ordered_json empty = ParseJson(e.Query("SELECT Id FROM Lead").body);
  CHECK(empty == Fixture("query_zero_rows.json"));
}

TEST_CASE("describe: every field entry has the recorded key set in the recorded order") {
  RunningEmulator e;
  ordered_json fixture = Fixture("describe_account.json");
  std::vector<std::string> field_keys = Keys(fixture["fields"][0]);
  for (const char* object :
       {"Profile", "User", "Account", "Contact", "Opportunity", "Lead", "Invoice__c", "Attachment"}) {
    CAPTURE(object);
    ordered_json describe = ParseJson(e.RestGet(std::string("/services/data/v60.0/sobjects/") + object + "/describe").body);
    CHECK(Keys(describe) == Keys(fixture));
    for (const ordered_json& field : describe["fields"]) {
      CAPTURE(field["name"]);
      CHECK(Keys(field) == field_keys);
      for (const ordered_json& value : field["picklistValues"]) {
        CHECK(Keys(value) == Keys(fixture["fields"][4]["picklistValues"][0]));
      }
    }
    for (const ordered_json& child : describe["childRelationships"]) {
      CHECK(Keys(child) == Keys(fixture["childRelationships"][0]));
    }
  }
  ordered_json account = ParseJson(e.RestGet("/services/data/v60.0/sobjects/Account/describe").body);
  CHECK(Keys(account["urls"]) == Keys(Fixture("describe_account_v58.json")["urls"]));
  CHECK(Keys(account["recordTypeInfos"][0]) == Keys(fixture["recordTypeInfos"][0]));
}

TEST_CASE("global describe: top-level and per-object keys as recorded") {
  RunningEmulator e;
  ordered_json fixture = Fixture("global_describe.json");
  ordered_json ours = ParseJson(e.RestGet("/services/data/v59.0/sobjects").body);
  CHECK(Keys(ours) == Keys(fixture));
  for (const ordered_json& recorded : fixture["sobjects"]) {
    for (const ordered_json& object : ours["sobjects"]) {
      if (object["name"] != recorded["name"]) continue;
      CAPTURE(object["name"]);
      CHECK(Keys(object) == Keys(recorded));
      CHECK(object["urls"] == recorded["urls"]);  // same API version, same paths
      CHECK(object["keyPrefix"] == recorded["keyPrefix"]);
      CHECK(object["label"] == recorded["label"]);
      CHECK(object["labelPlural"] == recorded["labelPlural"]);
      for (auto flag = recorded.begin(); flag != recorded.end(); ++flag) {
        if (flag.value().is_boolean()) CHECK_MESSAGE(object[flag.key()] == flag.value(), flag.key());
      }
    }
  }
}

TEST_CASE("the version list is the recorded one") {
  RunningEmulator e;
  CHECK(ParseJson(e.client().Get("/services/data/").body) == Fixture("versions_services_data.json"));
}

TEST_CASE("token response keys in the recorded order") {
  RunningEmulator e;
  ClientResponse r = e.client().Send(
      "POST", "/services/oauth2/token", {{"Content-Type", "application/x-www-form-urlencoded"}},
      "grant_type=refresh_token&client_id=sfsync-emulator-client-id&client_secret="
      "sfsync-emulator-client-secret&refresh_token=sfsync-emulator-refresh-token");
  CHECK(Keys(ParseJson(r.body)) == Keys(Fixture("oauth_token_refresh_success.json")));
}

TEST_CASE("error bodies match the recordings byte for byte (or key for key)") {
  EmulatorConfig config = testing::SmallOrgConfig();
  config.api_quota = 1;
  RunningEmulator e(config);
  CHECK(e.client().Get("/services/data/v60.0/sobjects").body == FixtureText("error_invalid_session.json"));
  std::string bad_grant = "grant_type=refresh_token&client_id=sfsync-emulator-client-id&client_secret="
                          "sfsync-emulator-client-secret&refresh_token=stale";
  CHECK(e.client().Send("POST", "/services/oauth2/token", {}, bad_grant).body ==
        FixtureText("oauth_error_invalid_grant.json"));
  CHECK(e.client().Send("POST", "/services/oauth2/token", {}, "grant_type=refresh_token&client_id=x").body ==
        FixtureText("oauth_error_invalid_client_id.json"));
  CHECK(ParseJson(e.RestGet("/services/data/v60.0/sobjects/Nope/describe").body) ==
        Fixture("error_not_found.json"));
  CHECK(e.RestGet("/services/data/v60.0/sobjects").body == FixtureText("error_request_limit.json"));
  EmulatorConfig roomy = testing::SmallOrgConfig();
  RunningEmulator f(roomy);
  ordered_json invalid_field = ParseJson(f.Query("SELECT Idd FROM Account").body);
  CHECK(Keys(invalid_field[0]) == Keys(Fixture("error_invalid_field.json")[0]));
  CHECK(f.Query("invalid").body == FixtureText("error_malformed_query.json"));
}

}  // namespace
}  // namespace sfsync::emulator
