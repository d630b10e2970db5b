// REST error bodies: always a JSON array of {"message","errorCode"}, message first
// (protocol §3.1), served as `application/json;charset=UTF-8`.
#ifndef SFSYNC_TESTS_EMULATOR_API_REST_ERROR_H_
#define SFSYNC_TESTS_EMULATOR_API_REST_ERROR_H_

#include <string>
#include <string_view>

#include "tests/emulator/net/http_message.h"

namespace sfsync::emulator {

inline constexpr std::string_view kJsonContentType = "application/json;charset=UTF-8";

struct RestError {
  int status = 400;
  std::string error_code;
  std::string message;
};

HttpResponse JsonResponse(int status, std::string body);
// 204 with no body and no Content-Type (sobject_update_204.txt).
HttpResponse NoContentResponse();
HttpResponse RestErrorResponse(const RestError& error);

// The errors several handlers share.
RestError NotFoundError();            // 404 NOT_FOUND "The requested resource does not exist"
RestError InvalidSessionError();      // 401 INVALID_SESSION_ID
RestError NoApiScopeError();          // 401 INVALID_SESSION_ID for a token without `api` (§1.13)
RestError RequestLimitError();        // 403 REQUEST_LIMIT_EXCEEDED
RestError InvalidQueryLocatorError(); // 400 INVALID_QUERY_LOCATOR (synthetic, see README)

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_API_REST_ERROR_H_
