// Runs a real emulator in-process on a free port (the same Listeners and Emulator the binary
// uses) and talks to it over a socket with the test HTTP client. With
// `config.my_domain_port` set, client() talks to the login host and my_domain_client() to the
// org's My Domain.
#ifndef SFSYNC_TESTS_EMULATOR_TESTING_EMULATOR_FIXTURE_H_
#define SFSYNC_TESTS_EMULATOR_TESTING_EMULATOR_FIXTURE_H_

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <string>

#include "tests/emulator/api/emulator.h"
#include "tests/emulator/config.h"
#include "tests/emulator/listeners.h"
#include "tests/emulator/testing/http_client.h"

namespace sfsync::emulator::testing {

// A small org with a fixed clock start, so tests are deterministic.
EmulatorConfig SmallOrgConfig();

class RunningEmulator {
 public:
  // The clients use `client_options` (a CA file for an HTTPS emulator, a read timeout).
  explicit RunningEmulator(const EmulatorConfig& config = SmallOrgConfig(), ClientOptions client_options = {});
  ~RunningEmulator();

  int port() const { return listeners_->port(); }
  std::string base_url() const { return listeners_->url(); }
  std::string my_domain_url() const { return listeners_->my_domain_url(); }
  HttpClient& client() { return *client_; }
  // The org's My Domain listener; client() when there is only one.
  HttpClient& my_domain_client() { return my_domain_client_ ? *my_domain_client_ : *client_; }
  Emulator& emulator() { return *emulator_; }

  // A refresh-token grant with the configured credentials; returns the access token.
  std::string FetchToken();
  // GET with `Authorization: Bearer {token}` (fetching a token on first use).
  ClientResponse RestGet(const std::string& target, HttpClient::Headers headers = {});
  // Any method with `Authorization: Bearer {token}` and, when given, a JSON body.
  ClientResponse Rest(const std::string& method, const std::string& target, const std::string& body = "",
                      HttpClient::Headers headers = {});
  // GET /services/data/v60.0/query?q=... (or queryAll).
  ClientResponse Query(const std::string& soql, HttpClient::Headers headers = {},
                       bool all = false);
  // Admin calls with a JSON body.
  ClientResponse Admin(const std::string& method, const std::string& path,
                       const std::string& body = "");
  std::string token() const { return token_; }
  void ResetToken() { token_.clear(); }

 private:
  EmulatorConfig config_;
  std::unique_ptr<Emulator> emulator_;
  std::unique_ptr<Listeners> listeners_;
  std::unique_ptr<HttpClient> client_;
  std::unique_ptr<HttpClient> my_domain_client_;
  std::string token_;
};

// Parses a response body, failing the current test when it is not JSON.
nlohmann::ordered_json ParseJson(const std::string& body);

// POSTs a form-encoded body (the token, revoke and introspect endpoints).
ClientResponse PostForm(HttpClient& client, const std::string& path, const std::string& body,
                        HttpClient::Headers headers = {});
// The query parameters of a redirect's Location header (percent-decoded).
std::map<std::string, std::string> LocationParams(const ClientResponse& redirect);
// Checks an OAuth error: status 400 and exactly `{"error":...,"error_description":...}`.
void CheckOAuthError(const ClientResponse& response, const std::string& error,
                     const std::string& description);

// Follows nextRecordsUrl from `first` to the end; returns every page.
std::vector<nlohmann::ordered_json> AllPages(RunningEmulator& emulator, const ClientResponse& first,
                                             HttpClient::Headers headers = {});

}  // namespace sfsync::emulator::testing

#endif  // SFSYNC_TESTS_EMULATOR_TESTING_EMULATOR_FIXTURE_H_
