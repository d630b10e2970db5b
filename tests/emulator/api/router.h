// Maps (method, path) to a handler. Patterns are `/`-separated segments, each a literal or a
// `{name}` capture; a trailing slash on the request path is ignored (Salesforce accepts
// `/query/?q=` and `/describe/` as well as the bare forms).
#ifndef SFSYNC_TESTS_EMULATOR_API_ROUTER_H_
#define SFSYNC_TESTS_EMULATOR_API_ROUTER_H_

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "tests/emulator/net/http_message.h"

namespace sfsync::emulator {

using PathParams = std::map<std::string, std::string, std::less<>>;

class Router {
 public:
  using Handler = std::function<HttpResponse(const HttpRequest&, const PathParams&)>;

  void Add(std::string method, std::string_view pattern, Handler handler);

  struct Match {
    const Handler* handler = nullptr;  // null: no route for this method
    PathParams params;
    std::vector<std::string> allowed_methods;  // when the path matched another method
  };
  Match Find(std::string_view method, std::string_view path) const;

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;
    Handler handler;
  };
  std::vector<Route> routes_;
};

// Splits `/a/b/` into {"a", "b"}.
std::vector<std::string> PathSegments(std::string_view path);

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_API_ROUTER_H_
