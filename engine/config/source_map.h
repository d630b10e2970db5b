// Where each value of a job document came from in the YAML text, keyed by JSON pointer
// (RFC 6901: "/objects/1/fields/0"), so errors found on the JSON form name file:line:col.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>

namespace sfsync::config {

// 1-based line and column.
struct SourceLocation {
  int line = 1;
  int column = 1;
};

struct SourceNode {
  std::string path;      // as users read it: objects[1].fields[0]; empty for the document root
  SourceLocation key;    // a mapping member's key; for sequence items and the root, the value
  SourceLocation value;  // the value's first character (its key, when the value is empty)
  size_t value_offset = 0;  // byte offset of `value` in the text; 0 when unknown
};

class SourceMap {
 public:
  void Add(std::string pointer, SourceNode node);

  // The node at `pointer`, or at its nearest ancestor that has one. The root ("") always has one
  // once a document was parsed; before that, a node at 1:1.
  const SourceNode& Find(std::string_view pointer) const;

 private:
  std::unordered_map<std::string, SourceNode> nodes_;
};

// "/a" + "b/c" -> "/a/b~1c"
std::string ChildPointer(std::string_view parent, std::string_view key);
std::string ChildPointer(std::string_view parent, size_t index);

// The last token of a pointer, unescaped ("" for the root).
std::string LastToken(std::string_view pointer);

// "objects[1]" + "name" -> "objects[1].name"; "" + "name" -> "name".
std::string ChildPath(std::string_view parent, std::string_view key);
std::string ChildPath(std::string_view parent, size_t index);

}  // namespace sfsync::config
