// Schema changes through the admin API, seen by describe (Last-Modified, 304), queries and
// open cursors, and the equal-timestamp storms `generate` makes.
#include <doctest/doctest.h>

#include <map>

#include "tests/emulator/testing/emulator_fixture.h"

namespace sfsync::emulator {
namespace {

using nlohmann::ordered_json;
using testing::ClientResponse;
using testing::ParseJson;
using testing::RunningEmulator;
using testing::SmallOrgConfig;

const std::string kDescribe = "/services/data/v60.0/sobjects/Account/describe";

std::map<std::string, ordered_json> Fields(RunningEmulator& e, const std::string& object = "Account") {
  std::map<std::string, ordered_json> fields;
  ordered_json d = ParseJson(e.RestGet("/services/data/v60.0/sobjects/" + object + "/describe").body);
  for (const ordered_json& f : d["fields"]) fields[f["name"]] = f;
  return fields;
}

std::string MaxStamp(RunningEmulator& e) {
  return ParseJson(e.Query("SELECT MAX(SystemModstamp) FROM Account").body)["records"][0]["expr0"];
}

TEST_CASE("adding a field: describe shows it and Last-Modified moves, rows keep their SystemModstamp") {
  RunningEmulator e;  // frozen clock: Last-Modified must move even within the same second
  ClientResponse before = e.RestGet(kDescribe);
  std::string last_modified(*before.headers.Get("Last-Modified"));
  std::string stamp = MaxStamp(e);
  ClientResponse added = e.Admin("POST", "/__emulator/schema/Account/fields",
                                 R"({"name":"Score__c","type":"double","precision":18,"scale":2,"label":"Score"})");
  REQUIRE_MESSAGE(added.status == 201, added.body);
  CHECK(ParseJson(added.body) == ordered_json::parse(R"({"name":"Score__c"})"));

  // a. The old Last-Modified no longer answers 304; the new one does.
  ClientResponse after = e.RestGet(kDescribe, {{"If-Modified-Since", last_modified}});
  REQUIRE(after.status == 200);
  std::string moved(*after.headers.Get("Last-Modified"));
  CHECK(moved != last_modified);
  CHECK(e.RestGet(kDescribe, {{"If-Modified-Since", moved}}).status == 304);
  CHECK(e.RestGet("/services/data/v60.0/sobjects", {{"If-Modified-Since", last_modified}}).status == 200);
  std::map<std::string, ordered_json> fields = Fields(e);
  REQUIRE(fields.contains("Score__c"));
  CHECK(fields["Score__c"]["type"] == "double");
  CHECK(fields["Score__c"]["scale"] == 2);
  CHECK(fields["Score__c"]["custom"] == true);
  CHECK(fields["Score__c"]["label"] == "Score");

  // b. Existing rows hold null, no row's SystemModstamp moved, and the field is usable at once.
  ordered_json rows = ParseJson(e.Query("SELECT Id, Score__c FROM Account").body)["records"];
  for (const ordered_json& r : rows) CHECK(r["Score__c"].is_null());
  CHECK(MaxStamp(e) == stamp);
  REQUIRE(e.Admin("POST", "/__emulator/records/Account", R"([{"Name":"Scored","Score__c":7.25}])").status == 201);
  CHECK(ParseJson(e.Query("SELECT Score__c FROM Account WHERE Score__c > 7").body)["records"][0]["Score__c"] == 7.25);
  // A new checkbox is false, never null, on existing rows.
  REQUIRE(e.Admin("POST", "/__emulator/schema/Account/fields", R"({"name":"Vip__c","type":"boolean"})").status == 201);
  CHECK(ParseJson(e.Query("SELECT COUNT() FROM Account WHERE Vip__c = false").body)["totalSize"] == 51);
  // A field added without precision or digits takes any value the REST API can write.
  REQUIRE(e.Admin("POST", "/__emulator/schema/Account/fields", R"({"name":"Hits__c","type":"int"})").status == 201);
  CHECK(e.Rest("POST", "/services/data/v60.0/sobjects/Account", R"({"Name":"Counted","Hits__c":123456})").status ==
        201);
}

TEST_CASE("adding a field: bad definitions are 400, unknown objects 404") {
  RunningEmulator e;
  CHECK(e.Admin("POST", "/__emulator/schema/Account/fields", R"({"name":"Score","type":"double"})").status == 400);
  CHECK(e.Admin("POST", "/__emulator/schema/Account/fields", R"({"name":"X__c","type":"decimal"})").status == 400);
  CHECK(e.Admin("POST", "/__emulator/schema/Account/fields", R"({"name":"Regions__c","type":"string"})").status == 400);
  CHECK(e.Admin("POST", "/__emulator/schema/Account/fields", R"({"name":"X__c","type":"string","colour":1})").status ==
        400);
  CHECK(e.Admin("POST", "/__emulator/schema/Account/fields", R"({"name":"X__c","type":"reference"})").status == 400);
  CHECK(e.Admin("POST", "/__emulator/schema/Widget/fields", R"({"name":"X__c","type":"string"})").status == 404);
  // A lookup names its target; the relationship can be queried.
  REQUIRE(e.Admin("POST", "/__emulator/schema/Contact/fields",
                  R"({"name":"Partner__c","type":"reference","referenceTo":"Account"})")
              .status == 201);
  CHECK(Fields(e, "Contact")["Partner__c"]["relationshipName"] == "Partner__r");
  CHECK(e.Query("SELECT Id, Partner__r.Name FROM Contact").status == 200);
}

TEST_CASE("changing a field's type converts values as Salesforce would, nulls the rest") {
  RunningEmulator e;
  for (const char* field :
       {R"({"name":"Code__c","type":"string","length":20})",
        R"({"name":"Ratio__c","type":"double","precision":18,"scale":3})", R"({"name":"When__c","type":"date"})"}) {
    REQUIRE(e.Admin("POST", "/__emulator/schema/Account/fields", field).status == 201);
  }
  std::vector<std::string> ids = ParseJson(e.Admin("POST", "/__emulator/records/Account", R"([
      {"Name":"n1","Code__c":"42.5","Ratio__c":12.5,"When__c":"2024-02-29"},
      {"Name":"n2","Code__c":"not a number","Ratio__c":0.125},
      {"Name":"n3","Code__c":"2024-03-01"}])")
                                               .body)["ids"];
  std::string stamp = MaxStamp(e);
  auto values = [&](const std::string& field) {
    std::vector<ordered_json> out;
    for (const std::string& id : ids) {
      out.push_back(
          ParseJson(e.Query("SELECT " + field + " FROM Account WHERE Id = '" + id + "'").body)["records"][0][field]);
    }
    return out;
  };
  REQUIRE(e.Admin("PATCH", "/__emulator/schema/Account/fields/Code__c", R"({"type":"double","scale":1})").status ==
          204);
  CHECK(values("Code__c") == std::vector<ordered_json>{42.5, nullptr, nullptr});
  REQUIRE(e.Admin("PATCH", "/__emulator/schema/Account/fields/Ratio__c", R"({"type":"string","length":4})").status ==
          204);
  CHECK(values("Ratio__c") == std::vector<ordered_json>{"12.5", "0.12", nullptr});  // cut to 4 characters
  REQUIRE(e.Admin("PATCH", "/__emulator/schema/Account/fields/When__c", R"({"type":"datetime"})").status == 204);
  CHECK(values("When__c") == std::vector<ordered_json>{"2024-02-29T00:00:00.000+0000", nullptr, nullptr});
  CHECK(Fields(e)["When__c"]["type"] == "datetime");
  CHECK(MaxStamp(e) == stamp);  // no record changed in Salesforce's eyes
  CHECK(e.Admin("PATCH", "/__emulator/schema/Account/fields/Code__c", R"({"type":"boolean"})").status == 400);
  CHECK(e.Admin("PATCH", "/__emulator/schema/Account/fields/Name", R"({"type":"textarea"})").status == 400);
  CHECK(e.Admin("PATCH", "/__emulator/schema/Account/fields/Nope__c", R"({"type":"string"})").status == 404);
}

TEST_CASE("deleting a field: queries naming it fail with INVALID_FIELD, open cursors are invalidated") {
  EmulatorConfig config = SmallOrgConfig();
  config.rows["Account"] = 450;
  config.rows["Contact"] = 450;
  config.rows["Invoice__c"] = 5;
  RunningEmulator e(config);
  testing::HttpClient::Headers batch = {{"Sforce-Query-Options", "batchSize=200"}};
  ordered_json first = ParseJson(e.Query("SELECT Id, CustomerSince__c FROM Account", batch).body);
  ordered_json untouched = ParseJson(e.Query("SELECT Id FROM Contact", batch).body);
  REQUIRE(first.contains("nextRecordsUrl"));
  REQUIRE(untouched.contains("nextRecordsUrl"));
  REQUIRE(e.Admin("DELETE", "/__emulator/schema/Account/fields/CustomerSince__c").status == 204);

  ClientResponse query = e.Query("SELECT Id, CustomerSince__c FROM Account");
  CHECK(query.status == 400);
  CHECK(ParseJson(query.body)[0]["errorCode"] == "INVALID_FIELD");
  CHECK_FALSE(Fields(e).contains("CustomerSince__c"));
  ClientResponse more = e.RestGet(first["nextRecordsUrl"]);
  CHECK(more.status == 400);
  CHECK(ParseJson(more.body)[0]["errorCode"] == "INVALID_QUERY_LOCATOR");
  CHECK(e.RestGet(untouched["nextRecordsUrl"]).status == 200);  // another object's cursor lives on

  CHECK(e.Admin("DELETE", "/__emulator/schema/Account/fields/Industry").status == 400);       // standard
  CHECK(e.Admin("DELETE", "/__emulator/schema/Invoice__c/fields/Account__c").status == 400);  // formula reads it
  CHECK(e.Admin("DELETE", "/__emulator/schema/Account/fields/Nope__c").status == 404);
}

TEST_CASE("generate after schema changes: added and retyped fields stay empty, removed ones are skipped") {
  RunningEmulator e;
  REQUIRE(e.Admin("POST", "/__emulator/schema/Account/fields", R"({"name":"Flag__c","type":"boolean"})").status == 201);
  REQUIRE(
      e.Admin("PATCH", "/__emulator/schema/Account/fields/Regions__c", R"({"type":"string","length":100})").status ==
      204);
  REQUIRE(e.Admin("DELETE", "/__emulator/schema/Account/fields/CustomerSince__c").status == 204);
  REQUIRE(e.Admin("POST", "/__emulator/generate", R"({"object":"Account","count":40})").status == 201);
  ordered_json generated = ParseJson(
      e.Query("SELECT Flag__c, Regions__c, Industry FROM Account WHERE CreatedDate = 2024-05-01T10:00:00Z").body);
  REQUIRE(generated["totalSize"] == 40);
  bool industry = false;
  for (const ordered_json& r : generated["records"]) {
    CHECK(r["Flag__c"] == false);
    CHECK(r["Regions__c"].is_null());
    industry |= r["Industry"].is_string();
  }
  CHECK(industry);  // the fields the generator knows are still filled
}

}  // namespace
}  // namespace sfsync::emulator
