// Every /__emulator/ endpoint, over a socket.
#include <doctest/doctest.h>

#include "tests/emulator/testing/emulator_fixture.h"

namespace sfsync::emulator {
namespace {

using nlohmann::ordered_json;
using testing::ClientResponse;
using testing::ParseJson;
using testing::RunningEmulator;
using testing::SmallOrgConfig;

ordered_json Record(RunningEmulator& e, const std::string& object, const std::string& id,
                    const std::string& deleted = "include") {
  for (const ordered_json& r : ParseJson(e.Admin("GET", "/__emulator/records/" + object + "?deleted=" + deleted).body)) {
    if (r["Id"] == id) return r;
  }
  return nullptr;
}

TEST_CASE("health") {
  RunningEmulator e;
  ClientResponse r = e.Admin("GET", "/__emulator/health");
  CHECK(r.status == 200);
  CHECK(r.body == R"({"ok":true})");
}

TEST_CASE("POST records fills Id, audit fields and defaults, body timestamps win") {
  RunningEmulator e;
  ClientResponse r = e.Admin("POST", "/__emulator/records/Account", R"([
      {"Name":"Fresh"},
      {"Name":"Late Commit","SystemModstamp":"2024-04-30T23:59:59Z","CreatedDate":"2024-04-30T23:00:00.000+0000"}])");
  REQUIRE(r.status == 201);
  ordered_json ids = ParseJson(r.body)["ids"];
  REQUIRE(ids.size() == 2);
  CHECK(std::string(ids[0]).starts_with("001"));
  CHECK(ids[0] < ids[1]);  // Ids increase in creation order
  ordered_json fresh = Record(e, "Account", ids[0]);
  CHECK(fresh["Name"] == "Fresh");
  CHECK(fresh["IsDeleted"] == false);
  CHECK(fresh["CreatedDate"] == "2024-05-01T10:00:00.000+0000");
  CHECK(fresh["LastModifiedDate"] == "2024-05-01T10:00:00.000+0000");
  CHECK(fresh["SystemModstamp"] == "2024-05-01T10:00:00.000+0000");
  CHECK(std::string(fresh["CreatedById"]).starts_with("005"));
  CHECK(fresh["OwnerId"] == fresh["CreatedById"]);
  ordered_json late = Record(e, "Account", ids[1]);
  CHECK(late["SystemModstamp"] == "2024-04-30T23:59:59.000+0000");
  CHECK(late["CreatedDate"] == "2024-04-30T23:00:00.000+0000");
  CHECK(late["LastModifiedDate"] == "2024-05-01T10:00:00.000+0000");
}

TEST_CASE("POST records rejects unknown objects and fields, bad values, missing required fields") {
  RunningEmulator e;
  CHECK(e.Admin("POST", "/__emulator/records/Widget", "[]").status == 404);
  CHECK(e.Admin("POST", "/__emulator/records/Account", "{not json").status == 400);
  CHECK(e.Admin("POST", "/__emulator/records/Account", R"({"Name":"x"})").status == 400);  // not an array
  CHECK(e.Admin("POST", "/__emulator/records/Account", R"([{"Name":"x","Nope":1}])").status == 400);
  CHECK(e.Admin("POST", "/__emulator/records/Account", R"([{"Name":"x","AnnualRevenue":"lots"}])").status == 400);
  CHECK(e.Admin("POST", "/__emulator/records/Account", R"([{"Name":"x","SystemModstamp":"yesterday"}])").status == 400);
  CHECK(e.Admin("POST", "/__emulator/records/Account", R"([{"Name":"x","Id":"001D000000IRFmaIAH"}])").status == 400);
  CHECK(e.Admin("POST", "/__emulator/records/Account", R"([{"Name":"x","BillingAddress":{}}])").status == 400);
  ClientResponse missing = e.Admin("POST", "/__emulator/records/Opportunity", R"([{"Name":"Deal"}])");
  CHECK(missing.status == 400);
  CHECK(ParseJson(missing.body)["message"] == "Required fields are missing: [StageName, CloseDate, ForecastCategoryName]");
  // A failed batch inserts nothing.
  size_t before = ParseJson(e.Admin("GET", "/__emulator/records/Account").body).size();
  CHECK(e.Admin("POST", "/__emulator/records/Account", R"([{"Name":"ok"},{"Nope":1}])").status == 400);
  CHECK(ParseJson(e.Admin("GET", "/__emulator/records/Account").body).size() == before);
}

TEST_CASE("POST generate appends records with the seeding generator, optionally stamped") {
  RunningEmulator e;
  ClientResponse r = e.Admin("POST", "/__emulator/generate",
                             R"({"object":"Contact","count":250,"SystemModstamp":"2024-04-15T12:00:00Z"})");
  REQUIRE(r.status == 201);
  ordered_json batch = ParseJson(r.body);
  CHECK(batch["count"] == 250);
  CHECK(batch["ids_first"] < batch["ids_last"]);
  ordered_json last = Record(e, "Contact", batch["ids_last"]);
  CHECK(last["SystemModstamp"] == "2024-04-15T12:00:00.000+0000");
  CHECK(ParseJson(e.Query("SELECT COUNT() FROM Contact WHERE SystemModstamp = 2024-04-15T12:00:00Z").body)["totalSize"] == 250);
  CHECK(e.Admin("POST", "/__emulator/generate", R"({"object":"Widget","count":1})").status == 404);
  CHECK(e.Admin("POST", "/__emulator/generate", R"({"object":"Account","count":0})").status == 400);
  CHECK(e.Admin("POST", "/__emulator/generate", R"({"object":"Account"})").status == 400);
}

TEST_CASE("PATCH updates fields and bumps SystemModstamp and LastModifiedDate unless given") {
  RunningEmulator e;
  std::string id = ParseJson(e.Admin("POST", "/__emulator/records/Contact", R"([{"FirstName":"Ann","LastName":"Lee"}])").body)["ids"][0];
  e.Admin("POST", "/__emulator/clock", R"({"advance_seconds":90})");
  CHECK(e.Admin("PATCH", "/__emulator/records/Contact/" + id, R"({"LastName":"Lee-Smith","Email":null})").status == 204);
  ordered_json contact = Record(e, "Contact", id);
  CHECK(contact["Name"] == "Ann Lee-Smith");
  CHECK(contact["SystemModstamp"] == "2024-05-01T10:01:30.000+0000");
  CHECK(contact["LastModifiedDate"] == "2024-05-01T10:01:30.000+0000");
  CHECK(contact["CreatedDate"] == "2024-05-01T10:00:00.000+0000");
  CHECK(e.Admin("PATCH", "/__emulator/records/Contact/" + id, R"({"SystemModstamp":"2024-01-01T00:00:00Z"})").status == 204);
  CHECK(Record(e, "Contact", id)["SystemModstamp"] == "2024-01-01T00:00:00.000+0000");
  CHECK(e.Admin("PATCH", "/__emulator/records/Contact/" + id.substr(0, 15), R"({"Title":"CFO"})").status == 204);
  CHECK(Record(e, "Contact", id)["Title"] == "CFO");
  CHECK(e.Admin("PATCH", "/__emulator/records/Contact/003dW000000000AAAA", R"({"Title":"x"})").status == 404);
  CHECK(e.Admin("PATCH", "/__emulator/records/Contact/" + id, R"({"LastName":null})").status == 400);
  CHECK(e.Admin("PATCH", "/__emulator/records/Contact/" + id, R"({"Bogus":1})").status == 400);
}

TEST_CASE("numbers are stored rounded to their field's scale, half away from zero in decimal, admin writes included") {
  RunningEmulator e;
  // Account.AnnualRevenue is currency(18,0); Opportunity.Amount currency(18,2).
  std::string id =
      ParseJson(e.Admin("POST", "/__emulator/records/Account", R"([{"Name":"Round","AnnualRevenue":1234.5}])").body)["ids"][0];
  CHECK(Record(e, "Account", id)["AnnualRevenue"] == 1235.0);
  CHECK(e.Admin("PATCH", "/__emulator/records/Account/" + id, R"({"AnnualRevenue":-1234.5})").status == 204);
  CHECK(Record(e, "Account", id)["AnnualRevenue"] == -1235.0);
  CHECK(e.Admin("PATCH", "/__emulator/records/Account/" + id, R"({"AnnualRevenue":99.49})").status == 204);
  CHECK(Record(e, "Account", id)["AnnualRevenue"] == 99.0);
  // 12.345 is 12.3449999... as a double: rounded as written, it is 12.35 (not 12.34).
  ClientResponse created = e.Rest("POST", "/services/data/v60.0/sobjects/Opportunity/",
                                  R"({"Name":"O","StageName":"Prospecting","CloseDate":"2024-06-01","ForecastCategoryName":"Pipeline",)"
                                  R"("Amount":12.345})");
  REQUIRE_MESSAGE(created.status == 201, created.body);
  CHECK(Record(e, "Opportunity", ParseJson(created.body)["id"])["Amount"] == 12.35);
  std::string opp = ParseJson(created.body)["id"];
  CHECK(e.Admin("PATCH", "/__emulator/records/Opportunity/" + opp, R"({"Amount":-0.005})").status == 204);
  CHECK(Record(e, "Opportunity", opp)["Amount"] == -0.01);
  CHECK(e.Admin("PATCH", "/__emulator/records/Opportunity/" + opp, R"({"Amount":9.995})").status == 204);
  CHECK(Record(e, "Opportunity", opp)["Amount"] == 10.0);
}

TEST_CASE("DELETE soft-deletes (queryAll only), ?hard=true purges, undelete restores") {
  RunningEmulator e;
  ordered_json inserted = ParseJson(e.Admin("POST", "/__emulator/records/Account", R"([{"Name":"Soft"},{"Name":"Hard"}])").body);
  std::vector<std::string> ids = inserted["ids"];
  e.Admin("POST", "/__emulator/clock", R"({"advance_seconds":5})");
  CHECK(e.Admin("DELETE", "/__emulator/records/Account/" + ids[0]).status == 204);
  ordered_json soft = Record(e, "Account", ids[0], "only");
  CHECK(soft["IsDeleted"] == true);
  CHECK(soft["SystemModstamp"] == "2024-05-01T10:00:05.000+0000");
  CHECK(Record(e, "Account", ids[0], "exclude").is_null());
  CHECK(e.Admin("DELETE", "/__emulator/records/Account/" + ids[0]).status == 404);  // already deleted
  CHECK(e.Admin("DELETE", "/__emulator/records/Account/" + ids[1] + "?hard=true").status == 204);
  CHECK(Record(e, "Account", ids[1], "include").is_null());
  CHECK(ParseJson(e.Query("SELECT Id FROM Account WHERE Id = '" + ids[1] + "'", {}, true).body)["totalSize"] == 0);
  CHECK(e.Admin("POST", "/__emulator/records/Account/" + ids[0] + "/undelete").status == 204);
  CHECK(Record(e, "Account", ids[0], "exclude")["IsDeleted"] == false);
  CHECK(e.Admin("POST", "/__emulator/records/Account/" + ids[0] + "/undelete").status == 400);  // not deleted
  CHECK(e.Admin("DELETE", "/__emulator/records/Account/" + ids[1]).status == 404);  // purged
}

TEST_CASE("GET records lists full records in Id order, filtered by deleted=") {
  RunningEmulator e;
  ordered_json all = ParseJson(e.Admin("GET", "/__emulator/records/Account").body);
  REQUIRE(all.size() == 50);
  CHECK(all[0]["attributes"]["type"] == "Account");
  CHECK(all[0].contains("BillingAddress"));
  CHECK(all[0].contains("Regions__c"));
  for (size_t i = 1; i < all.size(); ++i) CHECK(all[i - 1]["Id"] < all[i]["Id"]);
  e.Admin("DELETE", "/__emulator/records/Account/" + std::string(all[3]["Id"]));
  CHECK(ParseJson(e.Admin("GET", "/__emulator/records/Account?deleted=exclude").body).size() == 49);
  CHECK(ParseJson(e.Admin("GET", "/__emulator/records/Account?deleted=include").body).size() == 50);
  CHECK(ParseJson(e.Admin("GET", "/__emulator/records/Account?deleted=only").body).size() == 1);
  CHECK(e.Admin("GET", "/__emulator/records/Account?deleted=maybe").status == 400);
  CHECK(e.Admin("GET", "/__emulator/records/Widget").status == 404);
  CHECK(ParseJson(e.Admin("GET", "/__emulator/records/User").body).size() == 6);
}

TEST_CASE("the clock can be read and advanced, never moved back") {
  RunningEmulator e;
  CHECK(e.Admin("GET", "/__emulator/clock").body == R"({"now":"2024-05-01T10:00:00.000+0000"})");
  ClientResponse advanced = e.Admin("POST", "/__emulator/clock", R"({"advance_seconds":86400})");
  CHECK(advanced.status == 200);
  CHECK(advanced.body == R"({"now":"2024-05-02T10:00:00.000+0000"})");
  CHECK(e.Admin("POST", "/__emulator/clock", R"({"advance_seconds":-1})").status == 400);
  CHECK(e.Admin("POST", "/__emulator/clock", R"({"later":1})").status == 400);
}

TEST_CASE("stats count API calls, token requests, queries, queryMores and describes") {
  RunningEmulator e;
  e.RestGet("/services/data/v60.0/sobjects");
  e.RestGet("/services/data/v60.0/sobjects/Account/describe");
  e.Query("SELECT Id FROM Account");
  ordered_json stats = ParseJson(e.Admin("GET", "/__emulator/stats").body);
  CHECK(stats == ordered_json::parse(
                     R"({"api_calls":3,"token_requests":1,"query_requests":1,"query_more_requests":0,"describe_requests":2,"faults_injected":0})"));
}

TEST_CASE("unknown admin paths are 404 and wrong methods 405, with a JSON message") {
  RunningEmulator e;
  ClientResponse missing = e.Admin("GET", "/__emulator/nothing");
  CHECK(missing.status == 404);
  CHECK(ParseJson(missing.body).contains("message"));
  CHECK(e.Admin("PUT", "/__emulator/health").status == 405);
}

}  // namespace
}  // namespace sfsync::emulator
