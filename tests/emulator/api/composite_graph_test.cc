// Composite graph over a socket: references between nodes, the recorded answer shape, all or
// nothing per graph, graphs independent of each other, upsert and delete nodes, request-level
// 400s, and the write log's per-node entries.
#include <doctest/doctest.h>

#include "tests/emulator/testing/emulator_fixture.h"

namespace sfsync::emulator {
namespace {

using nlohmann::ordered_json;
using testing::ClientResponse;
using testing::ParseJson;
using testing::RunningEmulator;

const std::string kGraph = "/services/data/v60.0/composite/graph";

ordered_json Graphs(const ClientResponse& r) {
  REQUIRE_MESSAGE(r.status == 200, r.body);
  ordered_json answer = ParseJson(r.body);
  REQUIRE(answer["graphs"].is_array());
  return answer["graphs"];
}

int64_t Count(RunningEmulator& e, const std::string& soql) { return ParseJson(e.Query(soql).body)["totalSize"]; }

TEST_CASE("composite graph: a node reads an earlier node's Id, the answer has the recorded shape") {
  RunningEmulator e;
  ordered_json graphs = Graphs(e.Rest("POST", kGraph, R"({"graphs":[{"graphId":"1","compositeRequest":[
      {"method":"POST","url":"/services/data/v60.0/sobjects/Account","referenceId":"refAcc",
       "body":{"Name":"Graph Co"}},
      {"method":"POST","url":"/services/data/v60.0/sobjects/Contact","referenceId":"refCon",
       "body":{"LastName":"Graph","AccountId":"@{refAcc.id}"}},
      {"method":"PATCH","url":"/services/data/v60.0/sobjects/Account/@{refAcc.id}","referenceId":"refUpd",
       "body":{"Phone":"555-0101"}}]}]})"));
  REQUIRE(graphs.size() == 1);
  ordered_json graph = graphs[0];
  // Key order as composite_graph_response.json.
  std::vector<std::string> keys;
  for (const auto& [key, value] : graph.items()) keys.push_back(key);
  CHECK(keys == std::vector<std::string>{"graphId", "graphResponse", "isSuccessful"});
  CHECK(graph["graphId"] == "1");
  CHECK(graph["isSuccessful"] == true);
  ordered_json nodes = graph["graphResponse"]["compositeResponse"];
  REQUIRE(nodes.size() == 3);
  std::string account = nodes[0]["body"]["id"];
  CHECK(nodes[0]["httpStatusCode"] == 201);
  CHECK(nodes[0]["referenceId"] == "refAcc");
  CHECK(nodes[0]["body"]["success"] == true);
  CHECK(nodes[0]["httpHeaders"]["Location"] == "/services/data/v60.0/sobjects/Account/" + account);
  std::vector<std::string> node_keys;
  for (const auto& [key, value] : nodes[0].items()) node_keys.push_back(key);
  CHECK(node_keys == std::vector<std::string>{"body", "httpHeaders", "httpStatusCode", "referenceId"});
  CHECK(nodes[2]["httpStatusCode"] == 204);
  CHECK(nodes[2]["body"].is_null());
  CHECK(nodes[2]["httpHeaders"] == ordered_json::object());
  ordered_json contact =
      ParseJson(e.Query("SELECT AccountId, Account.Phone FROM Contact WHERE LastName = 'Graph'").body)["records"][0];
  CHECK(contact["AccountId"] == account);
  CHECK(contact["Account"]["Phone"] == "555-0101");

  // The write log has one entry per node, via the graph.
  ordered_json writes = ParseJson(e.Admin("GET", "/__emulator/writes").body);
  REQUIRE(writes.size() == 3);
  CHECK(writes[1]["path"] == "/services/data/v60.0/sobjects/Contact");
  CHECK(writes[1]["via"] == kGraph);
  CHECK(writes[1]["records"][0]["AccountId"] == account);  // as resolved
  CHECK(writes[2]["path"] == "/services/data/v60.0/sobjects/Account/" + account);
  CHECK(writes[2]["status"] == 204);
}

TEST_CASE("composite graph: one failing node rolls its graph back, other graphs commit") {
  RunningEmulator e;
  ordered_json graphs = Graphs(e.Rest("POST", kGraph, R"({"graphs":[
      {"graphId":"bad","compositeRequest":[
        {"method":"POST","url":"/services/data/v60.0/sobjects/Account","referenceId":"a","body":{"Name":"Rolled back"}},
        {"method":"POST","url":"/services/data/v60.0/sobjects/Contact","referenceId":"c","body":{"FirstName":"No last"}},
        {"method":"POST","url":"/services/data/v60.0/sobjects/Contact","referenceId":"d","body":{"LastName":"After"}}]},
      {"graphId":"good","compositeRequest":[
        {"method":"POST","url":"/services/data/v60.0/sobjects/Account","referenceId":"a","body":{"Name":"Kept"}}]}]})"));
  REQUIRE(graphs.size() == 2);
  CHECK(graphs[0]["isSuccessful"] == false);
  ordered_json nodes = graphs[0]["graphResponse"]["compositeResponse"];
  REQUIRE(nodes.size() == 3);
  const ordered_json halted = ordered_json::parse(
      R"([{"errorCode":"PROCESSING_HALTED","message":"The transaction was rolled back since another operation in the same transaction failed."}])");
  CHECK(nodes[0]["httpStatusCode"] == 400);
  CHECK(nodes[0]["body"] == halted);
  CHECK(nodes[0]["httpHeaders"] == ordered_json::object());
  CHECK(nodes[1]["httpStatusCode"] == 400);
  CHECK(nodes[1]["body"][0]["errorCode"] == "REQUIRED_FIELD_MISSING");
  CHECK(nodes[1]["body"][0]["fields"] == ordered_json::array({"LastName"}));
  CHECK(nodes[2]["body"] == halted);
  CHECK(Count(e, "SELECT COUNT() FROM Account WHERE Name = 'Rolled back'") == 0);
  CHECK(Count(e, "SELECT COUNT() FROM Contact WHERE LastName = 'After'") == 0);
  CHECK(graphs[1]["isSuccessful"] == true);
  CHECK(Count(e, "SELECT COUNT() FROM Account WHERE Name = 'Kept'") == 1);
}

TEST_CASE("composite graph: upsert by external id, delete, validation rules and a reference to nothing") {
  RunningEmulator e;
  REQUIRE(e.Admin("POST", "/__emulator/rules/Account",
                  R"({"name":"NoNeg","field":"AnnualRevenue","condition":"<","value":0,"message":"No negatives"})")
              .status == 201);
  ordered_json graphs = Graphs(e.Rest("POST", kGraph, R"({"graphs":[
      {"graphId":"up","compositeRequest":[
        {"method":"PATCH","url":"/services/data/v60.0/sobjects/Account/Sfsync_Key__c/k-1","referenceId":"u1",
         "body":{"Name":"Upserted"}},
        {"method":"PATCH","url":"/services/data/v60.0/sobjects/Account/Sfsync_Key__c/k-1","referenceId":"u2",
         "body":{"Name":"Upserted again"}},
        {"method":"DELETE","url":"/services/data/v60.0/sobjects/Account/@{u1.id}","referenceId":"del"}]},
      {"graphId":"rule","compositeRequest":[
        {"method":"POST","url":"/services/data/v60.0/sobjects/Account","referenceId":"neg",
         "body":{"Name":"Neg","AnnualRevenue":-1}}]},
      {"graphId":"ref","compositeRequest":[
        {"method":"POST","url":"/services/data/v60.0/sobjects/Contact","referenceId":"c",
         "body":{"LastName":"X","AccountId":"@{nobody.id}"}}]}]})"));
  ordered_json up = graphs[0]["graphResponse"]["compositeResponse"];
  CHECK(graphs[0]["isSuccessful"] == true);
  CHECK(up[0]["httpStatusCode"] == 201);
  CHECK(up[0]["body"]["created"] == true);
  CHECK(up[1]["httpStatusCode"] == 200);
  CHECK(up[1]["body"]["created"] == false);
  CHECK(up[1]["body"]["id"] == up[0]["body"]["id"]);
  CHECK(up[2]["httpStatusCode"] == 204);
  CHECK(Count(e, "SELECT COUNT() FROM Account WHERE Sfsync_Key__c = 'k-1'") == 0);

  ordered_json rule = graphs[1]["graphResponse"]["compositeResponse"][0];
  CHECK(graphs[1]["isSuccessful"] == false);
  CHECK(rule["body"][0]["errorCode"] == "FIELD_CUSTOM_VALIDATION_EXCEPTION");
  CHECK(rule["body"][0]["message"] == "No negatives");

  ordered_json ref = graphs[2]["graphResponse"]["compositeResponse"][0];
  CHECK(ref["httpStatusCode"] == 400);
  CHECK(ref["body"][0]["errorCode"] == "PROCESSING_HALTED");
  CHECK(ref["body"][0]["message"] == "Invalid reference specified. No value for nobody.id found in nobody.");
}

TEST_CASE("composite graph: malformed requests are a 400, before v50 a 404") {
  RunningEmulator e;
  auto status = [&](const std::string& body, const std::string& target = kGraph) {
    return e.Rest("POST", target, body).status;
  };
  CHECK(status("not json") == 400);
  CHECK(status(R"({"graphs":[]})") == 400);
  CHECK(status(R"({"graphs":[{"graphId":"1"}]})") == 400);
  CHECK(status(R"({"graphs":[{"graphId":"1","compositeRequest":[{"method":"POST","url":"/x"}]}]})") == 400);
  const std::string node = R"({"method":"POST","url":"/services/data/v60.0/sobjects/Account","referenceId":"a","body":{"Name":"n"}})";
  CHECK(status(R"({"graphs":[{"graphId":"1","compositeRequest":[)" + node + "," + node + "]}]}") == 400);
  std::string many;
  for (int i = 0; i < 501; ++i) {
    many += std::string(i ? "," : "") + R"({"method":"POST","url":"/services/data/v60.0/sobjects/Account","referenceId":"r)" +
            std::to_string(i) + R"(","body":{"Name":"n"}})";
  }
  CHECK(status(R"({"graphs":[{"graphId":"1","compositeRequest":[)" + many + "]}]}") == 400);
  CHECK(Count(e, "SELECT COUNT() FROM Account WHERE Name = 'n'") == 0);
  CHECK(status(R"({"graphs":[{"graphId":"1","compositeRequest":[)" + node + "]}]}",
               "/services/data/v49.0/composite/graph") == 404);
}

}  // namespace
}  // namespace sfsync::emulator
