// Changes the org's schema at run time, as an admin does in Setup: add a custom field, change
// a custom field's type, delete a custom field. Each change alters the object's table and puts
// a new ObjectDef in the schema (Schema::Replace); no record's SystemModstamp moves, as in
// Salesforce, so an incremental sync does not see the change in the data, only in describe.
//
// Type changes convert every stored value as Salesforce does where it can (number <-> text,
// date <-> datetime, text -> date/time/number when the text parses, text cut to the new
// length, numbers rounded to the new scale) and null it where it cannot. Changing to or from
// checkbox, lookup, compound or base64 types is refused, as Setup refuses it.
//
// Not thread-safe: used under the org lock. The caller invalidates query cursors and bumps
// describe's Last-Modified.
#ifndef SFSYNC_TESTS_EMULATOR_ORG_SCHEMA_EDITOR_H_
#define SFSYNC_TESTS_EMULATOR_ORG_SCHEMA_EDITOR_H_

#include <string>

#include "tests/emulator/org/org_store.h"
#include "tests/emulator/org/schema.h"

namespace sfsync::emulator {

class SchemaEditor {
 public:
  // Both must outlive the editor; `schema` is the one `store` was opened with.
  SchemaEditor(Schema* schema, OrgStore* store) : schema_(schema), store_(store) {}

  // Each returns an empty string on success, else why the change was refused (nothing
  // changed then).
  // REQUIRES: field.name ends in "__c" and is new on `object`.
  std::string AddField(const ObjectDef& object, FieldDef field);
  // `changed` is the field's new definition (same name).
  std::string ChangeField(const ObjectDef& object, FieldDef changed);
  std::string DropField(const ObjectDef& object, const std::string& name);
  // Makes a createable field required (describe `nillable` false: a save that leaves it empty
  // fails REQUIRED_FIELD_MISSING) or optional again. No stored value changes; records already
  // empty there fail their next save. Refused for checkboxes, formulas, compound and read-only
  // fields.
  std::string SetRequired(const ObjectDef& object, const std::string& name, bool required);

 private:
  Schema* schema_;
  OrgStore* store_;
};

// True when a field of type `from` can be changed to `to` (see above).
bool CanChangeType(FieldType from, FieldType to);

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_ORG_SCHEMA_EDITOR_H_
