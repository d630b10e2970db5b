#include "tests/emulator/api/router.h"

namespace sfsync::emulator {

std::vector<std::string> PathSegments(std::string_view path) {
  std::vector<std::string> segments;
  while (!path.empty()) {
    size_t slash = path.find('/');
    std::string_view segment = path.substr(0, slash);
    if (!segment.empty()) segments.emplace_back(segment);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

void Router::Add(std::string method, std::string_view pattern, Handler handler) {
  routes_.push_back(Route{std::move(method), PathSegments(pattern), std::move(handler)});
}

Router::Match Router::Find(std::string_view method, std::string_view path) const {
  std::vector<std::string> segments = PathSegments(path);
  Match match;
  for (const Route& route : routes_) {
    if (route.segments.size() != segments.size()) continue;
    PathParams params;
    bool matches = true;
    for (size_t i = 0; i < segments.size() && matches; ++i) {
      const std::string& pattern = route.segments[i];
      if (pattern.size() > 2 && pattern.front() == '{' && pattern.back() == '}') {
        params[pattern.substr(1, pattern.size() - 2)] = segments[i];
      } else {
        matches = pattern == segments[i];
      }
    }
    if (!matches) continue;
    if (route.method == method) {
      match.handler = &route.handler;
      match.params = std::move(params);
      return match;
    }
    match.allowed_methods.push_back(route.method);
  }
  return match;
}

}  // namespace sfsync::emulator
