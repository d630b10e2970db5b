#include "tests/emulator/api/validation_rules.h"

#include <utility>

#include "tests/emulator/api/field_input.h"

namespace sfsync::emulator {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::pair<std::string_view, RuleOp> kOps[] = {
    {"=", RuleOp::kEq},  {"!=", RuleOp::kNe},  {"<", RuleOp::kLt},
    {"<=", RuleOp::kLe}, {">", RuleOp::kGt},   {">=", RuleOp::kGe},
    {"is_null", RuleOp::kIsNull}, {"not_null", RuleOp::kNotNull},
};

bool IsNumber(const Value& v) { return std::holds_alternative<int64_t>(v) || std::holds_alternative<double>(v); }

double AsDouble(const Value& v) {
  return std::holds_alternative<int64_t>(v) ? static_cast<double>(std::get<int64_t>(v)) : std::get<double>(v);
}

// -1, 0, 1; nullopt when the two cannot be compared (null, or different kinds).
std::optional<int> Compare(const Value& a, const Value& b) {
  if (IsNumber(a) && IsNumber(b)) {
    double x = AsDouble(a), y = AsDouble(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (std::holds_alternative<std::string>(a) && std::holds_alternative<std::string>(b)) {
    int c = std::get<std::string>(a).compare(std::get<std::string>(b));
    return c < 0 ? -1 : c > 0 ? 1 : 0;
  }
  return std::nullopt;
}

const std::vector<ValidationRule> kNoRules;

}  // namespace

std::string ParseValidationRule(const ObjectDef& object, const Json& json, ValidationRule* rule) {
  if (!json.is_object()) return "body must be a JSON object";
  for (const char* key : {"name", "field", "condition", "message"}) {
    if (!json.contains(key) || !json[key].is_string() || json[key].get<std::string>().empty()) {
      return std::string("\"") + key + "\" (a non-empty string) is required";
    }
  }
  const FieldDef* field = object.FindField(json["field"].get<std::string>());
  if (field == nullptr) return "no field '" + json["field"].get<std::string>() + "' on " + object.name;
  if (!field->stored()) return "field '" + field->name + "' is not stored (compound or formula)";
  rule->name = json["name"];
  rule->field = field->name;
  rule->message = json["message"];
  rule->condition = json["condition"];
  bool known = false;
  for (const auto& [text, op] : kOps) {
    if (text == rule->condition) {
      rule->op = op;
      known = true;
    }
  }
  if (!known) return "condition must be one of =, !=, <, <=, >, >=, is_null, not_null";
  std::string location = json.value("errorLocation", "field");
  if (location != "field" && location != "top") return "errorLocation must be \"field\" or \"top\"";
  rule->on_field = location == "field";
  bool unary = rule->op == RuleOp::kIsNull || rule->op == RuleOp::kNotNull;
  if (unary) {
    if (json.contains("value")) return "is_null and not_null take no value";
    return "";
  }
  if (!json.contains("value")) return "condition " + rule->condition + " needs a \"value\"";
  rule->literal_json = json["value"];
  if (ConvertInput(*field, json["value"], &rule->literal) != InputProblem::kNone) {
    return "value " + json["value"].dump() + " does not fit field " + field->name;
  }
  if (std::holds_alternative<std::monostate>(rule->literal)) {
    if (rule->op != RuleOp::kEq && rule->op != RuleOp::kNe) return "only = and != compare with null";
    rule->op = rule->op == RuleOp::kEq ? RuleOp::kIsNull : RuleOp::kNotNull;
  }
  return "";
}

bool RuleFires(const ValidationRule& rule, const Value& value) {
  bool null = std::holds_alternative<std::monostate>(value);
  if (rule.op == RuleOp::kIsNull) return null;
  if (rule.op == RuleOp::kNotNull) return !null;
  std::optional<int> c = Compare(value, rule.literal);
  if (!c) return false;
  switch (rule.op) {
    case RuleOp::kEq: return *c == 0;
    case RuleOp::kNe: return *c != 0;
    case RuleOp::kLt: return *c < 0;
    case RuleOp::kLe: return *c <= 0;
    case RuleOp::kGt: return *c > 0;
    case RuleOp::kGe: return *c >= 0;
    default: return false;
  }
}

void ValidationRules::Add(std::string_view object, ValidationRule rule) {
  std::vector<ValidationRule>& rules = by_object_[ToLower(object)];
  for (ValidationRule& existing : rules) {
    if (ToLower(existing.name) == ToLower(rule.name)) {
      existing = std::move(rule);
      return;
    }
  }
  rules.push_back(std::move(rule));
}

void ValidationRules::Clear(std::string_view object) { by_object_.erase(ToLower(object)); }

const std::vector<ValidationRule>& ValidationRules::For(std::string_view object) const {
  auto it = by_object_.find(ToLower(object));
  return it == by_object_.end() ? kNoRules : it->second;
}

std::string ValidationRules::Json(std::string_view object) const {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const ValidationRule& rule : For(object)) {
    nlohmann::ordered_json item;
    item["name"] = rule.name;
    item["field"] = rule.field;
    item["condition"] = rule.condition;
    if (!rule.literal_json.is_null() || rule.condition == "=" || rule.condition == "!=") {
      item["value"] = rule.literal_json;
    }
    item["message"] = rule.message;
    item["errorLocation"] = rule.on_field ? "field" : "top";
    list.push_back(std::move(item));
  }
  return list.dump();
}

}  // namespace sfsync::emulator
