#include "tests/emulator/api/rest_error.h"

#include "tests/emulator/json_writer.h"

namespace sfsync::emulator {

HttpResponse JsonResponse(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.headers.Set("Content-Type", std::string(kJsonContentType));
  response.body = std::move(body);
  return response;
}

HttpResponse NoContentResponse() {
  HttpResponse response;
  response.status = 204;
  return response;
}

HttpResponse RestErrorResponse(const RestError& error) {
  std::string body;
  JsonWriter json(&body);
  json.BeginArray();
  json.BeginObject();
  json.Key("message");
  json.String(error.message);
  json.Key("errorCode");
  json.String(error.error_code);
  json.EndObject();
  json.EndArray();
  return JsonResponse(error.status, std::move(body));
}

RestError NotFoundError() {
  return {404, "NOT_FOUND", "The requested resource does not exist"};
}

RestError InvalidSessionError() {
  return {401, "INVALID_SESSION_ID", "Session expired or invalid"};
}

RestError NoApiScopeError() {
  return {401, "INVALID_SESSION_ID", "This session is not valid for use with the REST API"};
}

RestError RequestLimitError() {
  return {403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded."};
}

// No verbatim body was ever recorded (error_invalid_query_locator.EVIDENCE.txt); this one is
// built from the logged errorCode and message.
RestError InvalidQueryLocatorError() {
  return {400, "INVALID_QUERY_LOCATOR", "invalid query locator"};
}

}  // namespace sfsync::emulator
