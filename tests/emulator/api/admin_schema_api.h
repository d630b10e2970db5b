// Admin endpoints that change the org's schema and empty its bins (README "Admin API"):
//
//   POST   /__emulator/schema/{Object}/fields           {"name":"Score__c","type":"double",...}
//                                                       -> 201 {"name":"Score__c"}
//   PATCH  /__emulator/schema/{Object}/fields/{Field}   {"type":"string","length":255,...} -> 204
//   DELETE /__emulator/schema/{Object}/fields/{Field}   204
//   POST   /__emulator/records/{Object}/purge           200 {"purged":N}  (empties the recycle bin)
//   POST   /__emulator/delete-log/purge                 {"before":"ISO"} -> 200 {"purged":N}
//
// Field definitions take: name (ending in __c), type (a describe type name), and optionally
// label, length, precision, scale, nillable, externalId, unique, picklistValues, referenceTo and
// relationshipName. Schema changes move describe's Last-Modified; removing or retyping a field
// invalidates the query cursors that read its object.
#ifndef SFSYNC_TESTS_EMULATOR_API_ADMIN_SCHEMA_API_H_
#define SFSYNC_TESTS_EMULATOR_API_ADMIN_SCHEMA_API_H_

#include "tests/emulator/api/org.h"
#include "tests/emulator/api/router.h"
#include "tests/emulator/clock.h"

namespace sfsync::emulator {

// `org` and `clock` must outlive the router.
void AddSchemaAdminRoutes(Router* router, Org* org, EmulatorClock* clock);

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_API_ADMIN_SCHEMA_API_H_
