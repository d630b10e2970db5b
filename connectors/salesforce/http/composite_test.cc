#include "connectors/salesforce/http/composite.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "connectors/salesforce/testing/fake_org.h"
#include "connectors/salesforce/testing/fake_transport.h"
#include "connectors/salesforce/testing/fixtures.h"
#include "connectors/salesforce/testing/recording_clock.h"

namespace sfsync::salesforce {
namespace {

using testing::FakeTransport;
using testing::JsonResponse;

const std::string kCompositeUrl = std::string(testing::kInstanceUrl) + "/services/data/v60.0/composite";

struct Org {
  FakeTransport fake;
  testing::RecordingClock clock{1700000000000};
  std::unique_ptr<TokenProvider> tokens;
  std::unique_ptr<RestClient> client;
  Org() {
    fake.On("POST", testing::kTokenUrl).Then(JsonResponse(200, testing::TokenBody("00Dxx!token-1")));
    OAuthSettings settings;
    settings.flow = "refresh_token";
    settings.login_url = testing::kLoginUrl;
    settings.client_id = "3MVG9client";
    settings.refresh_token = "5Aep861refresh";
    tokens = std::move(NewTokenProvider(settings, &fake, &clock).value());
    client = std::make_unique<RestClient>(&fake, tokens.get(), &clock, RestOptions{});
  }
};

TEST_CASE("a composite call sends every subrequest with its headers and reads the recorded answer shape") {
  Org org;
  org.fake.On("POST", kCompositeUrl)
      .Then(JsonResponse(200, testing::ReadFixture("composite_upsert_and_create_response.json")));
  std::vector<SubRequest> requests = {
      {"GET", "/services/data/v60.0/sobjects/Account/describe", "NewAccount", {{"If-Modified-Since", "x"}}},
      {"GET", "/services/data/v60.0/query?q=SELECT+Id+FROM+Contact", "newContact", {}}};
  StatusOr<std::vector<SubResponse>> answers = CallComposite(org.client.get(), requests);
  REQUIRE(answers.ok());
  REQUIRE(answers->size() == 2);
  CHECK((*answers)[0].status == 201);
  CHECK(nlohmann::json::parse((*answers)[0].body).at("id") == "0016g00000Wqu1EAAR");
  REQUIRE((*answers)[0].headers.size() == 1);
  CHECK((*answers)[0].headers[0].second == "/services/data/v59.0/sobjects/Account/0016g00000Wqu1EAAR");
  const nlohmann::json sent = nlohmann::json::parse(org.fake.requests().back().body);
  CHECK(sent.at("allOrNone") == false);
  CHECK(sent.at("compositeRequest").size() == 2);
  CHECK(sent.at("compositeRequest")[0].at("httpHeaders").at("If-Modified-Since") == "x");
  CHECK(sent.at("compositeRequest")[1].at("referenceId") == "newContact");
  CHECK_FALSE(sent.at("compositeRequest")[1].contains("httpHeaders"));
  CHECK(org.client->server_info().api_calls == 1);
}

TEST_CASE("composite limits are checked before sending: 25 subrequests, 5 queries") {
  Org org;
  std::vector<SubRequest> many(26, SubRequest{"GET", "/services/data/v60.0/limits", "r", {}});
  CHECK(CallComposite(org.client.get(), many).status().code() == StatusCode::kInvalidArgument);
  std::vector<SubRequest> queries;
  for (int i = 0; i < 6; ++i) queries.push_back({"GET", "/services/data/v60.0/queryAll?q=x", "q" + std::to_string(i), {}});
  StatusOr<std::vector<SubResponse>> refused = CallComposite(org.client.get(), queries);
  CHECK(refused.status().code() == StatusCode::kInvalidArgument);
  CHECK(refused.status().message().find("at most 5 queries") != std::string::npos);
  CHECK(CallComposite(org.client.get(), {}).status().code() == StatusCode::kInvalidArgument);
  CHECK(org.fake.requests().size() <= 1);  // the token, at most: no composite call went out
}

TEST_CASE("a composite answer that does not match the subrequests is data loss, and a failed one reads as an error") {
  Org org;
  org.fake.On("POST", kCompositeUrl)
      .Then(JsonResponse(200, R"({"compositeResponse":[{"body":null,"httpHeaders":{},"httpStatusCode":304,"referenceId":"other"}]})"));
  StatusOr<std::vector<SubResponse>> wrong =
      CallComposite(org.client.get(), {{"GET", "/services/data/v60.0/sobjects/Account/describe", "d", {}}});
  CHECK(wrong.status().code() == StatusCode::kDataLoss);
  org.fake.On("POST", kCompositeUrl).Then(JsonResponse(200, R"({"compositeResponse":[]})"));
  CHECK(CallComposite(org.client.get(), {{"GET", "/x", "d", {}}}).status().code() == StatusCode::kDataLoss);

  SubResponse failed{400, R"([{"message":"No such column 'Nope' on entity 'Account'","errorCode":"INVALID_FIELD"}])", {}};
  const Status s = SubResponseError(failed);
  CHECK(s.reason() == "INVALID_FIELD");
  CHECK(s.message().find("No such column") != std::string::npos);
}

}  // namespace
}  // namespace sfsync::salesforce
