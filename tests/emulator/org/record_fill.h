// How seeded records get their values: one filler per object, drawing realistic values
// (value_pools.h) for every modeled field kind, including nulls, unicode, embedded newlines, big
// and negative numbers and pre-1970 dates. Internal to the seeder.
#ifndef SFSYNC_TESTS_EMULATOR_ORG_RECORD_FILL_H_
#define SFSYNC_TESTS_EMULATOR_ORG_RECORD_FILL_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "tests/emulator/org/rng.h"
#include "tests/emulator/org/schema.h"
#include "tests/emulator/org/statement.h"

namespace sfsync::emulator {

// Values indexed like the object's stored columns, set by field name. Only the fields the
// fillers know are set: a field that an admin added or retyped after start-up (`original`
// has no field of that name and type) keeps null, or false for a checkbox.
class RowBuilder {
 public:
  RowBuilder(const ObjectDef& object, const ObjectDef& original);
  // The field's picklist values as defined at start-up.
  const std::vector<std::string>& Picklist(std::string_view field) const;
  void Reset();
  // Sets `field` when the fillers may; otherwise does nothing.
  void Set(std::string_view field, Value value);
  bool Has(std::string_view field) const { return index_.find(field) != index_.end(); }
  std::vector<Value>& values() { return values_; }

 private:
  std::map<std::string, size_t, std::less<>> index_;
  std::map<std::string, const std::vector<std::string>*, std::less<>> picklists_;
  std::vector<bool> checkbox_;  // per column
  std::vector<Value> values_;
};

// Picks a random live record of an object, for lookups of objects that do not load whole
// parent tables (Case, Task, Event).
class ParentPicker {
 public:
  virtual ~ParentPicker() = default;
  // The Id of a live record of `object`, drawn with `rng`; empty when it has none.
  virtual std::string Pick(std::string_view object, Rng& rng) = 0;
};

// What a row's values may depend on.
struct FillContext {
  Rng* rng;
  int64_t ordinal;     // rows of this object generated before this one
  int64_t created_ms;  // this row's CreatedDate
  const std::vector<std::string>* profiles;
  const std::vector<std::string>* users;
  const std::vector<std::string>* parents;  // the object's main lookup: Account, or Invoice__c
  std::string_view earlier_same_object_id;  // a record of the same object, or empty
  ParentPicker* picker;
};

// Fills the generated fields of one record of `object` (not Id, OwnerId or audit fields).
void FillRecord(const ObjectDef& object, RowBuilder* row, const FillContext& context);

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_ORG_RECORD_FILL_H_
