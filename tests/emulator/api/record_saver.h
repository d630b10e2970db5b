// Saves records the way Salesforce's DML does (protocol §6): the checks, their order and their
// error codes, and the server-maintained fields. Shared by sObject rows and sObject Collections,
// which report the same failures in two shapes (see SaveError).
//
// Checks, in order (the first failing one is reported; missing required fields and
// non-writable fields are reported all at once):
//   Id in a create body (INVALID_FIELD), unknown fields (INVALID_FIELD), fields that are not
//   createable/updateable (INVALID_FIELD_FOR_INSERT_UPDATE), values the field's type cannot
//   hold (JSON_PARSER_ERROR), malformed lookups (MALFORMED_ID), text over the field's length
//   (STRING_TOO_LONG), bad e-mail addresses (INVALID_EMAIL_ADDRESS), numbers past their
//   precision (NUMBER_OUTSIDE_VALID_RANGE), required fields left empty
//   (REQUIRED_FIELD_MISSING; on an update also a required field the stored record leaves
//   empty, as after an admin made it required), lookups to another object's Id
//   (FIELD_INTEGRITY_EXCEPTION) or to a record that does not exist
//   (INVALID_CROSS_REFERENCE_KEY), the admin's validation rules (FIELD_CUSTOM_VALIDATION_EXCEPTION,
//   every failing rule reported, validation_rules.h), and unique fields (DUPLICATE_VALUE;
//   case-insensitively unless the field is case-sensitive).
// Numbers are rounded to the field's scale. Every save stamps SystemModstamp and
// LastModifiedDate with the saver's instant (one instant per call: a Collections call gives all
// its records the same stamp) and LastModifiedById with the integration user; a create also
// fills Id, CreatedDate, CreatedById, OwnerId, IsDeleted and checkbox defaults.
//
// The saver does no transaction handling: callers wrap it in SAVEPOINTs (allOrNone). Not
// thread-safe: REQUIRES the org lock for the saver's whole life.
#ifndef SFSYNC_TESTS_EMULATOR_API_RECORD_SAVER_H_
#define SFSYNC_TESTS_EMULATOR_API_RECORD_SAVER_H_

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tests/emulator/api/org.h"
#include "tests/emulator/api/rest_error.h"
#include "tests/emulator/clock.h"

namespace sfsync::emulator {

// One failure of a save. Single-record calls render it as a REST error
// ({message, errorCode, fields}, with `http_status`); Collections as a per-record error
// ({statusCode, message, fields}).
struct SaveError {
  int http_status = 400;
  std::string code;
  std::string message;
  std::vector<std::string> fields;
  // The single-record shape leaves `fields` out for some errors (error_invalid_field_on_write.json).
  bool single_shows_fields = true;
};

struct SaveResult {
  std::string id;
  std::vector<SaveError> errors;     // empty on success
  bool created = false;              // a create, or an upsert that created
  std::vector<std::string> matches;  // upsert: the Ids when more than one record matched
  bool success() const { return errors.empty() && matches.empty(); }
};

// Where a save comes from: a few messages differ between the two APIs.
enum class SaveSurface { kRow, kCollection };

class RecordSaver {
 public:
  // `org` and `clock` must outlive the saver; the saver's instant is taken now.
  RecordSaver(Org* org, const EmulatorClock* clock, SaveSurface surface);

  SaveResult Create(const ObjectDef& object, const nlohmann::ordered_json& body);
  SaveResult Update(const ObjectDef& object, std::string_view id, const nlohmann::ordered_json& body);
  // Upsert on `key` (an external id or idLookup field, or Id): updates the one live record
  // whose key equals `key_value`, creates one (with the key set) when none does, and reports
  // the matches when several do. `update_only` never creates (404 NOT_FOUND instead).
  SaveResult Upsert(const ObjectDef& object, const FieldDef& key, const nlohmann::ordered_json& key_value,
                    const nlohmann::ordered_json& body, bool update_only);
  // Soft delete (to the recycle bin, and the delete log). `object` is null when the call does
  // not name one (Collections): the Id's key prefix decides.
  SaveResult Delete(const ObjectDef* object, std::string_view raw_id);

  // The first value of `body` that `object`'s fields cannot hold, as Salesforce's request-level
  // 400 JSON_PARSER_ERROR; nullopt when every value converts.
  static std::optional<RestError> CheckTypes(const ObjectDef& object, const nlohmann::ordered_json& body);

 private:
  using Changes = std::vector<std::pair<const FieldDef*, Value>>;

  // Validates `body` for a create or an update of `existing_id`; fills `changes` or returns
  // the failure.
  std::optional<SaveError> Prepare(const ObjectDef& object, const nlohmann::ordered_json& body,
                                   const std::string* existing_id, Changes* changes);
  std::optional<SaveError> CheckValue(const FieldDef& field, Value* value) const;
  std::optional<SaveError> CheckReferences(const Changes& changes) const;
  // The errors of `object`'s validation rules that fail for the record as it would be saved;
  // `value_of` gives a field's value after the save.
  std::vector<SaveError> CheckRules(const ObjectDef& object,
                                    const std::function<Value(const FieldDef&)>& value_of) const;
  // A stored field of the live record `id`.
  Value StoredValue(const ObjectDef& object, const std::string& id, const FieldDef& field) const;
  std::optional<SaveError> CheckUnique(const ObjectDef& object, const Changes& changes,
                                       const std::string* existing_id) const;
  SaveResult Failed(SaveError error) const;

  Org* org_;
  SaveSurface surface_;
  int64_t now_ms_;
};

// Ids of the live records of `object` whose `field` equals `value` (case-insensitively for
// text), in Id order, at most `limit`.
std::vector<std::string> LiveRecordsWithKey(OrgStore* store, const ObjectDef& object, const FieldDef& field,
                                            const Value& value, size_t limit);

// {"id"?, "success", "errors":[{statusCode, message, fields}], "created"?}: the per-record
// result of Collections and the body of sObject create/upsert (protocol §6.1, §6.4).
void WriteSaveResult(JsonWriter* json, const SaveResult& result, bool with_created);

// A number as `field` stores it: rounded to the field's scale, half away from zero (Salesforce
// Help, "Custom Field Types", Number: 12.345 becomes 12.35 and -12.345 becomes -12.35). Every save
// does it, the admin API's too: no record in the org holds more decimals than its field's scale.
double RoundToScale(const FieldDef& field, double number);
// The single-record error response: the REST error array of `errors`, with the first one's
// status.
HttpResponse SaveErrorResponse(const std::vector<SaveError>& errors);

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_API_RECORD_SAVER_H_
