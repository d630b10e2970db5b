// The write faults over real sockets: unable_to_lock_row (every record of the write fails,
// nothing saved) and lost_answer (the write commits, the answer never comes). Faulted writes go
// out on a fresh client so the test client's reconnect-and-retry cannot resend them.
#include <doctest/doctest.h>

#include "tests/emulator/testing/emulator_fixture.h"

namespace sfsync::emulator {
namespace {

using nlohmann::ordered_json;
using testing::ClientResponse;
using testing::HttpClient;
using testing::ParseJson;
using testing::RunningEmulator;
using testing::SmallOrgConfig;

const std::string kRows = "/services/data/v60.0/sobjects/";
const std::string kCollections = "/services/data/v60.0/composite/sobjects";

ClientResponse FreshSend(RunningEmulator& e, const std::string& method, const std::string& target,
                         const std::string& body) {
  if (e.token().empty()) e.FetchToken();
  HttpClient client("127.0.0.1", e.port());
  return client.Send(method, target,
                     {{"Authorization", "Bearer " + e.token()}, {"Content-Type", "application/json"}}, body);
}

void AddFault(RunningEmulator& e, const std::string& spec) {
  ClientResponse r = e.Admin("POST", "/__emulator/faults", R"({"spec":")" + spec + R"("})");
  REQUIRE_MESSAGE(r.status == 201, r.body);
}

std::string FirstId(RunningEmulator& e, const std::string& object) {
  return ParseJson(e.Query("SELECT Id FROM " + object + " ORDER BY Id LIMIT 1").body)["records"][0]["Id"];
}

ordered_json LastWrite(RunningEmulator& e) {
  ordered_json writes = ParseJson(e.Admin("GET", "/__emulator/writes").body);
  REQUIRE_FALSE(writes.empty());
  return writes.back();
}

TEST_CASE("fault unable_to_lock_row: a single-record update fails 400 UNABLE_TO_LOCK_ROW and saves nothing") {
  RunningEmulator e;
  AddFault(e, "unable_to_lock_row:method=PATCH,nth=1");
  std::string id = FirstId(e, "Account");  // a GET: not counted by the rule
  ClientResponse locked = FreshSend(e, "PATCH", kRows + "Account/" + id, R"({"Phone":"555-0199"})");
  CHECK(locked.status == 400);
  CHECK(ParseJson(locked.body) ==
        ordered_json::parse(R"([{"message":"unable to obtain exclusive access to this record or 1 records: )" + id +
                            R"(","errorCode":"UNABLE_TO_LOCK_ROW","fields":[]}])"));
  CHECK(locked.headers.Get("Sforce-Limit-Info").has_value());
  ordered_json stored = ParseJson(e.RestGet(kRows + "Account/" + id + "?fields=Phone").body);
  CHECK(stored["Phone"] != "555-0199");
  ordered_json logged = LastWrite(e);
  CHECK(logged["fault"] == "unable_to_lock_row");
  CHECK(logged["status"] == 400);
  CHECK(logged["ids"] == ordered_json::array({id}));
  CHECK(logged["records"] == ordered_json::parse(R"([{"Phone":"555-0199"}])"));
  // The retry goes through.
  CHECK(FreshSend(e, "PATCH", kRows + "Account/" + id, R"({"Phone":"555-0199"})").status == 204);
  ordered_json faults = ParseJson(e.Admin("GET", "/__emulator/faults").body)["faults"];
  CHECK(faults[0]["matched"] == 2);
  CHECK(faults[0]["fired"] == 1);
}

TEST_CASE("fault unable_to_lock_row: Collections answer 200 with every record failed, upsert with created false") {
  RunningEmulator e;
  AddFault(e, "unable_to_lock_row:path=/services/data/*/composite/sobjects*,times=2");
  std::string account = FirstId(e, "Account");
  ClientResponse created = FreshSend(e, "POST", kCollections, R"({"records":[
      {"attributes":{"type":"Contact"},"LastName":"Locked","AccountId":")" + account + R"("},
      {"attributes":{"type":"Account"},"Name":"Locked too"}]})");
  REQUIRE(created.status == 200);
  ordered_json results = ParseJson(created.body);
  REQUIRE(results.size() == 2);
  CHECK(results[0] == ordered_json::parse(R"({"success":false,"errors":[{"statusCode":"UNABLE_TO_LOCK_ROW",)"
                                          R"("message":"unable to obtain exclusive access to this record or 1 )"
                                          R"(records: )" + account + R"(","fields":[]}]})"));
  CHECK(results[1]["errors"][0]["message"] == "unable to obtain exclusive access to this record");
  CHECK(ParseJson(e.Query("SELECT COUNT() FROM Contact WHERE LastName = 'Locked'").body)["totalSize"] == 0);

  ClientResponse upserted = FreshSend(e, "PATCH", kCollections + "/Account/Id", R"({"records":[
      {"attributes":{"type":"Account"},"Id":")" + account + R"(","Name":"Renamed"}]})");
  REQUIRE(upserted.status == 200);
  ordered_json upsert = ParseJson(upserted.body);
  CHECK(upsert[0]["created"] == false);
  CHECK(upsert[0]["errors"][0]["statusCode"] == "UNABLE_TO_LOCK_ROW");
  // times=2: the third write is served.
  ClientResponse served = FreshSend(e, "PATCH", kCollections + "/Account/Id", R"({"records":[
      {"attributes":{"type":"Account"},"Id":")" + account + R"(","Name":"Renamed"}]})");
  CHECK(ParseJson(served.body)[0]["success"] == true);
}

TEST_CASE("fault unable_to_lock_row: a composite graph fails at its first node and saves nothing") {
  RunningEmulator e;
  AddFault(e, "unable_to_lock_row:path=/services/data/*/composite/graph,nth=1");
  const std::string graph = R"({"graphs":[{"graphId":"g","compositeRequest":[
      {"method":"POST","url":"/services/data/v60.0/sobjects/Account","referenceId":"a","body":{"Name":"Locked graph"}},
      {"method":"POST","url":"/services/data/v60.0/sobjects/Contact","referenceId":"c",
       "body":{"LastName":"Locked","AccountId":"@{a.id}"}}]}]})";
  ClientResponse locked = FreshSend(e, "POST", "/services/data/v60.0/composite/graph", graph);
  REQUIRE(locked.status == 200);
  ordered_json answer = ParseJson(locked.body)["graphs"][0];
  CHECK(answer["isSuccessful"] == false);
  ordered_json nodes = answer["graphResponse"]["compositeResponse"];
  CHECK(nodes[0]["body"][0]["errorCode"] == "UNABLE_TO_LOCK_ROW");
  CHECK(nodes[0]["httpStatusCode"] == 400);
  CHECK(nodes[1]["body"][0]["errorCode"] == "PROCESSING_HALTED");
  CHECK(ParseJson(e.Query("SELECT COUNT() FROM Account WHERE Name = 'Locked graph'").body)["totalSize"] == 0);
  CHECK(LastWrite(e)["fault"] == "unable_to_lock_row");
  ordered_json retried = ParseJson(FreshSend(e, "POST", "/services/data/v60.0/composite/graph", graph).body);
  CHECK(retried["graphs"][0]["isSuccessful"] == true);
}

TEST_CASE("fault lost_answer: the write is committed, the connection is reset before any answer") {
  EmulatorConfig config = SmallOrgConfig();
  config.faults = {"lost_answer:method=POST,path=/services/data/*/sobjects/*,nth=1"};
  RunningEmulator e(config);
  ClientResponse lost = FreshSend(e, "POST", kRows + "Account", R"({"Name":"Lost but saved"})");
  CHECK_FALSE(lost.ok);
  CHECK(lost.status == 0);
  ordered_json saved = ParseJson(e.Query("SELECT Id FROM Account WHERE Name = 'Lost but saved'").body);
  REQUIRE(saved["totalSize"] == 1);
  ordered_json logged = LastWrite(e);
  CHECK(logged["status"] == 201);
  CHECK(logged["ids"][0] == saved["records"][0]["Id"]);
  CHECK_FALSE(logged.contains("fault"));
  // The next write is answered.
  CHECK(FreshSend(e, "POST", kRows + "Account", R"({"Name":"Answered"})").status == 201);
}

}  // namespace
}  // namespace sfsync::emulator
