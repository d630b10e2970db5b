// sObject Collections over a socket: per-record results, allOrNone and its rollback, mixed
// types and chunks, upsert, delete, retrieve, and the request-level 400s.
#include <doctest/doctest.h>

#include "tests/emulator/salesforce_id.h"
#include "tests/emulator/testing/emulator_fixture.h"

namespace sfsync::emulator {
namespace {

using nlohmann::ordered_json;
using testing::ClientResponse;
using testing::ParseJson;
using testing::RunningEmulator;
using testing::SmallOrgConfig;

const std::string kCollections = "/services/data/v60.0/composite/sobjects";

ordered_json Results(const ClientResponse& r) {
  REQUIRE_MESSAGE(r.status == 200, r.body);
  ordered_json results = ParseJson(r.body);
  REQUIRE(results.is_array());
  return results;
}

std::string StatusCode(const ordered_json& result) {
  CHECK(result["success"] == false);
  return result["errors"][0]["statusCode"];
}

int64_t Count(RunningEmulator& e, const std::string& soql) { return ParseJson(e.Query(soql).body)["totalSize"]; }

TEST_CASE("create: mixed types in request order, one SystemModstamp for the whole call") {
  RunningEmulator e;
  e.Admin("POST", "/__emulator/clock", R"({"advance_seconds":30})");
  ordered_json results = Results(e.Rest("POST", kCollections, R"({"allOrNone":false,"records":[
      {"attributes":{"type":"Account"},"Name":"example.com","BillingCity":"San Francisco"},
      {"attributes":{"type":"Contact"},"LastName":"Johnson","FirstName":"Erica"},
      {"FirstName":"Siena","LastName":"Dyer","attributes":{"type":"Contact"}}]})"));
  REQUIRE(results.size() == 3);
  for (const ordered_json& r : results) {
    CHECK(r["success"] == true);
    CHECK(r["errors"].empty());
    CHECK_FALSE(r.contains("created"));
  }
  CHECK(std::string(results[0]["id"]).starts_with("001"));
  CHECK(std::string(results[1]["id"]).starts_with("003"));
  CHECK(Count(e, "SELECT COUNT() FROM Contact WHERE SystemModstamp = 2024-05-01T10:00:30Z") == 2);
  CHECK(Count(e, "SELECT COUNT() FROM Account WHERE SystemModstamp = 2024-05-01T10:00:30Z") == 1);
}

TEST_CASE("allOrNone: true rolls every record back, false keeps the good ones") {
  RunningEmulator e;
  const std::string records = R"("records":[
      {"attributes":{"type":"Contact"},"FirstName":"No Last Name"},
      {"attributes":{"type":"Contact"},"LastName":"Valid"}]})";
  ordered_json rolled_back = Results(e.Rest("POST", kCollections, R"({"allOrNone":true,)" + records));
  CHECK(StatusCode(rolled_back[0]) == "REQUIRED_FIELD_MISSING");
  CHECK(StatusCode(rolled_back[1]) == "ALL_OR_NONE_OPERATION_ROLLED_BACK");
  CHECK_FALSE(rolled_back[1].contains("id"));
  CHECK(Count(e, "SELECT COUNT() FROM Contact WHERE LastName = 'Valid'") == 0);

  ordered_json partial = Results(e.Rest("POST", kCollections, R"({"allOrNone":false,)" + records));
  CHECK(StatusCode(partial[0]) == "REQUIRED_FIELD_MISSING");
  CHECK(partial[1]["success"] == true);
  CHECK(Count(e, "SELECT COUNT() FROM Contact WHERE LastName = 'Valid'") == 1);
  // allOrNone defaults to false.
  ordered_json defaulted = Results(e.Rest("POST", kCollections, "{" + records));
  CHECK(defaulted[1]["success"] == true);

  // A failure after successes rolls back the successes: the later duplicate undoes the first.
  EmulatorConfig config = SmallOrgConfig();
  config.rows["Invoice__c"] = 0;
  RunningEmulator f(config);
  ordered_json duplicate = Results(f.Rest("POST", kCollections, R"({"allOrNone":true,"records":[
      {"attributes":{"type":"Invoice__c"},"Name":"a","InvoiceNumber__c":"D-1"},
      {"attributes":{"type":"Invoice__c"},"Name":"b","InvoiceNumber__c":"d-1"}]})"));
  CHECK(StatusCode(duplicate[0]) == "ALL_OR_NONE_OPERATION_ROLLED_BACK");
  CHECK(StatusCode(duplicate[1]) == "DUPLICATE_VALUE");
  CHECK(Count(f, "SELECT COUNT() FROM Invoice__c") == 0);
}

TEST_CASE("update: per-record MISSING_ARGUMENT, MALFORMED_ID, INVALID_CROSS_REFERENCE_KEY, ENTITY_IS_DELETED") {
  RunningEmulator e;
  std::vector<std::string> ids =
      ParseJson(e.Admin("POST", "/__emulator/records/Contact", R"([{"LastName":"A"},{"LastName":"B"}])").body)["ids"];
  REQUIRE(e.Admin("DELETE", "/__emulator/records/Contact/" + ids[1]).status == 204);
  std::string account = ParseJson(e.Query("SELECT Id FROM Account LIMIT 1").body)["records"][0]["Id"];
  ordered_json results = Results(e
                                     .Rest("PATCH", kCollections, R"({"records":[
      {"attributes":{"type":"Contact"},"id":")" + ids[0] + R"(","Title":"Lead Engineer"},
      {"attributes":{"type":"Contact"},"Title":"no id"},
      {"attributes":{"type":"Contact"},"id":")" + account + R"(","Title":"wrong type"},
      {"attributes":{"type":"Contact"},"id":")" + MakeId("003", 7) + R"(","Title":"missing"},
      {"attributes":{"type":"Contact"},"Id":")" + ids[1] + R"(","Title":"deleted"},
      {"attributes":{"type":"Contact"},"id":")" + ids[0] + R"(","unknownField_LastName":"x"},
      {"attributes":{"type":"Widget__c"},"id":")" + ids[0] + R"(","Title":"unknown type"}]})"));
  CHECK(results[0]["success"] == true);
  CHECK(results[0]["id"] == ids[0]);
  CHECK(StatusCode(results[1]) == "MISSING_ARGUMENT");
  CHECK(results[1]["errors"][0]["message"] == "Id not specified in an update call");
  CHECK(StatusCode(results[2]) == "MALFORMED_ID");
  CHECK(results[2]["errors"][0]["message"] == "Contact ID: id value of incorrect type: " + account);
  CHECK(results[2]["errors"][0]["fields"] == ordered_json::parse(R"(["Id"])"));
  CHECK(StatusCode(results[3]) == "INVALID_CROSS_REFERENCE_KEY");
  CHECK(StatusCode(results[4]) == "ENTITY_IS_DELETED");
  CHECK(StatusCode(results[5]) == "INVALID_FIELD");
  CHECK(results[5]["errors"][0]["fields"].empty());
  CHECK(StatusCode(results[6]) == "INVALID_TYPE");
  CHECK(std::string(results[6]["errors"][0]["message"]).starts_with("sObject type 'Widget__c' is not supported."));
  CHECK(Count(e, "SELECT COUNT() FROM Contact WHERE Title = 'Lead Engineer'") == 1);
}

TEST_CASE("upsert: created true and false, missing attributes, duplicates, v46 and later only") {
  EmulatorConfig config = SmallOrgConfig();
  config.rows["Invoice__c"] = 0;
  RunningEmulator e(config);
  REQUIRE(e.Admin("POST", "/__emulator/records/Invoice__c", R"([{"Name":"old","InvoiceNumber__c":"U-2"}])").status ==
          201);
  const std::string url = kCollections + "/Invoice__c/InvoiceNumber__c";
  ordered_json results = Results(e.Rest("PATCH", url, R"({"allOrNone":false,"records":[
      {"attributes":{"type":"Invoice__c"},"Name":"new","InvoiceNumber__c":"U-1"},
      {"attributes":{"type":"Invoice__c"},"Name":"renamed","InvoiceNumber__c":"u-2"},
      {"InvoiceNumber__c":"U-3","Name":"no attributes"},
      {"attributes":{"type":"Invoice__c"},"Name":"no key"}]})"));
  CHECK(results[0]["created"] == true);
  CHECK(results[1]["created"] == false);
  CHECK(results[1]["success"] == true);
  CHECK(StatusCode(results[2]) == "JSON_PARSER_ERROR");
  CHECK(results[2]["created"] == false);
  CHECK(StatusCode(results[3]) == "MISSING_ARGUMENT");
  CHECK(Count(e, "SELECT COUNT() FROM Invoice__c WHERE Name = 'renamed'") == 1);
  CHECK(e.Rest("PATCH", "/services/data/v45.0/composite/sobjects/Invoice__c/InvoiceNumber__c",
               R"({"records":[{"attributes":{"type":"Invoice__c"},"InvoiceNumber__c":"U-9"}]})")
            .status == 404);
  CHECK(e.Rest("PATCH", kCollections + "/Invoice__c/Name", R"({"records":[]})").status == 404);  // not a key

  // Email is not unique: a key that matches two records fails that record only.
  e.Admin("POST", "/__emulator/records/Contact",
          R"([{"LastName":"A","Email":"twin@example.com"},{"LastName":"B","Email":"twin@example.com"}])");
  ordered_json twins =
      Results(e.Rest("PATCH", kCollections + "/Contact/Email",
                     R"({"records":[{"attributes":{"type":"Contact"},"Email":"twin@example.com","Title":"x"}]})"));
  CHECK(StatusCode(twins[0]) == "DUPLICATE_EXTERNAL_ID");
}

TEST_CASE("delete: mixed types by Id, deleted and malformed Ids, allOrNone rollback") {
  RunningEmulator e;
  std::vector<std::string> accounts =
      ParseJson(e.Admin("POST", "/__emulator/records/Account", R"([{"Name":"a"},{"Name":"b"}])").body)["ids"];
  std::string contact =
      ParseJson(e.Admin("POST", "/__emulator/records/Contact", R"([{"LastName":"c"}])").body)["ids"][0];
  ordered_json results =
      Results(e.Rest("DELETE", kCollections + "?ids=" + accounts[0] + "," + contact + "&allOrNone=false"));
  CHECK(results == ordered_json::parse(R"([{"id":")" + accounts[0] + R"(","success":true,"errors":[]},{"id":")" +
                                       contact + R"(","success":true,"errors":[]}])"));
  ordered_json again = Results(e.Rest("DELETE", kCollections + "?ids=" + accounts[0] + ",bogus," + MakeId("001", 7)));
  CHECK(StatusCode(again[0]) == "ENTITY_IS_DELETED");
  CHECK(StatusCode(again[1]) == "MALFORMED_ID");
  CHECK(StatusCode(again[2]) == "INVALID_CROSS_REFERENCE_KEY");
  ordered_json rolled =
      Results(e.Rest("DELETE", kCollections + "?ids=" + accounts[1] + "," + accounts[0] + "&allOrNone=true"));
  CHECK(StatusCode(rolled[0]) == "ALL_OR_NONE_OPERATION_ROLLED_BACK");
  CHECK(Count(e, "SELECT COUNT() FROM Account WHERE Id = '" + accounts[1] + "'") == 1);
}

TEST_CASE("retrieve: the asked fields in order, null for Ids without a live record") {
  RunningEmulator e;
  std::vector<std::string> ids =
      ParseJson(e.Admin("POST", "/__emulator/records/Account", R"([{"Name":"a"},{"Name":"b"}])").body)["ids"];
  e.Admin("DELETE", "/__emulator/records/Account/" + ids[1]);
  ordered_json got =
      ParseJson(e.Rest("GET", kCollections + "/Account?ids=" + ids[0] + "," + ids[1] + "&fields=Name,Id").body);
  REQUIRE(got.size() == 2);
  std::vector<std::string> keys;
  for (auto it = got[0].begin(); it != got[0].end(); ++it) keys.push_back(it.key());
  CHECK(keys == std::vector<std::string>{"attributes", "Name", "Id"});
  CHECK(got[1].is_null());
  ordered_json posted =
      ParseJson(e.Rest("POST", kCollections + "/Account", R"({"ids":[")" + ids[0] + R"("],"fields":["Name"]})").body);
  CHECK(posted[0]["Name"] == "a");
  CHECK(e.Rest("GET", kCollections + "/Account?ids=" + ids[0]).status == 400);  // fields required
  CHECK(e.Rest("GET", kCollections + "/Account?ids=" + ids[0] + "&fields=Nope").status == 400);
}

TEST_CASE("request-level 400s: bad JSON, bad values, no records, over 200, over 10 chunks") {
  RunningEmulator e;
  auto code = [&](const std::string& method, const std::string& body) {
    ClientResponse r = e.Rest(method, kCollections, body);
    CHECK(r.status == 400);
    return ParseJson(r.body)[0]["errorCode"].get<std::string>();
  };
  CHECK(code("POST", "{nope") == "JSON_PARSER_ERROR");
  CHECK(code("POST", R"({"records":[]})") == "REQUIRED_FIELD_MISSING");
  CHECK(code("POST", R"({"records":[{"attributes":{"type":"Account"},"Name":"x","AnnualRevenue":"lots"}]})") ==
        "JSON_PARSER_ERROR");
  std::string many = R"({"records":[)";
  for (int i = 0; i < 201; ++i) many += std::string(i ? "," : "") + R"({"attributes":{"type":"Account"},"Name":"n"})";
  CHECK(code("POST", many + "]}") == "EXCEEDED_ID_LIMIT");
  std::string chunks = R"({"records":[)";
  for (int i = 0; i < 11; ++i) {
    chunks += std::string(i ? "," : "") + R"({"attributes":{"type":")" + std::string(i % 2 ? "Account" : "Contact") +
              R"("},"Name":"n","LastName":"n"})";
  }
  CHECK(code("POST", chunks + "]}") == "EXCEEDED_MAX_TYPES_LIMIT");
  CHECK(Count(e, "SELECT COUNT() FROM Account WHERE Name = 'n'") == 0);
  CHECK(e.Rest("POST", "/services/data/v41.0/composite/sobjects", R"({"records":[]})").status == 404);
}

}  // namespace
}  // namespace sfsync::emulator
