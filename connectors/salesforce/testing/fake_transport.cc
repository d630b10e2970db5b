#include "connectors/salesforce/testing/fake_transport.h"

namespace sfsync::salesforce::testing {
namespace {

std::string WithoutQuery(const std::string& url) { return url.substr(0, url.find('?')); }

}  // namespace

HttpResponse JsonResponse(int status, std::string body, HttpHeaders headers) {
  HttpResponse response;
  response.status = status;
  response.headers = {{"Content-Type", "application/json;charset=UTF-8"}};
  response.headers.insert(response.headers.end(), headers.begin(), headers.end());
  response.body = std::move(body);
  return response;
}

Status TransportFailure(std::string what) { return UnavailableError("fake transport: " + std::move(what)); }

std::string FormField(const HttpRequest& request, const std::string& name) {
  std::string_view body = request.body;
  while (!body.empty()) {
    const size_t amp = body.find('&');
    const std::string_view pair = body.substr(0, amp);
    body.remove_prefix(amp == std::string_view::npos ? body.size() : amp + 1);
    const size_t eq = pair.find('=');
    if (UrlDecode(pair.substr(0, eq)) == name)
      return eq == std::string_view::npos ? "" : UrlDecode(pair.substr(eq + 1));
  }
  return "<absent>";
}

FakeTransport::Script& FakeTransport::Script::Times(int times, StatusOr<HttpResponse> answer) {
  answers_.emplace_back(times, std::move(answer));
  return *this;
}

FakeTransport::Script& FakeTransport::Script::Then(StatusOr<HttpResponse> answer) { return Times(1, std::move(answer)); }

FakeTransport::Script& FakeTransport::On(const std::string& method, const std::string& url) {
  std::lock_guard<std::mutex> lock(mu_);
  Route& route = routes_[method + " " + url];
  route.script = Script();
  route.handler = nullptr;
  return route.script;
}

void FakeTransport::OnRequest(const std::string& method, const std::string& url, Handler handler) {
  std::lock_guard<std::mutex> lock(mu_);
  routes_[method + " " + url].handler = std::move(handler);
}

FakeTransport::Route* FakeTransport::FindRoute(const std::string& method, const std::string& url) {
  auto it = routes_.find(method + " " + url);
  if (it == routes_.end()) it = routes_.find(method + " " + WithoutQuery(url));
  return it == routes_.end() ? nullptr : &it->second;
}

StatusOr<HttpResponse> FakeTransport::Send(const HttpRequest& request) {
  Handler handler;
  {
    std::lock_guard<std::mutex> lock(mu_);
    requests_.push_back(request);
    Route* route = FindRoute(request.method, request.url);
    if (route == nullptr) {
      return JsonResponse(404, R"([{"message":"FakeTransport has no route for )" + request.method + " " +
                                   WithoutQuery(request.url) + R"(","errorCode":"NOT_FOUND"}])");
    }
    if (!route->handler) {
      Script& script = route->script;
      if (script.answers_.empty()) return TransportFailure("route with an empty script");
      auto& [remaining, answer] = script.answers_[script.next_];
      StatusOr<HttpResponse> result = answer;
      if (--remaining <= 0 && script.next_ + 1 < script.answers_.size()) ++script.next_;
      return result;
    }
    handler = route->handler;
  }
  return handler(request);
}

std::vector<HttpRequest> FakeTransport::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

int FakeTransport::CountRequests(const std::string& method, const std::string& url) const {
  std::lock_guard<std::mutex> lock(mu_);
  int count = 0;
  for (const HttpRequest& r : requests_) {
    if (r.method != method) continue;
    if (r.url == url || (url.find('?') == std::string::npos && WithoutQuery(r.url) == url)) ++count;
  }
  return count;
}

}  // namespace sfsync::salesforce::testing
