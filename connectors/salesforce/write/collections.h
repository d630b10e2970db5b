// sObject Collections (protocol §6.4; push-back NOTES F1-F5, F13-F15): the write calls push-back
// sends, each one API call of up to 200 records (retrieve: 2,000 Ids), `allOrNone: false`.
//
// A call that Salesforce answered with one result per record returns those results, in request
// order, whether or not any record succeeded (Collections answer HTTP 200 even when every record
// failed: each item's `success` decides). A Status error means the call as a whole failed (transport,
// HTTP error, malformed answer, a result count that does not match the request): the caller cannot
// know which records were written, so every record of the call must be treated as "unknown".
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "connectors/salesforce/http/rest_client.h"
#include "engine/core/row.h"
#include "engine/core/statusor.h"

namespace sfsync::salesforce {

inline constexpr size_t kCollectionsMaxRecords = 200;
inline constexpr size_t kRetrieveMaxIds = 2000;

struct RecordError {
  std::string status_code;  // e.g. REQUIRED_FIELD_MISSING, ENTITY_IS_DELETED
  std::string message;
  std::vector<std::string> fields;
};

struct SaveResult {
  bool success = false;
  std::string id;        // the record's Id (new records: the Id Salesforce gave); empty on failure
  bool created = false;  // upserts: true when the key matched nothing and the record was created
  std::vector<RecordError> errors;
};

// One record to write: its Id (updates) and the fields to send, with values as the API takes them
// (Cell::Bool for checkboxes, text for dates and datetimes, null to clear a field).
struct RecordWrite {
  std::string id;
  std::vector<std::pair<std::string, Cell>> fields;
};

// PATCH /composite/sobjects: updates by Id. kInvalidArgument for 0 or more than 200 records.
StatusOr<std::vector<SaveResult>> UpdateRecords(RestClient* client, const std::string& object,
                                                const std::vector<RecordWrite>& records);
// POST /composite/sobjects: creates (no Id). Not idempotent: a lost answer retried may create twice.
StatusOr<std::vector<SaveResult>> CreateRecords(RestClient* client, const std::string& object,
                                                const std::vector<RecordWrite>& records);
// PATCH /composite/sobjects/{object}/{key_field}: upserts on an external-id field (v46+); each
// record's fields must hold key_field. Retrying is safe: the key finds the record created before.
StatusOr<std::vector<SaveResult>> UpsertRecords(RestClient* client, const std::string& object,
                                                const std::string& key_field, const std::vector<RecordWrite>& records);
// DELETE /composite/sobjects?ids=...&allOrNone=false.
StatusOr<std::vector<SaveResult>> DeleteRecords(RestClient* client, const std::vector<std::string>& ids);

// POST /composite/sobjects/{object} {"ids","fields"}: the current values of `fields` of up to 2,000
// records, in the order asked; nullopt for an Id with no live record (deleted, or never there).
// Values: text, Int, Double, Bool or Null, as the JSON held them.
using RetrievedRecord = std::map<std::string, Cell>;  // by field name as asked
StatusOr<std::vector<std::optional<RetrievedRecord>>> RetrieveRecords(RestClient* client, const std::string& object,
                                                                     const std::vector<std::string>& ids,
                                                                     const std::vector<std::string>& fields);

// A record Id as Salesforce gives them: 15 or 18 letters and digits (a local Id of a row not pushed
// yet is anything else).
bool IsRecordId(std::string_view id);

// The request body of a create, update or upsert (exposed for tests).
std::string RecordsBody(const std::string& object, const std::vector<RecordWrite>& records, bool with_ids);
// Parses a Collections write answer; kDataLoss when it is not an array of `expected` results.
StatusOr<std::vector<SaveResult>> ParseSaveResults(const std::string& body, size_t expected);

}  // namespace sfsync::salesforce
