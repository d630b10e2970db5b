// REST query, queryAll and queryMore (protocol §2), with server-side cursors.
//
// Cursor model: the query decides, once, which rows match and in what order; the cursor
// keeps that ordered list of row identities, so totalSize is fixed and every row is served
// exactly once however the table changes while a client pages. Each page renders its rows'
// values *as of page time* (the current row), not as of query time: a snapshot of a
// million-row result would cost gigabytes, and serving current values is also the harder
// case for a client (a row can arrive with a SystemModstamp newer than the query), which is
// what a sync engine must tolerate anyway. A row hard-deleted after the query is skipped, so
// such a page is shorter than the batch size; totalSize does not change.
//
// Locators look like Salesforce's (`0r8xx` + 13 base-62 characters) and nextRecordsUrl is
// `/services/data/vXX.X/query/{locator}-{offset}` for query and queryAll alike. A locator
// stays valid (re-fetching a page works) until --cursor-ttl passes on the emulator clock or
// more than --max-cursors cursors are open (the oldest is dropped); then the answer is
// INVALID_QUERY_LOCATOR.
//
// Not thread-safe: REQUIRES the caller to hold the org lock for every call.
#ifndef SFSYNC_TESTS_EMULATOR_API_QUERY_SERVICE_H_
#define SFSYNC_TESTS_EMULATOR_API_QUERY_SERVICE_H_

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "tests/emulator/api/rest_error.h"
#include "tests/emulator/clock.h"
#include "tests/emulator/json_writer.h"
#include "tests/emulator/org/org_store.h"
#include "tests/emulator/org/rng.h"
#include "tests/emulator/soql/planner.h"

namespace sfsync::emulator {

struct QueryLimits {
  int max_page_size = 2000;  // server cap; pages may be smaller than the client asked
  int64_t cursor_ttl_ms = 2 * 86'400'000LL;
  size_t max_cursors = 100;
};

class QueryService {
 public:
  using Result = std::variant<std::string, RestError>;  // a JSON page, or the error

  // `store` and `clock` must outlive the service.
  QueryService(OrgStore* store, const EmulatorClock* clock, QueryLimits limits,
               NumberStyle number_style, uint64_t seed);

  // `version` is the URL form ("v60.0"); `batch_size` comes from Sforce-Query-Options.
  Result Run(std::string_view soql, bool include_deleted, std::string_view version,
             std::optional<int> batch_size);
  // `locator` is the last path segment of a nextRecordsUrl: `{locator}-{offset}`.
  Result More(std::string_view locator, std::string_view version, std::optional<int> batch_size);

  // Drops the cursor `locator` names (`{locator}-{offset}` or the bare locator): its pages are
  // INVALID_QUERY_LOCATOR from now on (fault injection).
  void Forget(std::string_view locator);

  // The whole result of `soql` as a JSON array of records (admin API); same encoding.
  Result AllRecords(const SoqlQuery& query, bool include_deleted, std::string_view version);

 private:
  struct Cursor {
    std::shared_ptr<const CompiledQuery> plan;
    std::vector<int64_t> rows;  // `_row` ids, in result order
    int batch_size;
    int64_t expires_at_ms;
    Statement row_statement;
  };

  int PageSize(std::optional<int> requested) const;
  std::string NewLocator();
  void Expire();
  // Renders rows [offset, offset + count) of `rows` as a query page.
  std::string Page(const CompiledQuery& plan, Statement* row_statement,
                   const std::vector<int64_t>& rows, size_t offset, size_t count,
                   std::string_view version, const std::string& next_url) const;

  OrgStore* store_;
  const EmulatorClock* clock_;
  QueryLimits limits_;
  NumberStyle number_style_;
  Rng locator_rng_;
  std::map<std::string, Cursor> cursors_;
  std::deque<std::string> cursor_order_;  // oldest first
};

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_API_QUERY_SERVICE_H_
