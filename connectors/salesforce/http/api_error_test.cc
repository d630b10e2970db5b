#include "connectors/salesforce/http/api_error.h"

#include <doctest/doctest.h>

#include "connectors/salesforce/testing/fake_transport.h"
#include "connectors/salesforce/testing/fixtures.h"
#include "engine/core/exit_codes.h"

namespace sfsync::salesforce {
namespace {

using testing::JsonResponse;
using testing::ReadFixture;

Status FromFixture(int status, const std::string& fixture) {
  return ErrorFromResponse(JsonResponse(status, ReadFixture(fixture)));
}

TEST_CASE("the recorded REST error bodies map to the code that tells the caller what to do") {
  struct Case {
    int status;
    const char* fixture;
    StatusCode code;
    const char* reason;
  };
  const Case cases[] = {
      {401, "error_invalid_session.json", StatusCode::kUnauthenticated, "INVALID_SESSION_ID"},
      {403, "error_request_limit.json", StatusCode::kResourceExhausted, "REQUEST_LIMIT_EXCEEDED"},
      {400, "error_malformed_query.json", StatusCode::kInvalidArgument, "MALFORMED_QUERY"},
      {400, "error_invalid_field.json", StatusCode::kInvalidArgument, "INVALID_FIELD"},
      {400, "error_invalid_type_in_query.json", StatusCode::kInvalidArgument, "INVALID_TYPE"},
      {404, "error_not_found.json", StatusCode::kNotFound, "NOT_FOUND"},
      {404, "error_entity_is_deleted.json", StatusCode::kNotFound, "ENTITY_IS_DELETED"},
      {400, "error_required_field_missing.json", StatusCode::kInvalidArgument, "REQUIRED_FIELD_MISSING"},
      {400, "error_invalid_cross_reference_key_single.json", StatusCode::kInvalidArgument,
       "INVALID_CROSS_REFERENCE_KEY"},
      {400, "error_bulk2_invalidentity.json", StatusCode::kInvalidArgument, "INVALIDENTITY"},
      {400, "error_malformed_search.json", StatusCode::kInvalidArgument, "MALFORMED_SEARCH"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.fixture);
    Status status = FromFixture(c.status, c.fixture);
    CHECK(status.code() == c.code);
    CHECK(status.reason() == c.reason);
    CHECK(status.message().find('\n') == std::string::npos);
    CHECK(!status.message().empty());
  }
}

TEST_CASE("a multi-line SOQL error is collapsed onto one line without the caret line") {
  Status status = FromFixture(400, "error_invalid_field.json");
  CHECK(status.message() ==
        "select Id, Company,Email,LastName,SF_date__c, ConvertedContactId from ERROR at Row:1:Column:35 No such "
        "column 'SF_date__c' on entity 'Lead'. If you are attempting to use a custom field, be sure to append the "
        "'__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate "
        "names.");
  CHECK(CollapseLines("\nSELECT Idd FROM Account\n       ^\nERROR at Row:1:Column:8\nNo such column 'Idd'") ==
        "SELECT Idd FROM Account ERROR at Row:1:Column:8 No such column 'Idd'");
}

TEST_CASE("fields and further errors are named in the message") {
  CHECK(FromFixture(400, "error_invalid_email_with_fields.json").message() ==
        "Email: invalid email address: not an email (fields: Email)");
  Status two = ErrorFromResponse(JsonResponse(
      400, R"([{"message":"first","errorCode":"A"},{"message":"second","errorCode":"B"}])"));
  CHECK(two.reason() == "A");
  CHECK(two.message() == "first (+1 more errors)");
}

TEST_CASE("status-only mappings: locator, timeout, precondition, throttling, concurrency limit") {
  CHECK(ErrorFromResponse(JsonResponse(400, R"([{"message":"invalid query locator","errorCode":"INVALID_QUERY_LOCATOR"}])"))
            .code() == StatusCode::kAborted);
  CHECK(ErrorFromResponse(JsonResponse(400, R"([{"message":"Your query request was running for too long.","errorCode":"QUERY_TIMEOUT"}])"))
            .code() == StatusCode::kDeadlineExceeded);
  CHECK(ErrorFromResponse(JsonResponse(412, R"([{"message":"not yet","errorCode":"JOB_NOT_COMPLETE"}])")).code() ==
        StatusCode::kFailedPrecondition);
  for (int status : {500, 502, 503, 406, 420, 429}) {
    CAPTURE(status);
    CHECK(ErrorFromResponse(JsonResponse(status, "")).code() == StatusCode::kUnavailable);
  }
  Status concurrent = ErrorFromResponse(JsonResponse(
      403, R"([{"message":"ConcurrentPerOrgLongTxn Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}])"));
  CHECK(concurrent.code() == StatusCode::kUnavailable);
  CHECK(ErrorFromResponse(JsonResponse(403, R"([{"message":"no","errorCode":"INSUFFICIENT_ACCESS"}])")).code() ==
        StatusCode::kPermissionDenied);
  HttpResponse redirect = JsonResponse(302, "", {{"Location", "https://other.example.com/x"}});
  Status redirected = ErrorFromResponse(redirect);
  CHECK(redirected.code() == StatusCode::kFailedPrecondition);
  CHECK(redirected.message().find("https://other.example.com/x") != std::string::npos);
}

TEST_CASE("an HTML maintenance page becomes a short message, never the whole page") {
  std::string page = "<!DOCTYPE html><html><head><title>Maintenance</title><style>body { color: red; }</style>"
                     "<script>var secretish = 1;</script></head><body><h1>Down for maintenance</h1><p>We'll be back";
  page += std::string(5000, 'x');
  page += "</p></body></html>";
  HttpResponse response;
  response.status = 503;
  response.headers = {{"Content-Type", "text/html"}};
  response.body = page;
  Status status = ErrorFromResponse(response);
  CHECK(status.code() == StatusCode::kUnavailable);
  CHECK(status.reason().empty());
  CHECK(status.message().rfind("HTTP 503 Service Unavailable: Maintenance Down for maintenance We'll be back", 0) == 0);
  CHECK(status.message().find('<') == std::string::npos);
  CHECK(status.message().find("color") == std::string::npos);
  CHECK(status.message().find("secretish") == std::string::npos);
  CHECK(status.message().size() <= std::string("HTTP 503 Service Unavailable: ").size() + 200 + 3);
  CHECK(status.message().substr(status.message().size() - 3) == "...");
}

TEST_CASE("the XML 401 body is reduced to its text") {
  HttpResponse response;
  response.status = 401;
  response.body = ReadFixture("error_oauth_invalid_token_xml.xml");
  Status status = ErrorFromResponse(response);
  CHECK(status.code() == StatusCode::kUnauthenticated);
  CHECK(status.message() ==
        "HTTP 401 Unauthorized: LOGIN_OAUTH_INVALID_TOKEN(db=1703,api=LOGIN_OAUTH_INVALID_TOKEN) Failed: Invalid Token");
  CHECK_FALSE(IsSessionExpired(status));  // no INVALID_SESSION_ID: renewing would not help
}

TEST_CASE("snippets never split a UTF-8 character") {
  std::string text;
  for (int i = 0; i < 150; ++i) text += "\xC3\xA9";  // é, two bytes each
  std::string snippet = TextSnippet(text, 201);
  CHECK(snippet.substr(snippet.size() - 3) == "...");
  CHECK(snippet.size() == 200 + 3);
}

TEST_CASE("only an expired session is worth renewing") {
  CHECK(IsSessionExpired(FromFixture(401, "error_invalid_session.json")));
  CHECK_FALSE(IsSessionExpired(ErrorFromResponse(JsonResponse(
      401, R"([{"message":"This session is not valid for use with the REST API","errorCode":"INVALID_SESSION_ID"}])"))));
  CHECK_FALSE(IsSessionExpired(FromFixture(403, "error_request_limit.json")));
  Status no_api_scope = ErrorFromResponse(JsonResponse(
      401, R"([{"message":"This session is not valid for use with the REST API","errorCode":"INVALID_SESSION_ID"}])"));
  CHECK(no_api_scope.code() == StatusCode::kUnauthenticated);
  CHECK(no_api_scope.reason() == "auth.scope");
  CHECK(ExitCodeFor(no_api_scope) == kExitAuthScope);
  CHECK(no_api_scope.message().rfind(
            "This session is not valid for use with the REST API: the token lacks the api scope", 0) == 0);
  CHECK(IsRetriable(UnavailableError("x")));
  CHECK_FALSE(IsRetriable(FromFixture(400, "error_malformed_query.json")));
}

}  // namespace
}  // namespace sfsync::salesforce
