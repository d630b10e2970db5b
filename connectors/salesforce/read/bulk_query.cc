// BulkQueryCursor: one Bulk API 2.0 query job, from creation to deletion (protocol §7).
//
//   StartBulkQuery  POST /jobs/query                       -> [created]      (refusals: bulk.unsupported)
//   [created]   first Next: GET /jobs/query/{id}, at once, then poll_initial, doubling to poll_max
//                 UploadComplete | InProgress                -> poll again
//                 JobComplete                                -> [results]
//                 Failed | Aborted, timeout, stop            -> [finished] with that error
//   [results]   Next: GET /jobs/query/{id}/results?maxRecords=N[&locator=L] (Accept: text/csv)
//                 Sforce-Locator "null" (§7.3; missing or empty too)   -> last page -> [finished]
//                 otherwise the locator of the next page; prefetched on a worker thread
//                 412 JOB_NOT_COMPLETE (§7.4)                -> poll again, at most kMaxNotComplete times
//                 malformed page or wrong row count          -> fetched once more (locators can be
//                                                              re-read), then kDataLoss
//                 a locator already followed, a few empty pages in a row (cursor_progress.h),
//                 more rows than the job's numberRecordsProcessed -> kDataLoss, page not delivered
//   [finished]  Next returns false. The job is deleted (aborted first unless it reached a terminal
//               state): once, with one attempt, whether the cursor ended cleanly, failed or was
//               destroyed early.
// Every request uses the client's API version: results asked for with another version than the
// job's are refused with 409 (§7.3).
#include "connectors/salesforce/read/bulk_query.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <future>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <system_error>

#include "connectors/salesforce/read/bulk_page_parser.h"
#include "connectors/salesforce/read/cursor_progress.h"
#include "engine/core/log.h"
#include "engine/core/time_format.h"

namespace sfsync::salesforce {
namespace {

// Answers of 412 to a results request after job info said JobComplete, before giving up.
constexpr int kMaxNotComplete = 3;
// Bulk API 2.0 query jobs exist from v47.0 (§7).
constexpr int kFirstBulkQueryVersion = 47;

Status Unsupported(const std::string& why) {
  return Status(StatusCode::kUnimplemented, "Bulk API 2.0 cannot run this query: " + why, "bulk.unsupported");
}

bool Contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

// True when a job-creation error says Bulk, not the query, is the obstacle (§7.1): REST may still
// read the object.
bool BulkCannotRun(const Status& s) {
  if (s.code() == StatusCode::kNotFound) return true;  // no /jobs/query on this server
  if (s.code() != StatusCode::kInvalidArgument) return false;
  const std::string& code = s.reason();
  const std::string& message = s.message();
  return code == "INVALIDENTITY" || code == "FUNCTIONALITY_NOT_ENABLED" || code == "LIMIT_EXCEEDED" ||
         (code == "API_ERROR" && Contains(message, "Implementation restriction")) ||
         Contains(message, "not supported in Bulk Query") || Contains(message, "not supported by the Bulk API") ||
         Contains(message, "does not support query");
}

// The major version in "/services/data/v60.0", or 0.
int ApiMajorVersion(const std::string& data_path) {
  const size_t v = data_path.rfind("/v");
  int major = 0;
  if (v != std::string::npos) std::from_chars(data_path.data() + v + 2, data_path.data() + data_path.size(), major);
  return major;
}

Status CheckColumns(const std::vector<std::string>& columns) {
  if (columns.empty()) return InvalidArgumentError("a Bulk query needs at least one column");
  std::set<std::string> seen;
  for (const std::string& column : columns) {
    if (!IsValidFieldPath(column)) return InvalidArgumentError("not a field path: '" + column.substr(0, 100) + "'");
    std::string lower = column;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!seen.insert(lower).second) return InvalidArgumentError("column '" + column + "' is listed twice");
  }
  return Status::Ok();
}

struct JobInfo {
  std::string state;
  std::string error_message;
  std::optional<int64_t> records_processed;
};

StatusOr<JobInfo> ParseJobInfo(const std::string& body) {
  nlohmann::json json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || !json.contains("state") || !json["state"].is_string()) {
    return DataLossError("Bulk job info without a state: " + body.substr(0, 200));
  }
  JobInfo info;
  info.state = json["state"].get<std::string>();
  if (json.contains("errorMessage") && json["errorMessage"].is_string()) {
    info.error_message = json["errorMessage"].get<std::string>();
  }
  if (json.contains("numberRecordsProcessed") && json["numberRecordsProcessed"].is_number_integer()) {
    info.records_processed = json["numberRecordsProcessed"].get<int64_t>();
  }
  return info;
}

}  // namespace

class BulkQueryCursor : public QueryCursor {
  // A results page, checked whole, handed out kChunkRows rows at a time.
  struct FetchedPage {
    std::unique_ptr<std::string> body;        // the CSV text (the reader points into it)
    std::unique_ptr<BulkPageReader> reader;
    size_t records = 0;
    std::string locator;       // the locator that fetched it (empty: the first page)
    std::string next_locator;  // empty after the last page
    int64_t server_date_millis = 0;
  };
  // Rows handed out per Next(): a page's cells never all exist at once (flat memory).
  static constexpr size_t kChunkRows = 5000;

 public:
  BulkQueryCursor(RestClient* client, Clock* clock, std::string job_id, const QueryOptions& options,
                  const BulkQueryOptions& bulk)
      : client_(client),
        clock_(clock),
        job_path_(client->DataPath() + "/jobs/query/" + job_id),
        job_id_(std::move(job_id)),
        columns_(options.columns),
        prefetch_(options.prefetch),
        bulk_(bulk),
        created_(clock->Monotonic()),
        progress_("Bulk job " + job_id_ + " results", "Sforce-Locator", ""),
        locator_(bulk.resume_locator),
        resumed_(!bulk.resume_job_id.empty()) {}

  ~BulkQueryCursor() override {
    cancelled_.store(true);
    if (pending_.valid()) pending_.wait();
    // Read to the end: done with. Interrupted after a page was handed out (and so could be committed
    // with its resume point): kept, so the next run resumes the download. Interrupted before: no
    // one knows its id, so it goes.
    if ((finished_ && status_.ok()) || (pages_fetched_ == 0 && !resumed_)) DeleteJob();
    if (!deleted_) SFSYNC_LOG(kDebug, "Bulk job {} kept for a resume", job_id_);
  }

  bool Next(QueryPage* page) override {
    if (finished_) return false;
    if (!complete_) {
      if (Status s = WaitForCompletion(); !s.ok()) return Finish(s);
    }
    if (!current_) {
      StatusOr<FetchedPage> fetched = pending_.valid() ? pending_.get() : Fetch(locator_);
      while (!fetched.ok() && fetched.status().reason() == "JOB_NOT_COMPLETE" && not_complete_ < kMaxNotComplete) {
        ++not_complete_;
        SFSYNC_LOG(kDebug, "Bulk job {}: results not ready yet; polling again", job_id_);
        complete_ = false;
        if (Status s = WaitForCompletion(); !s.ok()) return Finish(s);
        fetched = Fetch(locator_);
      }
      if (!fetched.ok()) return Finish(fetched.status());
      if (Status s = CheckProgress(*fetched); !s.ok()) return Finish(s);
      ++pages_fetched_;
      rows_read_ += static_cast<int64_t>(fetched->records);
      current_ = std::move(*fetched);
      handed_ = 0;
      locator_ = current_->next_locator;
      // One page ahead at most: fetched while this one is handed out.
      if (!locator_.empty() && prefetch_) StartPrefetch();
    }
    current_->reader->Next(kChunkRows, &page->rows);
    handed_ += page->rows.rows();
    page->total_size = promised_rows_.value_or(0);
    page->server_date_millis = current_->server_date_millis;
    page->bulk_job_id = job_id_;
    if (handed_ < current_->records) {
      // More of this page to come: a resume reads this page again (its rows are upserted twice).
      page->done = false;
      page->bulk_next_locator = current_->locator;
      return true;
    }
    page->done = current_->next_locator.empty();
    page->bulk_next_locator = current_->next_locator;
    current_.reset();
    if (page->done) {
      finished_ = true;
      DeleteJob();
    }
    return true;
  }

  const Status& status() const override { return status_; }
  int64_t pages_fetched() const override { return pages_fetched_; }

 private:
  bool Finish(const Status& s) {
    status_ = s;
    finished_ = true;
    // A job that cannot give its results, or whose results are bad (malformed twice, stuck, overrun:
    // a resume would meet them again), is deleted; after a signal or the network it is kept to resume.
    if (s.reason() == "bulk.failed" || s.reason() == "bulk.aborted" || s.reason() == "bulk.timeout" ||
        s.code() == StatusCode::kDataLoss || (pages_fetched_ == 0 && !resumed_)) {
      DeleteJob();
    }
    return false;
  }

  bool Stopping() const { return cancelled_.load() || (bulk_.stop != nullptr && bulk_.stop->load()); }

  // Sleeps `d` on the clock in short slices, so a stop request is seen soon.
  void Sleep(std::chrono::milliseconds d) {
    constexpr std::chrono::milliseconds kSlice{100};
    while (d.count() > 0 && !Stopping()) {
      const auto step = std::min(d, kSlice);
      clock_->SleepFor(step);
      d -= step;
    }
  }

  Status WaitForCompletion() {
    std::chrono::milliseconds delay = bulk_.poll_initial;
    for (bool first = true;; first = false) {
      if (!first) {
        Sleep(delay);
        delay = std::min(delay * 2, bulk_.poll_max);
      }
      if (Stopping()) return CancelledError("stopped while waiting for Bulk job " + job_id_);
      if (clock_->Monotonic() - created_ > bulk_.job_timeout) {
        return Status(StatusCode::kDeadlineExceeded,
                      "Bulk job " + job_id_ + " did not complete within " +
                          std::to_string(std::chrono::duration_cast<std::chrono::seconds>(bulk_.job_timeout).count()) +
                          " s",
                      "bulk.timeout");
      }
      SFSYNC_ASSIGN_OR_RETURN(HttpResponse response, client_->CallImpl("GET", job_path_, {}, {}, &cancelled_));
      SFSYNC_ASSIGN_OR_RETURN(JobInfo info, ParseJobInfo(response.body));
      state_ = info.state;
      if (info.state == "JobComplete") {
        complete_ = true;
        promised_rows_ = info.records_processed;
        return Status::Ok();
      }
      if (info.state == "Failed" || info.state == "Aborted") {
        const bool failed = info.state == "Failed";
        // errorMessage is not always present (§7.2).
        const std::string why = info.error_message.empty() ? "no errorMessage given" : info.error_message;
        return Status(StatusCode::kFailedPrecondition,
                      "Bulk job " + job_id_ + (failed ? " failed: " : " was aborted: ") + why,
                      failed ? "bulk.failed" : "bulk.aborted");
      }
      SFSYNC_LOG(kDebug, "Bulk job {}: {}", job_id_, info.state);
    }
  }

  void StartPrefetch() {
    try {
      pending_ = std::async(std::launch::async, [this, locator = locator_] { return Fetch(locator); });
    } catch (const std::system_error& e) {
      SFSYNC_LOG(kWarn, "Bulk results prefetch unavailable ({}); fetching pages one at a time", e.what());
    }
  }

  // A page the server should not have sent: one that does not advance (cursor_progress.h), or rows
  // past the count the job promised when it completed (§7.2 numberRecordsProcessed): a server
  // adding pages past its own count would be read without end too.
  Status CheckProgress(const FetchedPage& fetched) {
    const int64_t pages = pages_fetched_ + 1;
    if (!fetched.next_locator.empty()) {
      SFSYNC_RETURN_IF_ERROR(
          progress_.CheckNotLast(fetched.next_locator, fetched.records, pages, requests_.load()));
    }
    const int64_t rows = rows_read_ + static_cast<int64_t>(fetched.records);
    if (promised_rows_ && rows > *promised_rows_) {
      return Status(StatusCode::kDataLoss,
                    "Bulk job " + job_id_ + " results overran: " + std::to_string(rows) + " rows in " +
                        std::to_string(pages) + " pages, where the job reported numberRecordsProcessed " +
                        std::to_string(*promised_rows_) + "; stopped after " + std::to_string(requests_.load()) +
                        " result requests",
                    "cursor.overrun");
    }
    return Status::Ok();
  }

  // Runs on the caller's thread or on the prefetch thread, never both at once.
  StatusOr<FetchedPage> Fetch(const std::string& locator) {
    std::string path = job_path_ + "/results?maxRecords=" + std::to_string(bulk_.max_records);
    if (!locator.empty()) path += "&locator=" + UrlEncode(locator);
    for (int attempt = 1;; ++attempt) {
      ++requests_;
      StatusOr<HttpResponse> response = client_->CallImpl("GET", path, {}, {{"Accept", "text/csv"}}, &cancelled_);
      if (!response.ok()) return response.status();
      FetchedPage fetched;
      fetched.locator = locator;
      fetched.body = std::make_unique<std::string>(std::move(response->body));
      fetched.reader = std::make_unique<BulkPageReader>(*fetched.body, columns_);
      Status parsed = fetched.reader->Check(&fetched.records);
      if (parsed.ok()) parsed = CheckRowCount(*response, fetched.records);
      if (parsed.ok()) {
        const std::string* next = response->Header("Sforce-Locator");
        if (next != nullptr && !next->empty() && *next != "null") fetched.next_locator = *next;
        if (const std::string* date = response->Header("Date")) {
          StatusOr<int64_t> millis = ParseHttpDate(*date);
          if (millis.ok()) fetched.server_date_millis = *millis;
        }
        return fetched;
      }
      if (attempt == 2 || cancelled_.load()) {
        return parsed.Annotate("Bulk job " + job_id_ + " results page was malformed twice");
      }
      SFSYNC_LOG(kWarn, "Bulk job {}: results page was malformed ({}); fetching it again", job_id_, parsed.message());
    }
  }

  // Sforce-NumberOfRecords (§7.3); nullopt when absent or not a number.
  std::optional<size_t> AnnouncedRows(const HttpResponse& response) const {
    const std::string* announced = response.Header("Sforce-NumberOfRecords");
    if (announced == nullptr) return std::nullopt;
    size_t count = 0;
    auto [end, error] = std::from_chars(announced->data(), announced->data() + announced->size(), count);
    if (error != std::errc() || end != announced->data() + announced->size()) return std::nullopt;
    return count;
  }

  // A page cut off at a record boundary still parses: Sforce-NumberOfRecords catches it.
  Status CheckRowCount(const HttpResponse& response, size_t records) const {
    std::optional<size_t> announced = AnnouncedRows(response);
    if (!announced || *announced == records) return Status::Ok();
    return DataLossError("the page holds " + std::to_string(records) + " rows; Sforce-NumberOfRecords says " +
                         std::to_string(*announced));
  }

  // Best effort, one attempt each: a job left behind costs nothing and expires after 7 days (§7.7).
  void DeleteJob() {
    if (deleted_) return;
    deleted_ = true;
    const std::atomic<bool> no_retry{true};
    if (state_ != "JobComplete" && state_ != "Failed" && state_ != "Aborted") {
      // An unfinished job cannot be deleted; abort it first (§7.2).
      StatusOr<HttpResponse> aborted = client_->CallImpl("PATCH", job_path_, R"({"state":"Aborted"})", {}, &no_retry);
      if (!aborted.ok()) SFSYNC_LOG(kDebug, "Bulk job {}: abort failed: {}", job_id_, aborted.status().ToString());
    }
    StatusOr<HttpResponse> deleted = client_->CallImpl("DELETE", job_path_, {}, {}, &no_retry);
    if (!deleted.ok()) {
      SFSYNC_LOG(kWarn, "Bulk job {} could not be deleted ({}); Salesforce removes it after 7 days", job_id_,
                 deleted.status().message());
    }
  }

  RestClient* const client_;
  Clock* const clock_;
  const std::string job_path_;
  const std::string job_id_;
  const std::vector<std::string> columns_;
  const bool prefetch_;
  const BulkQueryOptions bulk_;
  const std::chrono::steady_clock::time_point created_;
  std::string state_ = "UploadComplete";  // as last seen
  bool complete_ = false;
  int not_complete_ = 0;
  std::optional<int64_t> promised_rows_;  // numberRecordsProcessed once JobComplete, when given
  int64_t rows_read_ = 0;                 // in the pages delivered
  CursorProgress progress_;
  std::atomic<int64_t> requests_{0};  // results requests sent, refetches included
  std::string locator_;               // of the next page; empty for the first
  bool resumed_ = false;              // opened on an existing job (BulkQueryOptions::resume_job_id)
  bool finished_ = false;
  bool deleted_ = false;
  Status status_;
  int64_t pages_fetched_ = 0;
  std::atomic<bool> cancelled_{false};
  std::future<StatusOr<FetchedPage>> pending_;
  std::optional<FetchedPage> current_;  // the page being handed out
  size_t handed_ = 0;                   // its rows handed out so far
};

StatusOr<std::unique_ptr<QueryCursor>> StartBulkQuery(RestClient* client, Clock* clock, const std::string& soql,
                                                      const QueryOptions& options, const BulkQueryOptions& bulk) {
  SFSYNC_RETURN_IF_ERROR(CheckColumns(options.columns));
  const std::string data_path = client->DataPath();
  if (!bulk.resume_job_id.empty()) {
    const std::string& id = bulk.resume_job_id;
    if (!std::all_of(id.begin(), id.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; })) {
      return InvalidArgumentError("not a Bulk job id: '" + id.substr(0, 40) + "'");
    }
    StatusOr<HttpResponse> status = client->Call("GET", data_path + "/jobs/query/" + id);
    if (!status.ok() && status.status().code() != StatusCode::kNotFound) return status.status();
    StatusOr<JobInfo> info = status.ok() ? ParseJobInfo(status->body) : StatusOr<JobInfo>(status.status());
    if (!info.ok() || info->state == "Failed" || info->state == "Aborted") {
      return Status(StatusCode::kNotFound,
                    "Bulk job " + id + " cannot be resumed (" +
                        (info.ok() ? "its state is " + info->state : info.status().message()) + ")",
                    "bulk.gone");
    }
    SFSYNC_LOG(kDebug, "Bulk job {} resumed from locator '{}'", id, bulk.resume_locator);
    return std::unique_ptr<QueryCursor>(std::make_unique<BulkQueryCursor>(client, clock, id, options, bulk));
  }
  if (ApiMajorVersion(data_path) < kFirstBulkQueryVersion) {
    return Unsupported("query jobs need API version 47.0 or later (" + data_path + ")");
  }
  nlohmann::json request = {{"operation", options.include_deleted ? "queryAll" : "query"},
                            {"query", soql},
                            {"contentType", "CSV"},
                            {"columnDelimiter", "COMMA"},
                            {"lineEnding", "LF"}};
  // A create whose answer was lost and is sent again may leave a second job behind: harmless, it
  // only reads, and expires after 7 days.
  StatusOr<HttpResponse> created = client->Call("POST", data_path + "/jobs/query", request.dump());
  if (!created.ok()) {
    const Status& refused = created.status();
    if (BulkCannotRun(refused)) {
      return Unsupported(refused.reason().empty() ? refused.message() : refused.reason() + ": " + refused.message());
    }
    return created.status();
  }
  nlohmann::json job = nlohmann::json::parse(created->body, nullptr, /*allow_exceptions=*/false);
  const std::string id =
      job.is_object() && job.contains("id") && job["id"].is_string() ? job["id"].get<std::string>() : "";
  // The id goes into every later URL: a Salesforce id's alphabet, or the answer is not a job.
  const bool usable = !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0;
  });
  if (!usable) {
    return DataLossError("Bulk job creation answered without a usable job id: " + created->body.substr(0, 200));
  }
  SFSYNC_LOG(kDebug, "Bulk job {} created ({})", id, options.include_deleted ? "queryAll" : "query");
  return std::unique_ptr<QueryCursor>(std::make_unique<BulkQueryCursor>(client, clock, id, options, bulk));
}

}  // namespace sfsync::salesforce
