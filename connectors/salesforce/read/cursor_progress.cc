#include "connectors/salesforce/read/cursor_progress.h"

namespace sfsync::salesforce {

CursorProgress::CursorProgress(std::string cursor, std::string locator, const std::string& first)
    : cursor_(std::move(cursor)), locator_(std::move(locator)), followed_({first}) {}

Status CursorProgress::CheckNotLast(const std::string& next, size_t rows, int64_t pages, int64_t requests) {
  const std::string shown = locator_ + " " + next.substr(0, 200);
  if (!followed_.insert(next).second) {
    return Stuck("answered a page that is not the last with " + shown + ", which this cursor had already followed",
                 pages, requests);
  }
  empty_in_a_row_ = rows == 0 ? empty_in_a_row_ + 1 : 0;
  if (empty_in_a_row_ >= kMaxEmptyPagesInARow) {
    return Stuck("answered " + std::to_string(empty_in_a_row_) +
                     " pages in a row that are not the last and hold no rows (the last pointing to " + shown + ")",
                 pages, requests);
  }
  return Status::Ok();
}

Status CursorProgress::Stuck(const std::string& what, int64_t pages, int64_t requests) const {
  return Status(StatusCode::kDataLoss,
                cursor_ + " stuck: the server " + what + "; stopped after " + std::to_string(pages) + " pages and " +
                    std::to_string(requests) +
                    " requests rather than follow it again, since every call spends the org's daily API quota",
                "cursor.stuck");
}

}  // namespace sfsync::salesforce
