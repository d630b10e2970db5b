// QueryPageParser: one page of a REST query result (protocol §2.1) -> the planned columns, flat.
//
// The hot path of a pull, so it walks each record's fields once with simdjson on-demand and looks
// keys up in a precomputed, case-insensitive table: no allocation per key. Per column value:
//   JSON integer (no '.', no exponent)  -> Cell::Int     (15000)
//   any other JSON number               -> Cell::Double  (15000.0, 1.5E7, integers beyond int64)
//   string -> Text, true/false -> Bool, null or missing key -> Null
//   object/array for a non-dotted column (a compound address selected directly) -> its raw JSON text
// A dotted column ("Account.Name", "Owner.Profile.Name") descends into nested parent objects; a
// null parent (§2.3: the whole relationship is null, never an object of nulls) yields null for
// every path below it. `attributes` and unselected keys are skipped.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/row.h"
#include "engine/core/statusor.h"

namespace sfsync::salesforce {

struct ParsedPage {
  RowBatch rows;
  int64_t total_size = 0;
  bool done = false;
  std::string next_records_url;  // a path (§2.1); empty when done
};

class QueryPageParser {
 public:
  // kInvalidArgument when a column is not a valid field path, appears twice (ignoring case), or is
  // both a value and the parent of another column ("Account" and "Account.Name").
  static StatusOr<std::unique_ptr<QueryPageParser>> Create(const std::vector<std::string>& columns);
  ~QueryPageParser();

  // Replaces *page with the page in `body`. kDataLoss when the body is not valid JSON, not a
  // complete object, lacks `records` or `done`, or has done:false without nextRecordsUrl; *page is
  // then unspecified. Not thread-safe: one Parse at a time (the parser's buffers are reused).
  Status Parse(std::string_view body, ParsedPage* page);

 private:
  struct Impl;
  explicit QueryPageParser(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sfsync::salesforce
