#include "engine/config/source_map.h"

namespace sfsync::config {

void SourceMap::Add(std::string pointer, SourceNode node) { nodes_[std::move(pointer)] = std::move(node); }

const SourceNode& SourceMap::Find(std::string_view pointer) const {
  static const SourceNode kStart;
  std::string p(pointer);
  while (true) {
    auto it = nodes_.find(p);
    if (it != nodes_.end()) return it->second;
    if (p.empty()) return kStart;
    p.erase(p.rfind('/'));
  }
}

std::string ChildPointer(std::string_view parent, std::string_view key) {
  std::string out(parent);
  out += '/';
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string ChildPointer(std::string_view parent, size_t index) {
  return std::string(parent) + "/" + std::to_string(index);
}

std::string LastToken(std::string_view pointer) {
  size_t slash = pointer.rfind('/');
  if (slash == std::string_view::npos) return {};
  std::string out;
  for (size_t i = slash + 1; i < pointer.size(); ++i) {
    if (pointer[i] == '~' && i + 1 < pointer.size()) {
      out += pointer[i + 1] == '1' ? '/' : '~';
      ++i;
    } else {
      out += pointer[i];
    }
  }
  return out;
}

std::string ChildPath(std::string_view parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  return std::string(parent) + "." + std::string(key);
}

std::string ChildPath(std::string_view parent, size_t index) {
  return std::string(parent) + "[" + std::to_string(index) + "]";
}

}  // namespace sfsync::config
