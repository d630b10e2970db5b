#include "tests/emulator/net/request_reader.h"

#include <doctest/doctest.h>

#include <deque>

namespace sfsync::emulator {
namespace {

// Serves scripted reads (one chunk per Read, to exercise requests split across reads) and
// records what the reader writes back.
class ScriptedConnection : public Connection {
 public:
  explicit ScriptedConnection(std::deque<std::string> reads) : reads_(std::move(reads)) {}
  ssize_t Read(char* buffer, size_t size) override {
    if (reads_.empty()) return 0;
    std::string& next = reads_.front();
    size_t n = std::min(size, next.size());
    next.copy(buffer, n);
    next.erase(0, n);
    if (next.empty()) reads_.pop_front();
    return static_cast<ssize_t>(n);
  }
  bool WriteAll(std::string_view data) override {
    written += data;
    return true;
  }
  void Shutdown() override {}
  void Close() override {}
  void Reset() override {}
  void Hold(int64_t) override {}
  std::string written;

 private:
  std::deque<std::string> reads_;
};

TEST_CASE("a Content-Length body split across reads, then the connection closes") {
  ScriptedConnection connection({"POST /services/oauth2/token?a=1 HTTP/1.1\r\nHost: x\r\nContent-Le",
                                 "ngth: 12\r\n\r\ngrant_type=", "x"});
  RequestReader reader(&connection);
  HttpRequest request;
  REQUIRE(reader.Read(&request) == RequestReader::Result::kOk);
  CHECK(request.method == "POST");
  CHECK(request.path == "/services/oauth2/token");
  CHECK(request.query == "a=1");
  CHECK(request.headers.Get("content-length") == std::optional<std::string_view>("12"));
  CHECK(request.body == "grant_type=x");
  HttpRequest next;
  CHECK(reader.Read(&next) == RequestReader::Result::kClosed);
}

TEST_CASE("chunked bodies with extensions and trailers are reassembled") {
  ScriptedConnection connection({"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
                                 "5;ext=1\r\nhello\r\n", "6\r\n world\r\n0\r\nTrailer: t\r\n\r\n"});
  RequestReader reader(&connection);
  HttpRequest request;
  REQUIRE(reader.Read(&request) == RequestReader::Result::kOk);
  CHECK(request.body == "hello world");
}

TEST_CASE("pipelined keep-alive requests are read one after another") {
  ScriptedConnection connection(
      {"GET /a HTTP/1.1\r\n\r\nGET /b%20c?q=SELECT+Id HTTP/1.1\r\nConnection: close\r\n\r\n"});
  RequestReader reader(&connection);
  HttpRequest first, second;
  REQUIRE(reader.Read(&first) == RequestReader::Result::kOk);
  REQUIRE(reader.Read(&second) == RequestReader::Result::kOk);
  CHECK(first.path == "/a");
  CHECK(second.path == "/b c");
  CHECK(second.query == "q=SELECT+Id");
}

TEST_CASE("Expect: 100-continue is answered before the body is read") {
  ScriptedConnection connection({"POST /x HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n", "ok"});
  RequestReader reader(&connection);
  HttpRequest request;
  REQUIRE(reader.Read(&request) == RequestReader::Result::kOk);
  CHECK(connection.written == "HTTP/1.1 100 Continue\r\n\r\n");
  CHECK(request.body == "ok");
}

TEST_CASE("malformed, oversized and unsupported requests are classified") {
  auto read = [](std::string bytes) {
    ScriptedConnection connection({std::move(bytes)});
    RequestReader reader(&connection);
    HttpRequest request;
    return reader.Read(&request);
  };
  CHECK(read("GARBAGE\r\n\r\n") == RequestReader::Result::kBadRequest);
  CHECK(read("GET /x HTTP/2.0\r\n\r\n") == RequestReader::Result::kBadRequest);
  CHECK(read("GET x HTTP/1.1\r\n\r\n") == RequestReader::Result::kBadRequest);
  CHECK(read("GET /x HTTP/1.1\r\nNo-Colon\r\n\r\n") == RequestReader::Result::kBadRequest);
  CHECK(read("POST /x HTTP/1.1\r\nContent-Length: abc\r\n\r\n") == RequestReader::Result::kBadRequest);
  CHECK(read("POST /x HTTP/1.1\r\nContent-Length: 10\r\n\r\nshort") == RequestReader::Result::kBadRequest);
  CHECK(read("POST /x HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n") == RequestReader::Result::kNotImplemented);
  CHECK(read("POST /x HTTP/1.1\r\nContent-Length: 999999999999\r\n\r\n") == RequestReader::Result::kBodyTooLarge);
  CHECK(read("GET /x HTTP/1.1\r\nBig: " + std::string(70 * 1024, 'a') + "\r\n\r\n") ==
        RequestReader::Result::kHeadersTooLarge);
  CHECK(read("GET /x HTTP/1.1\r\nHost: partial") == RequestReader::Result::kBadRequest);
}

TEST_CASE("absolute-form targets keep only path and query") {
  ScriptedConnection connection({"GET http://127.0.0.1:8765/services/data/?x=1 HTTP/1.1\r\n\r\n"});
  RequestReader reader(&connection);
  HttpRequest request;
  REQUIRE(reader.Read(&request) == RequestReader::Result::kOk);
  CHECK(request.path == "/services/data/");
  CHECK(request.query == "x=1");
}

}  // namespace
}  // namespace sfsync::emulator
