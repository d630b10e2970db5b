// Collections write calls against the scripted transport: bodies as Salesforce documents them,
// per-record results in order (HTTP 200 even when every record failed), and answers that do not
// fit the request refused as a whole.
#include "connectors/salesforce/write/collections.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "connectors/salesforce/testing/fake_session.h"
#include "connectors/salesforce/testing/recording_clock.h"

namespace sfsync::salesforce {
namespace {

using testing::FakeTransport;
using testing::JsonResponse;
using testing::kInstanceUrl;

TEST_CASE("an update sends only the given fields with each record's type and id, allOrNone false") {
  const std::string body = RecordsBody(
      "Contact", {{"003A00000000001AAA", {{"Phone", Cell::Text("555")}, {"DoNotCall", Cell::Bool(true)}}},
                  {"003A00000000002AAA", {{"Phone", Cell::Null()}}}},
      true);
  const nlohmann::json parsed = nlohmann::json::parse(body);
  CHECK(parsed["allOrNone"] == false);
  CHECK(parsed["records"][0] == nlohmann::json::parse(
                                    R"({"attributes":{"type":"Contact"},"id":"003A00000000001AAA","Phone":"555","DoNotCall":true})"));
  CHECK(parsed["records"][1]["Phone"].is_null());
}

TEST_CASE("results are read per record: success decides, errors keep code, message and fields") {
  auto results = ParseSaveResults(
      R"([{"id":"003A00000000001AAA","success":true,"errors":[]},
          {"success":false,"errors":[{"statusCode":"REQUIRED_FIELD_MISSING","message":"Required fields are missing: [LastName]","fields":["LastName"]}]}])",
      2);
  REQUIRE(results.ok());
  CHECK((*results)[0].success);
  CHECK((*results)[0].id == "003A00000000001AAA");
  CHECK_FALSE((*results)[1].success);
  CHECK((*results)[1].errors[0].status_code == "REQUIRED_FIELD_MISSING");
  CHECK((*results)[1].errors[0].fields == std::vector<std::string>{"LastName"});
  // One result short, not an array, no success flag: the whole call's outcome is unknown.
  CHECK(ParseSaveResults(R"([{"success":true}])", 2).status().code() == StatusCode::kDataLoss);
  CHECK(ParseSaveResults(R"({"success":true})", 1).status().code() == StatusCode::kDataLoss);
  CHECK(ParseSaveResults(R"([{"id":"x"}])", 1).status().code() == StatusCode::kDataLoss);
}

TEST_CASE("retrieve posts ids and fields and keeps null for records that are gone") {
  FakeTransport fake;
  testing::RecordingClock clock(1714557600000);
  auto session = testing::NewFakeSession(&fake, &clock);
  fake.On("POST", std::string(kInstanceUrl) + "/services/data/v60.0/composite/sobjects/Contact")
      .Then(JsonResponse(200, R"([{"attributes":{"type":"Contact"},"Id":"003A00000000001AAA","phone":"1"},null])"));
  auto records = RetrieveRecords(session.client.get(), "Contact", {"003A00000000001AAA", "003A00000000002AAA"},
                                 {"Id", "Phone"});
  REQUIRE(records.ok());
  REQUIRE(records->size() == 2);
  CHECK((*records)[0]->at("Phone") == Cell::Text("1"));
  CHECK_FALSE((*records)[1].has_value());
  const auto sent = nlohmann::json::parse(fake.requests().back().body);
  CHECK(sent["ids"].size() == 2);
  CHECK(sent["fields"] == nlohmann::json::parse(R"(["Id","Phone"])"));
  // Limits are checked before anything is sent.
  CHECK(UpdateRecords(session.client.get(), "Contact", std::vector<RecordWrite>(201)).status().code() ==
        StatusCode::kInvalidArgument);
  CHECK(DeleteRecords(session.client.get(), {"003A'; DROP"}).status().code() == StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace sfsync::salesforce
