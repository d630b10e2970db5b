#include "engine/core/url.h"

#include <doctest/doctest.h>

namespace sfsync {
namespace {

TEST_CASE("UrlHost takes the host out of a URL") {
  CHECK(UrlHost("https://login.salesforce.com") == "login.salesforce.com");
  CHECK(UrlHost("http://127.0.0.1:8383/services/data") == "127.0.0.1");
  CHECK(UrlHost("http://[::1]:80/x") == "[::1]");
  CHECK(UrlHost("https://user@acme.my.salesforce.com/") == "acme.my.salesforce.com");
  CHECK(UrlHost("no scheme").empty());
}

TEST_CASE("loopback hosts, and look-alikes that are not") {
  CHECK(IsLoopbackHost("127.0.0.1"));
  CHECK(IsLoopbackHost("127.255.0.9"));
  CHECK(IsLoopbackHost("LocalHost"));
  CHECK(IsLoopbackHost("[::1]"));
  CHECK_FALSE(IsLoopbackHost("127.0.0.1.evil.com"));
  CHECK_FALSE(IsLoopbackHost("128.0.0.1"));
  CHECK_FALSE(IsLoopbackHost("127.0.0"));
  CHECK_FALSE(IsLoopbackHost("127.0.0.256"));
  CHECK_FALSE(IsLoopbackHost("127..0.1"));
  CHECK_FALSE(IsLoopbackHost("example.com"));
}

}  // namespace
}  // namespace sfsync
