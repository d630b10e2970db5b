#include "engine/config/yaml_document.h"

#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cstdlib>
#include <limits>
#include <map>
#include <sstream>
#include <vector>

namespace sfsync::config {
namespace {

// A job file is a few dozen nodes; these limits only stop alias bombs and recursive aliases
// (yaml-cpp resolves `&a [*a]` into a cycle).
constexpr int kMaxDepth = 20;
constexpr int kMaxNodes = 100000;

constexpr std::string_view kCoreTagPrefix = "tag:yaml.org,2002:";

SourceLocation ToLocation(const YAML::Mark& mark) {
  if (mark.line < 0 || mark.column < 0) return {};
  return {mark.line + 1, mark.column + 1};
}

std::string ShortTag(const std::string& tag) {
  if (tag.rfind(kCoreTagPrefix, 0) == 0) return "!!" + tag.substr(kCoreTagPrefix.size());
  return tag;
}

// The first tab in the indentation of a line at or before `last_line` (1-based), if any.
std::optional<SourceLocation> FindIndentTab(std::string_view text, int last_line) {
  int line = 1;
  size_t start = 0;
  while (start <= text.size() && line <= last_line) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view row = text.substr(start, end - start);
    size_t indent = row.find_first_not_of(" \t");
    if (indent != std::string_view::npos && row[indent] != '#') {
      size_t tab = row.substr(0, indent).find('\t');
      if (tab != std::string_view::npos) return SourceLocation{line, static_cast<int>(tab) + 1};
    }
    start = end + 1;
    ++line;
  }
  return std::nullopt;
}

// True if the quoted scalar opening at `pos` is closed before the end of the text.
bool QuoteIsClosed(std::string_view text, size_t pos) {
  const char quote = text[pos];
  for (size_t i = pos + 1; i < text.size(); ++i) {
    if (quote == '"' && text[i] == '\\') {
      ++i;
    } else if (text[i] == quote) {
      if (quote == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
        ++i;  // '' is an escaped single quote
      } else {
        return true;
      }
    }
  }
  return false;
}

// True if `~`, `null`, `Null` or `NULL` is written at `pos` (rather than nothing at all).
bool IsSpelledNull(std::string_view text, size_t pos) {
  if (pos >= text.size()) return false;
  for (std::string_view word : {"~", "null", "Null", "NULL"}) {
    if (text.substr(pos, word.size()) != word) continue;
    size_t end = pos + word.size();
    return end == text.size() || std::string_view(" \t\r\n,]}#").find(text[end]) != std::string_view::npos;
  }
  return false;
}

class Converter {
 public:
  Converter(std::string_view text, SourceMap* source, Diagnostics* diag)
      : text_(text), source_(source), diag_(diag) {}

  // `node_info` already holds the key location and path; its value location is filled here.
  nlohmann::json Convert(const YAML::Node& node, const std::string& pointer, SourceNode node_info, int depth) {
    if (++node_count_ > kMaxNodes || depth > kMaxDepth) {
      if (!too_big_) diag_->AtKey(node_info, "document nests too deep or expands too far (a recursive alias?)");
      too_big_ = true;
      return nullptr;
    }
    const YAML::Mark mark = node.Mark();
    if (node.IsNull()) {
      // An empty value has no text of its own; yaml-cpp marks the next token, so point at the key.
      const bool spelled = mark.pos >= 0 && IsSpelledNull(text_, static_cast<size_t>(mark.pos));
      node_info.value = spelled ? ToLocation(mark) : node_info.key;
      node_info.value_offset = spelled ? static_cast<size_t>(mark.pos) : 0;
    } else {
      node_info.value = ToLocation(mark);
      node_info.value_offset = mark.pos >= 0 ? static_cast<size_t>(mark.pos) : 0;
    }
    source_->Add(pointer, node_info);

    switch (node.Type()) {
      case YAML::NodeType::Map: return ConvertMap(node, pointer, node_info, depth);
      case YAML::NodeType::Sequence: return ConvertSequence(node, pointer, node_info, depth);
      case YAML::NodeType::Scalar: return ConvertScalar(node, node_info);
      default: return nullptr;
    }
  }

 private:
  bool CheckTag(const YAML::Node& node, const SourceNode& info) {
    if (node.Tag() == "?" || node.Tag() == "!" || node.Tag().empty()) return true;
    if (node.IsScalar() && node.Tag() == std::string(kCoreTagPrefix) + "str") return true;
    diag_->AtValue(info, fmt::format("YAML tag '{}' is not supported: write the value plainly, or quote it for a string",
                                     ShortTag(node.Tag())));
    return false;
  }

  nlohmann::json ConvertMap(const YAML::Node& node, const std::string& pointer, const SourceNode& info, int depth) {
    nlohmann::json out = nlohmann::json::object();
    if (!CheckTag(node, info)) return out;
    std::map<std::string, int> first_line;
    for (auto it = node.begin(); it != node.end(); ++it) {
      const YAML::Node key = it->first;  // a copy: the iterator hands out a temporary pair
      SourceNode child;
      child.key = ToLocation(key.Mark());
      if (!key.IsScalar()) {
        diag_->Add(child.key, info.path, "a key must be a plain name, not a list, a mapping or empty");
        continue;
      }
      const std::string& name = key.Scalar();
      child.path = ChildPath(info.path, name);
      auto [first, inserted] = first_line.emplace(name, child.key.line);
      if (!inserted) {
        diag_->AtKey(child, fmt::format("duplicate key '{}' (first set on line {})", name, first->second));
        continue;
      }
      std::string child_pointer = ChildPointer(pointer, name);
      const YAML::Node value = it->second;
      out[name] = Convert(value, child_pointer, std::move(child), depth + 1);
    }
    return out;
  }

  nlohmann::json ConvertSequence(const YAML::Node& node, const std::string& pointer, const SourceNode& info,
                                 int depth) {
    nlohmann::json out = nlohmann::json::array();
    if (!CheckTag(node, info)) return out;
    size_t i = 0;
    for (auto it = node.begin(); it != node.end(); ++it, ++i) {
      SourceNode child;
      child.key = ToLocation(it->Mark());
      child.path = ChildPath(info.path, i);
      out.push_back(Convert(*it, ChildPointer(pointer, i), std::move(child), depth + 1));
    }
    return out;
  }

  nlohmann::json ConvertScalar(const YAML::Node& node, const SourceNode& info) {
    if (!CheckTag(node, info)) return nullptr;
    const YAML::Mark mark = node.Mark();
    if (node.Tag() == "!" && mark.pos >= 0 && static_cast<size_t>(mark.pos) < text_.size()) {
      const char c = text_[mark.pos];
      if ((c == '"' || c == '\'') && !QuoteIsClosed(text_, mark.pos)) {
        diag_->AtValue(info, fmt::format("YAML syntax error: the {} quote opened here is never closed",
                                         c == '"' ? "double" : "single"));
        return node.Scalar();
      }
    }
    if (node.Tag() == "?") return ResolvePlainScalar(node.Scalar());
    return node.Scalar();
  }

  std::string_view text_;
  SourceMap* source_;
  Diagnostics* diag_;
  int node_count_ = 0;
  bool too_big_ = false;
};

std::string_view KindOfNode(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Scalar: return "a single value";
    default: return "nothing";
  }
}

}  // namespace

namespace {

// YAML 1.2 core schema scalars, matched by hand: std::regex recurses once per character, and a
// plain scalar a megabyte long crashed it (stack overflow) before it could say what is wrong.
bool IsDigits(std::string_view s, std::string_view alphabet = "0123456789") {
  return !s.empty() && s.find_first_not_of(alphabet) == std::string_view::npos;
}

std::string_view WithoutSign(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  return s;
}

// [-+]? ( \.[0-9]+ | [0-9]+ (\.[0-9]*)? ) ([eE][-+]?[0-9]+)?
bool IsFloatText(std::string_view s) {
  s = WithoutSign(s);
  const size_t e = s.find_first_of("eE");
  if (e != std::string_view::npos && !IsDigits(WithoutSign(s.substr(e + 1)))) return false;
  const std::string_view mantissa = s.substr(0, e);
  const size_t dot = mantissa.find('.');
  if (dot == std::string_view::npos) return IsDigits(mantissa);
  const std::string_view fraction = mantissa.substr(dot + 1);
  if (dot == 0) return IsDigits(fraction);
  return IsDigits(mantissa.substr(0, dot)) && (fraction.empty() || IsDigits(fraction));
}

}  // namespace

nlohmann::json ResolvePlainScalar(const std::string& text) {
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") return nullptr;
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;

  auto parse_int = [&](std::string_view digits, int base) -> std::optional<int64_t> {
    if (!digits.empty() && digits[0] == '+') digits.remove_prefix(1);
    int64_t value = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value, base);
    if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
    return value;
  };
  const std::string_view view(text);
  if (IsDigits(WithoutSign(view))) {
    if (auto v = parse_int(text, 10)) return *v;
    return std::strtod(text.c_str(), nullptr);  // too large for int64: YAML still calls it a number
  }
  if (view.substr(0, 2) == "0o" && IsDigits(view.substr(2), "01234567")) {
    if (auto v = parse_int(view.substr(2), 8)) return *v;
    return text;
  }
  if (view.substr(0, 2) == "0x" && IsDigits(view.substr(2), "0123456789abcdefABCDEF")) {
    if (auto v = parse_int(view.substr(2), 16)) return *v;
    return text;
  }
  if (IsFloatText(view)) return std::strtod(text.c_str(), nullptr);
  const std::string_view unsigned_text = WithoutSign(view);
  if (unsigned_text == ".inf" || unsigned_text == ".Inf" || unsigned_text == ".INF") {
    return text[0] == '-' ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  }
  if (text == ".nan" || text == ".NaN" || text == ".NAN") return std::numeric_limits<double>::quiet_NaN();
  return text;
}

namespace {

// yaml-cpp 0.7 never ends on some malformed streams: a ',' where a top-level node starts or right
// after one (",", "\"x\",", "[a],b", "---\n,") makes its parser emit empty nodes forever, growing
// memory until the process dies (found by the job_yaml fuzzer). This pass parses the stream once
// with a handler that only counts events and gives up past any count a real document could reach;
// LoadAll runs only on a stream that passed it.
class EventBudget : public YAML::EventHandler {
 public:
  explicit EventBudget(size_t size) : limit_(64 + 4 * size) {}
  bool exceeded() const { return exceeded_; }
  const YAML::Mark& mark() const { return mark_; }
  void OnDocumentStart(const YAML::Mark& m) override { Tick(m); }
  void OnDocumentEnd() override { Tick(mark_); }
  void OnNull(const YAML::Mark& m, YAML::anchor_t) override { Tick(m); }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t) override { Tick(m); }
  void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t, const std::string&) override { Tick(m); }
  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    Tick(m);
  }
  void OnSequenceEnd() override { Tick(mark_); }
  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    Tick(m);
  }
  void OnMapEnd() override { Tick(mark_); }

  struct Exceeded {};

 private:
  void Tick(const YAML::Mark& m) {
    mark_ = m;
    if (++events_ > limit_) {
      exceeded_ = true;
      throw Exceeded{};
    }
  }
  size_t limit_;
  size_t events_ = 0;
  bool exceeded_ = false;
  YAML::Mark mark_;
};

}  // namespace

std::optional<JobDocument> ParseYamlDocument(std::string_view text, Diagnostics* diag) {
  std::vector<YAML::Node> documents;
  try {
    {
      std::istringstream in{std::string(text)};
      YAML::Parser parser(in);
      EventBudget budget(text.size());
      try {
        while (parser.HandleNextDocument(budget)) {
        }
      } catch (const EventBudget::Exceeded&) {
        diag->Add(ToLocation(budget.mark()), "",
                  "YAML syntax error: the parser makes no progress here (a ',' outside [ ] or { }?)");
        return std::nullopt;
      }
    }
    documents = YAML::LoadAll(std::string(text));
  } catch (const YAML::Exception& e) {
    // yaml-cpp's messages about tabs ("illegal map value") do not say a tab is to blame.
    if (auto tab = FindIndentTab(text, e.mark.line + 1)) {
      diag->Add(*tab, "", "YAML syntax error: tab character in indentation (YAML indents with spaces only)");
    } else {
      diag->Add(ToLocation(e.mark), "", "YAML syntax error: " + e.msg);
    }
    return std::nullopt;
  }

  if (documents.empty() || documents[0].IsNull()) {
    diag->Add({}, "", "the job file is empty: expected a mapping with version, name, connection, store and objects");
    return std::nullopt;
  }
  const YAML::Node& root = documents[0];
  if (!root.IsMap()) {
    diag->Add(ToLocation(root.Mark()), "",
              fmt::format("the top level must be a mapping of keys (version, name, connection, store, objects), "
                          "not {}",
                          KindOfNode(root)));
    return std::nullopt;
  }
  if (documents.size() > 1) {
    diag->Add(ToLocation(documents[1].Mark()), "",
              "a job file holds one YAML document, but a second one starts here (remove the '---' line or split "
              "the file)");
    return std::nullopt;
  }

  JobDocument doc;
  doc.text = std::string(text);
  Converter converter(doc.text, &doc.source, diag);
  SourceNode root_info;
  root_info.key = ToLocation(root.Mark());
  doc.root = converter.Convert(root, "", root_info, 0);
  if (!diag->empty()) return std::nullopt;
  return doc;
}

}  // namespace sfsync::config
