#include "connectors/salesforce/auth/oauth_callback_listener.h"

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "connectors/salesforce/testing/browser.h"
#include "engine/core/exit_codes.h"

namespace sfsync::salesforce {
namespace {

using std::chrono::milliseconds;
using testing::BrowserGet;
using testing::FreeLoopbackPort;

struct Fixture {
  int port = FreeLoopbackPort();
  std::string redirect_uri = "http://127.0.0.1:" + std::to_string(port) + "/callback";
};

TEST_CASE("the listener binds the loopback address of the redirect URI, and nothing else") {
  Fixture f;
  auto listener = CallbackListener::Start(f.redirect_uri);
  REQUIRE(listener.ok());
  CHECK((*listener)->BoundAddress() == "127.0.0.1:" + std::to_string(f.port));

  auto localhost = CallbackListener::Start("http://localhost:" + std::to_string(FreeLoopbackPort()) + "/cb");
  REQUIRE(localhost.ok());
  CHECK((*localhost)->BoundAddress().rfind("127.0.0.1:", 0) == 0);

  for (const std::string& uri :
       {std::string("https://127.0.0.1:8443/callback"), std::string("http://0.0.0.0:1717/cb"),
        std::string("http://192.168.1.20:1717/callback"), std::string("http://app.example.com:1717/callback"),
        std::string("http://127.0.0.1/callback")}) {
    CAPTURE(uri);
    Status refused = CallbackListener::Start(uri).status();
    CHECK(refused.code() == StatusCode::kInvalidArgument);
    CHECK(refused.reason() == "job.invalid");
    CHECK(refused.message().find("http://127.0.0.1:PORT/PATH") != std::string::npos);
  }
  Status taken = CallbackListener::Start(f.redirect_uri).status();  // the first listener holds the port
  CHECK(taken.code() == StatusCode::kUnavailable);
  CHECK(taken.message().find("another `sfsync auth login`") != std::string::npos);
}

TEST_CASE("a callback with the expected state yields the code, after a stray request for another path") {
  Fixture f;
  auto listener = CallbackListener::Start(f.redirect_uri);
  REQUIRE(listener.ok());
  std::string favicon, callback;
  std::thread browser([&] {
    favicon = BrowserGet(f.port, "/favicon.ico");
    callback = BrowserGet(f.port, "/callback?code=aPrx%2Bcode%3D%3D&state=st-123");
  });
  StatusOr<std::string> code = (*listener)->WaitForCode("st-123", milliseconds(5000));
  browser.join();
  REQUIRE(code.ok());
  CHECK(*code == "aPrx+code==");  // URL-decoded, as the token exchange needs it
  CHECK(favicon.rfind("HTTP/1.1 404", 0) == 0);
  CHECK(callback.rfind("HTTP/1.1 200", 0) == 0);
  CHECK(callback.find("You can close this tab") != std::string::npos);
}

TEST_CASE("a forged state is rejected and stops the login") {
  Fixture f;
  auto listener = CallbackListener::Start(f.redirect_uri);
  REQUIRE(listener.ok());
  std::string reply;
  std::thread attacker([&] { reply = BrowserGet(f.port, "/callback?code=stolen-code-1&state=guessed"); });
  Status status = (*listener)->WaitForCode("st-real", milliseconds(5000)).status();
  attacker.join();
  CHECK(status.code() == StatusCode::kUnauthenticated);
  CHECK(status.reason() == "auth.state_mismatch");
  CHECK(status.message().find("nothing was stored") != std::string::npos);
  CHECK(ExitCodeFor(status) == kExitAuth);
  CHECK(reply.rfind("HTTP/1.1 400", 0) == 0);
}

TEST_CASE("an error callback is diagnosed like a token-endpoint error") {
  Fixture f;
  auto listener = CallbackListener::Start(f.redirect_uri);
  REQUIRE(listener.ok());
  std::thread browser([&] {
    BrowserGet(f.port, "/callback?error=access_denied&error_description=end-user+denied+authorization&state=s1");
  });
  Status status = (*listener)->WaitForCode("s1", milliseconds(5000)).status();
  browser.join();
  CHECK(status.reason() == "auth.not_approved");
  CHECK(status.message().find("end-user denied authorization") != std::string::npos);
}

TEST_CASE("nobody calling back ends in a timeout, and a silent connection does not block it") {
  Fixture f;
  auto listener = CallbackListener::Start(f.redirect_uri);
  REQUIRE(listener.ok());
  // A client that connects and never sends a byte.
  const int idle = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(f.port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(idle, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  const auto started = std::chrono::steady_clock::now();
  Status status = (*listener)->WaitForCode("s1", milliseconds(300)).status();
  const auto waited = std::chrono::steady_clock::now() - started;
  ::close(idle);
  CHECK(status.code() == StatusCode::kDeadlineExceeded);
  CHECK(status.reason() == "auth.timeout");
  CHECK(waited >= milliseconds(300));
  CHECK(waited < milliseconds(2000));
}

TEST_CASE("the port is free again once the listener is gone") {
  Fixture f;
  { REQUIRE(CallbackListener::Start(f.redirect_uri).ok()); }
  CHECK(CallbackListener::Start(f.redirect_uri).ok());
}

}  // namespace
}  // namespace sfsync::salesforce
