// Fills the org with deterministic, realistic records: the same --seed and sizes always give
// the same rows (given the same clock start), and values cover every modeled field type,
// including nulls, unicode, embedded newlines, big and negative numbers and pre-1970 dates
// (record_fill.h). Records generated after a schema change leave added or retyped fields
// empty.
//
// Not thread-safe; shares the store's lock.
#ifndef SFSYNC_TESTS_EMULATOR_ORG_SEEDER_H_
#define SFSYNC_TESTS_EMULATOR_ORG_SEEDER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/emulator/org/org_store.h"
#include "tests/emulator/org/rng.h"

namespace sfsync::emulator {

class Seeder {
 public:
  // `store` must outlive the seeder.
  Seeder(OrgStore* store, uint64_t seed);

  // Seeds every object of the schema in dependency order (Profile, User, then the rest) with
  // `counts[name]` rows (missing: 0). Profile and User need at least one row: the first User is
  // the integration user tokens run as. Timestamps spread over the three years before `now_ms`,
  // all at least an hour old; rows created together share a second, as bulk loads do.
  bool SeedOrg(const std::map<std::string, int64_t>& counts, int64_t now_ms, std::string* error);

  struct Batch {
    std::string first_id;
    std::string last_id;
    int64_t count = 0;
  };
  // Appends `count` records of `object` with the same value generator, every audit timestamp
  // set to `stamp_ms`.
  bool Generate(const ObjectDef& object, int64_t count, int64_t stamp_ms, Batch* batch,
                std::string* error);

  const std::string& org_id() const { return org_id_; }
  const std::string& integration_user_id() const { return integration_user_id_; }

 private:
  class Stamps;
  class Picker;
  bool GenerateRows(const ObjectDef& object, int64_t count, Stamps* stamps, Batch* batch,
                    std::string* error);

  OrgStore* store_;
  // The objects as defined at start-up: what the value generators know how to fill.
  std::unique_ptr<Schema> original_;
  uint64_t seed_;
  std::string org_id_;
  std::string integration_user_id_;
  // Rows generated so far per object; the fixed, named Profiles and Users come first.
  std::map<std::string, int64_t, std::less<>> generated_;  // by object name
};

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_ORG_SEEDER_H_
