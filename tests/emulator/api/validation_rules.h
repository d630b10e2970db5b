// Validation rules an admin adds to an object (README "Admin API", "Writes"): a small stand-in
// for Salesforce's formula rules, enough to make a save fail the way a real org's rule does,
// per record with FIELD_CUSTOM_VALIDATION_EXCEPTION and the rule's message.
//
// A rule is one comparison of one field with a literal:
//   {"name":"Amount_Positive", "field":"AnnualRevenue", "condition":"<", "value":0,
//    "message":"Annual revenue must not be negative", "errorLocation":"field"|"top"}
// conditions: "=", "!=", "<", "<=", ">", ">=" (with "value", in the field's JSON encoding),
// "is_null", "not_null" (without). As in Salesforce, the rule's condition describes the bad
// record: a save fails when the condition HOLDS for the record as it would be saved (the body's
// values over the stored ones). A comparison with null never holds (only "=" null, "!=" null,
// which read as is_null / not_null). Text compares case-sensitively, numbers numerically,
// dates and datetimes in time order. `errorLocation` "field" (default) names the field in the
// error's `fields`; "top" leaves `fields` empty (a rule whose error shows at the top of the page).
//
// Not thread-safe: used under the org lock.
#ifndef SFSYNC_TESTS_EMULATOR_API_VALIDATION_RULES_H_
#define SFSYNC_TESTS_EMULATOR_API_VALIDATION_RULES_H_

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "tests/emulator/org/schema.h"
#include "tests/emulator/org/statement.h"

namespace sfsync::emulator {

enum class RuleOp { kEq, kNe, kLt, kLe, kGt, kGe, kIsNull, kNotNull };

struct ValidationRule {
  std::string name;
  std::string field;  // as the schema spells it
  RuleOp op = RuleOp::kIsNull;
  Value literal;
  nlohmann::ordered_json literal_json;  // as given, for listings
  std::string condition;                // as given
  std::string message;
  bool on_field = true;  // errorLocation "field"
};

// Reads a rule for `object` from its admin JSON. Returns an empty string and fills `rule`, or
// why the rule is refused.
std::string ParseValidationRule(const ObjectDef& object, const nlohmann::ordered_json& json, ValidationRule* rule);

// True when `rule`'s condition holds for a record whose field holds `value` (the save fails).
bool RuleFires(const ValidationRule& rule, const Value& value);

class ValidationRules {
 public:
  // Adds `rule` to `object`'s rules (replacing one of the same name, case-insensitively).
  void Add(std::string_view object, ValidationRule rule);
  void Clear(std::string_view object);
  // `object`'s rules in the order added (empty when none).
  const std::vector<ValidationRule>& For(std::string_view object) const;
  // [{"name","field","condition","value"?,"message","errorLocation"}] for the admin listing.
  std::string Json(std::string_view object) const;

 private:
  std::map<std::string, std::vector<ValidationRule>, std::less<>> by_object_;  // lower-case names
};

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_API_VALIDATION_RULES_H_
