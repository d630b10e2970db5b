// RestQueryCursor: query/queryAll paging (protocol §2.1) with one page of prefetch.
//
// States: [unstarted] --Next--> fetch first page (query?q= or queryAll?q=); with start_now the
//                                fetch began on the worker thread when the cursor was made
//         [paging]    --Next--> take the prefetched page (or fetch it now) --> done? [finished]
//                      : prefetch nextRecordsUrl on a worker thread (at most one in flight)
//         [finished]  Next returns false; status() says why (OK, or the first error).
// A page that fails to parse is fetched once more before kDataLoss ends the cursor. A page that is
// not the last must point somewhere new and, within a few pages, hold rows (cursor_progress.h), or
// kDataLoss "cursor.stuck" ends the cursor without delivering it. Destruction raises `cancelled_`
// (no further retries or backoff) and waits for the worker.
#include <algorithm>
#include <future>
#include <system_error>

#include "connectors/salesforce/read/cursor_progress.h"
#include "connectors/salesforce/read/query_page_parser.h"
#include "connectors/salesforce/http/rest_client.h"
#include "engine/core/log.h"
#include "engine/core/time_format.h"

namespace sfsync::salesforce {

class RestQueryCursor : public QueryCursor {
  struct FetchedPage {
    ParsedPage page;
    int64_t server_date_millis = 0;  // Date header of the response that carried it
  };

 public:
  RestQueryCursor(RestClient* client, const std::string& soql, const QueryOptions& options)
      : client_(client),
        prefetch_(options.prefetch),
        // queryAll's continuation URLs still say /query/ (§2.5); they are followed as given.
        next_path_(client->DataPath() + (options.include_deleted ? "/queryAll?q=" : "/query?q=") + UrlEncode(soql)),
        progress_("query cursor", "nextRecordsUrl", next_path_) {
    StatusOr<std::unique_ptr<QueryPageParser>> parser = QueryPageParser::Create(options.columns);
    if (parser.ok()) {
      parser_ = std::move(*parser);
    } else {
      status_ = parser.status();
      finished_ = true;
    }
    // §2.2: Salesforce takes 200..2000; it may still send smaller pages.
    const int batch_size = std::clamp(options.batch_size, 200, 2000);
    headers_ = {{"Sforce-Query-Options", "batchSize=" + std::to_string(batch_size)}};
    if (options.start_now && !finished_) StartPrefetch();
  }

  ~RestQueryCursor() override {
    cancelled_.store(true);
    if (pending_.valid()) pending_.wait();
  }

  bool Next(QueryPage* page) override {
    if (finished_) return false;
    StatusOr<FetchedPage> fetched = pending_.valid() ? pending_.get() : Fetch(next_path_);
    if (!fetched.ok()) return Fail(fetched.status());
    ParsedPage& parsed = fetched->page;
    if (!parsed.done) {
      Status advancing =
          progress_.CheckNotLast(parsed.next_records_url, parsed.rows.rows(), pages_fetched_ + 1, requests_.load());
      if (!advancing.ok()) return Fail(advancing);
    }
    ++pages_fetched_;
    if (parsed.done) {
      finished_ = true;
    } else {
      next_path_ = parsed.next_records_url;
      if (prefetch_) StartPrefetch();
    }
    page->rows = std::move(parsed.rows);
    page->total_size = parsed.total_size;
    page->done = parsed.done;
    page->server_date_millis = fetched->server_date_millis;
    return true;
  }

  const Status& status() const override { return status_; }
  int64_t pages_fetched() const override { return pages_fetched_; }

 private:
  bool Fail(const Status& s) {
    status_ = s;
    finished_ = true;
    return false;
  }

  void StartPrefetch() {
    try {
      pending_ = std::async(std::launch::async, [this, path = next_path_] { return Fetch(path); });
    } catch (const std::system_error& e) {
      // No thread to be had: the next Next() fetches on the caller's thread instead.
      SFSYNC_LOG(kWarn, "query prefetch unavailable ({}); fetching pages one at a time", e.what());
    }
  }

  // Runs on the caller's thread or on the prefetch thread, never both at once (pending_ is waited
  // for before another fetch starts), so parser_ needs no lock.
  StatusOr<FetchedPage> Fetch(const std::string& path) {
    for (int attempt = 1;; ++attempt) {
      ++requests_;
      StatusOr<HttpResponse> response = client_->CallImpl("GET", path, {}, headers_, &cancelled_);
      if (!response.ok()) return response.status();
      FetchedPage fetched;
      Status parsed = parser_->Parse(response->body, &fetched.page);
      if (parsed.ok()) {
        if (const std::string* date = response->Header("Date")) {
          StatusOr<int64_t> millis = ParseHttpDate(*date);
          if (millis.ok()) fetched.server_date_millis = *millis;
        }
        return fetched;
      }
      if (attempt == 2 || cancelled_.load()) {
        return parsed.Annotate("query page " + path.substr(0, 200) + " was malformed twice");
      }
      SFSYNC_LOG(kWarn, "query page {} was malformed ({}); fetching it again", path.substr(0, 200), parsed.message());
    }
  }

  RestClient* const client_;
  const bool prefetch_;
  std::unique_ptr<QueryPageParser> parser_;
  HttpHeaders headers_;
  std::string next_path_;
  CursorProgress progress_;
  std::atomic<int64_t> requests_{0};  // page requests sent (CallImpl calls), refetches included
  bool finished_ = false;
  Status status_;
  int64_t pages_fetched_ = 0;
  std::atomic<bool> cancelled_{false};
  std::future<StatusOr<FetchedPage>> pending_;
};

std::unique_ptr<QueryCursor> RestClient::Query(const std::string& soql, const QueryOptions& options) {
  return std::make_unique<RestQueryCursor>(this, soql, options);
}

}  // namespace sfsync::salesforce
