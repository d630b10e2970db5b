#include "engine/sync/object_sync.h"

#include <algorithm>

#include "connectors/salesforce/replication.h"
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

int64_t ObjectSyncer::ServerNow() const {
  int64_t server_now = client_->server_info().server_date_millis;
  if (server_now == 0) {
    // Salesforce always sends Date; a server that does not gets the local clock, with a warning.
    SFSYNC_LOG(kWarn, "{}: server sent no Date header; using the local clock", plan_->object);
    server_now = clock_->NowMillis();
  }
  return server_now;
}

Status ObjectSyncer::Run(store::ObjectRunStats* stats) {
  stats_ = stats;
  SFSYNC_ASSIGN_OR_RETURN(store::SyncState state, store_->LoadState(plan_->object));
  stats->watermark_before = WatermarkText(state.watermark);

  if (!plan_->incremental) return FullPass(&state);
  if (state.cursor_field != plan_->cursor_field && (!state.watermark.empty() || state.load_in_progress)) {
    SFSYNC_LOG(kWarn, "{}: cursor field changed from {} to {}; reloading", plan_->object, state.cursor_field,
               plan_->cursor_field);
    state = store::SyncState();
  }
  state.cursor_field = plan_->cursor_field;
  if (state.watermark.empty() || state.load_in_progress) SFSYNC_RETURN_IF_ERROR(RunLoad(&state));
  Status s = RunIncremental(&state);
  if (s.ok()) s = RunParentRefresh(&state);
  if (s.ok()) s = RunDeletes(&state);
  stats->watermark_after = WatermarkText(state.watermark);
  return s;
}

Status ObjectSyncer::RunLoad(store::SyncState* state) {
  if (!state->load_in_progress) {
    state->load_in_progress = true;
    state->load_after_id.clear();
    state->load_since = FormatIsoUtc(Cap());
  } else if (!state->watermark.empty()) {
    SFSYNC_LOG(kInfo, "{}: reading every row again (schema change or interrupted reload)", plan_->object);
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
      SFSYNC_RETURN_IF_ERROR(Apply(page, state));
      if (StopRequested()) return CancelledError("interrupted");
    }
    return cursor->status();
  }));
  state->load_in_progress = false;
  state->load_after_id.clear();
  // Every row was just read with its parents' values as of load_since or later.
  state->parent_watermarks.clear();
  for (const auto& parent : plan_->parent_cursors) state->parent_watermarks[parent.path] = {state->load_since, ""};
  if (state->watermark.empty()) {
    // A first load covers everything up to when it began; deletes before that are reflected by it.
    state->watermark = {state->load_since, ""};
    if (state->deletes_checked_until.empty()) state->deletes_checked_until = state->load_since;
  }
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
      SFSYNC_RETURN_IF_ERROR(Apply(page, state));
      if (StopRequested()) return CancelledError("interrupted");
    }
    return cursor->status();
  });
}

Status ObjectSyncer::RunParentRefresh(store::SyncState* state) {
  for (const ObjectPlan::ParentCursor& parent : plan_->parent_cursors) {
    store::Watermark& watermark = state->parent_watermarks[parent.path];
    if (watermark.empty()) watermark = {state->watermark.ts, ""};  // state from before this parent was synced
    SFSYNC_ASSIGN_OR_RETURN(watermark.ts, NormalizeDateTime(watermark.ts));
    QueryOptions options;
    options.include_deleted = plan_->query_all;
    options.batch_size = plan_->batch_size;
    options.columns = plan_->select;
    const std::string stamp_path = parent.path + "." + parent.field;
    options.columns.push_back(stamp_path);  // the parent's stamp, for the watermark; not stored
    SFSYNC_RETURN_IF_ERROR(WithRestarts(plan_->object, settings_.max_query_restarts, [&]() -> Status {
      const std::string cap = FormatIsoUtc(Cap());
      std::unique_ptr<QueryCursor> cursor = client_->Query(BuildParentRefreshQuery(*plan_, parent, watermark), options);
      QueryPage page;
      while (cursor->Next(&page)) {
        const size_t width = plan_->select.size();
        QueryPage stored;
        stored.rows.columns = plan_->select;
        stored.rows.cells.reserve(page.rows.rows() * width);
        for (size_t r = 0; r < page.rows.rows(); ++r) {
          const Cell& stamp = page.rows.at(r, width);
          if (stamp.kind == Cell::Kind::kText) {
            SFSYNC_ASSIGN_OR_RETURN(std::string ts, NormalizeDateTime(stamp.s));
            store::Watermark key{std::move(ts), RowId(page.rows, r)};
            if (key.ts <= cap && watermark < key) watermark = std::move(key);
          }
          for (size_t c = 0; c < width; ++c) stored.rows.cells.push_back(std::move(page.rows.at(r, c)));
        }
        SFSYNC_RETURN_IF_ERROR(Apply(stored, state));
        if (StopRequested()) return CancelledError("interrupted");
      }
      return cursor->status();
    }));
  }
  return Status::Ok();
}

Status ObjectSyncer::RunDeletes(store::SyncState* state) {
  if (!plan_->replicateable || plan_->deletes == "ignore") return Status::Ok();
  const int64_t now = ServerNow();
  int64_t start = 0;
  if (!state->deletes_checked_until.empty()) {
    SFSYNC_ASSIGN_OR_RETURN(start, ParseDateTime(state->deletes_checked_until));
  } else {
    SFSYNC_ASSIGN_OR_RETURN(start, ParseDateTime(state->watermark.ts));
  }
  // getDeleted works in whole minutes and needs start < end (§5.2): a shorter window waits.
  if (now - start < 2 * 60000) return Status::Ok();
  bool reaches = now - start <= settings_.delete_log_reach_millis;
  salesforce::DeletedResult deleted;
  if (reaches) {
    auto result = salesforce::GetDeleted(client_, plan_->object, start, now);
    if (result.status().code() == StatusCode::kNotFound) {
      // A server without the replication resource (some proxies and look-alikes): soft deletes still
      // arrive through queryAll; hard deletes wait for `sfsync audit`.
      SFSYNC_LOG(kWarn, "{}: getDeleted is not available ({}); hard deletes are found by `sfsync audit` only",
                 plan_->object, result.status().message());
      return Status::Ok();
    }
    if (!result.ok() && result.status().reason() != "INVALID_REPLICATION_DATE") return result.status();
    // The log may have lost entries after `start` (purged early, §5.3): only a full pass is safe.
    reaches = result.ok() && result->earliest_date_available_millis <= start;
    if (reaches) deleted = std::move(*result);
  }
  if (!reaches) {
    SFSYNC_LOG(kWarn, "{}: the delete log no longer reaches back to {}; reading every row to find deletes",
               plan_->object, FormatIsoUtc(start));
    const std::string since = FormatIsoUtc(Cap());
    SFSYNC_RETURN_IF_ERROR(FullPass(state));
    state->deletes_checked_until = since;
    return store_->SaveState(plan_->object, *state);
  }
  std::vector<store::Store::ServerDelete> deletes;
  deletes.reserve(deleted.records.size());
  for (const auto& d : deleted.records) deletes.push_back({d.id, FormatIsoUtc(d.deleted_millis)});
  if (deleted.latest_date_covered_millis > start) {
    state->deletes_checked_until = FormatIsoUtc(deleted.latest_date_covered_millis);
  }
  SFSYNC_ASSIGN_OR_RETURN(int64_t touched, store_->ApplyServerDeletes(plan_->table, deletes, plan_->cursor_field,
                                                                      plan_->deletes == "soft", *state));
  stats_->rows_deleted += touched;
  if (touched > 0) SFSYNC_LOG(kInfo, "{}: {} rows deleted on the server (getDeleted)", plan_->object, touched);
  return Status::Ok();
}

Status ObjectSyncer::FullPass(store::SyncState* state) {
  QueryOptions options;
  options.include_deleted = plan_->deletes == "soft";
  options.batch_size = plan_->batch_size;
  options.columns = plan_->select;
  seen_ids_.clear();
  track_seen_ = true;
  Status read = [&]() -> Status {
    std::unique_ptr<QueryCursor> cursor = client_->Query(BuildLoadQuery(*plan_, ""), options);
    QueryPage page;
    while (cursor->Next(&page)) {
      SFSYNC_RETURN_IF_ERROR(Apply(page, state));
      if (StopRequested()) return CancelledError("interrupted");
    }
    return cursor->status();
  }();
  track_seen_ = false;
  SFSYNC_RETURN_IF_ERROR(read);
  if (plan_->deletes == "ignore") return Status::Ok();
  SFSYNC_ASSIGN_OR_RETURN(std::vector<std::string> local, store_->ListIds(plan_->table.table));
  std::sort(seen_ids_.begin(), seen_ids_.end());
  std::vector<store::Store::ServerDelete> gone;
  for (const std::string& id : local) {
    if (!std::binary_search(seen_ids_.begin(), seen_ids_.end(), id)) gone.push_back({id, ""});
  }
  seen_ids_.clear();
  if (gone.empty()) return Status::Ok();
  SFSYNC_ASSIGN_OR_RETURN(int64_t touched, store_->ApplyServerDeletes(plan_->table, gone, /*guard_source=*/"",
                                                                      plan_->deletes == "soft", *state));
  stats_->rows_deleted += touched;
  SFSYNC_LOG(kInfo, "{}: {} local rows are gone from the server", plan_->object, gone.size());
  return Status::Ok();
}

Status ObjectSyncer::Apply(const QueryPage& page, store::SyncState* state) {
  const RowBatch& rows = page.rows;
  stats_->rows_read += static_cast<int64_t>(rows.rows());
  if (track_seen_) {
    for (size_t r = 0; r < rows.rows(); ++r) seen_ids_.push_back(RowId(rows, r));
  }
  // Soft-deleted rows arrive only through queryAll. deletes: soft keeps them (IsDeleted = 1);
  // deletes: hard removes the local row.
  std::vector<std::string> delete_ids;
  if (plan_->deletes == "hard") {
    for (size_t r = 0; r < rows.rows(); ++r) {
      if (IsDeletedRow(rows, r, plan_->is_deleted_column)) delete_ids.push_back(RowId(rows, r));
    }
  }
  Status s;
  size_t upserted = rows.rows();
  if (delete_ids.empty()) {
    s = store_->ApplyPage(plan_->table, rows, delete_ids, *state);
  } else {
    RowBatch kept;
    kept.columns = rows.columns;
    for (size_t r = 0; r < rows.rows(); ++r) {
      if (IsDeletedRow(rows, r, plan_->is_deleted_column)) continue;
      for (size_t c = 0; c < rows.columns.size(); ++c) kept.cells.push_back(rows.at(r, c));
    }
    upserted = kept.rows();
    s = store_->ApplyPage(plan_->table, kept, delete_ids, *state);
  }
  if (!s.ok()) return s;
  stats_->rows_written += static_cast<int64_t>(upserted);
  stats_->rows_deleted += static_cast<int64_t>(delete_ids.size());
  SFSYNC_LOG(kDebug, "{}: committed page of {} rows ({} deleted), watermark {}", plan_->object, rows.rows(),
             delete_ids.size(), WatermarkText(state->watermark));
  return Status::Ok();
}

}  // namespace sfsync::sync
