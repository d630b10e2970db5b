#include "engine/config/schema_validator.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <exception>
#include <map>
#include <memory>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>
#include <vector>

#include "engine/config/job_loader.h"
#include "engine/config/references.h"

namespace sfsync::config {
namespace {

using ordered_json = nlohmann::ordered_json;

struct CompiledSchema {
  valijson::Schema schema;
  std::string error;  // set if the compiled-in schema could not be loaded (a build defect)
};

const CompiledSchema& Compiled() {
  static const CompiledSchema* compiled = [] {
    auto* c = new CompiledSchema();
    try {
      nlohmann::json document = nlohmann::json::parse(JobSchemaJson());
      valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
      valijson::adapters::NlohmannJsonAdapter adapter(document);
      parser.populateSchema(adapter, c->schema);
    } catch (const std::exception& e) {
      c->error = e.what();
    }
    return c;
  }();
  return *compiled;
}

// What valijson said, sorted into what we can phrase.
enum class Kind {
  kUnknownKey,
  kMissingKey,
  kType,
  kEnum,
  kMinimum,
  kMaximum,
  kPattern,
  kConst,
  kMinLength,
  kMinItems,
  kUnique,
  kOneOf,      // no branch of a oneOf/anyOf matched
  kBranchEnd,  // "Failed to validate against child schema #k": closes branch k's errors
  kSummary,    // a parent restating a child's failure: dropped
  kOther,      // anything else: valijson's own words
};

struct Finding {
  std::string pointer;
  Kind kind;
  std::string detail;  // missing key name, duplicate index, or valijson's text for kOther
};

bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// Pinned to valijson 1.0's wording; schema_validator_test.cc fails if an upgrade changes it.
Kind Classify(const std::string& d, std::string* detail) {
  if (StartsWith(d, "Object contains a property that could not be validated")) return Kind::kUnknownKey;
  if (StartsWith(d, "Missing required property '")) {
    constexpr size_t kStart = std::string_view("Missing required property '").size();
    *detail = d.substr(kStart, d.rfind('\'') - kStart);
    return Kind::kMissingKey;
  }
  if (StartsWith(d, "Value type not permitted by 'type' constraint")) return Kind::kType;
  if (StartsWith(d, "Failed to match against any enum values")) return Kind::kEnum;
  if (StartsWith(d, "Expected number less than")) return Kind::kMaximum;
  if (StartsWith(d, "Expected number greater than")) return Kind::kMinimum;
  if (StartsWith(d, "Failed to match regex specified by 'pattern'")) return Kind::kPattern;
  if (StartsWith(d, "Failed to match expected value set by 'const'")) return Kind::kConst;
  if (StartsWith(d, "String should be no fewer than")) return Kind::kMinLength;
  if (StartsWith(d, "Array should contain no fewer than")) return Kind::kMinItems;
  if (StartsWith(d, "Elements at indexes #")) {
    *detail = d.substr(d.find('#', d.find(" and ")) + 1);
    detail->erase(detail->find_first_not_of("0123456789"));
    return Kind::kUnique;
  }
  if (StartsWith(d, "Failed to validate against any child schemas allowed by oneOf") ||
      StartsWith(d, "Failed to validate against any schemas allowed by anyOf")) {
    return Kind::kOneOf;
  }
  if (StartsWith(d, "Failed to validate against child schema #")) return Kind::kBranchEnd;
  if (StartsWith(d, "Failed to validate item #") || StartsWith(d, "Cannot validate item #") ||
      StartsWith(d, "Failed to validate against schema associated with property name") ||
      StartsWith(d, "Failed to validate against additional properties schema")) {
    return Kind::kSummary;
  }
  *detail = d;
  return Kind::kOther;
}

std::vector<std::string> SplitPointer(std::string_view pointer) {
  std::vector<std::string> tokens;
  while (!pointer.empty()) {
    size_t next = pointer.find('/', 1);
    std::string_view head = pointer.substr(0, next);
    tokens.push_back(LastToken(head));
    pointer = next == std::string_view::npos ? std::string_view() : pointer.substr(next);
  }
  return tokens;
}

const nlohmann::json* InstanceAt(const nlohmann::json& root, std::string_view pointer) {
  const nlohmann::json* v = &root;
  for (const std::string& token : SplitPointer(pointer)) {
    if (v->is_object() && v->contains(token)) {
      v = &(*v)[token];
    } else if (v->is_array() && !token.empty() && token.size() < 10 &&
               std::all_of(token.begin(), token.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
               std::stoul(token) < v->size()) {
      v = &(*v)[std::stoul(token)];
    } else {
      return nullptr;
    }
  }
  return v;
}

// valijson names a path as <root>[objects][0][name]: keys and indexes look alike, the instance
// tells them apart.
std::string ToPointer(const std::vector<std::string>& context, const nlohmann::json& root) {
  std::string pointer;
  const nlohmann::json* v = &root;
  for (size_t i = 1; i < context.size(); ++i) {
    std::string token = context[i].substr(1, context[i].size() - 2);
    if (v != nullptr && v->is_array()) {
      pointer = ChildPointer(pointer, std::stoul(token));
      v = &(*v)[std::stoul(token)];
    } else {
      pointer = ChildPointer(pointer, token);
      v = (v != nullptr && v->is_object() && v->contains(token)) ? &(*v)[token] : nullptr;
    }
  }
  return pointer;
}

const ordered_json& Deref(const ordered_json& s) {
  const ordered_json* node = &s;
  while (node->is_object() && node->contains("$ref")) {
    const std::string ref = node->at("$ref").get<std::string>();  // "#/definitions/name"
    node = &JobSchema().at(nlohmann::ordered_json::json_pointer(ref.substr(1)));
  }
  return *node;
}

std::string JsonTypeOf(const nlohmann::json& v) {
  if (v.is_number_integer()) return "integer";
  if (v.is_number()) return "number";
  if (v.is_string()) return "string";
  if (v.is_boolean()) return "boolean";
  if (v.is_array()) return "array";
  if (v.is_object()) return "object";
  return "null";
}

// True if `v` has the type `branch` asks for (its "type", or the type of its "const").
bool BranchAcceptsTypeOf(const ordered_json& branch, const nlohmann::json& v) {
  const std::string type = JsonTypeOf(v);
  if (branch.contains("type")) return branch.at("type") == type || (branch.at("type") == "number" && v.is_number());
  if (branch.contains("const")) return JsonTypeOf(nlohmann::json::parse(branch.at("const").dump())) == type;
  return false;
}

// For a subschema holding oneOf: the one branch that accepts the type of `v`; nullptr if none or
// several do. Any other subschema is returned as it is.
const ordered_json* ChooseBranch(const ordered_json* s, const nlohmann::json& v) {
  if (s == nullptr || !s->contains("oneOf")) return s;
  const ordered_json* chosen = nullptr;
  for (const ordered_json& branch : s->at("oneOf")) {
    if (!BranchAcceptsTypeOf(Deref(branch), v)) continue;
    if (chosen != nullptr) return nullptr;
    chosen = &Deref(branch);
  }
  return chosen;
}

// The subschema that applies at `pointer` (a oneOf holder stays a holder).
const ordered_json* SchemaAt(const nlohmann::json& instance, std::string_view pointer) {
  const ordered_json* s = &Deref(JobSchema());
  const nlohmann::json* v = &instance;
  for (const std::string& token : SplitPointer(pointer)) {
    s = ChooseBranch(s, *v);
    if (s == nullptr) return nullptr;
    if (v->is_object() && s->contains("properties") && s->at("properties").contains(token)) {
      s = &Deref(s->at("properties").at(token));
      v = &v->at(token);
    } else if (v->is_array() && s->contains("items")) {
      s = &Deref(s->at("items"));
      v = &v->at(std::stoul(token));
    } else {
      return nullptr;
    }
  }
  return s;
}

// The text of keyword `name` of subschema `s`, or `fallback` when either is missing.
std::string Keyword(const ordered_json* s, const char* name, std::string_view fallback) {
  if (s == nullptr || !s->contains(name)) return std::string(fallback);
  const ordered_json& k = s->at(name);
  return k.is_string() ? k.get<std::string>() : k.dump();
}

std::string DescribeExpected(const ordered_json* s) {
  const std::string type = Keyword(s, "type", "");
  if (type == "integer") return "an integer";
  if (type == "number") return "a number";
  if (type == "string") return "a string";
  if (type == "boolean") return "true or false";
  if (type == "array") return "a list";
  if (type == "object") return "a mapping of keys";
  return "another type";
}

std::string NumberText(const nlohmann::json& v) {
  if (v.is_number_float() && !std::isfinite(v.get<double>())) {
    if (std::isnan(v.get<double>())) return ".nan";
    return v.get<double>() > 0 ? ".inf" : "-.inf";
  }
  return v.dump();
}

// The value as a message may show it: secrets are never shown, only their type.
std::string DescribeValue(const nlohmann::json& v, std::string_view pointer) {
  const bool secret = IsSecretKey(LastToken(pointer));
  if (v.is_string()) return secret ? "a string" : "string " + QuoteForMessage(v.get<std::string>());
  if (v.is_number_float()) return secret ? "a number" : "number " + NumberText(v);
  if (v.is_number()) return secret ? "a number" : v.dump();
  if (v.is_boolean()) return secret ? "a boolean" : v.dump();
  if (v.is_array()) return v.empty() ? "an empty list" : "a list";
  if (v.is_object()) return "a mapping";
  return "an empty value";
}

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                        std::tolower(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

class Phraser {
 public:
  Phraser(const JobDocument& doc, Diagnostics* diag) : doc_(doc), diag_(diag) {}

  void Add(const valijson::ValidationResults::Error& error) {
    Finding f;
    f.pointer = ToPointer(error.context, doc_.root);
    f.kind = Classify(error.description, &f.detail);
    if (f.kind == Kind::kSummary) return;
    if (f.kind == Kind::kOneOf) {
      CollapseOneOf(f);
      return;
    }
    pending_.push_back(std::move(f));
  }

  // Emits every finding kept. A wrong type is the first thing to fix in a value, so it is emitted
  // first (Diagnostics keeps one message per key). Missing keys of one mapping become one message,
  // in the schema's order.
  void Finish() {
    std::stable_partition(pending_.begin(), pending_.end(), [](const Finding& f) { return f.kind == Kind::kType; });
    std::map<std::string, std::vector<std::string>> missing;
    for (const Finding& f : pending_) {
      if (f.kind == Kind::kMissingKey) {
        missing[f.pointer].push_back(f.detail);
      } else {
        Emit(f);
      }
    }
    for (auto& [pointer, keys] : missing) {
      const ordered_json* schema = SchemaAt(doc_.root, pointer);
      if (schema != nullptr && schema->contains("required")) {
        const ordered_json& order = schema->at("required");
        auto rank = [&](const std::string& k) { return std::find(order.begin(), order.end(), k) - order.begin(); };
        std::sort(keys.begin(), keys.end(), [&](const auto& a, const auto& b) { return rank(a) < rank(b); });
      }
      const char* plural = keys.size() > 1 ? "s" : "";
      diag_->AtKey(doc_.source.Find(pointer),
                   fmt::format("missing required key{} '{}'", plural, fmt::join(keys, "', '")));
    }
  }

 private:
  // The errors listed under a failed oneOf at f.pointer are its branches' errors, each branch's
  // closed by a kBranchEnd. Keep those of the one branch whose type fits the value; else say what
  // was expected.
  void CollapseOneOf(const Finding& f) {
    const std::string& p = f.pointer;
    size_t begin = pending_.size();
    while (begin > 0 && (pending_[begin - 1].pointer == p || StartsWith(pending_[begin - 1].pointer, p + "/"))) {
      --begin;
    }
    std::vector<std::vector<Finding>> branches(1);
    for (size_t i = begin; i < pending_.size(); ++i) {
      if (pending_[i].kind == Kind::kBranchEnd) {
        branches.emplace_back();
      } else {
        branches.back().push_back(std::move(pending_[i]));
      }
    }
    pending_.resize(begin);
    branches.pop_back();  // after the last branch's end

    const nlohmann::json* value = InstanceAt(doc_.root, p);
    const ordered_json* schema = SchemaAt(doc_.root, p);
    int fitting = -1;  // the one branch whose type fits; -1 none, -2 several
    if (value != nullptr && schema != nullptr && schema->contains("oneOf")) {
      const ordered_json& options = schema->at("oneOf");
      for (size_t k = 0; k < options.size() && k < branches.size(); ++k) {
        if (!BranchAcceptsTypeOf(Deref(options[k]), *value)) continue;
        fitting = fitting == -1 ? static_cast<int>(k) : -2;
      }
    }
    // A const branch that fits the type failed on the value itself: the summary says more.
    if (fitting >= 0 && !Deref(schema->at("oneOf").at(fitting)).contains("const")) {
      for (Finding& g : branches[fitting]) pending_.push_back(std::move(g));
    } else {
      pending_.push_back(f);
    }
  }

  void Emit(const Finding& f) {
    const SourceNode& node = doc_.source.Find(f.pointer);
    const nlohmann::json* value = InstanceAt(doc_.root, f.pointer);
    const ordered_json* holder = SchemaAt(doc_.root, f.pointer);
    const ordered_json* schema = value != nullptr ? ChooseBranch(holder, *value) : holder;
    const std::string got = value != nullptr ? DescribeValue(*value, f.pointer) : "nothing";
    switch (f.kind) {
      case Kind::kUnknownKey: return EmitUnknownKeys(f.pointer, value, schema);
      case Kind::kType: {
        // YAML typed an unquoted 60.0 or true; the user most likely meant the text.
        const bool quote_hint = Keyword(schema, "type", "") == "string" && value != nullptr &&
                                (value->is_number() || value->is_boolean()) && !IsSecretKey(LastToken(f.pointer));
        return diag_->AtValue(node, fmt::format("expected {}, got {}{}", DescribeExpected(schema), got,
                                                quote_hint ? " (put it in quotes)" : ""));
      }
      case Kind::kEnum: {
        std::vector<std::string> options;
        if (schema != nullptr && schema->contains("enum")) {
          for (const auto& o : schema->at("enum")) options.push_back(o.is_string() ? o.get<std::string>() : o.dump());
        }
        return diag_->AtValue(node, fmt::format("must be one of {}; got {}", fmt::join(options, ", "), got));
      }
      case Kind::kMaximum:
        return diag_->AtValue(node, fmt::format("{} is above the maximum {}", NumberText(*value),
                                                Keyword(schema, "maximum", "allowed")));
      case Kind::kMinimum:
        return diag_->AtValue(node, fmt::format("{} is below the minimum {}", NumberText(*value),
                                                Keyword(schema, "minimum", "allowed")));
      case Kind::kPattern:
        return diag_->AtValue(node, fmt::format("{}; got {}", Keyword(schema, "errorMessage", "has the wrong form"), got));
      case Kind::kConst:
        return diag_->AtValue(node,
                              fmt::format("{}; got {}", Keyword(schema, "errorMessage", "has the wrong value"), got));
      case Kind::kOneOf:
        return diag_->AtValue(node,
                              fmt::format("{}; got {}", Keyword(holder, "errorMessage", "has the wrong form"), got));
      case Kind::kMinLength: return diag_->AtValue(node, "must not be empty");
      case Kind::kMinItems: {
        const std::string n = Keyword(schema, "minItems", "1");
        return diag_->AtValue(node, n == "1" ? std::string("must list at least one entry")
                                             : fmt::format("must list at least {} entries", n));
      }
      case Kind::kUnique: {
        const std::string item = ChildPointer(f.pointer, std::stoul(f.detail));
        const nlohmann::json* repeated = InstanceAt(doc_.root, item);
        return diag_->AtValue(doc_.source.Find(item),
                              fmt::format("{} is listed twice", repeated ? DescribeValue(*repeated, item) : "an entry"));
      }
      default: return diag_->AtValue(node, f.detail);
    }
  }

  void EmitUnknownKeys(const std::string& pointer, const nlohmann::json* value, const ordered_json* schema) {
    if (value == nullptr || !value->is_object() || schema == nullptr) return;
    std::vector<std::string> allowed;
    if (schema->contains("properties")) {
      for (const auto& [name, unused] : schema->at("properties").items()) allowed.push_back(name);
    }
    for (const auto& [key, unused] : value->items()) {
      if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
      std::string message = fmt::format("unknown key '{}' (allowed: {})", key, fmt::join(allowed, ", "));
      const std::string* closest = nullptr;
      size_t best = 3;  // suggest only within two edits
      for (const std::string& name : allowed) {
        size_t d = EditDistance(key, name);
        if (d < best) {
          best = d;
          closest = &name;
        }
      }
      if (closest != nullptr) message += fmt::format("; did you mean '{}'?", *closest);
      diag_->AtKey(doc_.source.Find(ChildPointer(pointer, key)), std::move(message));
    }
  }

  const JobDocument& doc_;
  Diagnostics* diag_;
  std::vector<Finding> pending_;
};

}  // namespace

const nlohmann::ordered_json& JobSchema() {
  static const ordered_json* schema = [] {
    try {
      return new ordered_json(ordered_json::parse(JobSchemaJson()));
    } catch (const std::exception&) {
      return new ordered_json(ordered_json::object());  // Compiled() reports the parse error
    }
  }();
  return *schema;
}

void ValidateAgainstSchema(const JobDocument& doc, Diagnostics* diag) {
  const CompiledSchema& compiled = Compiled();
  if (!compiled.error.empty()) {
    diag->Add({}, "", "internal error: the compiled-in job schema does not load: " + compiled.error);
    return;
  }
  valijson::Validator validator(valijson::Validator::kStrongTypes);
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(doc.root);
  try {
    if (validator.validate(compiled.schema, target, &results)) return;
    Phraser phraser(doc, diag);
    for (const auto& error : results) phraser.Add(error);
    phraser.Finish();
  } catch (const std::exception& e) {
    diag->Add({}, "", std::string("internal error while validating against the job schema: ") + e.what());
  }
}

}  // namespace sfsync::config
