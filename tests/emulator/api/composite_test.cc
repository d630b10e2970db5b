// Composite over a socket: sub-answers equal to the separate calls', the recorded answer shape, a
// 304 describe inside, references between subrequests, allOrNone halting, the limits, and one API
// call for the whole request.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "tests/emulator/testing/emulator_fixture.h"

namespace sfsync::emulator {
namespace {

using nlohmann::ordered_json;
using testing::ClientResponse;
using testing::ParseJson;
using testing::RunningEmulator;

const std::string kComposite = "/services/data/v60.0/composite";

ordered_json Answers(const ClientResponse& r) {
  REQUIRE_MESSAGE(r.status == 200, r.body);
  ordered_json answer = ParseJson(r.body);
  REQUIRE(answer["compositeResponse"].is_array());
  return answer["compositeResponse"];
}

int64_t Used(const ClientResponse& r) {
  std::string_view header = *r.headers.Get("Sforce-Limit-Info");  // api-usage=N/M
  return std::stoll(std::string(header.substr(10, header.find('/') - 10)));
}

TEST_CASE("composite: a describe and a query answer as the separate calls do, and count as one API call") {
  RunningEmulator e;
  const ClientResponse describe = e.RestGet("/services/data/v60.0/sobjects/Account/describe");
  const ClientResponse query = e.Query("SELECT Id, Name FROM Account ORDER BY Id LIMIT 3");
  const ClientResponse call = e.Rest("POST", kComposite, R"({"compositeRequest":[
      {"method":"GET","url":"/services/data/v60.0/sobjects/Account/describe","referenceId":"d"},
      {"method":"GET","url":"/services/data/v60.0/query?q=SELECT+Id%2C+Name+FROM+Account+ORDER+BY+Id+LIMIT+3",
       "referenceId":"q"}]})");
  ordered_json answers = Answers(call);
  REQUIRE(answers.size() == 2);
  CHECK(answers[0]["referenceId"] == "d");
  CHECK(answers[0]["httpStatusCode"] == 200);
  CHECK(answers[0]["body"] == ParseJson(describe.body));
  CHECK(answers[0]["httpHeaders"].contains("Last-Modified"));
  CHECK(answers[1]["httpStatusCode"] == 200);
  CHECK(answers[1]["body"] == ParseJson(query.body));
  CHECK(Used(call) == Used(query) + 1);  // two subrequests, one call

  // If-Modified-Since inside: 304 and a null body, as on its own.
  const std::string modified = std::string(*describe.headers.Get("Last-Modified"));
  ordered_json unchanged = Answers(e.Rest("POST", kComposite, R"({"compositeRequest":[
      {"method":"GET","url":"/services/data/v60.0/sobjects/Account/describe","referenceId":"d",
       "httpHeaders":{"If-Modified-Since":")" + modified + R"("}}]})"));
  CHECK(unchanged[0]["httpStatusCode"] == 304);
  CHECK(unchanged[0]["body"].is_null());
}

TEST_CASE("composite: the recorded upsert-and-create request gets the recorded answer shape, references resolved") {
  RunningEmulator e;
  std::ifstream in(std::string(SFSYNC_FIXTURES_DIR) + "/composite_upsert_and_create_request.json");
  std::stringstream text;
  text << in.rdbuf();
  ordered_json request = ParseJson(text.str());
  // The recorded request names an external id field of the recording org; upsert by Id-less create here.
  for (ordered_json& sub : request["compositeRequest"]) {
    std::string url = sub["url"];
    if (url.find("/sobjects/Account/") != std::string::npos) {
      sub["method"] = "POST";
      sub["url"] = "/services/data/v60.0/sobjects/Account";
      sub["body"].erase("ExternalAcctId__c");
    }
  }
  ordered_json answers = Answers(e.Rest("POST", kComposite, request.dump()));
  REQUIRE(answers.size() == 2);
  for (const ordered_json& a : answers) {
    CHECK(a["httpStatusCode"] == 201);
    CHECK(a["body"]["success"] == true);
    CHECK(a["httpHeaders"]["Location"].get<std::string>().find("/sobjects/") != std::string::npos);
  }
  const std::string account = answers[0]["body"]["id"];
  const std::string contact = answers[1]["body"]["id"];
  ordered_json row = ParseJson(e.RestGet("/services/data/v60.0/sobjects/Contact/" + contact).body);
  CHECK(row["AccountId"] == account);  // @{NewAccount.id} was resolved
}

TEST_CASE("composite: a reference to a failed subrequest halts it, allOrNone halts the rest, limits refuse the call") {
  RunningEmulator e;
  ordered_json independent = Answers(e.Rest("POST", kComposite, R"({"compositeRequest":[
      {"method":"GET","url":"/services/data/v60.0/query?q=SELECT+Nope+FROM+Account","referenceId":"bad"},
      {"method":"GET","url":"/services/data/v60.0/sobjects/Account/@{bad.records[0].Id}","referenceId":"dep"},
      {"method":"GET","url":"/services/data/v60.0/query?q=SELECT+Id+FROM+Account+LIMIT+1","referenceId":"ok"},
      {"method":"GET","url":"/services/data/v60.0/sobjects/Account/@{ok.records[0].Id}","referenceId":"row"}]})"));
  CHECK(independent[0]["httpStatusCode"] == 400);
  CHECK(independent[0]["body"][0]["errorCode"] == "INVALID_FIELD");
  CHECK(independent[1]["httpStatusCode"] == 400);
  CHECK(independent[1]["body"][0]["errorCode"] == "PROCESSING_HALTED");
  CHECK(independent[2]["httpStatusCode"] == 200);
  CHECK(independent[3]["httpStatusCode"] == 200);
  CHECK(independent[3]["body"]["Id"] == independent[2]["body"]["records"][0]["Id"]);

  ordered_json halted = Answers(e.Rest("POST", kComposite, R"({"allOrNone":true,"compositeRequest":[
      {"method":"GET","url":"/services/data/v60.0/query?q=SELECT+Nope+FROM+Account","referenceId":"bad"},
      {"method":"GET","url":"/services/data/v60.0/query?q=SELECT+Id+FROM+Account+LIMIT+1","referenceId":"ok"}]})"));
  CHECK(halted[1]["httpStatusCode"] == 400);
  CHECK(halted[1]["body"][0]["errorCode"] == "PROCESSING_HALTED");

  std::string many = R"({"compositeRequest":[)";
  for (int i = 0; i < 26; ++i) {
    many += std::string(i ? "," : "") + R"({"method":"GET","url":"/services/data/v60.0/limits","referenceId":"r)" +
            std::to_string(i) + "\"}";
  }
  const ClientResponse too_many = e.Rest("POST", kComposite, many + "]}");
  CHECK(too_many.status == 400);
  CHECK(ParseJson(too_many.body)[0]["errorCode"] == "LIMIT_EXCEEDED");
  std::string six = R"({"compositeRequest":[)";
  for (int i = 0; i < 6; ++i) {
    six += std::string(i ? "," : "") +
           R"({"method":"GET","url":"/services/data/v60.0/query?q=SELECT+Id+FROM+Account","referenceId":"q)" +
           std::to_string(i) + "\"}";
  }
  CHECK(e.Rest("POST", kComposite, six + "]}").status == 400);
  CHECK(e.Rest("POST", kComposite, R"({"compositeRequest":[]})").status == 400);
  CHECK(e.Rest("POST", kComposite, R"({"compositeRequest":[{"method":"GET","url":"/x","referenceId":"a"}]})").status ==
        400);
  CHECK(e.Rest("POST", kComposite, R"({"compositeRequest":[
      {"method":"GET","url":"/services/data/v60.0/limits","referenceId":"a"},
      {"method":"GET","url":"/services/data/v60.0/limits","referenceId":"a"}]})").status == 400);
}

}  // namespace
}  // namespace sfsync::emulator
