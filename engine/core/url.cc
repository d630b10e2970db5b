#include "engine/core/url.h"

#include <cctype>

namespace sfsync {

std::string_view UrlHost(std::string_view url) {
  const size_t start = url.find("://");
  if (start == std::string_view::npos) return {};
  url.remove_prefix(start + 3);
  url = url.substr(0, url.find_first_of("/?#"));
  if (size_t at = url.rfind('@'); at != std::string_view::npos) url.remove_prefix(at + 1);
  if (!url.empty() && url.front() == '[') return url.substr(0, url.find(']') + 1);
  return url.substr(0, url.find(':'));
}

bool IsLoopbackHost(std::string_view host) {
  auto equals = [host](std::string_view want) {
    if (host.size() != want.size()) return false;
    for (size_t i = 0; i < want.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(host[i])) != want[i]) return false;
    }
    return true;
  };
  if (equals("localhost") || equals("[::1]")) return true;
  int octets = 0;
  int value = -1;
  for (size_t i = 0; i <= host.size(); ++i) {
    if (i == host.size() || host[i] == '.') {
      if (value < 0 || value > 255 || (octets == 0 && value != 127)) return false;
      ++octets;
      value = -1;
    } else if (host[i] >= '0' && host[i] <= '9') {
      value = (value < 0 ? 0 : value * 10) + (host[i] - '0');
      if (value > 255) return false;
    } else {
      return false;
    }
  }
  return octets == 4;
}

}  // namespace sfsync
