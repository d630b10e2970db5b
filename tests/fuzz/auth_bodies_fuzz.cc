// The token response parser, the OAuth error parser and the REST error-body parser on arbitrary
// bodies (the first byte picks the HTTP status). Promise: a Status, never a crash; an error
// Status is never OK.
#include <cstdint>
#include <string>

#include "connectors/salesforce/auth/oauth_errors.h"
#include "connectors/salesforce/auth/oauth_token.h"
#include "connectors/salesforce/http/api_error.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static const int kStatuses[] = {200, 300, 400, 401, 403, 404, 406, 415, 420, 429, 500, 502, 503};
  const int status = kStatuses[data[0] % (sizeof kStatuses / sizeof kStatuses[0])];
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  (void)sfsync::salesforce::ParseTokenResponse(body, 1700000000000);
  FUZZ_CHECK(!sfsync::salesforce::OAuthErrorStatus(status >= 400 ? status : 400, body, "refresh_token").ok());
  sfsync::salesforce::HttpResponse response;
  response.status = status >= 400 ? status : 400;
  response.body = std::string(body);
  FUZZ_CHECK(!sfsync::salesforce::ErrorFromResponse(response).ok());
  return 0;
}
