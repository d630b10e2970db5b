// CursorProgress: what keeps a paged read from looping on a server that stops advancing.
//
// A cursor follows the locators the server hands out (REST nextRecordsUrl, protocol §2.1; Bulk
// Sforce-Locator, §7.3). A server that answers "not done" with a locator the cursor already
// followed, or with page after page of nothing, would be followed forever, and each call spends
// the org's daily API quota, shared with every other integration (seen: 456 calls in 15 s). So a
// cursor shows CursorProgress every page that is not the last, and stops at the first of:
//  - a locator it already followed (its first request counts as followed);
//  - kMaxEmptyPagesInARow pages in a row without rows.
// Not thread-safe: a cursor calls it from the thread that runs Next.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_set>

#include "engine/core/status.h"

namespace sfsync::salesforce {

class CursorProgress {
 public:
  // Salesforce never documents an empty page that is not the last; it does say pages can hold
  // fewer rows than asked, without saying how few (§2.2). Two in a row are let through, so an
  // org that ever sends one still syncs; a broken server costs at most three calls.
  static constexpr int kMaxEmptyPagesInARow = 3;

  // `cursor` names the cursor in messages ("query cursor", "Bulk job 750... results"); `locator`
  // names what its server points with ("nextRecordsUrl", "Sforce-Locator"); `first` is what the
  // cursor's first request followed (the query path; "" for Bulk's first page).
  CursorProgress(std::string cursor, std::string locator, const std::string& first);

  // Checks a page that is not the last: it points to `next` and holds `rows` rows; `pages` and
  // `requests` are what the cursor has received and sent so far, this page included. On success
  // `next` counts as followed. kDataLoss, reason "cursor.stuck", when `next` was followed already
  // or this is the kMaxEmptyPagesInARow-th page in a row without rows; the message says what the
  // server did and what the cursor had spent.
  Status CheckNotLast(const std::string& next, size_t rows, int64_t pages, int64_t requests);

 private:
  Status Stuck(const std::string& what, int64_t pages, int64_t requests) const;

  const std::string cursor_;
  const std::string locator_;
  std::unordered_set<std::string> followed_;
  int empty_in_a_row_ = 0;
};

}  // namespace sfsync::salesforce
