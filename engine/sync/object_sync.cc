#include "engine/sync/object_sync.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>

#include "connectors/salesforce/read/replication.h"
#include "engine/core/log.h"
#include "engine/core/time_format.h"
#include "engine/sync/audit_months.h"
#include "engine/sync/load_cursor.h"
#include "engine/sync/load_slices.h"
#include "engine/sync/pace_meter.h"
#include "engine/sync/quiet_probe.h"
#include "engine/sync/query_builder.h"
#include "engine/sync/state_reconcile.h"

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
// kAborted): the body resumes from what it has committed (or read) so far.
template <typename Body>
Status WithRestarts(const std::string& object, int max_restarts, Body body) {
  for (int attempt = 0;; ++attempt) {
    Status s = body();
    if (s.code() != StatusCode::kAborted || attempt >= max_restarts) return s;
    SFSYNC_LOG(kWarn, "{}: query cursor lost ({}); restarting from the last page read", object, s.message());
  }
}

std::string Join(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

// A phase that fails with one of these ends the object's run: the later phases could not succeed
// either (a signal, or a cause that stops the whole run) or must not spend more calls.
bool EndsObject(const Status& s) { return StopsRun(s) || s.reason() == "budget.exceeded"; }

}  // namespace

bool StopsRun(const Status& s) {
  switch (s.code()) {
    case StatusCode::kUnauthenticated:
    case StatusCode::kResourceExhausted:
    case StatusCode::kCancelled:
    case StatusCode::kUnavailable:
    case StatusCode::kDeadlineExceeded:
      return true;
    default:
      return s.reason() == "store" || s.reason() == "tls";
  }
}

std::string WatermarkText(const store::Watermark& w) {
  if (w.empty()) return "";
  return w.id.empty() ? w.ts : w.ts + "|" + w.id;
}

ObjectSyncer::ObjectSyncer(salesforce::RestClient* client, store::Store* store, Clock* clock, const ObjectPlan* plan,
                           SyncSettings settings)
    : client_(client), store_(store), clock_(clock), plan_(plan), settings_(std::move(settings)) {}

bool ObjectSyncer::StopRequested() const { return settings_.stop != nullptr && settings_.stop->load(); }

int64_t ObjectSyncer::ServerNow() {
  // Salesforce's stamps and its Date header have whole seconds; an instant from our clock is
  // floored to its second, or a row stamped later in the same second would sort below it.
  const int64_t local_now = clock_->NowMillis() / 1000 * 1000;
  const int64_t server_now = client_->server_info().server_date_millis;
  if (server_now == 0) {
    // Salesforce always sends Date; a server that does not gets the local clock, with a warning.
    if (!warned_clock_) SFSYNC_LOG(kWarn, "{}: the server sent no Date header; using this machine's clock", plan_->object);
    warned_clock_ = true;
    return local_now;
  }
  if (std::llabs(server_now - local_now) <= settings_.max_clock_skew_millis) return server_now;
  // One of the two clocks is wrong, and which cannot be told from here. The earlier instant is the
  // safe one: a watermark too early re-reads some rows, one too late skips them.
  if (!warned_clock_) {
    SFSYNC_LOG(kWarn,
               "{}: the server's clock ({}) is {} s {} this machine's ({}); using the earlier of the two, which "
               "re-reads some rows rather than skipping any. Check NTP on this machine (or the server's Date header)",
               plan_->object, FormatIsoUtc(server_now), std::llabs(server_now - local_now) / 1000,
               server_now > local_now ? "ahead of" : "behind", FormatIsoUtc(local_now));
  }
  warned_clock_ = true;
  return std::min(server_now, local_now);
}

Status ObjectSyncer::CheckBudget() const {
  const int64_t spent = client_->server_info().api_calls - calls_at_start_;
  if (spent <= settings_.max_api_calls) return Status::Ok();
  return Status(StatusCode::kFailedPrecondition,
                fmt::format("spent {} API calls on this object in this run, over the budget of {}: stopped so a "
                            "server that never finishes its answer cannot use up the org's daily API requests",
                            spent, settings_.max_api_calls),
                "budget.exceeded");
}

Status ObjectSyncer::Run(store::ObjectRunStats* stats) {
  stats_ = stats;
  stats->table = table();
  calls_at_start_ = client_->server_info().api_calls;
  SFSYNC_ASSIGN_OR_RETURN(store::SyncState stored, store_->LoadState(table()));
  stats->watermark_before = WatermarkText(stored.watermark);
  Status s = Sync(stored);
  // The history reports what is committed, not what a page that failed had in memory.
  StatusOr<store::SyncState> committed = store_->LoadState(table());
  stats->watermark_after = committed.ok() ? WatermarkText(committed->watermark) : stats->watermark_before;
  return s;
}

Status ObjectSyncer::Prepare(const store::SyncState& stored, store::SyncState* state) {
  store::TableClaim claim;
  claim.job = settings_.job;
  claim.object = plan_->object;
  claim.org_id = settings_.org_id;
  claim.fields = Join(plan_->select, ",");
  claim.where = plan_->where;
  claim.deletes = plan_->deletes;
  claim.mode = plan_->incremental ? "incremental" : "full";
  SFSYNC_ASSIGN_OR_RETURN(ReconciledState reconciled,
                          ReconcileState(table(), stored, claim, plan_->cursor_field, settings_.take_over));
  for (const std::string& notice : reconciled.notices) SFSYNC_LOG(kWarn, "{}: {}", plan_->object, notice);
  *state = std::move(reconciled.state);
  if (settings_.full_requested && plan_->incremental && state->full_pass_reason.empty() &&
      (!state->watermark.empty() || state->load_in_progress)) {
    state->full_pass_reason = "asked for with --full";
  }

  // New, retyped or restored columns are empty for the rows already stored: the object is read again
  // (a reload, keeping its watermark), and that intent commits with the ALTER TABLE. A load or full
  // pass about to run reads every column anyway.
  const bool reload_on_backfill = plan_->incremental && state->full_pass_reason.empty() &&
                                  (!state->watermark.empty() || state->load_in_progress);
  store::SyncState reload = *state;
  reload.load_in_progress = true;
  reload.load_after_id.clear();  // from the first row: rows loaded before lack the new columns too
  if (!state->load_in_progress) reload.load_since = FormatIsoUtc(Cap());
  SFSYNC_ASSIGN_OR_RETURN(std::vector<store::SchemaChange> changes,
                          store_->EnsureTable(plan_->table, reload_on_backfill ? &reload : nullptr));
  for (const store::SchemaChange& c : changes) {
    SFSYNC_LOG(kInfo, "{}: table {}: {}{}{}", plan_->object, table(), c.column, c.column.empty() ? "" : " ", c.detail);
  }
  // History triggers follow the table's columns, so they are (re)made after every EnsureTable. A
  // change the server gives no time for is dated by the org's clock (its Date header), like the
  // stamps of the others, when the two clocks are within the skew allowed (else by ours).
  if (plan_->history) {
    const int64_t server = client_->server_info().server_date_millis;
    const int64_t offset = server == 0 ? 0 : server - clock_->NowMillis();
    store_->SetServerClockOffset(std::llabs(offset) <= settings_.max_clock_skew_millis ? offset : 0);
  }
  store::HistorySpec history{table(), ""};
  for (const store::ColumnSpec& c : plan_->table.columns) {
    if (!plan_->cursor_field.empty() && c.source == plan_->cursor_field) history.stamp_column = c.name;
  }
  SFSYNC_RETURN_IF_ERROR(store_->EnsureHistory(history, plan_->history));
  if (reload_on_backfill && store::NeedsBackfill(changes)) {
    SFSYNC_LOG(kInfo, "{}: schema changed; reading every row again to fill the new columns", plan_->object);
    *state = std::move(reload);
  } else if (*state != stored) {
    // Committed before the first page: a restarted watermark is behind the stored one, which
    // ApplyPage would refuse; and a full pass owed must survive a crash.
    SFSYNC_RETURN_IF_ERROR(store_->SaveState(table(), *state));
  }
  if (reconciled.purge_flagged && plan_->is_deleted_column >= 0) {
    SFSYNC_ASSIGN_OR_RETURN(int64_t purged, store_->PurgeFlaggedRows(plan_->table, "IsDeleted", *state));
    stats_->rows_deleted += purged;
    SFSYNC_LOG(kInfo, "{}: {} rows flagged IsDeleted removed", plan_->object, purged);
  }
  return Status::Ok();
}

Status ObjectSyncer::Sync(const store::SyncState& stored) {
  store::SyncState state;
  SFSYNC_RETURN_IF_ERROR(Prepare(stored, &state));
  if (!plan_->incremental || !state.full_pass_reason.empty()) {
    if (!state.full_pass_reason.empty()) {
      SFSYNC_LOG(kInfo, "{}: reading every row again ({})", plan_->object, state.full_pass_reason);
    }
    SFSYNC_RETURN_IF_ERROR(RunFullPass(&state));
    if (!plan_->incremental) return Status::Ok();
  } else if (state.watermark.empty() || state.load_in_progress) {
    SFSYNC_RETURN_IF_ERROR(RunLoad(&state));
  }
  return RunIncrementalPhases(&state);
}

Status ObjectSyncer::RunLoad(store::SyncState* state) {
  if (!state->load_in_progress) {
    state->load_in_progress = true;
    state->load_after_id.clear();
    state->load_since = FormatIsoUtc(Cap());
  } else if (!state->watermark.empty()) {
    SFSYNC_LOG(kInfo, "{}: reading every row again (schema change or interrupted reload)", plan_->object);
  }
  if (state->load_slices.empty()) {
    bool latency_bound = false;
    SFSYNC_RETURN_IF_ERROR(RunOnePassLoad(state, /*may_slice=*/true, &latency_bound));
    if (latency_bound) {
      SFSYNC_RETURN_IF_ERROR(PlanLoadSlices(state));
      // No slices after all (too few rows left, all in one month, no CreatedDate): on in one pass.
      if (state->load_slices.empty()) SFSYNC_RETURN_IF_ERROR(RunOnePassLoad(state, false, &latency_bound));
    }
  }
  if (!state->load_slices.empty()) SFSYNC_RETURN_IF_ERROR(RunSlicedLoad(state));
  state->load_in_progress = false;
  state->load_after_id.clear();
  state->load_slices.clear();
  state->bulk_resume = {};
  // Every row was just read with its parents' values as of load_since or later.
  state->parent_watermarks.clear();
  for (const auto& parent : plan_->parent_cursors) state->parent_watermarks[parent.path] = {state->load_since, ""};
  if (state->watermark.empty()) {
    // A first load covers everything up to when it began; deletes before that are reflected by it.
    state->watermark = {state->load_since, ""};
    if (state->deletes_checked_until.empty()) state->deletes_checked_until = state->load_since;
  }
  return store_->SaveState(table(), *state);
}

QueryOptions ObjectSyncer::LoadQueryOptions() const {
  QueryOptions options;
  options.include_deleted = plan_->deletes == "soft";
  options.batch_size = plan_->batch_size;
  options.columns = plan_->select;
  return options;
}

Status ObjectSyncer::RunOnePassLoad(store::SyncState* state, bool may_slice, bool* latency_bound) {
  *latency_bound = false;
  const QueryOptions options = LoadQueryOptions();
  may_slice = may_slice && plan_->api == "rest" && settings_.max_slices >= 2 && plan_->min_rows_per_slice > 0;
  // Every page of a Bulk job was stored before a crash: nothing is left to read.
  if (state->bulk_resume.locator == kBulkAllRead) return Status::Ok();
  return WithRestarts(plan_->object, settings_.max_query_restarts, [&]() -> Status {
    SFSYNC_ASSIGN_OR_RETURN(LoadCursor load, OpenLoadCursor(client_, clock_, *plan_, state->load_after_id, options,
                                                             settings_.stop, state->bulk_resume));
    PaceMeter pace;
    int64_t pages = 0, rows = 0;
    QueryPage page;
    auto asked = clock_->Monotonic();
    while (load.cursor->Next(&page)) {
      const auto received = clock_->Monotonic();
      store::SyncState next = *state;
      if (load.bulk) {
        // Bulk rows come in no order: the resume point is the job and its next page.
        next.bulk_resume = {page.bulk_job_id, page.done ? kBulkAllRead : page.bulk_next_locator};
      } else if (page.rows.rows() > 0) {
        next.load_after_id = RowId(page.rows, page.rows.rows() - 1);
      }
      SFSYNC_RETURN_IF_ERROR(Apply(page, next));
      *state = std::move(next);
      if (StopRequested()) return CancelledError("interrupted");
      SFSYNC_RETURN_IF_ERROR(CheckBudget());
      rows += static_cast<int64_t>(page.rows.rows());
      const auto applied = clock_->Monotonic();
      if (pages++ > 0) pace.Page(received - asked, applied - received);
      asked = applied;
      // Held back by the network with enough rows left: read the rest in parallel slices.
      if (may_slice && !load.bulk && !page.done && pace.LatencyBound() &&
          page.total_size - rows >= 2 * plan_->min_rows_per_slice) {
        SFSYNC_LOG(kInfo, "{}: pages arrive slower than they are stored; reading the other {} rows in parallel",
                   plan_->object, page.total_size - rows);
        *latency_bound = true;
        return Status::Ok();
      }
    }
    return load.cursor->status();
  });
}

Status ObjectSyncer::PlanLoadSlices(store::SyncState* state) {
  StatusOr<std::map<std::string, int64_t>> counted = CountRowsByMonth(client_, *plan_, plan_->deletes == "soft");
  if (!counted.ok()) {
    if (StopsRun(counted.status())) return counted.status();
    SFSYNC_LOG(kInfo, "{}: rows per CreatedDate month unavailable ({}); loading in one pass", plan_->object,
               counted.status().message());
    return Status::Ok();
  }
  const std::map<std::string, int64_t>& months = *counted;
  std::vector<store::LoadSlice> slices = PlanSlices(months, settings_.max_slices, plan_->min_rows_per_slice);
  if (slices.empty()) return Status::Ok();
  // Rows up to load_after_id are stored already: every slice goes on after it.
  for (store::LoadSlice& slice : slices) slice.after_id = state->load_after_id;
  int64_t total = 0;
  for (const auto& [month, rows] : months) total += rows;
  SFSYNC_LOG(kInfo, "{}: {} slices of CreatedDate (about {} rows in all)", plan_->object, slices.size(), total);
  state->load_slices = std::move(slices);
  return store_->SaveState(table(), *state);
}

Status ObjectSyncer::RunSlicedLoad(store::SyncState* state) {
  QueryOptions options = LoadQueryOptions();
  options.start_now = true;  // every slice's query runs at once, not one after another
  struct Reader {
    size_t slice;
    std::unique_ptr<QueryCursor> cursor;
    int restarts = 0;
  };
  auto open = [&](size_t i) {
    const store::LoadSlice& slice = state->load_slices[i];
    return client_->Query(BuildLoadQuery(*plan_, slice.after_id, SliceCondition(slice)), options);
  };
  std::vector<Reader> readers;
  for (size_t i = 0; i < state->load_slices.size(); ++i) {
    if (!state->load_slices[i].done) readers.push_back({i, open(i)});
  }
  Status first;
  // Round robin: while one slice's page is applied, every other cursor is fetching its next page.
  while (!readers.empty()) {
    for (auto it = readers.begin(); it != readers.end();) {
      QueryPage page;
      if (it->cursor->Next(&page)) {
        store::SyncState next = *state;
        store::LoadSlice& slice = next.load_slices[it->slice];
        if (page.rows.rows() > 0) slice.after_id = RowId(page.rows, page.rows.rows() - 1);
        slice.done = page.done;
        SFSYNC_RETURN_IF_ERROR(Apply(page, next));
        *state = std::move(next);
        if (StopRequested()) return CancelledError("interrupted");
        SFSYNC_RETURN_IF_ERROR(CheckBudget());
        ++it;
        continue;
      }
      Status s = it->cursor->status();
      if (s.ok()) {
        if (!state->load_slices[it->slice].done) {
          state->load_slices[it->slice].done = true;
          SFSYNC_RETURN_IF_ERROR(store_->SaveState(table(), *state));
        }
      } else if (s.code() == StatusCode::kAborted && it->restarts < settings_.max_query_restarts) {
        SFSYNC_LOG(kWarn, "{}: {}: query cursor lost ({}); restarting after its last Id", plan_->object,
                   DescribeSlice(state->load_slices, it->slice), s.message());
        it->cursor.reset();
        it->cursor = open(it->slice);
        ++it->restarts;
        continue;
      } else {
        const Status failed = s.Annotate(DescribeSlice(state->load_slices, it->slice));
        if (EndsObject(s)) return failed;
        SFSYNC_LOG(kWarn, "{}: {}; the other slices go on", plan_->object, failed.message());
        if (first.ok()) first = failed;
      }
      it = readers.erase(it);
    }
  }
  return first;
}

Status ObjectSyncer::RunIncrementalPhases(store::SyncState* state) {
  struct Phase {
    const char* name;
    Status (ObjectSyncer::*run)(store::SyncState*);
  };
  static constexpr Phase kPhases[] = {{"incremental read", &ObjectSyncer::RunIncremental},
                                      {"parent refresh", &ObjectSyncer::RunParentRefresh},
                                      {"deletes", &ObjectSyncer::RunDeletes}};
  Status first;
  std::vector<std::string> failed, not_run, ran;
  for (const Phase& phase : kPhases) {
    if (!first.ok() && EndsObject(first)) {
      not_run.push_back(phase.name);
      continue;
    }
    Status s = (this->*phase.run)(state);
    if (s.ok()) {
      ran.push_back(phase.name);
      continue;
    }
    if (first.ok()) first = s;
    failed.push_back(fmt::format("{} failed: {}", phase.name, s.message()));
    // What is committed is what the next phase builds on.
    SFSYNC_ASSIGN_OR_RETURN(*state, store_->LoadState(table()));
  }
  // A signal is not a failure of the phase it interrupted: it says "interrupted", as the run does.
  if (first.ok() || first.code() == StatusCode::kCancelled) return first;
  if (failed.size() == 1 && ran.empty() && not_run.empty()) return first;
  std::string message = Join(failed, "; ");
  if (!ran.empty()) message += "; " + Join(ran, " and ") + " ran";
  if (!not_run.empty()) message += "; not run: " + Join(not_run, ", ");
  return Status(first.code(), message, first.reason());
}

bool ObjectSyncer::QuietFor(const store::SyncState& state) const {
  const QuietCheck* q = settings_.quiet;
  return q != nullptr && q->quiet && q->watermark == state.watermark && q->parent_watermarks == state.parent_watermarks;
}

Status ObjectSyncer::RunIncremental(store::SyncState* state) {
  if (QuietFor(*state)) return Status::Ok();
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
      store::SyncState next = *state;
      const RowBatch& rows = page.rows;
      for (size_t r = 0; r < rows.rows(); ++r) {
        const Cell& stamp = rows.at(r, static_cast<size_t>(plan_->cursor_column));
        if (stamp.kind != Cell::Kind::kText) {
          return DataLossError(plan_->object + ": row " + RowId(rows, r) + " has no " + plan_->cursor_field);
        }
        SFSYNC_ASSIGN_OR_RETURN(std::string ts, NormalizeDateTime(stamp.s));
        store::Watermark key{std::move(ts), RowId(rows, r)};
        if (key.ts <= cap && next.watermark < key) next.watermark = std::move(key);
      }
      SFSYNC_RETURN_IF_ERROR(Apply(page, next));
      *state = std::move(next);
      if (StopRequested()) return CancelledError("interrupted");
      SFSYNC_RETURN_IF_ERROR(CheckBudget());
    }
    return cursor->status();
  });
}

Status ObjectSyncer::RunParentRefresh(store::SyncState* state) {
  if (QuietFor(*state)) return Status::Ok();
  for (const ObjectPlan::ParentCursor& parent : plan_->parent_cursors) {
    store::Watermark start = state->parent_watermarks[parent.path];
    if (start.empty()) start = {state->watermark.ts, ""};  // state from before this parent was synced
    SFSYNC_ASSIGN_OR_RETURN(start.ts, NormalizeDateTime(start.ts));
    state->parent_watermarks[parent.path] = start;
    QueryOptions options;
    options.include_deleted = plan_->query_all;
    options.batch_size = plan_->batch_size;
    options.columns = plan_->select;
    // The parent's stamp is read for the watermark. A job may select it as a field too: then that
    // column is the stamp, and it is stored like any other (never selected twice).
    const std::string stamp_path = parent.path + "." + parent.field;
    const int stamp_column = ParentStampColumn(*plan_, parent);
    const size_t width = plan_->select.size();
    if (stamp_column < 0) options.columns.push_back(stamp_path);
    const size_t stamp_index = stamp_column < 0 ? width : static_cast<size_t>(stamp_column);
    SFSYNC_RETURN_IF_ERROR(WithRestarts(plan_->object, settings_.max_query_restarts, [&]() -> Status {
      const std::string cap = FormatIsoUtc(Cap());
      const store::Watermark& watermark = state->parent_watermarks[parent.path];
      std::unique_ptr<QueryCursor> cursor = client_->Query(BuildParentRefreshQuery(*plan_, parent, watermark), options);
      QueryPage page;
      while (cursor->Next(&page)) {
        store::SyncState next = *state;
        store::Watermark& moved = next.parent_watermarks[parent.path];
        QueryPage stored;
        stored.rows.columns = plan_->select;
        stored.rows.cells.reserve(page.rows.rows() * width);
        for (size_t r = 0; r < page.rows.rows(); ++r) {
          const Cell& stamp = page.rows.at(r, stamp_index);
          if (stamp.kind == Cell::Kind::kText) {
            SFSYNC_ASSIGN_OR_RETURN(std::string ts, NormalizeDateTime(stamp.s));
            store::Watermark key{std::move(ts), RowId(page.rows, r)};
            if (key.ts <= cap && moved < key) moved = std::move(key);
          }
          for (size_t c = 0; c < width; ++c) stored.rows.cells.push_back(std::move(page.rows.at(r, c)));
        }
        SFSYNC_RETURN_IF_ERROR(Apply(stored, next));
        *state = std::move(next);
        if (StopRequested()) return CancelledError("interrupted");
        SFSYNC_RETURN_IF_ERROR(CheckBudget());
      }
      return cursor->status();
    }));
  }
  return Status::Ok();
}

Status ObjectSyncer::RunDeletes(store::SyncState* state) {
  if (!plan_->replicateable || plan_->deletes == "ignore") return Status::Ok();
  int64_t now = ServerNow();
  SFSYNC_ASSIGN_OR_RETURN(const int64_t start, DeletesWindowStart(*state));
  // The quiet check asked getDeleted for this very window already.
  const QuietCheck* q = settings_.quiet;
  const bool answered = q != nullptr && q->has_deletes && q->deletes_start == start;
  if (answered) now = q->deletes_end;
  if (now - start < kMinDeletesWindowMillis) return Status::Ok();
  bool reaches = now - start <= settings_.delete_log_reach_millis;
  salesforce::DeletedResult deleted;
  if (reaches) {
    auto result = answered ? StatusOr<salesforce::DeletedResult>(q->deleted)
                           : salesforce::GetDeleted(client_, plan_->object, start, now);
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
    state->full_pass_reason = "the delete log no longer reaches back to " + FormatIsoUtc(start);
    SFSYNC_RETURN_IF_ERROR(store_->SaveState(table(), *state));
    return RunFullPass(state);
  }
  std::vector<store::Store::ServerDelete> deletes;
  deletes.reserve(deleted.records.size());
  for (const auto& d : deleted.records) deletes.push_back({d.id, FormatIsoUtc(d.deleted_millis)});
  store::SyncState next = *state;
  if (deleted.latest_date_covered_millis > start) {
    next.deletes_checked_until = FormatIsoUtc(deleted.latest_date_covered_millis);
  }
  SFSYNC_ASSIGN_OR_RETURN(int64_t touched, store_->ApplyServerDeletes(plan_->table, deletes, plan_->cursor_field,
                                                                      plan_->deletes == "soft", next));
  *state = std::move(next);
  stats_->rows_deleted += touched;
  if (touched > 0) SFSYNC_LOG(kInfo, "{}: {} rows deleted on the server (getDeleted)", plan_->object, touched);
  return Status::Ok();
}

Status ObjectSyncer::RunFullPass(store::SyncState* state) {
  const std::string since = FormatIsoUtc(Cap());  // before the first query: the pass covers up to here
  const QueryOptions options = LoadQueryOptions();
  seen_ids_.clear();
  track_seen_ = true;
  // A full pass reads every row again, through its own job: a download left by a load is moot.
  state->bulk_resume = {};
  std::string after_id;  // a REST read restarted after an expired cursor goes on after the last Id read
  Status read = WithRestarts(plan_->object, settings_.max_query_restarts, [&]() -> Status {
    SFSYNC_ASSIGN_OR_RETURN(LoadCursor load, OpenLoadCursor(client_, clock_, *plan_, after_id, options, settings_.stop));
    QueryPage page;
    while (load.cursor->Next(&page)) {
      if (!load.bulk && page.rows.rows() > 0) after_id = RowId(page.rows, page.rows.rows() - 1);
      SFSYNC_RETURN_IF_ERROR(Apply(page, *state));
      if (StopRequested()) return CancelledError("interrupted");
      SFSYNC_RETURN_IF_ERROR(CheckBudget());
    }
    return load.cursor->status();
  });
  track_seen_ = false;
  SFSYNC_RETURN_IF_ERROR(read);
  if (plan_->deletes != "ignore") {
    SFSYNC_ASSIGN_OR_RETURN(std::vector<std::string> local, store_->ListIds(table()));
    std::sort(seen_ids_.begin(), seen_ids_.end());
    std::vector<store::Store::ServerDelete> gone;
    for (const std::string& id : local) {
      if (!std::binary_search(seen_ids_.begin(), seen_ids_.end(), id)) gone.push_back({id, ""});
    }
    if (!gone.empty()) {
      SFSYNC_ASSIGN_OR_RETURN(int64_t touched, store_->ApplyServerDeletes(plan_->table, gone, /*guard_source=*/"",
                                                                          plan_->deletes == "soft", *state));
      stats_->rows_deleted += touched;
      SFSYNC_LOG(kInfo, "{}: {} local rows are gone from the server", plan_->object, gone.size());
    }
  }
  seen_ids_.clear();
  state->full_pass_reason.clear();
  if (!plan_->cursor_field.empty()) {
    // Every row up to `since` is in the table now, with its parents' values, and nothing the server
    // no longer has: the watermarks can start there (they never move back).
    const store::Watermark pass{since, ""};
    if (state->watermark < pass) state->watermark = pass;
    for (const auto& parent : plan_->parent_cursors) {
      store::Watermark& w = state->parent_watermarks[parent.path];
      if (w < pass) w = pass;
    }
    if (state->deletes_checked_until < since) state->deletes_checked_until = since;
    state->load_in_progress = false;
    state->load_after_id.clear();
  }
  return store_->SaveState(table(), *state);
}

Status ObjectSyncer::Apply(const QueryPage& page, const store::SyncState& state) {
  const RowBatch& rows = page.rows;
  stats_->rows_read += static_cast<int64_t>(rows.rows());
  if (track_seen_) {
    for (size_t r = 0; r < rows.rows(); ++r) seen_ids_.push_back(RowId(rows, r));
  }
  // Soft-deleted rows arrive only through queryAll. deletes: soft keeps them (IsDeleted = 1);
  // deletes: hard removes the local row.
  std::vector<std::string> delete_ids;
  std::vector<std::string> delete_times;  // a deleted row's stamp is when it was deleted (history mode)
  if (plan_->deletes == "hard") {
    for (size_t r = 0; r < rows.rows(); ++r) {
      if (!IsDeletedRow(rows, r, plan_->is_deleted_column)) continue;
      delete_ids.push_back(RowId(rows, r));
      std::string when;
      if (plan_->cursor_column >= 0) {
        const Cell& stamp = rows.at(r, static_cast<size_t>(plan_->cursor_column));
        if (stamp.kind == Cell::Kind::kText) {
          if (StatusOr<std::string> ts = NormalizeDateTime(stamp.s); ts.ok()) when = std::move(*ts);
        }
      }
      delete_times.push_back(std::move(when));
    }
  }
  Status s;
  size_t upserted = rows.rows();
  if (delete_ids.empty()) {
    s = store_->ApplyPage(plan_->table, rows, delete_ids, state);
  } else {
    RowBatch kept;
    kept.columns = rows.columns;
    for (size_t r = 0; r < rows.rows(); ++r) {
      if (IsDeletedRow(rows, r, plan_->is_deleted_column)) continue;
      for (size_t c = 0; c < rows.columns.size(); ++c) kept.cells.push_back(rows.at(r, c));
    }
    upserted = kept.rows();
    s = store_->ApplyPage(plan_->table, kept, delete_ids, state, delete_times);
  }
  if (!s.ok()) return s;
  stats_->rows_written += static_cast<int64_t>(upserted);
  stats_->rows_deleted += static_cast<int64_t>(delete_ids.size());
  if (settings_.progress != nullptr) settings_.progress->Rows(plan_->object, stats_->rows_read, page.total_size);
  SFSYNC_LOG(kDebug, "{}: committed page of {} rows ({} deleted), watermark {}", plan_->object, rows.rows(),
             delete_ids.size(), WatermarkText(state.watermark));
  return Status::Ok();
}

}  // namespace sfsync::sync
