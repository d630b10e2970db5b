// Sfsync_Key__c, the external id push-back upserts on: in describe on Account, Contact,
// Opportunity and Invoice__c, and usable as the key of single-record and Collections upserts.
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

TEST_CASE("Sfsync_Key__c: a unique 64-character external id in describe, null in the seeded rows") {
  RunningEmulator e;
  for (const char* object : {"Account", "Contact", "Opportunity", "Invoice__c"}) {
    CAPTURE(object);
    ordered_json describe = ParseJson(e.RestGet(kRows + object + "/describe").body);
    ordered_json key;
    for (const ordered_json& field : describe["fields"]) {
      if (field["name"] == "Sfsync_Key__c") key = field;
    }
    REQUIRE(key.is_object());
    CHECK(key["type"] == "string");
    CHECK(key["length"] == 64);
    CHECK(key["externalId"] == true);
    CHECK(key["unique"] == true);
    CHECK(key["caseSensitive"] == false);
    CHECK(key["nillable"] == true);
    CHECK(key["createable"] == true);
    CHECK(key["updateable"] == true);
    CHECK(key["custom"] == true);
    CHECK(ParseJson(e.Query(std::string("SELECT COUNT() FROM ") + object + " WHERE Sfsync_Key__c != null").body)
              ["totalSize"] == 0);
  }
}

TEST_CASE("Sfsync_Key__c: Collections upsert creates then updates, a single-record upsert finds the same row") {
  RunningEmulator e;
  const std::string body = R"({"allOrNone":false,"records":[
      {"attributes":{"type":"Account"},"Sfsync_Key__c":"local-1","Name":"First"},
      {"attributes":{"type":"Account"},"Sfsync_Key__c":"local-2","Name":"Second"}]})";
  ClientResponse created = e.Rest("PATCH", kCollections + "/Account/Sfsync_Key__c", body);
  REQUIRE_MESSAGE(created.status == 200, created.body);
  ordered_json first = ParseJson(created.body);
  CHECK(first[0]["created"] == true);
  CHECK(first[1]["created"] == true);
  ordered_json again = ParseJson(e.Rest("PATCH", kCollections + "/Account/Sfsync_Key__c", body).body);
  CHECK(again[0]["created"] == false);
  CHECK(again[0]["id"] == first[0]["id"]);
  CHECK(ParseJson(e.Query("SELECT COUNT() FROM Account WHERE Sfsync_Key__c LIKE 'local-%'").body)["totalSize"] == 2);

  ClientResponse single = e.Rest("PATCH", kRows + "Account/Sfsync_Key__c/LOCAL-1", R"({"Name":"Renamed"})");
  CHECK(single.status == 200);  // matched case-insensitively: an update
  CHECK(ParseJson(single.body)["id"] == first[0]["id"]);
  // Unique: a second record cannot take the same key.
  ClientResponse duplicate = e.Rest("POST", kRows + "Contact", R"({"LastName":"K","Sfsync_Key__c":"c-1"})");
  REQUIRE(duplicate.status == 201);
  CHECK(e.Rest("POST", kRows + "Contact", R"({"LastName":"L","Sfsync_Key__c":"C-1"})").status == 400);
}

}  // namespace
}  // namespace sfsync::emulator
