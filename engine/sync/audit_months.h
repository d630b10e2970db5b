// The CreatedDate months `sfsync audit` counts rows in (audit.h), read from what the server answers
// without trusting it: a value that is not what the audit query asks for is an error, not a crash.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "engine/core/row.h"
#include "engine/core/statusor.h"
#include "engine/sync/planner.h"
#include "connectors/salesforce/http/rest_client.h"

namespace sfsync::sync {

// Rows per month ("2024-05") from the rows of BuildMonthCountQuery: expr0 the year, expr1 the month,
// expr2 the count, each a whole number (a JSON number, or digits as text). Rows of one month add up.
// kDataLoss (a malformed response) naming the row, the column and the value when one is missing,
// null, not a whole number, or out of range (year 1-9999, month 1-12, count >= 0).
StatusOr<std::map<std::string, int64_t>> ParseMonthCounts(const RowBatch& rows);

// Runs BuildMonthCountQuery for `plan` (queryAll when include_deleted) and adds up its pages with
// ParseMonthCounts: rows per CreatedDate month on the server. The query's and parsing's errors.
StatusOr<std::map<std::string, int64_t>> CountRowsByMonth(salesforce::RestClient* client, const ObjectPlan& plan,
                                                          bool include_deleted);

// The month after `month` ("2024-12" -> "2025-01"). REQUIRES: store::IsMonthKey(month).
std::string NextMonth(std::string_view month);

// SOQL condition for rows created in `month` (UTC):
// CreatedDate >= 2024-05-01T00:00:00.000Z AND CreatedDate < 2024-06-01T00:00:00.000Z.
// REQUIRES: store::IsMonthKey(month).
std::string CreatedInMonth(std::string_view month);

}  // namespace sfsync::sync
