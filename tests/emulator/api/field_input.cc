#include "tests/emulator/api/field_input.h"

#include <charconv>
#include <cmath>

#include "tests/emulator/base64.h"
#include "tests/emulator/salesforce_id.h"
#include "tests/emulator/time_util.h"

namespace sfsync::emulator {
namespace {

using Json = nlohmann::ordered_json;

std::optional<double> Number(const Json& json) {
  if (json.is_number()) return json.get<double>();
  if (!json.is_string()) return std::nullopt;
  std::string text = json.get<std::string>();
  double value = 0;
  const char* begin = text.data() + (!text.empty() && text[0] == '+' ? 1 : 0);
  auto parsed = std::from_chars(begin, text.data() + text.size(), value);
  if (text.empty() || parsed.ec != std::errc() || parsed.ptr != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

// The JSON token kind Jackson names in its messages.
std::string TokenName(const Json& json) {
  if (json.is_string()) return "VALUE_STRING";
  if (json.is_number_integer()) return "VALUE_NUMBER_INT";
  if (json.is_number()) return "VALUE_NUMBER_FLOAT";
  if (json.is_boolean()) return json.get<bool>() ? "VALUE_TRUE" : "VALUE_FALSE";
  if (json.is_object()) return "START_OBJECT";
  return "START_ARRAY";
}

}  // namespace

InputProblem ConvertInput(const FieldDef& field, const Json& json, Value* value) {
  if (json.is_null()) {
    *value = std::monostate{};
    return InputProblem::kNone;
  }
  if (IsCompound(field.type)) return InputProblem::kCompound;
  if (json.is_object() || json.is_array()) return InputProblem::kWrongType;
  std::string text = json.is_string() ? json.get<std::string>() : json.dump();
  switch (field.type) {
    case FieldType::kId:
    case FieldType::kReference: {
      if (!json.is_string()) return InputProblem::kWrongType;
      std::optional<std::string> id = NormalizeId(text);
      if (!id) return InputProblem::kMalformedId;
      *value = *id;
      return InputProblem::kNone;
    }
    case FieldType::kBoolean:
      if (json.is_boolean()) {
        *value = int64_t{json.get<bool>()};
      } else if (text == "true" || text == "false") {
        *value = int64_t{text == "true"};
      } else {
        return InputProblem::kWrongType;
      }
      return InputProblem::kNone;
    case FieldType::kInt: {
      std::optional<double> number = Number(json);
      if (!number || *number != std::trunc(*number) || std::fabs(*number) > 9.2e18) {
        return InputProblem::kWrongType;
      }
      *value = static_cast<int64_t>(*number);
      return InputProblem::kNone;
    }
    case FieldType::kDouble:
    case FieldType::kCurrency:
    case FieldType::kPercent: {
      std::optional<double> number = Number(json);
      if (!number || !std::isfinite(*number)) return InputProblem::kWrongType;
      *value = *number;
      return InputProblem::kNone;
    }
    case FieldType::kDate: {
      int64_t days;
      if (!json.is_string() || !ParseDate(text, &days)) return InputProblem::kWrongType;
      *value = text;
      return InputProblem::kNone;
    }
    case FieldType::kDateTime: {
      int64_t ms;
      if (!json.is_string() || !ParseDateTime(text, &ms)) return InputProblem::kWrongType;
      *value = ms - ((ms % 1000) + 1000) % 1000;
      return InputProblem::kNone;
    }
    case FieldType::kTime: {
      std::string canonical;
      if (!json.is_string() || !ParseTime(text, &canonical)) return InputProblem::kWrongType;
      *value = canonical;
      return InputProblem::kNone;
    }
    case FieldType::kBase64:
      if (!json.is_string() || !Base64Decode(text)) return InputProblem::kWrongType;
      *value = text;
      return InputProblem::kNone;
    default:
      *value = text;
      return InputProblem::kNone;
  }
}

std::string WrongTypeMessage(const FieldDef& field, const Json& json) {
  std::string shown = json.is_string() ? json.get<std::string>() : json.dump();
  return "Cannot deserialize instance of " + std::string(TypeName(field.type)) + " from " + TokenName(json) +
         " value " + shown + " or request may be missing a required field";
}

}  // namespace sfsync::emulator
