#include "tests/emulator/api/query_service.h"

#include <algorithm>
#include <charconv>

#include "tests/emulator/api/record_writer.h"
#include "tests/emulator/soql/parser.h"

namespace sfsync::emulator {
namespace {

constexpr int kDefaultBatchSize = 2000;
constexpr int kMinBatchSize = 200;
constexpr int kMaxBatchSize = 2000;
constexpr std::string_view kBase62 =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

RestError SoqlFailure(std::string_view soql, const SoqlError& error) {
  return {400, error.error_code, FormatSoqlMessage(soql, error)};
}

// Binds the compiled parameters and collects the matching `_row` ids in order.
bool MatchRows(sqlite3* db, const CompiledQuery& plan, std::vector<int64_t>* rows,
               int64_t* count, std::string* error) {
  Statement match(db, plan.match_sql);
  if (!match.ok()) {
    *error = match.error();
    return false;
  }
  for (size_t i = 0; i < plan.match_params.size(); ++i) {
    match.Bind(static_cast<int>(i) + 1, plan.match_params[i]);
  }
  int rc;
  while ((rc = match.Step()) == SQLITE_ROW) {
    if (plan.count_only) {
      *count = sqlite3_column_int64(match.get(), 0);
    } else {
      rows->push_back(sqlite3_column_int64(match.get(), 0));
    }
  }
  if (rc != SQLITE_DONE) {
    *error = sqlite3_errmsg(db);
    return false;
  }
  return true;
}

}  // namespace

QueryService::QueryService(OrgStore* store, const EmulatorClock* clock, QueryLimits limits,
                           NumberStyle number_style, uint64_t seed)
    : store_(store), clock_(clock), limits_(limits), number_style_(number_style),
      locator_rng_(MixSeed(seed, "query-locator")) {}

// Salesforce's range is 200..2000 (default 2000); out-of-range requests are clamped (⚠ the
// real behaviour is unverified), then the server cap applies.
int QueryService::PageSize(std::optional<int> requested) const {
  int size = std::clamp(requested.value_or(kDefaultBatchSize), kMinBatchSize, kMaxBatchSize);
  return std::max(1, std::min(size, limits_.max_page_size));
}

std::string QueryService::NewLocator() {
  while (true) {
    std::string locator = "0r8xx";
    for (int i = 0; i < 13; ++i) locator.push_back(kBase62[locator_rng_.Below(kBase62.size())]);
    if (!cursors_.contains(locator)) return locator;
  }
}

void QueryService::Expire() {
  int64_t now = clock_->NowMillis();
  std::erase_if(cursors_, [&](const auto& entry) { return entry.second.expires_at_ms <= now; });
  std::erase_if(cursor_order_, [&](const std::string& id) { return !cursors_.contains(id); });
  while (cursors_.size() > limits_.max_cursors) {
    cursors_.erase(cursor_order_.front());
    cursor_order_.pop_front();
  }
}

QueryService::Result QueryService::Run(std::string_view soql, bool include_deleted,
                                       std::string_view version, std::optional<int> batch_size) {
  SoqlError soql_error;
  std::optional<SoqlQuery> parsed = ParseSoql(soql, &soql_error);
  if (!parsed) return SoqlFailure(soql, soql_error);
  std::optional<CompiledQuery> compiled =
      CompileSoql(*parsed, store_->schema(), include_deleted, &soql_error);
  if (!compiled) return SoqlFailure(soql, soql_error);
  auto plan = std::make_shared<const CompiledQuery>(std::move(*compiled));

  std::vector<int64_t> rows;
  int64_t count = 0;
  std::string error;
  if (!MatchRows(store_->db(), *plan, &rows, &count, &error)) {
    return RestError{500, "UNKNOWN_EXCEPTION", "sfsync-emulator query failed: " + error};
  }
  if (plan->count_only) {
    std::string body;
    JsonWriter json(&body);
    json.BeginObject();
    json.Key("totalSize");
    json.Int(count);
    json.Key("done");
    json.Bool(true);
    json.Key("records");
    json.BeginArray();
    json.EndArray();
    json.EndObject();
    return body;
  }

  int page = PageSize(batch_size);
  Statement row_statement(store_->db(), plan->row_sql);
  if (!row_statement.ok()) {
    return RestError{500, "UNKNOWN_EXCEPTION", "sfsync-emulator query failed: " + row_statement.error()};
  }
  if (rows.size() <= static_cast<size_t>(page)) {
    return Page(*plan, &row_statement, rows, 0, rows.size(), version, "");
  }
  Expire();
  std::string locator = NewLocator();
  std::string next_url = "/services/data/" + std::string(version) + "/query/" + locator + "-" +
                         std::to_string(page);
  std::string body = Page(*plan, &row_statement, rows, 0, static_cast<size_t>(page), version, next_url);
  cursors_.emplace(locator, Cursor{plan, std::move(rows), page,
                                   clock_->NowMillis() + limits_.cursor_ttl_ms,
                                   std::move(row_statement)});
  cursor_order_.push_back(locator);
  Expire();
  return body;
}

QueryService::Result QueryService::More(std::string_view locator, std::string_view version,
                                        std::optional<int> batch_size) {
  Expire();
  size_t dash = locator.rfind('-');
  if (dash == std::string_view::npos) return InvalidQueryLocatorError();
  std::string_view offset_text = locator.substr(dash + 1);
  size_t offset = 0;
  auto parsed = std::from_chars(offset_text.data(), offset_text.data() + offset_text.size(), offset);
  auto it = cursors_.find(std::string(locator.substr(0, dash)));
  if (parsed.ec != std::errc() || parsed.ptr != offset_text.data() + offset_text.size() ||
      it == cursors_.end() || offset == 0 || offset >= it->second.rows.size()) {
    return InvalidQueryLocatorError();
  }
  Cursor& cursor = it->second;
  // Without a header on this request the cursor keeps the batch size it was opened with.
  size_t page = static_cast<size_t>(batch_size ? PageSize(batch_size) : cursor.batch_size);
  size_t count = std::min(page, cursor.rows.size() - offset);
  std::string next_url;
  if (offset + count < cursor.rows.size()) {
    next_url = "/services/data/" + std::string(version) + "/query/" + it->first + "-" +
               std::to_string(offset + count);
  }
  return Page(*cursor.plan, &cursor.row_statement, cursor.rows, offset, count, version, next_url);
}

void QueryService::Forget(std::string_view locator) {
  std::string id(locator.substr(0, locator.rfind('-')));
  cursors_.erase(id);
  std::erase(cursor_order_, id);
}

QueryService::Result QueryService::AllRecords(const SoqlQuery& query, bool include_deleted,
                                              std::string_view version) {
  SoqlError soql_error;
  std::optional<CompiledQuery> plan =
      CompileSoql(query, store_->schema(), include_deleted, &soql_error);
  if (!plan) return RestError{400, soql_error.error_code, soql_error.detail};
  std::vector<int64_t> rows;
  int64_t count = 0;
  std::string error;
  Statement row_statement(store_->db(), plan->row_sql);
  if (!MatchRows(store_->db(), *plan, &rows, &count, &error) || !row_statement.ok()) {
    return RestError{500, "UNKNOWN_EXCEPTION", "sfsync-emulator query failed: " + error};
  }
  RecordWriter writer(version);
  std::string body;
  JsonWriter json(&body, number_style_);
  json.BeginArray();
  for (int64_t row : rows) {
    row_statement.Bind(1, row);
    if (row_statement.Step() == SQLITE_ROW) writer.Write(&json, *plan, row_statement.get());
    row_statement.Reset();
  }
  json.EndArray();
  return body;
}

std::string QueryService::Page(const CompiledQuery& plan, Statement* row_statement,
                               const std::vector<int64_t>& rows, size_t offset, size_t count,
                               std::string_view version, const std::string& next_url) const {
  RecordWriter writer(version);
  std::string body;
  body.reserve(count * 768 + 256);
  JsonWriter json(&body, number_style_);
  json.BeginObject();
  json.Key("totalSize");
  json.Int(static_cast<int64_t>(rows.size()));
  json.Key("done");
  json.Bool(next_url.empty());
  if (!next_url.empty()) {  // absent, not null, on the last page (query_last_page.json)
    json.Key("nextRecordsUrl");
    json.String(next_url);
  }
  json.Key("records");
  json.BeginArray();
  for (size_t i = offset; i < offset + count; ++i) {
    row_statement->Bind(1, rows[i]);
    if (row_statement->Step() == SQLITE_ROW) writer.Write(&json, plan, row_statement->get());
    row_statement->Reset();
  }
  json.EndArray();
  json.EndObject();
  return body;
}

}  // namespace sfsync::emulator
