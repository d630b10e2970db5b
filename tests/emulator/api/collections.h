// sObject Collections (protocol §6.4), under /services/data/vXX.X/composite/sobjects:
//
//   POST   ...                          create   {"allOrNone", "records":[{attributes:{type},...}]}
//   PATCH  ...                          update   (each record names its "id")
//   DELETE ...?ids=a,b&allOrNone=       delete   (types mixed; each Id's key prefix decides)
//   PATCH  .../{Object}/{KeyField}      upsert   (v46+; the key's value in each record)
//   GET    .../{Object}?ids=&fields=    retrieve (POST with {"ids","fields"} too): records in
//                                       the order asked, null for an Id with no live record
//
// Writes answer 200 with one result per record, in request order, even when every record
// failed: {"id"?, "success", "errors":[{statusCode, message, fields}], "created"?}. The whole
// call fails (400, REST error array) only for a malformed request: bad JSON, a value no field
// can hold (JSON_PARSER_ERROR), no records (REQUIRED_FIELD_MISSING), more than 200
// (EXCEEDED_ID_LIMIT ⚠), more than 10 type chunks in a create or update (EXCEEDED_MAX_TYPES_LIMIT
// ⚠; a chunk is a run of records of one type, {a1,a2,c1,a3} being three).
//
// allOrNone=false saves each record on its own; allOrNone=true rolls everything back when any
// record fails, and each record that would have succeeded reports
// ALL_OR_NONE_OPERATION_ROLLED_BACK. All records of one call share one SystemModstamp.
// Thread-safe.
#ifndef SFSYNC_TESTS_EMULATOR_API_COLLECTIONS_H_
#define SFSYNC_TESTS_EMULATOR_API_COLLECTIONS_H_

#include "tests/emulator/api/org.h"
#include "tests/emulator/api/router.h"
#include "tests/emulator/clock.h"

namespace sfsync::emulator {

// `org` and `clock` must outlive the router.
void AddCollectionRoutes(Router* router, Org* org, const EmulatorClock* clock);

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_API_COLLECTIONS_H_
