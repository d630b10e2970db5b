// Validation rules and required fields set through the admin API, as every REST write surface
// sees them: FIELD_CUSTOM_VALIDATION_EXCEPTION and REQUIRED_FIELD_MISSING.
#include "tests/emulator/api/validation_rules.h"

#include <doctest/doctest.h>

#include "tests/emulator/testing/emulator_fixture.h"

namespace sfsync::emulator {
namespace {

using nlohmann::ordered_json;
using testing::ClientResponse;
using testing::ParseJson;
using testing::RunningEmulator;

const std::string kRows = "/services/data/v60.0/sobjects/";
const std::string kCollections = "/services/data/v60.0/composite/sobjects";
const std::string kNegativeRevenue =
    R"({"name":"Amount_Positive","field":"AnnualRevenue","condition":"<","value":0,)"
    R"("message":"Annual revenue must not be negative"})";

std::string FirstAccount(RunningEmulator& e) {
  return ParseJson(e.Query("SELECT Id FROM Account ORDER BY Id LIMIT 1").body)["records"][0]["Id"];
}

TEST_CASE("validation rule: rows, Collections and upsert fail FIELD_CUSTOM_VALIDATION_EXCEPTION and save nothing") {
  RunningEmulator e;
  ClientResponse added = e.Admin("POST", "/__emulator/rules/Account", kNegativeRevenue);
  REQUIRE_MESSAGE(added.status == 201, added.body);
  CHECK(ParseJson(added.body)["name"] == "Amount_Positive");
  ordered_json listed = ParseJson(e.Admin("GET", "/__emulator/rules/account").body);
  REQUIRE(listed.size() == 1);
  CHECK(listed[0]["condition"] == "<");
  CHECK(listed[0]["errorLocation"] == "field");

  // a. A create: the single-record error shape.
  ClientResponse refused = e.Rest("POST", kRows + "Account", R"({"Name":"Neg","AnnualRevenue":-5})");
  CHECK(refused.status == 400);
  CHECK(ParseJson(refused.body) == ordered_json::parse(
                                       R"([{"message":"Annual revenue must not be negative",)"
                                       R"("errorCode":"FIELD_CUSTOM_VALIDATION_EXCEPTION","fields":["AnnualRevenue"]}])"));
  CHECK(ParseJson(e.Query("SELECT COUNT() FROM Account WHERE Name = 'Neg'").body)["totalSize"] == 0);
  CHECK(e.Rest("POST", kRows + "Account", R"({"Name":"Pos","AnnualRevenue":5})").status == 201);

  // b. An update: the record keeps its value.
  std::string id = FirstAccount(e);
  REQUIRE(e.Rest("PATCH", kRows + "Account/" + id, R"({"AnnualRevenue":100})").status == 204);
  CHECK(e.Rest("PATCH", kRows + "Account/" + id, R"({"AnnualRevenue":-1,"Phone":"1"})").status == 400);
  ordered_json stored = ParseJson(e.RestGet(kRows + "Account/" + id + "?fields=AnnualRevenue,Phone").body);
  CHECK(stored["AnnualRevenue"] == 100.0);
  CHECK(stored["Phone"] != "1");

  // c. Collections: per record, the good record saved.
  ClientResponse collection = e.Rest("PATCH", kCollections, R"({"records":[
      {"attributes":{"type":"Account"},"id":")" + id + R"(","AnnualRevenue":-2},
      {"attributes":{"type":"Account"},"id":")" + id + R"(","AnnualRevenue":7}]})");
  REQUIRE(collection.status == 200);
  ordered_json results = ParseJson(collection.body);
  CHECK(results[0]["success"] == false);
  CHECK(results[0]["errors"][0] == ordered_json::parse(R"({"statusCode":"FIELD_CUSTOM_VALIDATION_EXCEPTION",)"
                                                       R"("message":"Annual revenue must not be negative",)"
                                                       R"("fields":["AnnualRevenue"]})"));
  CHECK(results[1]["success"] == true);

  // d. Collections upsert creating a record.
  ClientResponse upsert = e.Rest("PATCH", kCollections + "/Account/Id", R"({"records":[
      {"attributes":{"type":"Account"},"Id":")" + id + R"(","AnnualRevenue":-3}]})");
  REQUIRE(upsert.status == 200);
  CHECK(ParseJson(upsert.body)[0]["errors"][0]["statusCode"] == "FIELD_CUSTOM_VALIDATION_EXCEPTION");

  // e. Cleared: the same save goes through.
  CHECK(e.Admin("DELETE", "/__emulator/rules/Account").status == 204);
  CHECK(ParseJson(e.Admin("GET", "/__emulator/rules/Account").body).empty());
  CHECK(e.Rest("POST", kRows + "Account", R"({"Name":"Neg","AnnualRevenue":-5})").status == 201);
}

TEST_CASE("validation rule: judged on the record as saved, every failing rule reported, top-of-page errors") {
  RunningEmulator e;
  REQUIRE(e.Admin("POST", "/__emulator/rules/Account",
                  R"({"name":"No_Banks","field":"Industry","condition":"=","value":"Banking",)"
                  R"("message":"No banks","errorLocation":"top"})")
              .status == 201);
  REQUIRE(e.Admin("POST", "/__emulator/rules/Account",
                  R"({"name":"Phone_Needed","field":"Phone","condition":"is_null","message":"Phone needed"})")
              .status == 201);
  std::string id = FirstAccount(e);
  REQUIRE(e.Admin("PATCH", "/__emulator/records/Account/" + id, R"({"Industry":"Banking","Phone":null})").status ==
          204);
  // The body does not touch Industry or Phone: the stored values still break both rules.
  ClientResponse refused = e.Rest("PATCH", kRows + "Account/" + id, R"({"Description":"x"})");
  CHECK(refused.status == 400);
  ordered_json errors = ParseJson(refused.body);
  REQUIRE(errors.size() == 2);
  CHECK(errors[0] == ordered_json::parse(
                         R"({"message":"No banks","errorCode":"FIELD_CUSTOM_VALIDATION_EXCEPTION","fields":[]})"));
  CHECK(errors[1]["fields"] == ordered_json::array({"Phone"}));
  CHECK(e.Rest("PATCH", kRows + "Account/" + id, R"({"Industry":"Energy","Phone":"555"})").status == 204);
  // Deletes are not validated.
  CHECK(e.Rest("PATCH", kRows + "Account/" + id, R"({"Industry":"Banking"})").status == 400);
  CHECK(e.Rest("DELETE", kRows + "Account/" + id).status == 204);
}

TEST_CASE("validation rule: bad definitions are refused") {
  RunningEmulator e;
  auto refused = [&](const std::string& object, const std::string& body) {
    return e.Admin("POST", "/__emulator/rules/" + object, body).status;
  };
  CHECK(refused("Nope__c", kNegativeRevenue) == 404);
  CHECK(refused("Account", R"({"name":"x","field":"Nope","condition":"=","value":1,"message":"m"})") == 400);
  CHECK(refused("Account", R"({"name":"x","field":"Phone","condition":"~","value":"1","message":"m"})") == 400);
  CHECK(refused("Account", R"({"name":"x","field":"AnnualRevenue","condition":"<","message":"m"})") == 400);
  CHECK(refused("Account", R"({"name":"x","field":"AnnualRevenue","condition":"<","value":"abc","message":"m"})") ==
        400);
  CHECK(refused("Account", R"({"field":"Phone","condition":"is_null","message":"m"})") == 400);
}

TEST_CASE("required field: creates and updates fail REQUIRED_FIELD_MISSING, describe says nillable false") {
  RunningEmulator e;
  std::string id = FirstAccount(e);
  REQUIRE(e.Admin("PATCH", "/__emulator/records/Account/" + id, R"({"Phone":null})").status == 204);
  REQUIRE(e.Admin("POST", "/__emulator/schema/Account/required", R"({"field":"Phone","required":true})").status ==
          204);
  ordered_json describe = ParseJson(e.RestGet(kRows + "Account/describe").body);
  for (const ordered_json& field : describe["fields"]) {
    if (field["name"] == "Phone") CHECK(field["nillable"] == false);
  }
  ClientResponse refused = e.Rest("POST", kRows + "Account", R"({"Name":"No phone"})");
  CHECK(refused.status == 400);
  CHECK(ParseJson(refused.body) ==
        ordered_json::parse(R"([{"message":"Required fields are missing: [Phone]",)"
                            R"("errorCode":"REQUIRED_FIELD_MISSING","fields":["Phone"]}])"));
  CHECK(e.Rest("POST", kRows + "Account", R"({"Name":"With phone","Phone":"555"})").status == 201);
  // A stored record without a phone (emptied before the field became required) fails its next
  // save until the phone is set.
  ClientResponse collection = e.Rest("PATCH", kCollections, R"({"records":[
      {"attributes":{"type":"Account"},"id":")" + id + R"(","Description":"x"}]})");
  CHECK(ParseJson(collection.body)[0]["errors"][0]["statusCode"] == "REQUIRED_FIELD_MISSING");
  CHECK(e.Rest("PATCH", kRows + "Account/" + id, R"({"Description":"x","Phone":"1"})").status == 204);
  CHECK(e.Rest("PATCH", kRows + "Account/" + id, R"({"Phone":null})").status == 400);

  // Optional again.
  REQUIRE(e.Admin("POST", "/__emulator/schema/Account/required", R"({"field":"Phone","required":false})").status ==
          204);
  CHECK(e.Rest("POST", kRows + "Account", R"({"Name":"No phone"})").status == 201);
  CHECK(e.Admin("POST", "/__emulator/schema/Account/required", R"({"field":"CreatedDate"})").status == 400);
  CHECK(e.Admin("POST", "/__emulator/schema/Account/required", R"({"field":"Nope"})").status == 404);
}

}  // namespace
}  // namespace sfsync::emulator
