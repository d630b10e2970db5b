// Converts a JSON value from a request body (REST writes, the admin API) to the stored form of
// a field, accepting what Salesforce's JSON reader accepts (protocol §2.4, §0): strings for
// text (numbers and booleans are taken as their text), numbers or numeric strings for numbers,
// true/false (or their strings) for checkboxes, `yyyy-MM-dd` dates, ISO-8601 datetimes with a
// zone (stored to the second, as records are), `HH:mm:ss[.SSS]Z` times, padded base64.
#ifndef SFSYNC_TESTS_EMULATOR_API_FIELD_INPUT_H_
#define SFSYNC_TESTS_EMULATOR_API_FIELD_INPUT_H_

#include <nlohmann/json.hpp>
#include <string>

#include "tests/emulator/org/schema.h"
#include "tests/emulator/org/statement.h"

namespace sfsync::emulator {

enum class InputProblem {
  kNone,
  kWrongType,    // JSON the field's type cannot hold: Salesforce's JSON_PARSER_ERROR
  kMalformedId,  // an Id or lookup value that is not a 15- or 18-character Id
  kCompound,     // a compound field (address, location): read-only
};

// Fills `value` (null for JSON null) or reports the problem. Ids come back in 18 characters.
InputProblem ConvertInput(const FieldDef& field, const nlohmann::ordered_json& json, Value* value);

// Salesforce's JSON_PARSER_ERROR text for a kWrongType value.
std::string WrongTypeMessage(const FieldDef& field, const nlohmann::ordered_json& json);

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_API_FIELD_INPUT_H_
