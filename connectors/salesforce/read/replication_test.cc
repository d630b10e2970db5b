#include "connectors/salesforce/read/replication.h"

#include <doctest/doctest.h>

#include "connectors/salesforce/testing/fake_org.h"
#include "connectors/salesforce/testing/fake_transport.h"
#include "connectors/salesforce/testing/fixtures.h"
#include "connectors/salesforce/testing/recording_clock.h"
#include "engine/core/time_format.h"

namespace sfsync::salesforce {
namespace {

using testing::FakeTransport;
using testing::JsonResponse;

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

const std::string kDeletedUrl = std::string(testing::kInstanceUrl) + "/services/data/v60.0/sobjects/Account/deleted/";

TEST_CASE("getDeleted parses the recorded answer and sends the window as encoded UTC datetimes") {
  Org org;
  org.fake.On("GET", kDeletedUrl).Then(JsonResponse(200, testing::ReadFixture("getdeleted.json")));
  auto result = GetDeleted(org.client.get(), "Account", *ParseDateTime("2013-05-06T00:00:00Z"),
                           *ParseDateTime("2013-05-10T00:00:00Z"));
  REQUIRE(result.ok());
  REQUIRE(result->records.size() == 1);
  CHECK(result->records[0].id == "a00D0000008pQRAIA2");
  CHECK(FormatIsoUtc(result->records[0].deleted_millis) == "2013-05-07T22:07:19.000Z");
  CHECK(FormatIsoUtc(result->earliest_date_available_millis) == "2013-05-03T15:57:00.000Z");
  CHECK(FormatIsoUtc(result->latest_date_covered_millis) == "2013-05-08T21:20:00.000Z");
  const HttpRequest sent = org.fake.requests().back();  // requests() returns a copy
  CHECK(sent.url == kDeletedUrl + "?start=2013-05-06T00%3A00%3A00.000Z&end=2013-05-10T00%3A00%3A00.000Z");
}

TEST_CASE("getDeleted errors: replication date refused, malformed bodies") {
  Org org;
  org.fake.On("GET", kDeletedUrl)
      .Times(1, JsonResponse(400, R"([{"message":"start date is before 15 days ago","errorCode":"INVALID_REPLICATION_DATE"}])"))
      .Times(1, JsonResponse(200, R"({"earliestDateAvailable":"2013-05-03T15:57:00.000+0000"})"))
      .Then(JsonResponse(200, R"({"deletedRecords":[{"deletedDate":"2013-05-07T22:07:19.000+0000"}]})"));
  auto refused = GetDeleted(org.client.get(), "Account", 0, 60000);
  CHECK(refused.status().code() == StatusCode::kInvalidArgument);
  CHECK(refused.status().reason() == "INVALID_REPLICATION_DATE");
  CHECK(GetDeleted(org.client.get(), "Account", 0, 60000).status().code() == StatusCode::kDataLoss);
  CHECK(GetDeleted(org.client.get(), "Account", 0, 60000).status().code() == StatusCode::kDataLoss);
  CHECK(GetDeleted(org.client.get(), "Acc/ount", 0, 60000).status().code() == StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace sfsync::salesforce
