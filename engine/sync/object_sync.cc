#include "engine/sync/object_sync.h"

#include <algorithm>

#include "engine/core/log.h"
#include "engine/core/time_format.h"
#include "engine/sync/query_builder.h"

namespace sfsync::sync {
namespace {

using salesforce::QueryCursor;
using salesforce::QueryOptions;
using salesforce::QueryPage;

bool IsDeletedRow(const RowBatch& rows, size_t r, int column) {
  if (column < 0) return false;
  const Cell& c = rows.at(r, static_cast<size_t>(column));
  return (c.kind == Cell::Kind::kBool && c.b) || (c.kind == Cell::Kind::kText && c.s == "true");
}

const std::string& RowId(const RowBatch& rows, size_t r) {
  static const std::string kEmpty;
  const Cell& c = rows.at(r, 0);
  return c.kind == Cell::Kind::kText ? c.s : kEmpty;
}

// Runs `body` and restarts it when the server expired the query cursor (INVALID_QUERY_LOCATOR,
// kAborted): the body resumes from the state committed so far.
template <typename Body>
Status WithRestarts(const std::string& object, int max_restarts, Body body) {
  for (int attempt = 0;; ++attempt) {
    Status s = body();
    if (s.code() != StatusCode::kAborted || attempt >= max_restarts) return s;
    SFSYNC_LOG(kWarn, "{}: query cursor lost ({}); restarting from the last committed page", object, s.message());
  }
}

}  // namespace

std::string WatermarkText(const store::Watermark& w) {
  if (w.empty()) return "";
  return w.id.empty() ? w.ts : w.ts + " " + w.id;
}

ObjectSyncer::ObjectSyncer(salesforce::RestClient* client, store::Store* store, Clock* clock, const ObjectPlan* plan,
                           SyncSettings settings)
    : client_(client), store_(store), clock_(clock), plan_(plan), settings_(settings) {}

bool ObjectSyncer::StopRequested() const { return settings_.stop != nullptr && settings_.stop->load(); }

int64_t ObjectSyncer::Cap() const {
  int64_t server_now = client_->server_info().server_date_millis;
  if (server_now == 0) {
    // Salesforce always sends Date; a server that does not gets the local clock, with a warning.
    SFSYNC_LOG(kWarn, "{}: server sent no Date header; capping the watermark by the local clock", plan_->object);
    server_now = clock_->NowMillis();
  }
  return server_now - settings_.settle_lag_millis;
}

Status ObjectSyncer::Run(store::ObjectRunStats* stats) {
  stats_ = stats;
  const int64_t calls_before = client_->server_info().api_calls;
  auto finish = [&](Status s) {
    stats->api_calls = client_->server_info().api_calls - calls_before;
    return s;
  };
  auto loaded = store_->LoadState(plan_->object);
  if (!loaded.ok()) return finish(loaded.status());
  store::SyncState state = std::move(loaded).value();
  stats->watermark_before = WatermarkText(state.watermark);

  if (!plan_->incremental) {
    Status s = RunLoad(&state, /*resumable=*/false);
    if (s.ok() && plan_->deletes != "ignore") s = Sweep(state);
    return finish(s);
  }
  if (state.cursor_field != plan_->cursor_field && (!state.watermark.empty() || state.load_in_progress)) {
    SFSYNC_LOG(kWarn, "{}: cursor field changed from {} to {}; reloading", plan_->object, state.cursor_field,
               plan_->cursor_field);
    state = store::SyncState();
  }
  state.cursor_field = plan_->cursor_field;
  if (state.watermark.empty()) {
    Status s = RunLoad(&state, /*resumable=*/true);
    if (!s.ok()) return finish(s);
  }
  Status s = RunIncremental(&state);
  stats->watermark_after = WatermarkText(state.watermark);
  return finish(s);
}

Status ObjectSyncer::RunLoad(store::SyncState* state, bool resumable) {
  if (!resumable || !state->load_in_progress) {
    state->load_in_progress = resumable;
    state->load_after_id.clear();
    state->load_since = FormatIsoUtc(Cap());
  }
  QueryOptions options;
  options.include_deleted = plan_->deletes == "soft";
  options.batch_size = plan_->batch_size;
  options.columns = plan_->select;
  SFSYNC_RETURN_IF_ERROR(WithRestarts(plan_->object, settings_.max_query_restarts, [&]() -> Status {
    std::unique_ptr<QueryCursor> cursor = client_->Query(BuildLoadQuery(*plan_, state->load_after_id), options);
    QueryPage page;
    while (cursor->Next(&page)) {
      if (page.rows.rows() > 0) state->load_after_id = RowId(page.rows, page.rows.rows() - 1);
      std::vector<std::string> no_deletes;
      SFSYNC_RETURN_IF_ERROR(Apply(page, &no_deletes, state));
      if (StopRequested()) return CancelledError("interrupted");
    }
    return cursor->status();
  }));
  if (!resumable) return Status::Ok();
  state->load_in_progress = false;
  state->watermark = {state->load_since, ""};
  state->load_after_id.clear();
  return store_->SaveState(plan_->object, *state);
}

Status ObjectSyncer::RunIncremental(store::SyncState* state) {
  SFSYNC_ASSIGN_OR_RETURN(std::string normalized, NormalizeDateTime(state->watermark.ts));
  state->watermark.ts = normalized;
  QueryOptions options;
  options.include_deleted = plan_->query_all;
  options.batch_size = plan_->batch_size;
  options.columns = plan_->select;
  return WithRestarts(plan_->object, settings_.max_query_restarts, [&]() -> Status {
    const std::string cap = FormatIsoUtc(Cap());
    std::unique_ptr<QueryCursor> cursor = client_->Query(BuildIncrementalQuery(*plan_, state->watermark), options);
    QueryPage page;
    while (cursor->Next(&page)) {
      const RowBatch& rows = page.rows;
      for (size_t r = 0; r < rows.rows(); ++r) {
        const Cell& stamp = rows.at(r, static_cast<size_t>(plan_->cursor_column));
        if (stamp.kind != Cell::Kind::kText) {
          return DataLossError(plan_->object + ": row " + RowId(rows, r) + " has no " + plan_->cursor_field);
        }
        SFSYNC_ASSIGN_OR_RETURN(std::string ts, NormalizeDateTime(stamp.s));
        store::Watermark key{std::move(ts), RowId(rows, r)};
        if (key.ts <= cap && state->watermark < key) state->watermark = std::move(key);
      }
      std::vector<std::string> delete_ids;
      SFSYNC_RETURN_IF_ERROR(Apply(page, &delete_ids, state));
      if (StopRequested()) return CancelledError("interrupted");
    }
    return cursor->status();
  });
}

Status ObjectSyncer::Apply(const QueryPage& page, std::vector<std::string>* delete_ids, store::SyncState* state) {
  const RowBatch& rows = page.rows;
  stats_->rows_read += static_cast<int64_t>(rows.rows());
  if (!plan_->incremental) {
    for (size_t r = 0; r < rows.rows(); ++r) seen_ids_.push_back(RowId(rows, r));
  }
  // Soft-deleted rows arrive only through queryAll. deletes: soft keeps them (IsDeleted = 1);
  // deletes: hard removes the local row.
  bool any_hard_delete = false;
  if (plan_->deletes == "hard") {
    for (size_t r = 0; r < rows.rows(); ++r) {
      if (IsDeletedRow(rows, r, plan_->is_deleted_column)) {
        delete_ids->push_back(RowId(rows, r));
        any_hard_delete = true;
      }
    }
  }
  Status s;
  size_t upserted = rows.rows();
  if (!any_hard_delete) {
    s = store_->ApplyPage(plan_->table, rows, *delete_ids, *state);
  } else {
    RowBatch kept;
    kept.columns = rows.columns;
    for (size_t r = 0; r < rows.rows(); ++r) {
      if (IsDeletedRow(rows, r, plan_->is_deleted_column)) continue;
      for (size_t c = 0; c < rows.columns.size(); ++c) kept.cells.push_back(rows.at(r, c));
    }
    upserted = kept.rows();
    s = store_->ApplyPage(plan_->table, kept, *delete_ids, *state);
  }
  if (!s.ok()) return s;
  stats_->rows_written += static_cast<int64_t>(upserted);
  stats_->rows_deleted += static_cast<int64_t>(delete_ids->size());
  SFSYNC_LOG(kDebug, "{}: committed page of {} rows ({} deleted), watermark {}", plan_->object, rows.rows(),
             delete_ids->size(), WatermarkText(state->watermark));
  return Status::Ok();
}

Status ObjectSyncer::Sweep(const store::SyncState& state) {
  SFSYNC_ASSIGN_OR_RETURN(std::vector<std::string> local, store_->ListIds(plan_->table.table));
  std::sort(seen_ids_.begin(), seen_ids_.end());
  std::vector<std::string> gone;
  std::set_difference(local.begin(), local.end(), seen_ids_.begin(), seen_ids_.end(), std::back_inserter(gone));
  RowBatch empty;
  empty.columns = plan_->select;
  for (size_t i = 0; i < gone.size(); i += 2000) {
    std::vector<std::string> chunk(gone.begin() + static_cast<std::ptrdiff_t>(i),
                                   gone.begin() + static_cast<std::ptrdiff_t>(std::min(gone.size(), i + 2000)));
    SFSYNC_RETURN_IF_ERROR(store_->ApplyPage(plan_->table, empty, chunk, state));
    stats_->rows_deleted += static_cast<int64_t>(chunk.size());
  }
  if (!gone.empty()) SFSYNC_LOG(kInfo, "{}: removed {} rows the server no longer has", plan_->object, gone.size());
  return Status::Ok();
}

}  // namespace sfsync::sync
