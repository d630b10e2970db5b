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
// Page size: `batchSize` clamped to 200..2000, capped by --max-page-size, then shrunk as
// Salesforce does (protocol §2.2): to --long-text-batch's first value when one long text area
// is selected and its second when two or more are; child rows of sub-queries count toward it;
// and with --wide-row-bytes a page stops before its body would pass that many bytes. A page
// always holds at least one record. nextRecordsUrl's offset counts the rows actually served.
//
// Aggregate queries answer every group in one page (done: true).
//
// Locators look like Salesforce's (`0r8xx` + 13 base-62 characters) and nextRecordsUrl is
// `/services/data/vXX.X/query/{locator}-{offset}` for query and queryAll alike. A locator
// stays valid (re-fetching a page works) until --cursor-ttl passes on the emulator clock, more
// than --max-cursors cursors are open (the oldest is dropped), or a field of an object it reads
// is removed or retyped; then the answer is INVALID_QUERY_LOCATOR.
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
  int one_long_text_page = 1000;  // page cap with one long text area selected (0: none)
  int many_long_text_page = 200;  // with two or more (0: none)
  int64_t wide_row_bytes = 0;     // cap on a page's body size (0: none)
};

class QueryService {
 public:
  using Result = std::variant<std::string, RestError>;  // a JSON page, or the error

  // `store` and `clock` must outlive the service.
  QueryService(OrgStore* store, const EmulatorClock* clock, QueryLimits limits, NumberStyle number_style,
               uint64_t seed);

  // `version` is the URL form ("v60.0"); `batch_size` comes from Sforce-Query-Options.
  Result Run(std::string_view soql, bool include_deleted, std::string_view version, std::optional<int> batch_size);
  // `locator` is the last path segment of a nextRecordsUrl: `{locator}-{offset}`.
  Result More(std::string_view locator, std::string_view version, std::optional<int> batch_size);

  // Fault injection (stuck_locator): a cursor that never advances. RunStuck runs a query as
  // Run() does, but a record query answers {"totalSize":T,"done":false,"nextRecordsUrl":U,
  // "records":[]}, U naming a new cursor; Stick() turns the cursor a continuation locator names
  // into such a cursor and answers the same way with U = that locator's own URL. From then on
  // every fetch of U answers exactly that page, until the cursor expires. Errors, aggregate
  // and COUNT() queries (which open no cursor) and unknown locators answer as usual.
  Result RunStuck(std::string_view soql, bool include_deleted, std::string_view version, std::optional<int> batch_size);
  Result Stick(std::string_view locator, std::string_view version);

  // Drops the cursor `locator` names (`{locator}-{offset}` or the bare locator): its pages are
  // INVALID_QUERY_LOCATOR from now on (fault injection).
  void Forget(std::string_view locator);

  // The whole result of `query` as a JSON array of records (admin API, sObject GET); same
  // encoding.
  Result AllRecords(const SoqlQuery& query, bool include_deleted, std::string_view version);

  // A JSON array with, for each of `ids` in order, its live record with `query`'s fields, or
  // null when there is none (sObject GET, Collections retrieve).
  Result RecordsById(const SoqlQuery& query, const std::vector<std::string>& ids, std::string_view version);

  // Drops every cursor that reads `object` (one of its fields was removed or retyped).
  void InvalidateCursors(std::string_view object);

 private:
  struct Cursor {
    std::shared_ptr<const CompiledQuery> plan;
    std::vector<int64_t> rows;  // `_row` ids, in result order
    int page_size;
    int64_t expires_at_ms;
    Statement row_statement;
    bool stuck = false;  // every page is the same empty page (stuck_locator)
  };
  struct Page {
    std::string records;  // the JSON array
    size_t consumed = 0;  // positions of `rows` used, purged rows included
  };

  Result Execute(std::string_view soql, bool include_deleted, std::string_view version, std::optional<int> batch_size,
                 bool stuck);
  int PageSize(std::optional<int> requested, const CompiledQuery& plan) const;
  std::string NewLocator();
  void Expire();
  std::optional<Page> RenderPage(const CompiledQuery& plan, Statement* row_statement, const std::vector<int64_t>& rows,
                                 size_t offset, int page_size, std::string_view version) const;
  Result Aggregate(const CompiledQuery& plan, std::string_view version) const;

  OrgStore* store_;
  const EmulatorClock* clock_;
  QueryLimits limits_;
  NumberStyle number_style_;
  Rng locator_rng_;
  std::map<std::string, Cursor> cursors_;
  std::deque<std::string> cursor_order_;  // oldest first
};

// A query result page: {"totalSize", "done", "nextRecordsUrl"?, "records"} around an already
// rendered records array.
std::string QueryResultJson(int64_t total_size, const std::string& next_url, std::string_view records);

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_API_QUERY_SERVICE_H_
