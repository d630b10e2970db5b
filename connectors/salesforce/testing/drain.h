// Reading a query cursor to its end in connector tests (test-only).
#pragma once

#include <string>
#include <vector>

#include "connectors/salesforce/http/rest_client.h"

namespace sfsync::salesforce::testing {

// The first column (Id) of every row the cursor yields, in order.
inline std::vector<std::string> DrainIds(QueryCursor* cursor) {
  std::vector<std::string> ids;
  QueryPage page;
  while (cursor->Next(&page)) {
    for (size_t r = 0; r < page.rows.rows(); ++r) ids.push_back(page.rows.at(r, 0).s);
  }
  return ids;
}

}  // namespace sfsync::salesforce::testing
