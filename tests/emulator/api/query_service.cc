#include "tests/emulator/api/query_service.h"

#include <algorithm>
#include <charconv>

#include "tests/emulator/api/record_writer.h"
#include "tests/emulator/salesforce_id.h"
#include "tests/emulator/soql/parser.h"

namespace sfsync::emulator {
namespace {

constexpr int kDefaultBatchSize = 2000;
constexpr int kMinBatchSize = 200;
constexpr int kMaxBatchSize = 2000;
// Room for what surrounds the records array: totalSize, done and a nextRecordsUrl.
constexpr int64_t kEnvelopeBytes = 160;
constexpr std::string_view kBase62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

RestError SoqlFailure(std::string_view soql, const SoqlError& error) {
  return {400, error.error_code, FormatSoqlMessage(soql, error)};
}

RestError Internal(const std::string& what) {
  return {500, "UNKNOWN_EXCEPTION", "sfsync-emulator query failed: " + what};
}

// Binds the compiled parameters and collects the matching `_row` ids in order.
bool MatchRows(sqlite3* db, const CompiledQuery& plan, std::vector<int64_t>* rows, int64_t* count, std::string* error) {
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

std::string ContinuationUrl(std::string_view version, std::string_view locator) {
  return "/services/data/" + std::string(version) + "/query/" + std::string(locator);
}

}  // namespace

std::string QueryResultJson(int64_t total_size, const std::string& next_url, std::string_view records) {
  std::string body;
  body.reserve(records.size() + 160);
  JsonWriter json(&body);
  json.BeginObject();
  json.Key("totalSize");
  json.Int(total_size);
  json.Key("done");
  json.Bool(next_url.empty());
  if (!next_url.empty()) {  // absent, not null, on the last page (query_last_page.json)
    json.Key("nextRecordsUrl");
    json.String(next_url);
  }
  json.Key("records");
  json.Raw(records);
  json.EndObject();
  return body;
}

QueryService::QueryService(OrgStore* store, const EmulatorClock* clock, QueryLimits limits, NumberStyle number_style,
                           uint64_t seed)
    : store_(store),
      clock_(clock),
      limits_(limits),
      number_style_(number_style),
      locator_rng_(MixSeed(seed, "query-locator")) {}

// Salesforce's range is 200..2000 (default 2000); out-of-range requests are clamped (⚠ the
// real behaviour is unverified), then the server cap and the long-text rule apply.
int QueryService::PageSize(std::optional<int> requested, const CompiledQuery& plan) const {
  int size = std::clamp(requested.value_or(kDefaultBatchSize), kMinBatchSize, kMaxBatchSize);
  size = std::min(size, limits_.max_page_size);
  int long_text_cap = plan.long_text_fields >= 2   ? limits_.many_long_text_page
                      : plan.long_text_fields == 1 ? limits_.one_long_text_page
                                                   : 0;
  if (long_text_cap > 0) size = std::min(size, long_text_cap);
  return std::max(1, size);
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

void QueryService::InvalidateCursors(std::string_view object) {
  std::erase_if(cursors_, [&](const auto& entry) { return entry.second.plan->objects.contains(std::string(object)); });
  std::erase_if(cursor_order_, [&](const std::string& id) { return !cursors_.contains(id); });
}

QueryService::Result QueryService::Run(std::string_view soql, bool include_deleted, std::string_view version,
                                       std::optional<int> batch_size) {
  return Execute(soql, include_deleted, version, batch_size, /*stuck=*/false);
}

QueryService::Result QueryService::RunStuck(std::string_view soql, bool include_deleted, std::string_view version,
                                            std::optional<int> batch_size) {
  return Execute(soql, include_deleted, version, batch_size, /*stuck=*/true);
}

QueryService::Result QueryService::Execute(std::string_view soql, bool include_deleted, std::string_view version,
                                           std::optional<int> batch_size, bool stuck) {
  SoqlError soql_error;
  std::optional<SoqlQuery> parsed = ParseSoql(soql, &soql_error);
  if (!parsed) return SoqlFailure(soql, soql_error);
  std::optional<CompiledQuery> compiled = CompileSoql(*parsed, store_->schema(), include_deleted, &soql_error);
  if (!compiled) return SoqlFailure(soql, soql_error);
  auto plan = std::make_shared<const CompiledQuery>(std::move(*compiled));
  if (plan->aggregate && !plan->count_only) return Aggregate(*plan, version);

  std::vector<int64_t> rows;
  int64_t count = 0;
  std::string error;
  if (!MatchRows(store_->db(), *plan, &rows, &count, &error)) return Internal(error);
  if (plan->count_only) return QueryResultJson(count, "", "[]");

  int page_size = PageSize(batch_size, *plan);
  Statement row_statement(store_->db(), plan->row_sql);
  if (!row_statement.ok()) return Internal(row_statement.error());
  Page page;
  if (!stuck) {
    std::optional<Page> rendered = RenderPage(*plan, &row_statement, rows, 0, page_size, version);
    if (!rendered) return Internal(sqlite3_errmsg(store_->db()));
    page = std::move(*rendered);
    if (page.consumed == rows.size()) {
      return QueryResultJson(static_cast<int64_t>(rows.size()), "", page.records);
    }
  } else {
    page.records = "[]";
    page.consumed = static_cast<size_t>(page_size);  // the offset a first page would have reached
  }
  Expire();
  std::string locator = NewLocator();
  std::string next_url = ContinuationUrl(version, locator + "-" + std::to_string(page.consumed));
  std::string body = QueryResultJson(static_cast<int64_t>(rows.size()), next_url, page.records);
  cursors_.emplace(locator, Cursor{plan, std::move(rows), page_size, clock_->NowMillis() + limits_.cursor_ttl_ms,
                                   std::move(row_statement), stuck});
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
  bool parses = parsed.ec == std::errc() && parsed.ptr == offset_text.data() + offset_text.size();
  if (parses && it != cursors_.end() && it->second.stuck) {
    return QueryResultJson(static_cast<int64_t>(it->second.rows.size()), ContinuationUrl(version, locator), "[]");
  }
  if (!parses || it == cursors_.end() || offset == 0 || offset >= it->second.rows.size()) {
    return InvalidQueryLocatorError();
  }
  Cursor& cursor = it->second;
  // Without a header on this request the cursor keeps the page size it was opened with.
  int page_size = batch_size ? PageSize(batch_size, *cursor.plan) : cursor.page_size;
  std::optional<Page> page = RenderPage(*cursor.plan, &cursor.row_statement, cursor.rows, offset, page_size, version);
  if (!page) return Internal(sqlite3_errmsg(store_->db()));
  std::string next_url;
  if (offset + page->consumed < cursor.rows.size()) {
    next_url = ContinuationUrl(version, it->first + "-" + std::to_string(offset + page->consumed));
  }
  return QueryResultJson(static_cast<int64_t>(cursor.rows.size()), next_url, page->records);
}

QueryService::Result QueryService::Stick(std::string_view locator, std::string_view version) {
  Expire();
  auto it = cursors_.find(std::string(locator.substr(0, locator.rfind('-'))));
  if (it != cursors_.end()) it->second.stuck = true;
  return More(locator, version, std::nullopt);
}

void QueryService::Forget(std::string_view locator) {
  std::string id(locator.substr(0, locator.rfind('-')));
  cursors_.erase(id);
  std::erase(cursor_order_, id);
}

QueryService::Result QueryService::AllRecords(const SoqlQuery& query, bool include_deleted, std::string_view version) {
  SoqlError soql_error;
  std::optional<CompiledQuery> plan = CompileSoql(query, store_->schema(), include_deleted, &soql_error);
  if (!plan) return RestError{400, soql_error.error_code, soql_error.detail};
  std::vector<int64_t> rows;
  int64_t count = 0;
  std::string error;
  Statement row_statement(store_->db(), plan->row_sql);
  if (!MatchRows(store_->db(), *plan, &rows, &count, &error)) return Internal(error);
  if (!row_statement.ok()) return Internal(row_statement.error());
  RecordWriter writer(version, store_->db());
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

QueryService::Result QueryService::RecordsById(const SoqlQuery& query, const std::vector<std::string>& ids,
                                               std::string_view version) {
  SoqlError soql_error;
  std::optional<CompiledQuery> plan = CompileSoql(query, store_->schema(), false, &soql_error);
  if (!plan) return RestError{400, soql_error.error_code, soql_error.detail};
  Statement find(store_->db(),
                 "SELECT _row FROM " + QuoteIdentifier(plan->object->name) + " WHERE \"Id\" = ? AND \"IsDeleted\" = 0");
  Statement row_statement(store_->db(), plan->row_sql);
  if (!find.ok() || !row_statement.ok()) return Internal(find.ok() ? row_statement.error() : find.error());
  RecordWriter writer(version, store_->db());
  std::string body;
  JsonWriter json(&body, number_style_);
  json.BeginArray();
  for (const std::string& raw : ids) {
    std::optional<std::string> id = NormalizeId(raw);
    bool found = false;
    if (id) {
      find.Bind(1, *id);
      if (find.Step() == SQLITE_ROW) {
        row_statement.Bind(1, sqlite3_column_int64(find.get(), 0));
        found = row_statement.Step() == SQLITE_ROW;
        if (found) writer.Write(&json, *plan, row_statement.get());
        row_statement.Reset();
      }
      find.Reset();
    }
    if (!found) json.Null();
  }
  json.EndArray();
  return body;
}

std::optional<QueryService::Page> QueryService::RenderPage(const CompiledQuery& plan, Statement* row_statement,
                                                           const std::vector<int64_t>& rows, size_t offset,
                                                           int page_size, std::string_view version) const {
  RecordWriter writer(version, store_->db());
  Page page;
  page.records.reserve(static_cast<size_t>(page_size) * 768 + 64);
  JsonWriter json(&page.records, number_style_);
  json.BeginArray();
  size_t served = 0;  // records plus their children: what the batch size counts
  while (offset + page.consumed < rows.size() && served < static_cast<size_t>(page_size)) {
    size_t before = page.records.size();
    row_statement->Bind(1, rows[offset + page.consumed]);
    int rc = row_statement->Step();
    size_t children = rc == SQLITE_ROW ? writer.Write(&json, plan, row_statement->get()) : 0;
    row_statement->Reset();
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return std::nullopt;  // never skip silently
    if (rc == SQLITE_DONE) {  // purged since the query: the page is one record shorter
      ++page.consumed;
      ++served;
      continue;
    }
    if (limits_.wide_row_bytes > 0 && served > 0 &&
        static_cast<int64_t>(page.records.size()) + kEnvelopeBytes > limits_.wide_row_bytes) {
      page.records.resize(before);  // this record starts the next page
      break;
    }
    ++page.consumed;
    served += 1 + children;
  }
  json.EndArray();
  return page;
}

QueryService::Result QueryService::Aggregate(const CompiledQuery& plan, std::string_view version) const {
  Statement match(store_->db(), plan.match_sql);
  if (!match.ok()) return Internal(match.error());
  for (size_t i = 0; i < plan.match_params.size(); ++i) {
    match.Bind(static_cast<int>(i) + 1, plan.match_params[i]);
  }
  RecordWriter writer(version, store_->db());
  std::string records;
  JsonWriter json(&records, number_style_);
  json.BeginArray();
  int64_t groups = 0;
  int rc;
  while ((rc = match.Step()) == SQLITE_ROW) {
    writer.WriteAggregate(&json, plan, match.get());
    ++groups;
  }
  json.EndArray();
  if (rc != SQLITE_DONE) return Internal(sqlite3_errmsg(store_->db()));
  return QueryResultJson(groups, "", records);
}

}  // namespace sfsync::emulator
