// sObject rows (protocol §6.1-§6.3), under /services/data/vXX.X/sobjects/{Object}/:
//
//   POST   {Object}                 create -> 201 {"id","success","errors"} + Location
//   GET    {Object}/{Id}[?fields=]  the record (compound and blob fields as in queries);
//                                   Last-Modified; If-Modified-Since -> 304
//   PATCH  {Object}/{Id}            update -> 204; If-Unmodified-Since -> 412 when the record's
//                                   LastModifiedDate is later, 400 when the date is invalid
//   DELETE {Object}/{Id}            soft delete -> 204; 404 ENTITY_IS_DELETED when deleted
//   PATCH  {Object}/{Field}/{Value} upsert on an external id or idLookup field (or Id):
//                                   201 created (+"created":true from v46), 200 updated with
//                                   "created":false (v46+) or 204 (v45 and earlier), 300 with the
//                                   matching records' URLs, 404 for a field that is not a key;
//                                   ?updateOnly=true never creates
//   GET    {Object}/{Id}/{Field}    a base64 field's bytes (the blob URL queries return)
//   GET    {Object}/{Field}/{Value} the record whose key field has that value (300 when several)
//
// Failures are the REST error array with Salesforce's codes (record_saver.h). Thread-safe.
#ifndef SFSYNC_TESTS_EMULATOR_API_SOBJECT_ROWS_H_
#define SFSYNC_TESTS_EMULATOR_API_SOBJECT_ROWS_H_

#include "tests/emulator/api/org.h"
#include "tests/emulator/api/router.h"
#include "tests/emulator/clock.h"
#include "tests/emulator/soql/ast.h"

namespace sfsync::emulator {

// `org` and `clock` must outlive the router. Register after the fixed-name sobject routes
// (describe, updated, deleted), which share their shape with {Object}/{Id}.
void AddSObjectRowRoutes(Router* router, Org* org, const EmulatorClock* clock);

// SELECT of the comma-separated `fields` (field paths) of `object`, or of all its fields when
// `fields` is empty: the `fields` parameter of sObject GET and Collections retrieve.
SoqlQuery SelectFields(const ObjectDef& object, std::string_view fields);

// The major number of a URL version such as "v60.0".
int ApiMajorVersion(std::string_view version);

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_API_SOBJECT_ROWS_H_
