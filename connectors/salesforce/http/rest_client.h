// RestClient: authenticated calls to one org's REST API, and the paged query iterator.
//
// Every call goes: add Bearer header -> send -> on 401 INVALID_SESSION_ID renew once and resend ->
// on 5xx/connection errors retry with capped, jittered backoff -> map an error body to Status once,
// here (STYLE.md rules 2 and 3). Calls are counted; the last Sforce-Limit-Info and server Date seen
// are kept for the run summary and for watermark capping.
//
// Thread-safety: a RestClient may be used from several threads at once. A QueryCursor is used by
// one thread (its prefetch thread is internal).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "connectors/salesforce/auth/auth.h"
#include "connectors/salesforce/read/describe.h"
#include "connectors/salesforce/http/http_transport.h"
#include "connectors/salesforce/http/call_budget.h"
#include "connectors/salesforce/http/request_gate.h"
#include "connectors/salesforce/read/soql.h"
#include "engine/core/clock.h"
#include "engine/core/row.h"
#include "engine/core/statusor.h"

namespace sfsync::salesforce {

struct RestOptions {
  std::string api_version = "60.0";  // without the leading 'v'
  // Sends per call for retriable failures (kUnavailable: 5xx, 406/420/429, transport errors). The
  // one resend after renewing an expired session is not counted.
  int max_attempts = 5;
  // Before retry n (n = 1, 2, ...) the client sleeps, via Clock::SleepFor, a uniformly random time
  // in [d/2, d] where d = min(backoff_max, backoff_initial * 2^(n-1)) ("equal jitter").
  std::chrono::milliseconds backoff_initial{500};
  std::chrono::milliseconds backoff_max{20000};
  // Shared by every client of one connection (the job's objects and slices): caps the requests in
  // flight at once (request_gate.h). Null: no cap.
  std::shared_ptr<RequestGate> gate;
  // Shared by every client of one run: its API call budgets (call_budget.h). Null: none.
  std::shared_ptr<CallBudget> budget;
};

// What the server said about usage and time on its most recent response.
struct ServerInfo {
  int64_t api_calls = 0;          // HTTP responses this client received, retries included (token calls excluded)
  std::string limit_info;         // last Sforce-Limit-Info, e.g. "api-usage=18/15000"
  int64_t server_date_millis = 0; // last Date header; 0 if none seen
};

struct DescribeResult {
  bool not_modified = false;  // 304 to If-Modified-Since: `info` is empty
  SObjectInfo info;
  int64_t last_modified_millis = 0;  // Last-Modified header, or 0
  std::string body;                  // the describe JSON as received (empty on 304), for caching
};

struct QueryOptions {
  bool include_deleted = false;  // queryAll
  int batch_size = 2000;         // Sforce-Query-Options: batchSize, clamped to 200..2000; pages may be smaller
  // Columns to extract from each record, in order. A dotted path ("Account.Name") walks nested
  // parent objects; a null parent yields null. Keys match case-insensitively, as Salesforce returns
  // canonical casing whatever the query said.
  std::vector<std::string> columns;
  bool prefetch = true;  // fetch page N+1 while the caller processes page N
  // Send the first request when the cursor is made, on the prefetch thread, instead of on the first
  // Next(): cursors opened side by side run their queries at the same time.
  bool start_now = false;
};

struct QueryPage {
  RowBatch rows;  // rows.columns == QueryOptions::columns
  int64_t total_size = 0;
  bool done = false;
  int64_t server_date_millis = 0;  // Date header of the response that carried this page
  // Bulk API 2.0 pages only (bulk_query.h): the job, and the locator to resume from once these rows
  // are committed: the next results page's, or, while a results page is still being handed out in
  // chunks, that page's own (empty: the first page). Meaningless when done.
  std::string bulk_job_id;
  std::string bulk_next_locator;
};

// Paged query results (leveldb Iterator shape: a trailing status, so a failed page cannot vanish).
class QueryCursor {
 public:
  virtual ~QueryCursor() = default;
  // Fills *page with the next page. Returns false at the end or on error; then check status().
  virtual bool Next(QueryPage* page) = 0;
  // OK after a clean end. kAborted (reason INVALID_QUERY_LOCATOR) when the cursor expired: restart
  // from the last checkpoint. kDataLoss when a page was malformed twice in a row (it is fetched
  // again once: a truncated page is usually a network fault), or, reason "cursor.stuck", when the
  // server stopped advancing (a page that is not the last pointed to a locator this cursor already
  // followed, or a few in a row held no rows: cursor_progress.h); that page is not returned.
  // Otherwise the Call error (a response over a cap of TransportOptions included: kDataLoss).
  virtual const Status& status() const = 0;
  // Pages returned by Next so far.
  virtual int64_t pages_fetched() const = 0;
};

class RestClient {
 public:
  // `transport`, `tokens` and `clock` must outlive the client.
  RestClient(HttpTransport* transport, TokenProvider* tokens, Clock* clock, RestOptions options);

  // One authenticated call. `path_or_url` is either a path under the instance ("/services/data/...";
  // Bulk's contentUrl without the leading '/' is accepted too) or an absolute URL, which must be on
  // the session's instance_url: the Bearer token is never sent to another host (kInvalidArgument).
  // Returns the response for 2xx, 300 and 304; any other status becomes a Status built from the
  // Salesforce error body (api_error.h). A body gets Content-Type: application/json, and the request
  // Accept: application/json, unless extra_headers sets them. Errors from the TokenProvider are
  // returned as they are (kUnavailable ones are retried like any other).
  StatusOr<HttpResponse> Call(const std::string& method, const std::string& path_or_url,
                              const std::string& body = {}, const HttpHeaders& extra_headers = {});

  // GET /services/data/vXX.X/sobjects/{object}/describe, conditional when if_modified_since_millis
  // is set (§4.3). kInvalidArgument when `object` is not an API name.
  StatusOr<DescribeResult> Describe(const std::string& object,
                                    std::optional<int64_t> if_modified_since_millis = std::nullopt);

  // Starts query (or queryAll) of `soql`; the first request is sent on the first Next() (at once with
  // QueryOptions::start_now). The cursor
  // must be destroyed before the client (it may be fetching ahead on its own thread). An unusable
  // column list (invalid path, duplicate, a column that is also a parent of another) shows up as
  // kInvalidArgument from the cursor's status() after the first Next().
  std::unique_ptr<QueryCursor> Query(const std::string& soql, const QueryOptions& options);

  // Starts this client's server_date_millis from another client of the same session, so a client
  // made for one object knows the server's clock before its first response.
  void SeedServerDate(int64_t millis);

  // "/services/data/v60.0"
  std::string DataPath() const;
  ServerInfo server_info() const;

 private:
  friend class RestQueryCursor;
  friend class BulkQueryCursor;
  // Call, plus a flag read between attempts and during backoff sleeps: once it is set the call
  // returns kCancelled instead of retrying (lets a QueryCursor be destroyed without waiting out a
  // backoff). May be null.
  StatusOr<HttpResponse> CallImpl(const std::string& method, const std::string& path_or_url, const std::string& body,
                                  const HttpHeaders& extra_headers, const std::atomic<bool>* cancelled);
  // Sends one request with the session's token, logs it, and records it in info_.
  StatusOr<HttpResponse> SendOnce(const Session& session, const std::string& method, const std::string& path_or_url,
                                  const std::string& body, const HttpHeaders& extra_headers);
  void SleepBeforeRetry(int retry, const std::atomic<bool>* cancelled);

  HttpTransport* transport_;
  TokenProvider* tokens_;
  Clock* clock_;
  RestOptions options_;
  mutable std::mutex mu_;
  ServerInfo info_;
};

}  // namespace sfsync::salesforce
