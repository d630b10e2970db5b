// GET /services/data/vXX.X, the version's resource directory, over a real socket: Salesforce's
// documented key set and order, the session user's identity URL, the usual REST envelope
// (Bearer token, Sforce-Limit-Info, counted), 404 for versions the org does not serve, and every
// listed resource the emulator implements answering when followed.
#include <doctest/doctest.h>

#include <charconv>
#include <set>

#include "tests/emulator/testing/emulator_fixture.h"
#include "tests/emulator/testing/fixtures.h"

namespace sfsync::emulator {
namespace {

using nlohmann::ordered_json;
using testing::ClientResponse;
using testing::Keys;
using testing::ParseJson;
using testing::PostForm;
using testing::RunningEmulator;
using testing::SmallOrgConfig;

// The example response of "List Available REST Resources" in the REST API Developer Guide
// for v60.0 (dome_discoveryresource.htm), in its order.
// clang-format off
const std::vector<std::string> kDocumentedV60Keys = {
    "tooling", "metadata", "eclair", "folders", "prechatForms", "contact-tracing", "jsonxform", "chatter",
    "payments", "tabs", "appMenu", "quickActions", "queryAll", "commerce", "wave", "iot", "analytics",
    "search", "smartdatadiscovery", "identity", "composite", "parameterizedSearch", "fingerprint", "theme",
    "nouns", "domino", "event", "serviceTemplates", "recent", "connect", "licensing", "limits", "process",
    "dedupe", "async-queries", "query", "jobs", "localizedvalue", "mobile", "emailConnect", "consent",
    "tokenizer", "compactLayouts", "sobjects", "actions", "support"};
// clang-format on

int64_t Used(const ClientResponse& response) {
  std::optional<std::string_view> header = response.headers.Get("Sforce-Limit-Info");
  REQUIRE(header.has_value());
  REQUIRE(header->starts_with("api-usage="));
  int64_t used = 0;
  std::from_chars(header->data() + 10, header->data() + header->size(), used);
  return used;
}

TEST_CASE("resource directory: the documented v60.0 resources in order, each under the requested version") {
  RunningEmulator e;
  for (const char* path : {"/services/data/v60.0", "/services/data/v60.0/"}) {
    CAPTURE(path);
    ClientResponse response = e.RestGet(path);
    REQUIRE(response.status == 200);
    CHECK(response.headers.Get("Content-Type") == std::optional<std::string_view>("application/json;charset=UTF-8"));
    ordered_json directory = ParseJson(response.body);
    CHECK(Keys(directory) == kDocumentedV60Keys);
    for (auto it = directory.begin(); it != directory.end(); ++it) {
      if (it.key() == "identity") continue;
      CHECK(it.value() == "/services/data/v60.0/" + it.key());
    }
  }
}

TEST_CASE("resource directory: identity is the session user's identity URL on the org's My Domain") {
  RunningEmulator e;
  // The token response's `id` names the same user (on the login host, here the same listener).
  ClientResponse token = PostForm(e.client(), "/services/oauth2/token",
                                  "grant_type=refresh_token&client_id=sfsync-emulator-client-id&client_secret="
                                  "sfsync-emulator-client-secret&refresh_token=sfsync-emulator-refresh-token");
  REQUIRE(token.status == 200);
  ordered_json grant = ParseJson(token.body);
  std::string identity = ParseJson(
      e.my_domain_client()
          .Get("/services/data/v60.0", {{"Authorization", "Bearer " + grant["access_token"].get<std::string>()}})
          .body)["identity"];
  CHECK(identity == grant["id"]);
  CHECK(identity.starts_with(e.my_domain_url() + "/id/00D"));
  // Followed with the same token, it answers with that user.
  ClientResponse user =
      e.my_domain_client().Get(identity.substr(e.my_domain_url().size()),
                               {{"Authorization", "Bearer " + grant["access_token"].get<std::string>()}});
  REQUIRE(user.status == 200);
  CHECK(identity.ends_with("/" + ParseJson(user.body)["user_id"].get<std::string>()));
}

TEST_CASE("resource directory: with a separate login host, identity names My Domain, not the login host") {
  EmulatorConfig config = SmallOrgConfig();
  config.my_domain_port = 0;
  RunningEmulator e(config);
  std::string identity = ParseJson(e.RestGet("/services/data/v60.0").body)["identity"];
  CHECK(identity.starts_with(e.my_domain_url() + "/id/"));
  CHECK_FALSE(identity.starts_with(e.base_url() + "/"));
}

TEST_CASE("resource directory: async appears from v66.0, the first version whose recorded directory lists it") {
  RunningEmulator e;
  ordered_json v60 = ParseJson(e.RestGet("/services/data/v60.0").body);
  ordered_json v66 = ParseJson(e.RestGet("/services/data/v66.0").body);
  CHECK_FALSE(v60.contains("async"));
  REQUIRE(v66.contains("async"));
  CHECK(v66["async"] == "/services/data/v66.0/async");
  std::vector<std::string> keys = Keys(v66);
  auto after = std::find(keys.begin(), keys.end(), "compactLayouts");
  REQUIRE(after != keys.end());
  CHECK(*(after + 1) == "async");
  CHECK(ParseJson(e.RestGet("/services/data/v31.0").body)["sobjects"] == "/services/data/v31.0/sobjects");
}

TEST_CASE("resource directory: needs a live Bearer token, carries Sforce-Limit-Info and counts as an API call") {
  RunningEmulator e;
  ClientResponse anonymous = e.client().Get("/services/data/v60.0");
  CHECK(anonymous.status == 401);
  CHECK(ParseJson(anonymous.body)[0]["errorCode"] == "INVALID_SESSION_ID");
  int64_t before = Used(e.RestGet("/services/data/v60.0/limits"));
  ClientResponse directory = e.RestGet("/services/data/v60.0");
  REQUIRE(directory.status == 200);
  CHECK(Used(directory) == before + 1);
  CHECK(ParseJson(e.Admin("GET", "/__emulator/stats").body)["api_calls"] == before + 1);
}

TEST_CASE("resource directory: a version the org does not serve is 404 NOT_FOUND") {
  RunningEmulator e;
  for (const char* path :
       {"/services/data/v99.0", "/services/data/v30.0/", "/services/data/v60", "/services/data/latest"}) {
    CAPTURE(path);
    ClientResponse response = e.RestGet(path);
    CHECK(response.status == 404);
    CHECK(response.body == R"([{"message":"The requested resource does not exist","errorCode":"NOT_FOUND"}])");
    CHECK(response.headers.Has("Sforce-Limit-Info"));
  }
}

// Salesforce lists its whole platform; the emulator serves some of it. Every listed URL is
// followed: exactly the ones the emulator implements answer (a query without `q` answers 400
// MALFORMED_QUERY, not 404), so a resource added to the emulator has to be added here too.
TEST_CASE("resource directory: every listed resource the emulator implements answers when followed") {
  RunningEmulator e;
  ordered_json directory = ParseJson(e.RestGet("/services/data/v66.0").body);
  std::set<std::string> answered;
  for (auto it = directory.begin(); it != directory.end(); ++it) {
    std::string url = it.value();
    if (url.starts_with("http")) url = url.substr(e.my_domain_url().size());
    ClientResponse response = e.RestGet(url);
    CAPTURE(url);
    CHECK(response.status != 0);
    if (response.status != 404) answered.insert(it.key());
  }
  // composite answers GET with 405 METHOD_NOT_ALLOWED (it takes POST).
  CHECK(answered == std::set<std::string>{"composite", "identity", "limits", "query", "queryAll", "sobjects"});
  CHECK(e.RestGet("/services/data/v66.0/sobjects").status == 200);
  CHECK(e.RestGet("/services/data/v66.0/limits").status == 200);
  CHECK(e.RestGet("/services/data/v66.0/query").status == 400);
}

}  // namespace
}  // namespace sfsync::emulator
