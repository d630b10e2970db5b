// HTTPS over real sockets with a throw-away CA made by the openssl CLI: a trusting client gets
// the same answers as over plain HTTP; a plain client and an untrusting client get nothing.
#include <doctest/doctest.h>

#include "tests/emulator/testing/emulator_fixture.h"
#include "tests/emulator/testing/test_pki.h"

namespace sfsync::emulator {
namespace {

using testing::ClientOptions;
using testing::ClientResponse;
using testing::HttpClient;
using testing::ParseJson;
using testing::RunningEmulator;
using testing::SmallOrgConfig;
using testing::TestPki;

EmulatorConfig TlsConfig(const TestPki::ServerCertificate& certificate) {
  EmulatorConfig config = SmallOrgConfig();
  config.tls_cert_file = certificate.cert;
  config.tls_key_file = certificate.key;
  return config;
}

TEST_CASE("HTTPS: a client trusting the CA gets a token and every query page, with https URLs") {
  TestPki pki;
  TestPki::ServerCertificate certificate = pki.MakeServerCertificate();
  EmulatorConfig config = TlsConfig(certificate);
  config.rows["Account"] = 450;
  RunningEmulator e(config, ClientOptions{certificate.ca_cert});
  CHECK(e.base_url().starts_with("https://127.0.0.1:"));
  // a. The token response names https URLs.
  ClientResponse token = testing::PostForm(e.client(), "/services/oauth2/token",
                                           "grant_type=refresh_token&client_id=sfsync-emulator-client-id&client_"
                                           "secret=sfsync-emulator-client-secret&refresh_token=sfsync-emulator-"
                                           "refresh-token");
  REQUIRE(token.ok);
  CHECK(ParseJson(token.body)["instance_url"] == e.base_url());
  // b. Three pages of 200 on one kept-alive TLS connection, bodies far bigger than a TLS record.
  testing::HttpClient::Headers batch = {{"Sforce-Query-Options", "batchSize=200"}};
  std::vector<nlohmann::ordered_json> pages =
      testing::AllPages(e, e.Query("SELECT Id, Name, Description, BillingStreet FROM Account", batch), batch);
  CHECK(pages.size() == 3);
  size_t records = 0;
  for (const auto& page : pages) records += page["records"].size();
  CHECK(records == 450);
  CHECK(e.client().connections_opened() == 1);
  // c. gzip works over TLS too.
  ClientResponse zipped = e.Query("SELECT Id, Name FROM Account", {{"Accept-Encoding", "gzip"}});
  CHECK(zipped.headers.Get("Content-Encoding") == std::optional<std::string_view>("gzip"));
  CHECK(ParseJson(zipped.body)["totalSize"] == 450);
  // d. The certificate names localhost too.
  HttpClient by_name("localhost", e.port(), ClientOptions{certificate.ca_cert});
  CHECK(by_name.Get("/__emulator/health").body == R"({"ok":true})");
}

TEST_CASE("HTTPS: a plain-HTTP client and a client that does not trust the CA are refused") {
  TestPki pki;
  TestPki::ServerCertificate certificate = pki.MakeServerCertificate();
  RunningEmulator e(TlsConfig(certificate), ClientOptions{certificate.ca_cert});
  HttpClient plain("127.0.0.1", e.port());
  ClientResponse refused = plain.Get("/services/data/");
  CHECK_FALSE(refused.ok);
  CHECK(refused.status == 0);  // no HTTP answer at all

  TestPki other;
  TestPki::ServerCertificate stranger = other.MakeServerCertificate();
  HttpClient untrusting("127.0.0.1", e.port(), ClientOptions{stranger.ca_cert});
  ClientResponse rejected = untrusting.Get("/services/data/");
  CHECK_FALSE(rejected.ok);
  CHECK(rejected.error.find("certificate verify failed") != std::string::npos);
  // The server survives both and still serves a trusting client.
  CHECK(e.client().Get("/__emulator/health").status == 200);
}

TEST_CASE("HTTPS on both listeners with --my-domain-port") {
  TestPki pki;
  TestPki::ServerCertificate certificate = pki.MakeServerCertificate();
  EmulatorConfig config = TlsConfig(certificate);
  config.my_domain_port = 0;
  RunningEmulator e(config, ClientOptions{certificate.ca_cert});
  CHECK(e.my_domain_url().starts_with("https://"));
  ClientResponse token = testing::PostForm(e.my_domain_client(), "/services/oauth2/token",
                                           "grant_type=client_credentials&client_id=sfsync-emulator-client-id&"
                                           "client_secret=sfsync-emulator-client-secret");
  REQUIRE(token.status == 200);
  CHECK(ParseJson(token.body)["instance_url"] == e.my_domain_url());
  CHECK(std::string(ParseJson(token.body)["id"]).starts_with(e.base_url() + "/id/"));
}

TEST_CASE("HTTPS start-up fails on a missing certificate or a key that does not match it") {
  TestPki pki;
  TestPki::ServerCertificate certificate = pki.MakeServerCertificate();
  TestPki::KeyPair other = pki.MakeSelfSigned("other");
  EmulatorConfig config = TlsConfig(certificate);
  config.tls_key_file = other.key;
  std::string error;
  std::unique_ptr<Emulator> emulator = Emulator::Create(config, &error);
  REQUIRE(emulator != nullptr);
  CHECK(Listeners::Start(config, emulator.get(), &error) == nullptr);
  CHECK(error.find(other.key) != std::string::npos);
  CHECK(error.find("mismatch") != std::string::npos);
  config.tls_cert_file = pki.Path("missing.pem");
  CHECK(Listeners::Start(config, emulator.get(), &error) == nullptr);
  CHECK(error.find("missing.pem") != std::string::npos);
}

}  // namespace
}  // namespace sfsync::emulator
