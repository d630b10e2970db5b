#include "connectors/salesforce/auth/oauth_errors.h"

#include <doctest/doctest.h>

#include "connectors/salesforce/testing/fixtures.h"
#include "engine/core/exit_codes.h"

namespace sfsync::salesforce {
namespace {

using testing::ReadFixture;

TEST_CASE("recorded token-endpoint errors name the cause and what to change") {
  Status expired = OAuthErrorStatus(400, ReadFixture("oauth_error_invalid_grant.json"), "refresh_token");
  CHECK(expired.code() == StatusCode::kUnauthenticated);
  CHECK(expired.reason() == "auth.grant_expired");
  CHECK(expired.message() ==
        "refresh token expired or revoked (invalid_grant: expired access/refresh token): run `sfsync auth login "
        "JOB.yaml` again, or check the app's refresh token policy");

  Status client = OAuthErrorStatus(400, ReadFixture("oauth_error_invalid_client_id.json"), "refresh_token");
  CHECK(client.reason() == "auth.invalid_client_id");
  CHECK(client.message().rfind("unknown client id (invalid_client_id: client identifier invalid): set client_id", 0) ==
        0);

  Status not_approved = OAuthErrorStatus(400, ReadFixture("jwt_bearer_error.json"), "jwt_bearer");
  CHECK(not_approved.reason() == "auth.not_approved");
  CHECK(not_approved.message().find("pre-authorized") != std::string::npos);

  Status signature = OAuthErrorStatus(400, ReadFixture("jwt_bearer_error_invalid_assertion.json"), "jwt_bearer");
  CHECK(signature.reason() == "auth.jwt_signature");
  CHECK(signature.message().find("private_key_file") != std::string::npos);

  Status password = OAuthErrorStatus(400, ReadFixture("oauth_error_invalid_grant_password.json"), "password");
  CHECK(password.code() == StatusCode::kUnauthenticated);
  CHECK(password.reason() == "invalid_grant");  // no more specific cause: the OAuth error itself
  CHECK(password.message().find("Login History") != std::string::npos);
}

TEST_CASE("every auth reason is one exit_codes.cc knows") {
  struct Case {
    const char* body;
    const char* flow;
    const char* reason;
    int exit_code;
  };
  const Case cases[] = {
      {R"({"error":"invalid_client_id","error_description":"client identifier invalid"})", "jwt_bearer",
       "auth.invalid_client_id", kExitAuthInvalidClient},
      {R"({"error":"invalid_client","error_description":"invalid client credentials"})", "client_credentials",
       "auth.invalid_client_secret", kExitAuthInvalidSecret},
      {R"({"error":"redirect_uri_mismatch","error_description":"redirect_uri must match configuration"})",
       "authorization_code", "auth.redirect_uri_mismatch", kExitAuthRedirectMismatch},
      {R"({"error":"invalid_grant","error_description":"redirect_uri must match configuration"})",
       "authorization_code", "auth.redirect_uri_mismatch", kExitAuthRedirectMismatch},
      {R"({"error":"invalid_scope","error_description":"the requested scope is not allowed"})", "refresh_token",
       "auth.scope", kExitAuthScope},
      {R"({"error":"invalid_grant","error_description":"user hasn't approved this consumer"})", "refresh_token",
       "auth.not_approved", kExitAuthNotApproved},
      {R"({"error":"invalid_app_access","error_description":"user is not admin approved to access this app"})",
       "jwt_bearer", "auth.not_approved", kExitAuthNotApproved},
      {R"({"error":"invalid_grant","error_description":"expired access/refresh token"})", "refresh_token",
       "auth.grant_expired", kExitAuthGrantExpired},
      {R"({"error":"invalid_grant","error_description":"expired authorization code"})", "authorization_code",
       "auth.grant_expired", kExitAuthGrantExpired},
      {R"({"error":"invalid_grant","error_description":"invalid assertion"})", "jwt_bearer", "auth.jwt_signature",
       kExitAuthJwtSignature},
      {R"({"error":"invalid_grant","error_description":"Audience validation failed"})", "jwt_bearer",
       "auth.jwt_audience", kExitAuthJwtAudience},
      {R"({"error":"invalid_grant","error_description":"expired authorization code"})", "jwt_bearer",
       "auth.clock_skew", kExitAuthClockSkew},
      {R"({"error":"invalid_grant","error_description":"request not supported on this domain"})",
       "client_credentials", "auth.domain", kExitAuthDomain},
      {R"({"error":"unsupported_grant_type","error_description":"grant type not supported"})", "client_credentials",
       "unsupported_grant_type", kExitAuth},
  };
  for (const Case& c : cases) {
    CAPTURE(c.body);
    CAPTURE(c.flow);
    Status status = OAuthErrorStatus(400, c.body, c.flow);
    CHECK(status.code() == StatusCode::kUnauthenticated);
    CHECK(status.reason() == c.reason);
    CHECK(ExitCodeFor(status) == c.exit_code);
    CHECK(status.message().find('\n') == std::string::npos);
  }
}

TEST_CASE("OAuth error keys are read in any order, and from form-encoded bodies") {
  Status reversed =
      OAuthErrorStatus(400, R"({"error_description":"authentication failure","error":"invalid_grant"})", "password");
  CHECK(reversed.reason() == "invalid_grant");
  CHECK(reversed.message().find("(invalid_grant: authentication failure)") != std::string::npos);
  Status form = OAuthErrorStatus(400, "error=invalid_grant&error_description=expired+access%2Frefresh+token",
                                 "refresh_token");
  CHECK(form.reason() == "auth.grant_expired");
}

TEST_CASE("an unreachable or failing token endpoint is retriable, a wrong login_url is not") {
  Status busy = OAuthErrorStatus(503, "<html><body><h1>Service Unavailable</h1></body></html>", "refresh_token");
  CHECK(busy.code() == StatusCode::kUnavailable);
  CHECK(busy.message() == "token endpoint answered HTTP 503 Service Unavailable: Service Unavailable");
  CHECK(OAuthErrorStatus(400, R"({"error":"rate_limit_exceeded"})", "jwt_bearer").code() == StatusCode::kUnavailable);
  Status missing = OAuthErrorStatus(404, "<html><title>Page not found</title></html>", "refresh_token");
  CHECK(missing.code() == StatusCode::kUnauthenticated);
  CHECK(missing.message().find("check login_url") != std::string::npos);
}

}  // namespace
}  // namespace sfsync::salesforce
