// FakeTransport: an HttpTransport that answers from scripts, for connector unit tests.
//
// Scenarios read like the failures they model:
//   fake.On("GET", url).Times(2, JsonResponse(503, kBusy)).Then(JsonResponse(200, kPage));  // 503 twice then 200
//   fake.On("GET", url).Times(1, JsonResponse(401, kExpired)).Then(ok);                    // 401 once then 200
//   fake.On("GET", url).Then(TransportFailure());                                          // connection reset, always
//   fake.OnRequest("POST", token_url, [](const HttpRequest& r) { ... });                  // computed answers
// The last answer of a script repeats. Every request is recorded for assertions. A request that
// matches no route gets a 404 NOT_FOUND error body naming it, so a missing route fails loudly.
// Send is thread-safe; set routes up before requests start (a Script is not locked while edited).
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "connectors/salesforce/http/http_transport.h"

namespace sfsync::salesforce::testing {

// A response with Content-Type: application/json;charset=UTF-8 plus `headers`.
HttpResponse JsonResponse(int status, std::string body, HttpHeaders headers = {});
// What the transport returns when the connection dropped.
Status TransportFailure(std::string what = "connection reset by peer");
// The decoded value of form field `name` in a form-encoded request body, or "<absent>".
std::string FormField(const HttpRequest& request, const std::string& name);

class FakeTransport : public HttpTransport {
 public:
  using Handler = std::function<StatusOr<HttpResponse>(const HttpRequest&)>;

  class Script {
   public:
    // Answers the next `times` matching requests with `answer`.
    Script& Times(int times, StatusOr<HttpResponse> answer);
    // Answers the next matching request with `answer` (and every later one, if it stays last).
    Script& Then(StatusOr<HttpResponse> answer);

   private:
    friend class FakeTransport;
    std::vector<std::pair<int, StatusOr<HttpResponse>>> answers_;
    size_t next_ = 0;
  };

  // A new, empty script for `method` and `url`, replacing any earlier one. A url with a query
  // matches exactly; one without a query matches any query string (the exact route wins).
  Script& On(const std::string& method, const std::string& url);
  // Like On, but every answer is computed by `handler` (called outside the fake's lock).
  void OnRequest(const std::string& method, const std::string& url, Handler handler);

  StatusOr<HttpResponse> Send(const HttpRequest& request) override;

  std::vector<HttpRequest> requests() const;
  // Requests sent to `method` + `url` (same matching as On).
  int CountRequests(const std::string& method, const std::string& url) const;

 private:
  struct Route {
    Script script;
    Handler handler;
  };
  Route* FindRoute(const std::string& method, const std::string& url);

  mutable std::mutex mu_;
  std::map<std::string, Route> routes_;  // by "METHOD url"
  std::vector<HttpRequest> requests_;
};

}  // namespace sfsync::salesforce::testing
