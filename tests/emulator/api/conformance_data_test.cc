// Conformance of the stage 2 data features with the recorded Salesforce responses: writes,
// Collections results, Bulk job JSON and CSV, getUpdated/getDeleted, aggregate and sub-query
// results. Where the recording's request can be replayed, the whole body must match; elsewhere
// the keys, key order, value types, encodings and status codes.
#include <doctest/doctest.h>

#include <regex>

#include "tests/emulator/testing/emulator_fixture.h"
#include "tests/emulator/testing/fixtures.h"

namespace sfsync::emulator {
namespace {

using nlohmann::ordered_json;
using testing::ClientResponse;
using testing::Fixture;
using testing::FixtureText;
using testing::Keys;
using testing::ParseJson;
using testing::RunningEmulator;
using testing::SameShape;
using testing::SmallOrgConfig;

const std::string kData = "/services/data/v60.0";
const std::regex kId18(R"([0-9A-Za-z]{18})");
const std::regex kDateTime(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000\+0000)");
const std::regex kMinute(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00\.000\+0000)");

TEST_CASE("sObject writes: create, update, delete and upsert bodies and statuses as recorded") {
  EmulatorConfig config = SmallOrgConfig();
  config.rows["Invoice__c"] = 0;
  RunningEmulator e(config);
  ClientResponse created = e.Rest("POST", kData + "/sobjects/Account/", FixtureText("sobject_create_request.json"));
  CHECK(created.status == 201);
  ordered_json body = ParseJson(created.body);
  SameShape(body, Fixture("sobject_create_201.json"));
  CHECK(std::regex_match(std::string(body["id"]), kId18));
  CHECK(created.headers.Get("Content-Type") == std::optional<std::string_view>("application/json;charset=UTF-8"));

  ClientResponse updated = e.Rest("PATCH", kData + "/sobjects/Account/" + std::string(body["id"]),
                                  R"({"Name":"Updated Test Account Name","Industry":"Technology"})");
  CHECK(updated.status == 204);
  CHECK(updated.body == FixtureText("sobject_update_204.txt"));
  CHECK_FALSE(updated.headers.Has("Content-Type"));
  ClientResponse deleted = e.Rest("DELETE", kData + "/sobjects/Account/" + std::string(body["id"]));
  CHECK(deleted.status == 204);
  CHECK(deleted.body == FixtureText("sobject_delete_204.txt"));

  ClientResponse upsert_created =
      e.Rest("PATCH", kData + "/sobjects/Invoice__c/InvoiceNumber__c/N-1", R"({"Name":"n"})");
  CHECK(upsert_created.status == 201);
  SameShape(ParseJson(upsert_created.body), Fixture("upsert_external_id_201_created.json"));
  CHECK(upsert_created.headers.Has("Location"));
  ClientResponse upsert_updated =
      e.Rest("PATCH", kData + "/sobjects/Invoice__c/InvoiceNumber__c/N-1", R"({"Name":"m"})");
  CHECK(upsert_updated.status == 200);
  SameShape(ParseJson(upsert_updated.body), Fixture("upsert_external_id_200_updated.json"));
  CHECK(ParseJson(upsert_updated.body)["created"] == Fixture("upsert_external_id_200_updated.json")["created"]);
  ClientResponse legacy =
      e.Rest("PATCH", "/services/data/v45.0/sobjects/Invoice__c/InvoiceNumber__c/N-1", R"({"Name":"o"})");
  CHECK(legacy.status == 204);
  CHECK(legacy.body == FixtureText("upsert_external_id_updated_empty_legacy.txt"));
  e.Admin("POST", "/__emulator/records/Contact",
          R"([{"LastName":"a","Email":"same@example.com"},{"LastName":"b","Email":"same@example.com"}])");
  ClientResponse several = e.Rest("PATCH", kData + "/sobjects/Contact/Email/same%40example.com", R"({"Title":"x"})");
  CHECK(several.status == 300);
  SameShape(ParseJson(several.body), Fixture("upsert_external_id_300_multiple_choices.json"));
}

TEST_CASE("single-record errors: the recorded bodies, byte for byte where the request replays") {
  RunningEmulator e;
  CHECK(e.Rest("POST", kData + "/sobjects/Account", R"({"Name":"x","AccountNumer":"1"})").body ==
        "[" + ParseJson(FixtureText("error_invalid_field_on_write.json"))[0].dump() + "]");
  CHECK(ParseJson(e.Rest("POST", kData + "/sobjects/Contact", R"({"LastName":"x","Email":"not an email"})").body) ==
        Fixture("error_invalid_email_with_fields.json"));
  CHECK(e.Rest("PATCH", kData + "/sobjects/Account/Namez/x", R"({"Phone":"1"})").body ==
        FixtureText("error_external_id_field_not_found.json"));
  ordered_json required = ParseJson(e.Rest("POST", kData + "/sobjects/Account", R"({"Phone":"1"})").body);
  CHECK(required == Fixture("error_required_field_missing.json"));  // Name is Account's required field
  ordered_json read_only = ParseJson(
      e.Rest("POST", kData + "/sobjects/Account", R"({"Name":"x","CreatedDate":"2024-01-01T00:00:00Z"})").body);
  SameShape(read_only, Fixture("error_invalid_field_for_insert_update.json"));
  std::string recorded_message = Fixture("error_invalid_field_for_insert_update.json")[0]["message"];
  std::string ours = read_only[0]["message"];
  CHECK(ours.substr(ours.find(". ")) == recorded_message.substr(recorded_message.find(". ")));
  std::string id = ParseJson(e.Admin("POST", "/__emulator/records/Account", R"([{"Name":"d"}])").body)["ids"][0];
  e.Rest("DELETE", kData + "/sobjects/Account/" + id);
  ClientResponse again = e.Rest("DELETE", kData + "/sobjects/Account/" + id);
  CHECK(again.status == 404);
  CHECK(ParseJson(again.body) == Fixture("error_entity_is_deleted.json"));
  CHECK(ParseJson(e.Rest("GET", kData + "/sobjects/Account/" + id).body)[0]["errorCode"] == "ENTITY_IS_DELETED");
}

TEST_CASE("Collections: the recorded results of the recorded requests") {
  RunningEmulator e;
  const std::string url = kData + "/composite/sobjects";
  SameShape(ParseJson(e.Rest("POST", url, FixtureText("composite_sobjects_create_request.json")).body),
            Fixture("composite_sobjects_create_response.json"));
  SameShape(ParseJson(e.Rest("POST", url, FixtureText("composite_sobjects_create_request_contacts.json")).body),
            Fixture("composite_sobjects_create_response_contacts.json"));
  SameShape(ParseJson(e.Rest("POST", url, FixtureText("composite_sobjects_create_request_mixed_types.json")).body),
            Fixture("composite_sobjects_create_response_mixed_types.json"));
  CHECK(ParseJson(e.Rest("POST", url, R"({"allOrNone":true,"records":[{"attributes":{"type":"Contact"},"FirstName":"x"},
                                          {"attributes":{"type":"Contact"},"LastName":"y"}]})")
                      .body) == Fixture("composite_sobjects_create_allOrNone_rollback.json"));
  ordered_json empty = ParseJson(e.Rest("POST", url, R"({"allOrNone":false,"records":[]})").body);
  CHECK(empty == Fixture("error_composite_sobjects_empty_records.json"));

  std::string contact =
      ParseJson(e.Admin("POST", "/__emulator/records/Contact", R"([{"LastName":"u"}])").body)["ids"][0];
  CHECK(ParseJson(e.Rest("PATCH", url, R"({"records":[{"attributes":{"type":"Contact"},"Title":"a"},
                                           {"attributes":{"type":"Contact"},"Title":"b"}]})")
                      .body) == Fixture("composite_sobjects_update_missing_ids.json"));
  CHECK(ParseJson(e.Rest("PATCH", url,
                         R"({"allOrNone":true,"records":[
          {"attributes":{"type":"Contact"},"id":")" +
                             contact + R"(","Title":"a"},
          {"attributes":{"type":"Contact"},"id":")" +
                             contact + R"(","unknownField_LastName":"b"}]})")
                      .body) == Fixture("composite_sobjects_update_allOrNone_rollback.json"));
  std::string request = FixtureText("composite_sobjects_update_request.json");  // an Id that does not exist
  CHECK(ParseJson(e.Rest("PATCH", url, request).body) == Fixture("composite_sobjects_update_response_error.json"));

  ordered_json upserted = ParseJson(
      e.Rest(
           "PATCH", url + "/Invoice__c/InvoiceNumber__c",
           R"({"allOrNone":false,"records":[{"attributes":{"type":"Invoice__c"},"Name":"One","InvoiceNumber__c":"AAA"}]})")
          .body);
  SameShape(upserted, Fixture("composite_sobjects_upsert_response.json"));
  CHECK(ParseJson(
            e.Rest("PATCH", url + "/Account/Id", FixtureText("composite_sobjects_upsert_request_idfield.json")).body) ==
        Fixture("composite_sobjects_upsert_response_json_parser_error.json"));
  std::vector<std::string> ids =
      ParseJson(e.Admin("POST", "/__emulator/records/Account", R"([{"Name":"a"},{"Name":"b"}])").body)["ids"];
  SameShape(ParseJson(e.Rest("DELETE", url + "?ids=" + ids[0] + "," + ids[1] + "&allOrNone=false").body),
            Fixture("composite_delete_response.json"));
}

TEST_CASE("Bulk 2.0: job JSON keys and types, errors errorCode-first, CSV as in the guide") {
  RunningEmulator e;
  ClientResponse created =
      e.Rest("POST", kData + "/jobs/query", R"({"operation":"query","query":"SELECT Id, Name FROM Account"})");
  ordered_json job = ParseJson(created.body);
  SameShape(job, Fixture("bulk2_job_create.json"));
  CHECK(job["apiVersion"].is_number_float());
  CHECK(std::regex_match(std::string(job["createdDate"]), kDateTime));
  ordered_json all = ParseJson(
      e.Rest("POST", kData + "/jobs/query", R"({"operation":"queryAll","query":"SELECT Id FROM Account"})").body);
  SameShape(all, Fixture("bulk2_job_status_queryAll_upload_complete.json"));
  std::string id = job["id"];
  e.Rest("GET", kData + "/jobs/query/" + id);
  ordered_json done = ParseJson(e.Rest("GET", kData + "/jobs/query/" + id).body);
  SameShape(done, Fixture("bulk2_query_job_status_complete_docs.json"));
  ordered_json in_progress = ParseJson(e.Rest("GET", kData + "/jobs/query/" + std::string(all["id"])).body);
  CHECK(in_progress["state"] == Fixture("bulk2_job_status_in_progress.json")["state"]);
  CHECK(Keys(ParseJson(
            e.Rest("POST", kData + "/jobs/query", R"({"operation":"query","query":"SELECT COUNT() FROM Account"})")
                .body)[0]) == Keys(Fixture("error_bulk2_invalidentity.json")[0]));

  // The result's header and lines look like the guide's: every value quoted, LF endings.
  std::string csv = e.Rest("GET", kData + "/jobs/query/" + id + "/results").body;
  std::string recorded = FixtureText("bulk2_results.csv");
  CHECK(csv.substr(0, csv.find('\n')) == recorded.substr(0, recorded.find('\n')));
  std::regex line(R"("[0-9A-Za-z]{18}","[^"]*(""[^"]*)*")");
  std::string second = csv.substr(csv.find('\n') + 1);
  CHECK(std::regex_match(second.substr(0, second.find('\n')), line));
  std::string recorded_second = recorded.substr(recorded.find('\n') + 1);
  CHECK(std::regex_match(recorded_second.substr(0, recorded_second.find('\n')), line));
}

TEST_CASE("getUpdated and getDeleted: the recorded keys, minute-truncated boundaries") {
  RunningEmulator e;
  std::string id = ParseJson(
      e.Admin("POST", "/__emulator/records/Account", R"([{"Name":"x","SystemModstamp":"2024-05-01T09:30:07Z"}])")
          .body)["ids"][0];
  e.Admin("POST", "/__emulator/clock", R"({"advance_seconds":61})");
  e.Admin("DELETE", "/__emulator/records/Account/" + id);
  e.Admin("POST", "/__emulator/clock", R"({"advance_seconds":120})");
  std::string window = "?start=2024-05-01T09%3A00%3A00%2B00%3A00&end=2024-05-01T11%3A00%3A00%2B00%3A00";
  ordered_json updated = ParseJson(e.Rest("GET", kData + "/sobjects/Contact/updated/" + window).body);
  CHECK(Keys(updated) == Keys(Fixture("getupdated.json")));
  CHECK(std::regex_match(std::string(updated["latestDateCovered"]), kMinute));
  ordered_json deleted = ParseJson(e.Rest("GET", kData + "/sobjects/Account/deleted/" + window).body);
  SameShape(deleted, Fixture("getdeleted.json"));
  CHECK(std::regex_match(std::string(deleted["earliestDateAvailable"]), kMinute));
  CHECK(std::regex_match(std::string(deleted["latestDateCovered"]), kMinute));
  CHECK(std::regex_match(std::string(deleted["deletedRecords"][0]["deletedDate"]), kDateTime));
}

TEST_CASE("aggregate and sub-query results have the recorded shapes") {
  RunningEmulator e;
  ordered_json recorded = Fixture("query_aggregate_result.json");
  ordered_json ours = ParseJson(e.Query("SELECT AccountId, CloseDate, StageName, COUNT(Id) MyCount FROM Opportunity "
                                        "GROUP BY AccountId, CloseDate, StageName")
                                    .body);
  CHECK(Keys(ours) == Keys(recorded));
  const ordered_json& group = ours["records"][0];
  CHECK(Keys(group["attributes"]) == Keys(recorded["records"][0]["attributes"]));
  CHECK(group["attributes"]["type"] == "AggregateResult");
  CHECK(group.size() == recorded["records"][0].size());
  CHECK(group["MyCount"].is_number_integer());
  CHECK(std::regex_match(std::string(group["CloseDate"]), std::regex(R"(\d{4}-\d{2}-\d{2})")));
  ordered_json unnamed = ParseJson(e.Query("SELECT AccountId, COUNT(Id) FROM Opportunity GROUP BY AccountId").body);
  std::vector<std::string> recorded_keys = Keys(Fixture("query_aggregate_mixed_number_types.json")["records"][0]);
  CHECK(recorded_keys == std::vector<std::string>{"attributes", "CampaignId", "expr0"});
  CHECK(Keys(unnamed["records"][0]) == std::vector<std::string>{"attributes", "AccountId", "expr0"});

  ordered_json child_fixture = Fixture("query_child_subquery_restforce_edited.json")["records"][0]["Whizbangs__r"];
  ordered_json parents = ParseJson(e.Query("SELECT Name, (SELECT Name FROM Contacts) FROM Account").body)["records"];
  bool nested = false;
  for (const ordered_json& parent : parents) {
    if (parent["Contacts"].is_null()) continue;
    nested = true;
    SameShape(parent["Contacts"], child_fixture);
  }
  CHECK(nested);
}

}  // namespace
}  // namespace sfsync::emulator
