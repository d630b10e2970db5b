// The cpprestsdk transport against a real socket: LoopbackServer answers with the raw bytes each
// scenario needs.
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <thread>

#include "connectors/salesforce/http/http_transport.h"
#include "connectors/salesforce/testing/gzip.h"
#include "connectors/salesforce/testing/loopback_server.h"
#include "engine/core/exit_codes.h"

namespace sfsync::salesforce {
namespace {

using std::chrono::milliseconds;
using testing::ChunkedBody;
using testing::Gzip;
using testing::LoopbackServer;
using testing::MakeSelfSignedIdentity;
using testing::RawResponse;
using testing::ServerReply;
using testing::ServerRequest;
using testing::TlsIdentity;

// A query-page-like body big enough to span many reads.
std::string BigJson() {
  std::string body = R"({"records":[)";
  for (int i = 0; i < 5000; ++i) body += (i ? "," : "") + std::string(R"({"Id":"001xx000003DGb2AAG","n":)") + std::to_string(i) + "}";
  return body + "]}";
}

std::string WriteTempFile(const std::string& text) {
  char path[] = "/tmp/sfsync-ca-XXXXXX";
  int fd = ::mkstemp(path);
  REQUIRE(fd >= 0);
  REQUIRE(::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
  ::close(fd);
  return path;
}

TransportOptions Fast() {
  TransportOptions options;
  options.timeout = milliseconds(5000);
  return options;
}

TEST_CASE("request headers and body reach the server, response status, headers and body come back") {
  LoopbackServer server([](const ServerRequest&) {
    return ServerReply{RawResponse(201, {{"Content-Type", "application/json;charset=UTF-8"},
                                         {"Sforce-Limit-Info", "api-usage=18/15000"},
                                         {"Location", "/services/data/v60.0/sobjects/Account/001xx"}},
                                   R"({"id":"001xx","success":true})")};
  });
  auto transport = NewCpprestTransport(Fast());
  HttpRequest request;
  request.method = "POST";
  request.url = server.Url("/services/data/v60.0/sobjects/Account?x=%20y");
  request.headers = {{"Authorization", "Bearer 00Dxx!abc"},
                     {"Sforce-Call-Options", "client=sfsync"},
                     {"Content-Type", "application/json"}};
  request.body = R"({"Name":"Acme"})";
  StatusOr<HttpResponse> response = transport->Send(request);
  REQUIRE(response.ok());
  CHECK(response->status == 201);
  CHECK(response->body == R"({"id":"001xx","success":true})");
  REQUIRE(response->Header("sforce-limit-info") != nullptr);
  CHECK(*response->Header("sforce-limit-info") == "api-usage=18/15000");
  CHECK(*response->Header("Location") == "/services/data/v60.0/sobjects/Account/001xx");

  REQUIRE(server.requests().size() == 1);
  const ServerRequest seen = server.requests()[0];
  CHECK(seen.method == "POST");
  CHECK(seen.target == "/services/data/v60.0/sobjects/Account?x=%20y");
  CHECK(*seen.Header("Authorization") == "Bearer 00Dxx!abc");
  CHECK(*seen.Header("Sforce-Call-Options") == "client=sfsync");
  CHECK(seen.Header("Content-Type")->rfind("application/json", 0) == 0);
  CHECK(seen.body == R"({"Name":"Acme"})");
}

TEST_CASE("gzip is requested, and gzip bodies come back inflated, with or without chunking, over http or https") {
  const std::string json = BigJson();
  const TlsIdentity identity = MakeSelfSignedIdentity("localhost");
  const std::string ca_file = WriteTempFile(identity.cert_pem);
  for (bool tls : {false, true}) {
    for (bool chunked : {false, true}) {
      CAPTURE(tls);
      CAPTURE(chunked);
      LoopbackServer server(
          [&](const ServerRequest& request) {
            const std::string* accept = request.Header("Accept-Encoding");
            if (accept == nullptr || accept->find("gzip") == std::string::npos) {
              return ServerReply{RawResponse(200, {}, json)};
            }
            const std::string compressed = Gzip(json);
            if (!chunked) {
              return ServerReply{
                  RawResponse(200, {{"Content-Encoding", "gzip"}, {"Content-Type", "application/json"}}, compressed)};
            }
            return ServerReply{RawResponse(200, {{"Content-Encoding", "gzip"}, {"Transfer-Encoding", "chunked"}},
                                           ChunkedBody(compressed, 4000))};
          },
          tls ? std::make_unique<TlsIdentity>(identity) : nullptr);
      TransportOptions options = Fast();
      options.ca_file = ca_file;
      auto transport = NewCpprestTransport(options);
      HttpRequest request;
      request.url = tls ? "https://localhost:" + std::to_string(server.port()) + "/services/data/v60.0/query?q=x"
                        : server.Url("/services/data/v60.0/query?q=x");
      StatusOr<HttpResponse> response = transport->Send(request);
      REQUIRE_MESSAGE(response.ok(), response.status().ToString());
      CHECK(response->status == 200);
      CHECK(response->body.size() == json.size());
      CHECK(response->body == json);
      CHECK(response->Header("Content-Encoding") == nullptr);  // the body is no longer encoded
      CHECK(response->Header("Content-Length") == nullptr);
      if (!chunked) CHECK(*response->Header("Content-Type") == "application/json");  // other headers stay
      REQUIRE(server.requests().size() == 1);
      CHECK(*server.requests()[0].Header("Accept-Encoding") == "gzip");
    }
  }
  std::remove(ca_file.c_str());
}

TEST_CASE("with gzip off, no compression is asked for, and gzip sent anyway is still inflated, within the caps") {
  const std::string json = BigJson();
  LoopbackServer server([&](const ServerRequest& request) {
    if (request.target == "/plain") return ServerReply{RawResponse(200, {}, "plain")};
    return ServerReply{RawResponse(200, {{"Content-Encoding", "gzip"}}, Gzip(json))};
  });
  TransportOptions options = Fast();
  options.request_gzip = false;
  auto transport = NewCpprestTransport(options);
  HttpRequest request;
  request.url = server.Url("/plain");
  StatusOr<HttpResponse> plain = transport->Send(request);
  REQUIRE(plain.ok());
  CHECK(plain->body == "plain");
  CHECK(server.requests()[0].Header("Accept-Encoding") == nullptr);
  request.url = server.Url("/unasked");
  StatusOr<HttpResponse> unasked = transport->Send(request);
  REQUIRE(unasked.ok());
  CHECK(unasked->body == json);
  CHECK(unasked->Header("Content-Encoding") == nullptr);
}

TEST_CASE("an encoding sfsync cannot decode is refused: DataLoss, reason response.encoding, exit 6") {
  LoopbackServer server([](const ServerRequest&) {
    return ServerReply{RawResponse(200, {{"Content-Encoding", "br"}}, "\x1b\x03\x00\xf8")};
  });
  auto transport = NewCpprestTransport(Fast());
  HttpRequest request;
  request.url = server.Url("/services/data/v60.0/limits");
  Status status = transport->Send(request).status();
  CHECK(status.code() == StatusCode::kDataLoss);
  CHECK(status.reason() == "response.encoding");
  CHECK(ExitCodeFor(status) == kExitUnavailable);
  CHECK(status.message().find(server.Url("/services/data/v60.0/limits")) != std::string::npos);
}

TEST_CASE("connections to one host are reused across requests") {
  LoopbackServer server([](const ServerRequest&) { return ServerReply{RawResponse(200, {}, "ok")}; });
  auto transport = NewCpprestTransport(Fast());
  HttpRequest request;
  request.url = server.Url("/a");
  for (int i = 0; i < 10; ++i) {
    REQUIRE(transport->Send(request).ok());
    // cpprestsdk returns a connection to its pool asynchronously, just after the response is handed
    // over; a sync always does some work between two calls, and so does this loop.
    std::this_thread::sleep_for(milliseconds(20));
  }
  CHECK(server.requests().size() == 10);
  CHECK(server.connections_accepted() <= 2);  // 10 without reuse; 1 unless the machine is very busy
}

TEST_CASE("a server that stops answering times out as kUnavailable, reason timeout") {
  LoopbackServer server([](const ServerRequest&) { return ServerReply{RawResponse(200, {}, "late"), milliseconds(3000)}; });
  TransportOptions options;
  options.timeout = milliseconds(200);
  auto transport = NewCpprestTransport(options);
  HttpRequest request;
  request.url = server.Url("/slow");
  const auto started = std::chrono::steady_clock::now();
  Status status = transport->Send(request).status();
  CHECK(status.code() == StatusCode::kUnavailable);
  CHECK(status.reason() == "timeout");
  CHECK(std::chrono::steady_clock::now() - started < milliseconds(2500));
}

TEST_CASE("connection refused is kUnavailable") {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);  // the port is now (almost certainly) closed
  auto transport = NewCpprestTransport(Fast());
  HttpRequest request;
  request.url = "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port)) + "/";
  Status status = transport->Send(request).status();
  CHECK(status.code() == StatusCode::kUnavailable);
  CHECK(status.message().find("127.0.0.1") != std::string::npos);
}

TEST_CASE("a body that ends before its Content-Length, or mid-chunk, is kUnavailable") {
  for (const std::string& raw : {std::string("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n{\"records\":["),
                                std::string("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n400\r\n{\"records\":[")}) {
    CAPTURE(raw);
    LoopbackServer server([&](const ServerRequest&) { return ServerReply{raw, milliseconds(0), /*close=*/true}; });
    auto transport = NewCpprestTransport(Fast());
    HttpRequest request;
    request.url = server.Url("/cut");
    CHECK(transport->Send(request).status().code() == StatusCode::kUnavailable);
  }
}

TEST_CASE("redirects are returned, not followed: they would carry the Authorization header away") {
  LoopbackServer server([](const ServerRequest&) {
    return ServerReply{RawResponse(302, {{"Location", "http://127.0.0.1:1/elsewhere"}}, "")};
  });
  auto transport = NewCpprestTransport(Fast());
  HttpRequest request;
  request.url = server.Url("/moved");
  request.headers = {{"Authorization", "Bearer 00Dxx!abc"}};
  StatusOr<HttpResponse> response = transport->Send(request);
  REQUIRE(response.ok());
  CHECK(response->status == 302);
  CHECK(server.requests().size() == 1);
}

TEST_CASE("malformed URLs are InvalidArgument and nothing is sent") {
  auto transport = NewCpprestTransport(Fast());
  for (const char* url : {"", "ftp://x/y", "no-scheme/path", "http://"}) {
    CAPTURE(url);
    HttpRequest request;
    request.url = url;
    CHECK(transport->Send(request).status().code() == StatusCode::kInvalidArgument);
  }
}

ServerReply Ok(const ServerRequest&) { return ServerReply{RawResponse(200, {}, "secure")}; }

TEST_CASE("https with an untrusted certificate fails verification: FailedPrecondition, reason tls, names ca_file") {
  LoopbackServer server(Ok, std::make_unique<TlsIdentity>(MakeSelfSignedIdentity("localhost")));
  auto transport = NewCpprestTransport(Fast());
  HttpRequest request;
  request.url = server.Url("/");
  Status status = transport->Send(request).status();
  CHECK(status.code() == StatusCode::kFailedPrecondition);
  CHECK(status.reason() == "tls");
  CHECK(status.message().find("ca_file") != std::string::npos);
  CHECK(server.requests().empty());
}

TEST_CASE("ca_file adds a trust anchor, the host name must still match the certificate") {
  TlsIdentity identity = MakeSelfSignedIdentity("localhost");
  const std::string ca_file = WriteTempFile(identity.cert_pem);
  LoopbackServer server(Ok, std::make_unique<TlsIdentity>(identity));
  TransportOptions options = Fast();
  options.ca_file = ca_file;
  auto transport = NewCpprestTransport(options);
  HttpRequest request;
  request.url = "https://localhost:" + std::to_string(server.port()) + "/";
  StatusOr<HttpResponse> response = transport->Send(request);
  REQUIRE(response.ok());
  CHECK(response->body == "secure");

  TlsIdentity other = MakeSelfSignedIdentity("other.example.com");
  const std::string other_ca = WriteTempFile(other.cert_pem);
  LoopbackServer wrong_name(Ok, std::make_unique<TlsIdentity>(other));
  TransportOptions trusting_other = Fast();
  trusting_other.ca_file = other_ca;
  auto strict = NewCpprestTransport(trusting_other);
  request.url = "https://localhost:" + std::to_string(wrong_name.port()) + "/";
  Status mismatch = strict->Send(request).status();
  CHECK(mismatch.code() == StatusCode::kFailedPrecondition);
  CHECK(mismatch.reason() == "tls");
  std::remove(ca_file.c_str());
  std::remove(other_ca.c_str());
}

TEST_CASE("an unreadable ca_file is one clear error, before any connection") {
  TransportOptions options = Fast();
  options.ca_file = "/nonexistent/ca.pem";
  auto transport = NewCpprestTransport(options);
  HttpRequest request;
  request.url = "https://localhost:1/";
  Status status = transport->Send(request).status();
  CHECK(status.code() == StatusCode::kFailedPrecondition);
  CHECK(status.reason() == "tls");
  CHECK(status.message().find("/nonexistent/ca.pem") != std::string::npos);
}

}  // namespace
}  // namespace sfsync::salesforce
