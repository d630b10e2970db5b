// The replication resources (protocol §5.2, §5.3): which records were deleted in a time window.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "connectors/salesforce/http/rest_client.h"

namespace sfsync::salesforce {

struct DeletedRecord {
  std::string id;
  int64_t deleted_millis = 0;  // deletedDate (the record's SystemModstamp at deletion)
};

struct DeletedResult {
  std::vector<DeletedRecord> records;
  int64_t earliest_date_available_millis = 0;  // oldest delete still in the log
  int64_t latest_date_covered_millis = 0;      // use as the next window's start
};

// GET /sobjects/{object}/deleted/?start=&end= . Salesforce truncates both to the minute and needs
// start < end, start within the last 15 days (INVALID_REPLICATION_DATE otherwise, kInvalidArgument)
// and at most 600,000 ids (EXCEEDED_ID_LIMIT). The object must be replicateable.
StatusOr<DeletedResult> GetDeleted(RestClient* client, const std::string& object, int64_t start_millis,
                                   int64_t end_millis);

// The pieces of GetDeleted, for sending it inside a composite call (composite.h): the request path
// (kInvalidArgument for a name that is not an sObject's), and reading a 200 answer's body.
StatusOr<std::string> GetDeletedPath(const RestClient& client, const std::string& object, int64_t start_millis,
                                     int64_t end_millis);
StatusOr<DeletedResult> ParseDeleted(const std::string& object, const std::string& body);

}  // namespace sfsync::salesforce
