#include "tests/emulator/testing/emulator_fixture.h"

#include <doctest/doctest.h>

#include "tests/emulator/time_util.h"

namespace sfsync::emulator::testing {

EmulatorConfig SmallOrgConfig() {
  EmulatorConfig config;
  config.port = 0;
  config.rows = {{"Profile", 4}, {"User", 6},        {"Account", 50},
                 {"Contact", 80}, {"Opportunity", 40}, {"Lead", 0}};
  int64_t start;
  ParseDateTime("2024-05-01T10:00:00Z", &start);
  config.clock_start_ms = start;
  config.freeze_clock = true;
  return config;
}

RunningEmulator::RunningEmulator(const EmulatorConfig& config, ClientOptions client_options) : config_(config) {
  std::string error;
  emulator_ = Emulator::Create(config_, &error);
  REQUIRE_MESSAGE(emulator_ != nullptr, error);
  listeners_ = Listeners::Start(config_, emulator_.get(), &error);
  REQUIRE_MESSAGE(listeners_ != nullptr, error);
  client_ = std::make_unique<HttpClient>("127.0.0.1", listeners_->port(), client_options);
  if (std::optional<int> my_domain = listeners_->my_domain_port()) {
    my_domain_client_ = std::make_unique<HttpClient>("127.0.0.1", *my_domain, client_options);
  }
}

RunningEmulator::~RunningEmulator() {
  client_.reset();
  my_domain_client_.reset();
  listeners_->Stop();
}

std::string RunningEmulator::FetchToken() {
  ClientResponse response = my_domain_client().Send(
      "POST", "/services/oauth2/token", {{"Content-Type", "application/x-www-form-urlencoded"}},
      "grant_type=refresh_token&client_id=" + UrlEncode(config_.client_id) + "&client_secret=" +
          UrlEncode(config_.client_secret) + "&refresh_token=" + UrlEncode(config_.refresh_token));
  REQUIRE(response.ok);
  REQUIRE(response.status == 200);
  token_ = ParseJson(response.body)["access_token"].get<std::string>();
  return token_;
}

ClientResponse RunningEmulator::RestGet(const std::string& target, HttpClient::Headers headers) {
  if (token_.empty()) FetchToken();
  headers.emplace_back("Authorization", "Bearer " + token_);
  return my_domain_client().Get(target, headers);
}

ClientResponse RunningEmulator::Rest(const std::string& method, const std::string& target,
                                     const std::string& body, HttpClient::Headers headers) {
  if (token_.empty()) FetchToken();
  headers.emplace_back("Authorization", "Bearer " + token_);
  if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
  return client_->Send(method, target, headers, body);
}

ClientResponse RunningEmulator::Query(const std::string& soql, HttpClient::Headers headers,
                                      bool all) {
  return RestGet(std::string("/services/data/v60.0/") + (all ? "queryAll" : "query") +
                     "?q=" + UrlEncode(soql),
                 std::move(headers));
}

ClientResponse RunningEmulator::Admin(const std::string& method, const std::string& path,
                                      const std::string& body) {
  return client_->Send(method, path, {{"Content-Type", "application/json"}}, body);
}

nlohmann::ordered_json ParseJson(const std::string& body) {
  nlohmann::ordered_json json = nlohmann::ordered_json::parse(body, nullptr, false);
  REQUIRE_MESSAGE(!json.is_discarded(), "not JSON: " << body.substr(0, 300));
  return json;
}

ClientResponse PostForm(HttpClient& client, const std::string& path, const std::string& body,
                        HttpClient::Headers headers) {
  headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  return client.Send("POST", path, headers, body);
}

std::map<std::string, std::string> LocationParams(const ClientResponse& redirect) {
  std::optional<std::string_view> location = redirect.headers.Get("Location");
  REQUIRE_MESSAGE(location.has_value(), "no Location header (status " << redirect.status << ")");
  size_t question = location->find('?');
  return question == std::string_view::npos ? std::map<std::string, std::string>{}
                                            : ParseForm(location->substr(question + 1));
}

void CheckOAuthError(const ClientResponse& response, const std::string& error,
                     const std::string& description) {
  CHECK(response.status == 400);
  CHECK(response.headers.Get("Content-Type") == std::optional<std::string_view>("application/json;charset=UTF-8"));
  nlohmann::ordered_json expected = {{"error", error}, {"error_description", description}};
  CHECK(response.body == expected.dump());
}

std::vector<nlohmann::ordered_json> AllPages(RunningEmulator& emulator, const ClientResponse& first,
                                             HttpClient::Headers headers) {
  std::vector<nlohmann::ordered_json> pages;
  REQUIRE(first.status == 200);
  pages.push_back(ParseJson(first.body));
  while (pages.back().contains("nextRecordsUrl")) {
    ClientResponse next = emulator.RestGet(pages.back()["nextRecordsUrl"].get<std::string>(), headers);
    REQUIRE(next.status == 200);
    pages.push_back(ParseJson(next.body));
    REQUIRE(pages.size() < 10000);
  }
  return pages;
}

}  // namespace sfsync::emulator::testing
