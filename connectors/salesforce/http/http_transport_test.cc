#include "connectors/salesforce/http/http_transport.h"

#include <doctest/doctest.h>

namespace sfsync::salesforce {
namespace {

TEST_CASE("headers are found whatever their case, as recordings show them lower-cased") {
  HttpResponse response;
  response.headers = {{"sforce-limit-info", "api-usage=891/15000"}, {"Date", "Wed, 06 May 2026 12:07:50 GMT"}};
  REQUIRE(response.Header("Sforce-Limit-Info") != nullptr);
  CHECK(*response.Header("Sforce-Limit-Info") == "api-usage=891/15000");
  CHECK(*response.Header("DATE") == "Wed, 06 May 2026 12:07:50 GMT");
  CHECK(response.Header("Location") == nullptr);
}

TEST_CASE("UrlEncode keeps only RFC 3986 unreserved characters") {
  CHECK(UrlEncode("SELECT Id FROM Account WHERE Name = 'A&B'") ==
        "SELECT%20Id%20FROM%20Account%20WHERE%20Name%20%3D%20%27A%26B%27");
  CHECK(UrlEncode("a-b_c.d~e") == "a-b_c.d~e");
  CHECK(UrlEncode("5Aep861+/=") == "5Aep861%2B%2F%3D");
  CHECK(UrlEncode("\xC3\xA9") == "%C3%A9");
}

TEST_CASE("UrlDecode reverses UrlEncode and reads '+' as a space") {
  const std::string text = "grant=refresh token&x=ü/+=%";
  CHECK(UrlDecode(UrlEncode(text)) == text);
  CHECK(UrlDecode("end-user+denied+authorization") == "end-user denied authorization");
  CHECK(UrlDecode("aPrx%3D%3D") == "aPrx==");
  CHECK(UrlDecode("100%") == "100%");    // a stray '%' stays
  CHECK(UrlDecode("%zz%4") == "%zz%4");  // so does a bad escape
}

}  // namespace
}  // namespace sfsync::salesforce
