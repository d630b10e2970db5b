// Interactive logins: the browser flow with a real callback listener and a scripted token endpoint,
// and the device flow's polling on a clock that records every wait.
#include "connectors/salesforce/auth/oauth_login.h"

#include <doctest/doctest.h>

#include <thread>

#include "connectors/salesforce/http/http_transport.h"
#include "connectors/salesforce/auth/pkce.h"
#include "connectors/salesforce/testing/browser.h"
#include "connectors/salesforce/testing/fake_org.h"
#include "connectors/salesforce/testing/fake_transport.h"
#include "connectors/salesforce/testing/recording_clock.h"
#include "connectors/salesforce/testing/test_keys.h"
#include "connectors/salesforce/auth/token_store.h"
#include "engine/core/exit_codes.h"

namespace sfsync::salesforce {
namespace {

using std::chrono::seconds;
using testing::FakeTransport;
using testing::FormField;
using testing::JsonResponse;
using testing::kLoginUrl;
using testing::kTokenUrl;
using testing::TokenBody;

constexpr char kAuthorizeUrl[] = "https://login.example.com/services/oauth2/authorize";
constexpr int64_t kNow = 1700000000000;

std::string Param(const std::string& url, const std::string& name) {
  HttpRequest as_form;
  as_form.body = url.substr(url.find('?') + 1);
  return FormField(as_form, name);
}

OAuthSettings CodeSettings(int port) {
  OAuthSettings settings;
  settings.flow = "authorization_code";
  settings.login_url = kLoginUrl;
  settings.client_id = "3MVG9client";
  settings.client_secret = "consumer-secret-9d8c7b";
  settings.redirect_uri = "http://127.0.0.1:" + std::to_string(port) + "/callback";
  settings.scopes = {"api", "refresh_token", "openid"};
  return settings;
}

HttpResponse LoginPage() {
  HttpResponse response;
  response.status = 302;
  response.headers = {
      {"Location", "https://login.example.com/?startURL=%2Fsetup%2Fsecur%2FRemoteAccessAuthorizationPage.apexp"}};
  return response;
}

TEST_CASE("the authorize URL carries client, callback, scopes, a fresh state and the S256 challenge") {
  OAuthSettings settings = CodeSettings(1717);
  StatusOr<AuthorizationRequest> a = NewAuthorizationRequest(settings);
  StatusOr<AuthorizationRequest> b = NewAuthorizationRequest(settings);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(a->url.rfind(std::string(kAuthorizeUrl) + "?response_type=code&", 0) == 0);
  CHECK(Param(a->url, "client_id") == "3MVG9client");
  CHECK(Param(a->url, "redirect_uri") == "http://127.0.0.1:1717/callback");
  CHECK(Param(a->url, "scope") == "api refresh_token openid");
  CHECK(a->url.find("scope=api%20refresh_token%20openid") != std::string::npos);
  CHECK(Param(a->url, "state") == a->state);
  CHECK(Param(a->url, "code_challenge") == PkceChallenge(a->code_verifier));
  CHECK(Param(a->url, "code_challenge_method") == "S256");
  CHECK(a->url.find(a->code_verifier) == std::string::npos);  // the verifier never leaves this process
  CHECK(a->state != b->state);
  CHECK(a->code_verifier != b->code_verifier);
  CHECK(a->code_verifier.size() >= 43);
  CHECK(a->code_verifier.size() <= 128);
}

TEST_CASE("a browser login: the callback's code is exchanged with the verifier, and the refresh token saved") {
  testing::ScratchDir dir;
  const int port = testing::FreeLoopbackPort();
  OAuthSettings settings = CodeSettings(port);
  settings.state_dir = dir.path();
  FakeTransport fake;
  ManualClock clock(kNow);
  fake.On("GET", kAuthorizeUrl).Then(LoginPage());
  fake.On("POST", kTokenUrl).Then(JsonResponse(200, TokenBody("00Dxx!code-access", "5Aep861from.login")));
  std::string shown_url;
  std::string browser_page;
  std::thread browser;
  LoginPrompts prompts;
  prompts.timeout = seconds(10);
  prompts.show_authorize_url = [&](const std::string& url) {
    shown_url = url;
    // The person logs in; Salesforce redirects the browser to the callback with the code.
    browser = std::thread([&, state = Param(url, "state")] {
      browser_page = testing::BrowserGet(port, "/callback?code=aPrx.code%3D%3D&state=" + state);
    });
  };
  StatusOr<Session> session = LoginWithBrowser(settings, &fake, &clock, prompts);
  browser.join();
  REQUIRE(session.ok());
  CHECK(browser_page.find("You can close this tab") != std::string::npos);
  CHECK(session->refresh_token == "5Aep861from.login");

  REQUIRE(fake.requests().size() == 2);
  const HttpRequest exchange = fake.requests().at(1);
  CHECK(FormField(exchange, "grant_type") == "authorization_code");
  CHECK(FormField(exchange, "code") == "aPrx.code==");
  CHECK(FormField(exchange, "redirect_uri") == settings.redirect_uri);
  CHECK(FormField(exchange, "client_id") == "3MVG9client");
  CHECK(FormField(exchange, "client_secret") == "consumer-secret-9d8c7b");
  CHECK(PkceChallenge(FormField(exchange, "code_verifier")) == Param(shown_url, "code_challenge"));

  REQUIRE(SaveLogin(settings, *session, &clock).ok());
  StatusOr<std::optional<StoredTokens>> stored = TokenStore(settings).Load();
  REQUIRE(stored.ok());
  REQUIRE(stored->has_value());
  CHECK((*stored)->refresh_token == "5Aep861from.login");
  CHECK((*stored)->session.access_token == "00Dxx!code-access");
}

TEST_CASE("an unregistered callback URL fails before the person is sent to the browser") {
  FakeTransport fake;
  ManualClock clock(kNow);
  HttpResponse error_page;
  error_page.status = 302;
  error_page.headers = {{"Location",
                         "https://login.example.com/setup/secur/RemoteAccessErrorPage.apexp?error=redirect_uri_mismatch"
                         "&error_description=redirect_uri%20must%20match%20configuration"}};
  fake.On("GET", kAuthorizeUrl).Then(error_page);
  bool shown = false;
  LoginPrompts prompts;
  prompts.show_authorize_url = [&](const std::string&) { shown = true; };
  Status status = LoginWithBrowser(CodeSettings(testing::FreeLoopbackPort()), &fake, &clock, prompts).status();
  CHECK(status.reason() == "auth.redirect_uri_mismatch");
  CHECK(ExitCodeFor(status) == kExitAuthRedirectMismatch);
  CHECK(status.message().find("add the callback URL to the External Client App") != std::string::npos);
  CHECK_FALSE(shown);
}

TEST_CASE("an unknown client id on the authorize endpoint's error page fails the login at once") {
  FakeTransport fake;
  ManualClock clock(kNow);
  HttpResponse page;
  page.status = 400;
  page.headers = {{"Content-Type", "text/html;charset=UTF-8"}};
  page.body =
      "<html><head><title>OAuth Error</title></head><body>\n<h1>OAuth Error</h1>\n<p>error=invalid_client_id</p>\n"
      "<p>error_description=client identifier invalid</p>\n</body></html>\n";
  fake.On("GET", kAuthorizeUrl).Then(page);
  LoginPrompts prompts;
  prompts.show_authorize_url = [](const std::string&) { FAIL("the URL must not be shown"); };
  Status status = LoginWithBrowser(CodeSettings(testing::FreeLoopbackPort()), &fake, &clock, prompts).status();
  CHECK(status.reason() == "auth.invalid_client_id");
  CHECK(status.message().find("(invalid_client_id: client identifier invalid)") != std::string::npos);
  CHECK(ExitCodeFor(status) == kExitAuthInvalidClient);
}

TEST_CASE("a login without a refresh token or the api scope is not saved") {
  testing::ScratchDir dir;
  ManualClock clock(kNow);
  OAuthSettings settings = CodeSettings(1717);
  settings.state_dir = dir.path();
  Session no_refresh;
  no_refresh.access_token = "00Dxx!no-refresh";
  no_refresh.instance_url = "https://acme.my.example.com";
  no_refresh.scope = "api";
  Status refused = SaveLogin(settings, no_refresh, &clock);
  CHECK(refused.reason() == "auth.scope");
  CHECK(refused.message().find("refresh_token, offline_access") != std::string::npos);
  Session no_api = no_refresh;
  no_api.refresh_token = "5Aep861refresh.only";
  no_api.scope = "refresh_token openid";
  CHECK(SaveLogin(settings, no_api, &clock).reason() == "auth.scope");
  CHECK_FALSE(TokenStore(settings).Load()->has_value());
}

OAuthSettings DeviceSettings() {
  OAuthSettings settings = CodeSettings(1717);
  settings.flow = "device";
  settings.client_secret.clear();
  return settings;
}

constexpr char kDeviceAnswer[] =
    R"({"device_code":"M0RGRDBBNkItQUE3My00RTM4","user_code":"RNEBRNVB","verification_uri":"https://login.example.com/setup/connect","interval":5})";

HttpResponse OAuthError(const std::string& error) {
  return JsonResponse(400, R"({"error":")" + error + R"(","error_description":"x"})");
}

TEST_CASE("the device flow shows the code, then polls honouring interval, authorization_pending and slow_down") {
  FakeTransport fake;
  testing::RecordingClock clock(kNow);
  int polls = 0;  // the fake copies its handler per request: count outside it
  fake.OnRequest("POST", kTokenUrl, [&polls](const HttpRequest& request) -> StatusOr<HttpResponse> {
    if (FormField(request, "response_type") == "device_code") return JsonResponse(200, kDeviceAnswer);
    switch (++polls) {
      case 1:
        return OAuthError("authorization_pending");
      case 2:
        return OAuthError("slow_down");
      case 3:
        return testing::TransportFailure();  // a network blip is polled again
      case 4:
        return OAuthError("authorization_pending");
      default:
        return JsonResponse(200, TokenBody("00Dxx!device-access", "5Aep861device.refresh"));
    }
  });
  DeviceAuthorization shown;
  LoginPrompts prompts;
  prompts.show_device_code = [&](const DeviceAuthorization& device) { shown = device; };
  StatusOr<Session> session = LoginWithDevice(DeviceSettings(), &fake, &clock, prompts);
  INFO(session.status().ToString());
  REQUIRE(session.ok());
  CHECK(session->refresh_token == "5Aep861device.refresh");
  CHECK(shown.user_code == "RNEBRNVB");
  CHECK(shown.verification_uri == "https://login.example.com/setup/connect");

  const HttpRequest start = fake.requests().at(0);
  CHECK(FormField(start, "client_id") == "3MVG9client");
  CHECK(FormField(start, "scope") == "api refresh_token openid");
  const HttpRequest poll = fake.requests().at(1);
  CHECK(FormField(poll, "grant_type") == "device");  // Salesforce's, not RFC 8628's (§1.8)
  CHECK(FormField(poll, "code") == "M0RGRDBBNkItQUE3My00RTM4");
  using std::chrono::milliseconds;
  CHECK(clock.sleeps() == std::vector<milliseconds>{milliseconds(5000), milliseconds(5000), milliseconds(10000),
                                                    milliseconds(10000), milliseconds(10000)});
}

TEST_CASE("a denied device login, and one nobody approves, end with their causes") {
  FakeTransport denied;
  testing::RecordingClock clock(kNow);
  denied.OnRequest("POST", kTokenUrl, [](const HttpRequest& request) -> StatusOr<HttpResponse> {
    if (FormField(request, "response_type") == "device_code") return JsonResponse(200, kDeviceAnswer);
    return OAuthError("access_denied");
  });
  LoginPrompts prompts;
  prompts.show_device_code = [](const DeviceAuthorization&) {};
  Status status = LoginWithDevice(DeviceSettings(), &denied, &clock, prompts).status();
  CHECK(status.reason() == "auth.not_approved");
  CHECK(ExitCodeFor(status) == kExitAuthNotApproved);

  FakeTransport pending;
  pending.OnRequest("POST", kTokenUrl, [](const HttpRequest& request) -> StatusOr<HttpResponse> {
    if (FormField(request, "response_type") == "device_code") {
      return JsonResponse(
          200,
          R"({"device_code":"dc-123456789","user_code":"ABCD","verification_uri":"https://v.example.com","interval":5,"expires_in":60})");
    }
    return OAuthError("authorization_pending");
  });
  prompts.timeout = seconds(600);
  Status timeout = LoginWithDevice(DeviceSettings(), &pending, &clock, prompts).status();
  CHECK(timeout.code() == StatusCode::kDeadlineExceeded);
  CHECK(timeout.message().find("within 60 s") != std::string::npos);  // the code's own expiry wins
  CHECK(pending.CountRequests("POST", kTokenUrl) == 1 + 12);
}

}  // namespace
}  // namespace sfsync::salesforce
