#include "tests/emulator/api/composite_references.h"

#include <cstdlib>

namespace sfsync::emulator {

using Json = nlohmann::ordered_json;

namespace {

// Follows `path` (".id", ".records[0].Id") into `value`; null when it leads nowhere.
Json Follow(const Json& value, std::string_view path) {
  const Json* at = &value;
  while (!path.empty()) {
    if (path[0] == '.') {
      path.remove_prefix(1);
      size_t end = path.find_first_of(".[");
      std::string key(path.substr(0, end));
      path = end == std::string_view::npos ? "" : path.substr(end);
      if (!at->is_object() || !at->contains(key)) return nullptr;
      at = &(*at)[key];
    } else if (path[0] == '[') {
      size_t close = path.find(']');
      if (close == std::string_view::npos) return nullptr;
      size_t index = std::strtoul(std::string(path.substr(1, close - 1)).c_str(), nullptr, 10);
      path.remove_prefix(close + 1);
      if (!at->is_array() || index >= at->size()) return nullptr;
      at = &(*at)[index];
    } else {
      return nullptr;
    }
  }
  return *at;
}

}  // namespace

// Replaces every @{ref.path} in `text` with the value it names in `answers` (referenceId ->
// answer body). Returns false and sets `why` for a reference that names nothing.
bool ResolveReferences(std::string* text, const std::map<std::string, Json>& answers, std::string* why) {
  size_t at = 0;
  while ((at = text->find("@{", at)) != std::string::npos) {
    size_t close = text->find('}', at);
    if (close == std::string::npos) return true;
    std::string inner = text->substr(at + 2, close - at - 2);
    size_t split = inner.find_first_of(".[");
    std::string ref = inner.substr(0, split);
    auto answer = answers.find(ref);
    Json value = answer == answers.end() || split == std::string::npos
                     ? Json()
                     : Follow(answer->second, std::string_view(inner).substr(split));
    if (value.is_null() || value.is_object() || value.is_array()) {
      *why = "Invalid reference specified. No value for " + inner + " found in " + ref + ".";
      return false;
    }
    std::string replacement = value.is_string() ? value.get<std::string>() : value.dump();
    text->replace(at, close - at + 1, replacement);
    at += replacement.size();
  }
  return true;
}

bool ResolveReferences(Json* value, const std::map<std::string, Json>& answers, std::string* why) {
  if (value->is_string()) {
    std::string text = value->get<std::string>();
    if (!ResolveReferences(&text, answers, why)) return false;
    *value = text;
  } else if (value->is_object() || value->is_array()) {
    for (auto& item : *value) {
      if (!ResolveReferences(&item, answers, why)) return false;
    }
  }
  return true;
}

}  // namespace sfsync::emulator
