// The answer of the unable_to_lock_row fault (README "Faults"): Salesforce could not lock a
// record the write needed (a parent that another transaction holds, protocol push-back NOTES
// F10), so every record of the request fails with UNABLE_TO_LOCK_ROW and nothing is saved.
//
//   sObject rows (POST {Object}, PATCH/DELETE {Object}/{Id}, PATCH {Object}/{Field}/{Value}):
//     400 [{"message":"unable to obtain exclusive access to this record or 1 records: ID",
//           "errorCode":"UNABLE_TO_LOCK_ROW","fields":[]}]
//   Collections (POST/PATCH/DELETE composite/sobjects, PATCH composite/sobjects/{Object}/{Field}):
//     200 with one {"success":false,"errors":[{"statusCode":"UNABLE_TO_LOCK_ROW","message",
//     "fields":[]}]} per record (plus "created":false for upsert), in request order.
//   Composite graph (POST composite/graph): 200, every graph isSuccessful false, its first node
//     400 with the single-record error above, the others 400 PROCESSING_HALTED (logged as one
//     entry with every node's body).
// ID is the record's Id (update, delete), else the first lookup value in its body (the parent a
// create or upsert would lock: AccountId, WhoId, Account__c, ...); without either the message
// ends at "this record".
#ifndef SFSYNC_TESTS_EMULATOR_API_LOCK_FAULT_H_
#define SFSYNC_TESTS_EMULATOR_API_LOCK_FAULT_H_

#include <optional>

#include "tests/emulator/api/write_log.h"
#include "tests/emulator/net/http_message.h"

namespace sfsync::emulator {

// The lock failure for `request`, with `log` filled as the write handler would (object, ids,
// records); nullopt when the request is not a write this fault answers (the caller serves it
// as usual), or its body is malformed (the real handler's 400 is the truthful answer then).
std::optional<HttpResponse> LockedRowsResponse(const HttpRequest& request, WriteEntry* log);

// "unable to obtain exclusive access to this record[ or 1 records: ID]".
std::string LockedRowMessage(const std::string& id);

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_API_LOCK_FAULT_H_
