// PgStore: opening, the page write (COPY into a staging table, then one INSERT ... ON CONFLICT),
// sync state, deletes, the describe cache and the simple reads. Invariants: pg_store.h.
#include "engine/store/pg/pg_store.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string_view>
#include <unordered_map>

#include "engine/core/ascii.h"
#include "engine/core/time_format.h"
#include "engine/store/cell_conversion.h"
#include "engine/store/pg/pg_store_internal.h"
#include "engine/store/outbox.h"
#include "engine/store/sqlite_db.h"  // kStoreReason
#include "engine/store/store_common.h"

namespace sfsync::store {
namespace pg {
namespace {

// The metadata tables: the SQLite store's (metadata.cc), in PostgreSQL types. Table names are kept
// as given (PostgreSQL's quoted identifiers are case-sensitive). The push-back tables hold values
// of any column (a base, a server's value) as their storage-form text (pg_session.h), retyped by
// the column they belong to when read; row_before is a jsonb object of storage-form values.
constexpr const char* kMetadata = R"sql(
CREATE TABLE IF NOT EXISTS _sfsync_meta (key text PRIMARY KEY, value text NOT NULL);
CREATE TABLE IF NOT EXISTS _sfsync_state (
  table_name text PRIMARY KEY, object text NOT NULL, job text NOT NULL, org_id text NOT NULL,
  fields text NOT NULL, where_clause text NOT NULL, deletes text NOT NULL, mode text NOT NULL,
  cursor_field text NOT NULL, watermark_ts text NOT NULL, watermark_id text NOT NULL,
  load_in_progress boolean NOT NULL, load_after_id text NOT NULL, load_since text NOT NULL,
  deletes_checked_until text NOT NULL DEFAULT '', parent_watermarks text NOT NULL DEFAULT '',
  full_pass_reason text NOT NULL DEFAULT '', updated_at text NOT NULL,
  load_slices text NOT NULL DEFAULT '', bulk_resume text NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS _sfsync_describes (
  table_name text NOT NULL, object text NOT NULL, last_modified_millis bigint NOT NULL, body text NOT NULL,
  fetched_at text NOT NULL, PRIMARY KEY (table_name, object));
CREATE TABLE IF NOT EXISTS _sfsync_columns (
  table_name text NOT NULL, column_name text NOT NULL, source text NOT NULL, declared_type text NOT NULL,
  value_type text NOT NULL, sf_type text NOT NULL,
  status text NOT NULL CHECK (status IN ('active', 'removed')), added_at text NOT NULL, removed_at text,
  seq bigserial, PRIMARY KEY (table_name, column_name));
CREATE TABLE IF NOT EXISTS _sfsync_schema_history (
  seq bigserial PRIMARY KEY, object text NOT NULL, table_name text NOT NULL, change text NOT NULL,
  column_name text, detail text NOT NULL, at text NOT NULL);
CREATE TABLE IF NOT EXISTS _sfsync_runs (
  run_id bigserial PRIMARY KEY, job text NOT NULL, status text NOT NULL, started_millis bigint NOT NULL,
  finished_millis bigint, api_calls bigint NOT NULL DEFAULT 0, error text NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS _sfsync_runs_by_job ON _sfsync_runs (job, run_id);
CREATE TABLE IF NOT EXISTS _sfsync_run_objects (
  run_id bigint NOT NULL, table_name text NOT NULL, object text NOT NULL, status text NOT NULL,
  rows_read bigint NOT NULL, rows_written bigint NOT NULL, rows_deleted bigint NOT NULL, api_calls bigint NOT NULL,
  watermark_before text NOT NULL, watermark_after text NOT NULL, error text NOT NULL,
  started_millis bigint NOT NULL, finished_millis bigint NOT NULL, PRIMARY KEY (run_id, table_name));
CREATE TABLE IF NOT EXISTS _sfsync_capture (
  seq bigserial PRIMARY KEY, table_name text NOT NULL, "Id" text NOT NULL, op text NOT NULL, column_name text,
  base text, base_stamp text, row_before jsonb);
CREATE TABLE IF NOT EXISTS _sfsync_capture_tables (table_name text PRIMARY KEY, stamp_column text NOT NULL);
CREATE TABLE IF NOT EXISTS _sfsync_outbox (
  change_id bigserial PRIMARY KEY, table_name text NOT NULL, "Id" text NOT NULL,
  op text NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
  state text NOT NULL CHECK (state IN ('PENDING', 'SENT', 'DONE', 'FAILED', 'CONFLICT')),
  base_stamp text, row_before jsonb, insert_key text NOT NULL DEFAULT '', remote_deleted integer NOT NULL DEFAULT 0,
  attempts integer NOT NULL DEFAULT 0, status_code text NOT NULL DEFAULT '', message text NOT NULL DEFAULT '',
  error_fields text NOT NULL DEFAULT '', server_id text NOT NULL DEFAULT '', run_id bigint,
  created_at text NOT NULL, updated_at text NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS _sfsync_outbox_open ON _sfsync_outbox (table_name, "Id")
  WHERE state IN ('PENDING', 'FAILED', 'CONFLICT');
CREATE INDEX IF NOT EXISTS _sfsync_outbox_by_state ON _sfsync_outbox (table_name, state, "Id");
CREATE TABLE IF NOT EXISTS _sfsync_outbox_columns (
  change_id bigint NOT NULL, column_name text NOT NULL, base text, remote text,
  remote_set integer NOT NULL DEFAULT 0, PRIMARY KEY (change_id, column_name));
CREATE TABLE IF NOT EXISTS _sfsync_conflicts (
  conflict_id bigserial PRIMARY KEY, change_id bigint NOT NULL, table_name text NOT NULL, "Id" text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('field', 'deleted_remotely', 'edited_remotely')),
  column_name text NOT NULL DEFAULT '', base text, local text, remote text, detected_at text NOT NULL,
  resolution text NOT NULL DEFAULT '' CHECK (resolution IN ('', 'local', 'remote', 'value')),
  resolved_value text, resolved_at text);
CREATE INDEX IF NOT EXISTS _sfsync_conflicts_open ON _sfsync_conflicts (table_name, "Id") WHERE resolved_at IS NULL;
)sql";

constexpr const char* kReadState =
    "SELECT object, job, org_id, fields, where_clause, deletes, mode, cursor_field, watermark_ts, watermark_id, "
    "load_in_progress::int, load_after_id, load_since, deletes_checked_until, parent_watermarks, full_pass_reason, "
    "load_slices, bulk_resume FROM _sfsync_state WHERE table_name = $1";

constexpr const char* kWriteState =
    "INSERT INTO _sfsync_state (table_name, object, job, org_id, fields, where_clause, deletes, mode, "
    "cursor_field, watermark_ts, watermark_id, load_in_progress, load_after_id, load_since, deletes_checked_until, "
    "parent_watermarks, full_pass_reason, updated_at, load_slices, bulk_resume) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::boolean, $13, $14, $15, $16, $17, $18, $19, $20) "
    "ON CONFLICT (table_name) DO UPDATE SET object = EXCLUDED.object, job = EXCLUDED.job, org_id = EXCLUDED.org_id, "
    "fields = EXCLUDED.fields, where_clause = EXCLUDED.where_clause, deletes = EXCLUDED.deletes, "
    "mode = EXCLUDED.mode, cursor_field = EXCLUDED.cursor_field, watermark_ts = EXCLUDED.watermark_ts, "
    "watermark_id = EXCLUDED.watermark_id, load_in_progress = EXCLUDED.load_in_progress, "
    "load_after_id = EXCLUDED.load_after_id, load_since = EXCLUDED.load_since, "
    "deletes_checked_until = EXCLUDED.deletes_checked_until, parent_watermarks = EXCLUDED.parent_watermarks, "
    "full_pass_reason = EXCLUDED.full_pass_reason, updated_at = EXCLUDED.updated_at, "
    "load_slices = EXCLUDED.load_slices, bulk_resume = EXCLUDED.bulk_resume";

bool IsDigits(std::string_view s, size_t from, size_t n) {
  if (s.size() < from + n) return false;
  for (size_t i = from; i < from + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

// The COPY text of a storage value (ToStorage's result) for a column of `type`, or false when the
// value has no form the typed column accepts (it is stored as NULL: README.md).
bool CopyText(const Cell& v, ColumnType type, double real_limit, std::string* out) {
  switch (type) {
    case ColumnType::kText:
      if (v.kind == Cell::Kind::kText) AppendCopyField(out, v.s);
      else if (v.kind == Cell::Kind::kInt) out->append(std::to_string(v.i));
      else if (v.kind == Cell::Kind::kDouble) out->append(DoubleText(v.d));
      else return false;
      return true;
    case ColumnType::kInteger:
      if (v.kind != Cell::Kind::kInt) return false;
      out->append(std::to_string(v.i));
      return true;
    case ColumnType::kReal:
      if (v.kind == Cell::Kind::kDouble) {
        if (!(std::fabs(v.d) <= real_limit)) return false;  // NaN included; numeric(p,s) would refuse the COPY
        out->append(DoubleText(v.d));
      } else if (v.kind == Cell::Kind::kInt) {
        if (!(std::fabs(static_cast<double>(v.i)) <= real_limit)) return false;
        out->append(std::to_string(v.i));
      } else {
        return false;
      }
      return true;
    case ColumnType::kBoolean:
      if (v.kind != Cell::Kind::kInt || (v.i != 0 && v.i != 1)) return false;
      out->push_back(v.i != 0 ? 't' : 'f');
      return true;
    case ColumnType::kDate:  // yyyy-MM-dd
      if (v.kind != Cell::Kind::kText || v.s.size() != 10 || !IsDigits(v.s, 0, 4) || v.s[4] != '-' ||
          !IsDigits(v.s, 5, 2) || v.s[7] != '-' || !IsDigits(v.s, 8, 2)) {
        return false;
      }
      out->append(v.s);
      return true;
    case ColumnType::kDateTime:  // yyyy-MM-ddTHH:mm:ss.SSSZ, as ToStorage normalizes it
      if (v.kind != Cell::Kind::kText || v.s.size() != 24 || !IsDigits(v.s, 0, 4) || v.s[10] != 'T' ||
          v.s[23] != 'Z') {
        return false;
      }
      out->append(v.s);
      return true;
    case ColumnType::kTime: {  // HH:mm:ss[.SSS][Z]
      if (v.kind != Cell::Kind::kText || v.s.size() < 8 || !IsDigits(v.s, 0, 2) || v.s[2] != ':' ||
          !IsDigits(v.s, 3, 2) || v.s[5] != ':' || !IsDigits(v.s, 6, 2)) {
        return false;
      }
      std::string_view t = v.s;
      if (t.back() == 'Z') t.remove_suffix(1);
      for (size_t i = 8; i < t.size(); ++i) {
        if (!(i == 8 && t[i] == '.') && (t[i] < '0' || t[i] > '9')) return false;
      }
      out->append(t);
      return true;
    }
  }
  return false;
}

}  // namespace

std::string TextArray(const std::vector<std::string>& items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (char c : items[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

std::string PgStore::Qualified(const std::string& table) const {
  return QuoteIdentifier(schema_) + "." + QuoteIdentifier(table);
}

std::string PgStore::Now() const { return FormatIsoUtc(clock_->NowMillis()); }

Status PgStore::Remember(Status status) {
  if (!status.ok() && status.reason() == kStoreReason && sticky_.ok()) sticky_ = status;
  return status;
}

Status PgStore::LockTable(const std::string& table) {
  return conn_.Query("SELECT pg_advisory_xact_lock(hashtext($1))", {"sfsync table " + schema_ + "." + table}).status();
}

StatusOr<SyncState> PgStore::ReadState(const std::string& table) {
  SFSYNC_ASSIGN_OR_RETURN(PgResult r, conn_.Query(kReadState, {table}));
  SyncState state;
  if (r.rows() == 0) return state;
  state.claim = TableClaim{r.text(0, 1), r.text(0, 0), r.text(0, 2), r.text(0, 3),
                           r.text(0, 4), r.text(0, 5), r.text(0, 6)};
  state.cursor_field = r.text(0, 7);
  state.watermark = {r.text(0, 8), r.text(0, 9)};
  state.load_in_progress = r.int64(0, 10) != 0;
  state.load_after_id = r.text(0, 11);
  state.load_since = r.text(0, 12);
  state.deletes_checked_until = r.text(0, 13);
  state.parent_watermarks = DecodeParentWatermarks(r.text(0, 14));
  state.full_pass_reason = r.text(0, 15);
  SFSYNC_ASSIGN_OR_RETURN(state.load_slices, DecodeLoadSlices(r.text(0, 16)));
  SFSYNC_ASSIGN_OR_RETURN(state.bulk_resume, DecodeBulkResume(r.text(0, 17)));
  return state;
}

Status PgStore::WriteState(const std::string& table, const SyncState& state) {
  const TableClaim& c = state.claim;
  return conn_
      .Query(kWriteState,
             {table, c.object, c.job, c.org_id, c.fields, c.where, c.deletes, c.mode, state.cursor_field,
              state.watermark.ts, state.watermark.id, state.load_in_progress ? "true" : "false", state.load_after_id,
              state.load_since, state.deletes_checked_until, EncodeParentWatermarks(state.parent_watermarks),
              state.full_pass_reason, Now(), EncodeLoadSlices(state.load_slices), EncodeBulkResume(state.bulk_resume)})
      .status();
}

StatusOr<SyncState> PgStore::LoadState(const std::string& table) { return ReadState(table); }

Status PgStore::SaveState(const std::string& table, const SyncState& state) {
  if (!sticky_.ok()) return sticky_;
  return Remember([&]() -> Status {
    PgTransaction txn(&conn_);
    SFSYNC_RETURN_IF_ERROR(txn.status());
    SFSYNC_RETURN_IF_ERROR(LockTable(table));
    SFSYNC_RETURN_IF_ERROR(WriteState(table, state));
    return txn.Commit();
  }());
}

Status PgStore::CheckWatermarkForward(const std::string& table, const SyncState& state) {
  SFSYNC_ASSIGN_OR_RETURN(SyncState stored, ReadState(table));
  if (state.watermark < stored.watermark) {
    return RefusedError(fmt::format("the watermark of table {} would move backwards: stored {}, new {}", table,
                                    FormatWatermark(stored.watermark), FormatWatermark(state.watermark)));
  }
  return Status::Ok();
}

Status PgStore::ApplyPage(const TableSpec& spec, const RowBatch& rows, const std::vector<std::string>& delete_ids,
                          const SyncState& state, const std::vector<std::string>& /*delete_times: no history yet*/) {
  if (!sticky_.ok()) return sticky_;
  SFSYNC_ASSIGN_OR_RETURN(PagePlan plan, PlanPage(spec, rows));
  return Remember(WritePage(spec, plan, rows, delete_ids, state));
}

Status PgStore::BeginEngineWrite(const std::string& table) {
  SFSYNC_RETURN_IF_ERROR(LockTable(table));
  // A table whose edits are captured (push-back) takes no client writes until this transaction
  // ends, as SQLite's single writer gives: an edit is either folded below and kept by the pull, or
  // made after the pull's rows and captured over them; never written under them and lost.
  SFSYNC_ASSIGN_OR_RETURN(PgResult captured,
                          conn_.Query("SELECT 1 FROM _sfsync_capture_tables WHERE table_name = $1", {table}));
  if (captured.rows() > 0) {
    // Bounded: a client that keeps a transaction open on the table fails this write after two
    // minutes (the run reports it and the next one tries again) instead of hanging it.
    SFSYNC_RETURN_IF_ERROR(conn_.Exec(fmt::format(
        "SET LOCAL lock_timeout = '120s'; LOCK TABLE {} IN SHARE ROW EXCLUSIVE MODE; SET LOCAL lock_timeout = 0",
        Qualified(table))));
  }
  // Edits captured since the engine last looked are folded first, so the pull sees every one.
  return outbox::Fold(session_);
}

Status PgStore::UpsertStaged(const std::string& table, const PagePlan& plan, const std::string& data,
                             Staged* staged) {
  SFSYNC_ASSIGN_OR_RETURN(*staged, StageRows(plan, data));
  std::string assignments;
  for (const ColumnSpec* c : plan.columns) {
    if (c->name == "Id") continue;
    assignments += fmt::format("{}{} = EXCLUDED.{}", assignments.empty() ? "" : ", ", QuoteIdentifier(c->name),
                               QuoteIdentifier(c->name));
  }
  return conn_.Exec(fmt::format("INSERT INTO {} ({}) SELECT {} FROM {} ON CONFLICT (\"Id\") DO {}", Qualified(table),
                                staged->list, staged->list, staged->table,
                                assignments.empty() ? "NOTHING" : "UPDATE SET " + assignments));
}

Status PgStore::WritePage(const TableSpec& spec, const PagePlan& plan, const RowBatch& rows,
                          const std::vector<std::string>& delete_ids, const SyncState& state) {
  PgTransaction txn(&conn_);
  SFSYNC_RETURN_IF_ERROR(txn.status());
  SFSYNC_RETURN_IF_ERROR(BeginEngineWrite(spec.table));
  SFSYNC_RETURN_IF_ERROR(CheckWatermarkForward(spec.table, state));
  Staged staged;
  if (rows.rows() > 0) {
    // Rows with local changes not yet pushed (push-back): usually none, found with one query.
    SFSYNC_ASSIGN_OR_RETURN(outbox::PagePending pending,
                            outbox::BeforePage(session_, spec.table, plan.columns, rows, plan.id_index));
    std::vector<std::string> ids;
    const std::string data = CopyData(plan, rows, &ids, pending.skip);
    // A page none of whose Ids is stored yet (an initial load in Id order: each page lies past the
    // rows already there) goes straight into the table with COPY, one pass. The probe is one index
    // range scan, and exact: min and max are taken in the column's own collation, so every Id of the
    // page lies between them.
    bool any_stored = false;
    if (!ids.empty()) {  // empty when every row has a pending local insert or delete
      SFSYNC_ASSIGN_OR_RETURN(
          PgResult probe,
          conn_.Query(fmt::format("SELECT EXISTS (SELECT 1 FROM {} WHERE \"Id\" BETWEEN (SELECT min(i) FROM "
                                  "unnest($1::text[]) i) AND (SELECT max(i) FROM unnest($1::text[]) i))",
                                  Qualified(spec.table)),
                      {TextArray(ids)}));
      any_stored = probe.text(0, 0) != "f";
    }
    if (!ids.empty() && !any_stored) {
      SFSYNC_RETURN_IF_ERROR(
          conn_.CopyIn(fmt::format("COPY {} ({}) FROM STDIN", Qualified(spec.table), ColumnList(plan)), data).status());
    } else if (any_stored) {
      // Otherwise into the staging table (COPY), then into the table with one upsert.
      SFSYNC_RETURN_IF_ERROR(UpsertStaged(spec.table, plan, data, &staged));
    }
    SFSYNC_RETURN_IF_ERROR(outbox::AfterPage(session_, spec.table, pending));
  }
  if (!delete_ids.empty()) {
    // A row with a local change is not deleted by the server's delete: an edited one's change is
    // flagged, and the push reports the conflict.
    SFSYNC_ASSIGN_OR_RETURN(auto held, outbox::HoldDeletes(session_, spec.table, delete_ids));
    std::vector<std::string> gone;
    for (const std::string& id : delete_ids) {
      if (held.count(id) == 0) gone.push_back(id);
    }
    SFSYNC_RETURN_IF_ERROR(
        conn_.Query(fmt::format("DELETE FROM {} WHERE \"Id\" = ANY($1::text[])", Qualified(spec.table)),
                    {TextArray(gone)})
            .status());
  }
  SFSYNC_RETURN_IF_ERROR(WriteState(spec.table, state));
  SFSYNC_RETURN_IF_ERROR(txn.Commit());
  // Known only once committed: a rolled-back transaction takes its CREATE with it.
  if (!staged.created_key.empty()) stages_.emplace(staged.created_key, staged.table);
  return Status::Ok();
}

std::string PgStore::ColumnList(const PagePlan& plan) {
  std::string list;
  for (const ColumnSpec* c : plan.columns) list += (list.empty() ? "" : ", ") + QuoteIdentifier(c->name);
  return list;
}

std::string PgStore::CopyData(const PagePlan& plan, const RowBatch& rows, std::vector<std::string>* ids,
                              const std::vector<bool>& leave_out) {
  // A page that names an Id twice keeps its last row, as the SQLite store's row-by-row upsert does
  // (one INSERT cannot touch a row twice, and COPY would break the primary key).
  std::vector<bool> skip(rows.rows(), false);  // earlier rows of an Id the page names again
  {
    std::unordered_map<std::string_view, size_t> last;
    last.reserve(rows.rows());
    for (size_t r = 0; r < rows.rows(); ++r) {
      auto [it, inserted] = last.emplace(rows.at(r, plan.id_index).s, r);
      if (!inserted) {
        skip[it->second] = true;
        it->second = r;
      }
    }
  }
  std::vector<double> limits;
  for (const ColumnSpec* c : plan.columns) limits.push_back(PostgresRealLimit(*c));
  std::string data;
  data.reserve(rows.cells.size() * 16);
  Cell scratch;
  for (size_t r = 0; r < rows.rows(); ++r) {
    if (skip[r] || (!leave_out.empty() && leave_out[r])) continue;
    if (ids != nullptr) ids->push_back(rows.at(r, plan.id_index).s);
    for (size_t c = 0; c < plan.columns.size(); ++c) {
      if (c > 0) data += '\t';
      const Cell& stored = ToStorage(rows.at(r, c), plan.columns[c]->type, &scratch);
      const size_t mark = data.size();
      if (stored.is_null() || !CopyText(stored, plan.columns[c]->type, limits[c], &data)) {
        data.resize(mark);
        data += "\\N";
      }
    }
    data += '\n';
  }
  return data;
}

StatusOr<PgStore::Staged> PgStore::StageRows(const PagePlan& plan, const std::string& data) {
  // A staging table per connection and page shape (temporary, emptied at each commit).
  Staged staged;
  std::string shape;
  for (const ColumnSpec* c : plan.columns) {
    shape += fmt::format("{}{} {}", shape.empty() ? "" : ", ", QuoteIdentifier(c->name), PostgresColumnType(*c));
  }
  staged.list = ColumnList(plan);
  auto known = stages_.find(shape);
  if (known != stages_.end()) {
    staged.table = known->second;
  } else {
    staged.table = fmt::format("_sfsync_stage_{}", stages_.size() + 1);
    SFSYNC_RETURN_IF_ERROR(
        conn_.Exec(fmt::format("CREATE TEMP TABLE IF NOT EXISTS {} ({}) ON COMMIT DELETE ROWS", staged.table, shape)));
    staged.created_key = shape;
  }
  SFSYNC_RETURN_IF_ERROR(conn_.CopyIn(fmt::format("COPY {} ({}) FROM STDIN", staged.table, staged.list), data).status());
  return staged;
}

StatusOr<Store::RowComparison> PgStore::CompareRows(const TableSpec& spec, const RowBatch& rows) {
  SFSYNC_ASSIGN_OR_RETURN(PagePlan plan, PlanPage(spec, rows));
  SFSYNC_ASSIGN_OR_RETURN(bool exists, TableExists(spec.table));
  if (!exists) return NotFoundError(fmt::format("no table {}", spec.table));
  RowComparison out;
  if (rows.rows() == 0) return out;
  // The batch is staged exactly as ApplyPage would write it, compared in SQL (IS DISTINCT FROM, under
  // the columns' types), and the transaction rolled back: nothing is written.
  PgTransaction txn(&conn_);
  SFSYNC_RETURN_IF_ERROR(txn.status());
  SFSYNC_ASSIGN_OR_RETURN(Staged staged, StageRows(plan, CopyData(plan, rows, nullptr)));
  std::string select = "SELECT s.\"Id\", t.\"Id\" IS NULL";
  std::vector<std::string> compared;  // SQL names, in the batch's order
  for (const ColumnSpec* c : plan.columns) {
    if (c->name == "Id") continue;
    select += fmt::format(", s.{0} IS DISTINCT FROM t.{0}", QuoteIdentifier(c->name));
    compared.push_back(c->name);
  }
  SFSYNC_ASSIGN_OR_RETURN(PgResult r, conn_.Query(fmt::format("{} FROM {} s LEFT JOIN {} t ON t.\"Id\" = s.\"Id\"",
                                                              select, staged.table, Qualified(spec.table))));
  // Back in batch order (the first row of a repeated Id stands for it).
  std::unordered_map<std::string, size_t> position;
  for (size_t i = 0; i < rows.rows(); ++i) position.emplace(rows.at(i, plan.id_index).s, i);
  std::vector<std::pair<size_t, std::string>> missing;
  std::vector<std::pair<size_t, RowComparison::Differing>> differing;
  for (int i = 0; i < r.rows(); ++i) {
    const std::string id = r.text(i, 0);
    const size_t at = position[id];
    if (r.text(i, 1) == "t") {
      missing.emplace_back(at, id);
      continue;
    }
    RowComparison::Differing d{id, {}};
    for (size_t c = 0; c < compared.size(); ++c) {
      if (r.text(i, static_cast<int>(c) + 2) == "t") d.columns.push_back(compared[c]);
    }
    if (!d.columns.empty()) differing.emplace_back(at, std::move(d));
  }
  std::sort(missing.begin(), missing.end());
  std::sort(differing.begin(), differing.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  for (auto& [at, id] : missing) out.not_stored.push_back(std::move(id));
  for (auto& [at, d] : differing) out.differing.push_back(std::move(d));
  return out;  // txn rolls back
}

StatusOr<int64_t> PgStore::ApplyServerDeletes(const TableSpec& spec, const std::vector<ServerDelete>& deletes,
                                              const std::string& guard_source, bool mark_only,
                                              const SyncState& state) {
  if (!sticky_.ok()) return sticky_;
  SFSYNC_ASSIGN_OR_RETURN(DeleteColumns columns, FindDeleteColumns(spec, guard_source, mark_only));
  const ColumnSpec* is_deleted = columns.is_deleted;
  const ColumnSpec* guard = columns.guard;
  // One statement for the whole list: (id, deleted_at) pairs unnested side by side.
  std::string sql =
      mark_only ? fmt::format("UPDATE {0} t SET {1} = true FROM unnest($1::text[], $2::text[]) AS d(id, at) "
                              "WHERE t.\"Id\" = d.id AND {1} IS NOT TRUE",
                              Qualified(spec.table), QuoteIdentifier(is_deleted->name))
                : fmt::format("DELETE FROM {0} t USING unnest($1::text[], $2::text[]) AS d(id, at) WHERE t.\"Id\" = d.id",
                              Qualified(spec.table));
  // The guard column is typed (timestamptz for a datetime): deleted_at is cast to its type.
  if (guard != nullptr) {
    sql += fmt::format(" AND (t.{0} IS NULL OR t.{0} <= d.at::{1})", QuoteIdentifier(guard->name),
                       PostgresTypeName(guard->type));
  }
  std::vector<std::string> ids, ats;
  for (const ServerDelete& d : deletes) {
    ids.push_back(d.id);
    ats.push_back(d.deleted_at.empty() ? "1970-01-01T00:00:00.000Z" : d.deleted_at);
  }
  int64_t touched = 0;
  Status s = Remember([&]() -> Status {
    PgTransaction txn(&conn_);
    SFSYNC_RETURN_IF_ERROR(txn.status());
    SFSYNC_RETURN_IF_ERROR(BeginEngineWrite(spec.table));
    SFSYNC_RETURN_IF_ERROR(CheckWatermarkForward(spec.table, state));
    // Rows with a local change stay (an edited one is flagged: the push reports the conflict).
    SFSYNC_ASSIGN_OR_RETURN(auto held, outbox::HoldDeletes(session_, spec.table, ids));
    if (!held.empty()) {
      std::vector<std::string> kept_ids, kept_ats;
      for (size_t i = 0; i < ids.size(); ++i) {
        if (held.count(ids[i]) != 0) continue;
        kept_ids.push_back(ids[i]);
        kept_ats.push_back(ats[i]);
      }
      ids.swap(kept_ids);
      ats.swap(kept_ats);
    }
    if (!ids.empty()) {
      SFSYNC_ASSIGN_OR_RETURN(PgResult r, conn_.Query(sql, {TextArray(ids), TextArray(ats)}));
      touched = r.affected();
    }
    SFSYNC_RETURN_IF_ERROR(WriteState(spec.table, state));
    return txn.Commit();
  }());
  if (!s.ok()) return s;
  return touched;
}

StatusOr<int64_t> PgStore::PurgeFlaggedRows(const TableSpec& spec, const std::string& flag_source,
                                           const SyncState& state) {
  if (!sticky_.ok()) return sticky_;
  SFSYNC_ASSIGN_OR_RETURN(const ColumnSpec* flag, FindFlagColumn(spec, flag_source));
  int64_t deleted = 0;
  Status s = Remember([&]() -> Status {
    PgTransaction txn(&conn_);
    SFSYNC_RETURN_IF_ERROR(txn.status());
    SFSYNC_RETURN_IF_ERROR(BeginEngineWrite(spec.table));
    SFSYNC_RETURN_IF_ERROR(CheckWatermarkForward(spec.table, state));
    SFSYNC_ASSIGN_OR_RETURN(PgResult r, conn_.Query(fmt::format("DELETE FROM {} WHERE {} IS TRUE",
                                                                Qualified(spec.table), QuoteIdentifier(flag->name))));
    deleted = r.affected();
    SFSYNC_RETURN_IF_ERROR(WriteState(spec.table, state));
    return txn.Commit();
  }());
  if (!s.ok()) return s;
  return deleted;
}

Status PgStore::SaveDescribe(const std::string& table, const std::string& object, const CachedDescribe& describe) {
  if (!sticky_.ok()) return sticky_;
  return Remember(conn_
                      .Query("INSERT INTO _sfsync_describes (table_name, object, last_modified_millis, body, fetched_at) "
                             "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (table_name, object) DO UPDATE SET "
                             "last_modified_millis = EXCLUDED.last_modified_millis, body = EXCLUDED.body, "
                             "fetched_at = EXCLUDED.fetched_at",
                             {table, object, std::to_string(describe.last_modified_millis), describe.body, Now()})
                      .status());
}

StatusOr<CachedDescribe> PgStore::LoadDescribe(const std::string& table, const std::string& object) {
  SFSYNC_ASSIGN_OR_RETURN(PgResult r, conn_.Query("SELECT last_modified_millis, body FROM _sfsync_describes "
                                                  "WHERE table_name = $1 AND object = $2",
                                                  {table, object}));
  if (r.rows() == 0) return NotFoundError(fmt::format("no cached describe of {} for table {}", object, table));
  return CachedDescribe{r.int64(0, 0), r.text(0, 1)};
}

StatusOr<bool> PgStore::TableExists(const std::string& table) {
  SFSYNC_ASSIGN_OR_RETURN(PgResult r, conn_.Query("SELECT 1 FROM information_schema.tables WHERE table_schema = $1 "
                                                  "AND table_name = $2",
                                                  {schema_, table}));
  return r.rows() > 0;
}

StatusOr<std::string> PgStore::ColumnTypeOf(const std::string& table, const std::string& column) {
  SFSYNC_ASSIGN_OR_RETURN(PgResult r, conn_.Query("SELECT data_type FROM information_schema.columns WHERE "
                                                  "table_schema = $1 AND table_name = $2 AND column_name = $3",
                                                  {schema_, table, column}));
  if (r.rows() == 0) return NotFoundError(fmt::format("table {} has no column {}", table, column));
  return r.text(0, 0);
}

StatusOr<std::vector<std::string>> PgStore::ListIds(const std::string& table, const std::string& column,
                                                    const std::string& lo, const std::string& hi,
                                                    const std::string& exclude_flag) {
  SFSYNC_ASSIGN_OR_RETURN(bool exists, TableExists(table));
  if (!exists) return NotFoundError(fmt::format("no table {}", table));
  std::string sql = fmt::format("SELECT \"Id\" FROM {} WHERE true", Qualified(table));
  std::vector<Param> params;
  if (!column.empty()) {
    SFSYNC_ASSIGN_OR_RETURN(std::string type, ColumnTypeOf(table, column));
    // Bounds are storage-form prefixes ("2024-05" for a month, as audits pass them), which compare
    // as text in SQLite; a timestamptz or date column needs whole values: the prefix's first instant.
    auto bound = [&](const std::string& v) -> std::string {
      if (type == "date") return v.size() == 7 ? v + "-01" : v;
      if (type != "timestamp with time zone") return v;
      if (v.size() == 7) return v + "-01T00:00:00.000Z";
      if (v.size() == 10) return v + "T00:00:00.000Z";
      return v;
    };
    if (!lo.empty()) {
      params.push_back(bound(lo));
      sql += fmt::format(" AND {} >= ${}::{}", QuoteIdentifier(column), params.size(), type);
    }
    if (!hi.empty()) {
      params.push_back(bound(hi));
      sql += fmt::format(" AND {} < ${}::{}", QuoteIdentifier(column), params.size(), type);
    }
  }
  if (!exclude_flag.empty()) {
    SFSYNC_RETURN_IF_ERROR(ColumnTypeOf(table, exclude_flag).status());
    sql += fmt::format(" AND {} IS NOT TRUE", QuoteIdentifier(exclude_flag));
  }
  sql += " ORDER BY \"Id\" COLLATE \"C\"";
  SFSYNC_ASSIGN_OR_RETURN(PgResult r, conn_.Query(sql, params));
  std::vector<std::string> ids;
  ids.reserve(static_cast<size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) ids.push_back(r.text(i, 0));
  return ids;
}

StatusOr<int64_t> PgStore::CountRows(const std::string& table) {
  SFSYNC_ASSIGN_OR_RETURN(bool exists, TableExists(table));
  if (!exists) return NotFoundError(fmt::format("no table {}", table));
  SFSYNC_ASSIGN_OR_RETURN(PgResult r, conn_.Query(fmt::format("SELECT count(*) FROM {}", Qualified(table))));
  return r.int64(0, 0);
}

namespace {
// The storage-form text of a column for month keys: a timestamptz as yyyy-MM-ddTHH:mm:ss.SSSZ.
std::string StorageText(const std::string& column, const std::string& type) {
  if (type == "timestamp with time zone") {
    return fmt::format("to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')", QuoteIdentifier(column));
  }
  return QuoteIdentifier(column) + "::text";
}
}  // namespace

StatusOr<std::vector<std::pair<std::string, int64_t>>> PgStore::CountByMonth(const std::string& table,
                                                                             const std::string& column,
                                                                             const std::string& exclude_flag) {
  SFSYNC_ASSIGN_OR_RETURN(bool exists, TableExists(table));
  if (!exists) return NotFoundError(fmt::format("no table {}", table));
  SFSYNC_ASSIGN_OR_RETURN(std::string type, ColumnTypeOf(table, column));
  std::string where;
  if (!exclude_flag.empty()) {
    SFSYNC_RETURN_IF_ERROR(ColumnTypeOf(table, exclude_flag).status());
    where = fmt::format(" WHERE {} IS NOT TRUE", QuoteIdentifier(exclude_flag));
  }
  SFSYNC_ASSIGN_OR_RETURN(PgResult r, conn_.Query(fmt::format(
                                          "SELECT coalesce(left({}, 7), '') AS k, count(*) FROM {}{} GROUP BY k ORDER BY k",
                                          StorageText(column, type), Qualified(table), where)));
  std::vector<std::pair<std::string, int64_t>> out;
  for (int i = 0; i < r.rows(); ++i) out.emplace_back(r.text(i, 0), r.int64(i, 1));
  return out;
}

StatusOr<std::vector<std::string>> PgStore::ListIdsWithoutMonth(const std::string& table, const std::string& column,
                                                                const std::string& exclude_flag) {
  using MonthCounts = std::vector<std::pair<std::string, int64_t>>;
  SFSYNC_ASSIGN_OR_RETURN(MonthCounts months, CountByMonth(table, column, exclude_flag));
  std::vector<std::string> keys;
  for (const auto& [key, n] : months) {
    if (!IsMonthKey(key)) keys.push_back(key);
  }
  if (keys.empty()) return std::vector<std::string>{};
  SFSYNC_ASSIGN_OR_RETURN(std::string type, ColumnTypeOf(table, column));
  std::string sql = fmt::format("SELECT \"Id\" FROM {} WHERE coalesce(left({}, 7), '') = ANY($1::text[])",
                                Qualified(table), StorageText(column, type));
  if (!exclude_flag.empty()) sql += fmt::format(" AND {} IS NOT TRUE", QuoteIdentifier(exclude_flag));
  sql += " ORDER BY \"Id\" COLLATE \"C\"";
  SFSYNC_ASSIGN_OR_RETURN(PgResult r, conn_.Query(sql, {TextArray(keys)}));
  std::vector<std::string> ids;
  for (int i = 0; i < r.rows(); ++i) ids.push_back(r.text(i, 0));
  return ids;
}

}  // namespace pg

const char* PostgresTypeName(ColumnType type) {
  switch (type) {
    case ColumnType::kText: return "text";
    case ColumnType::kInteger: return "bigint";
    case ColumnType::kReal: return "double precision";
    case ColumnType::kBoolean: return "boolean";
    case ColumnType::kDate: return "date";
    case ColumnType::kDateTime: return "timestamptz";
    case ColumnType::kTime: return "time";
  }
  return "text";
}

std::string PostgresColumnType(const ColumnSpec& column) {
  const std::string sf_type = AsciiLower(column.sf_type);
  if (column.type == ColumnType::kReal && (sf_type == "currency" || sf_type == "percent") && column.precision > 0 &&
      column.precision <= 1000 && column.scale >= 0 && column.scale <= column.precision) {
    return fmt::format("numeric({},{})", column.precision, column.scale);
  }
  return PostgresTypeName(column.type);
}

double PostgresRealLimit(const ColumnSpec& column) {
  const std::string type = PostgresColumnType(column);
  if (type.rfind("numeric(", 0) != 0) return std::numeric_limits<double>::infinity();
  // Below 10^(p-s) once rounded to s decimals; a double's own error is far below half a unit of the
  // last place at the magnitudes where this matters.
  return std::pow(10.0, column.precision - column.scale) - 0.5 * std::pow(10.0, -column.scale) -
         std::pow(10.0, column.precision - column.scale) * 1e-15;
}

StatusOr<std::unique_ptr<Store>> OpenPostgresStore(const PostgresStoreOptions& options) {
  if (options.schema.empty()) return InvalidArgumentError("store.schema is empty");
  SFSYNC_ASSIGN_OR_RETURN(pg::PgConn conn,
                          pg::PgConn::Connect(options.url, options.password, options.connect_timeout_seconds));
  const std::string schema = QuoteIdentifier(options.schema);
  {
    pg::PgTransaction txn(&conn);
    SFSYNC_RETURN_IF_ERROR(txn.status());
    // Several processes may set up one new database at once: they take turns.
    SFSYNC_RETURN_IF_ERROR(conn.Query("SELECT pg_advisory_xact_lock(hashtext('sfsync setup'))").status());
    SFSYNC_ASSIGN_OR_RETURN(pg::PgResult tables,
                            conn.Query("SELECT count(*) FILTER (WHERE table_name = '_sfsync_meta'), count(*), "
                                       "coalesce(string_agg(table_name, ', ' ORDER BY table_name), '') "
                                       "FROM information_schema.tables WHERE table_schema = $1",
                                       {options.schema}));
    if (tables.int64(0, 0) == 0 && tables.int64(0, 1) > 0) {
      std::string names = tables.text(0, 2);
      if (names.size() > 200) names = names.substr(0, 200) + "...";
      return RefusedError(fmt::format(
          "schema {} holds tables sfsync did not create ({} tables: {}); nothing was written to it. Point "
          "store.schema at a new schema (sfsync keeps its own tables and _sfsync_* metadata there)",
          schema, tables.int64(0, 1), names));
    }
    if (tables.int64(0, 0) == 0 && !options.create) {
      return NotFoundError(fmt::format("PostgreSQL schema {} holds no sfsync tables yet", schema));
    }
    SFSYNC_RETURN_IF_ERROR(conn.Exec(fmt::format("CREATE SCHEMA IF NOT EXISTS {}", schema)));
    SFSYNC_RETURN_IF_ERROR(conn.Exec(fmt::format("SET LOCAL search_path TO {}", schema)));
    SFSYNC_RETURN_IF_ERROR(conn.Exec(pg::kMetadata));
    SFSYNC_ASSIGN_OR_RETURN(pg::PgResult version,
                            conn.Query("SELECT value FROM _sfsync_meta WHERE key = 'schema_version'"));
    if (version.rows() == 0) {
      SFSYNC_RETURN_IF_ERROR(conn.Query("INSERT INTO _sfsync_meta (key, value) VALUES ('schema_version', $1)",
                                        {std::string(pg::kSchemaVersion)})
                                 .status());
    } else if (version.text(0, 0) != pg::kSchemaVersion) {
      return RefusedError(fmt::format("schema {} was written by another sfsync version (schema version {}, this "
                                      "one reads {})",
                                      schema, version.text(0, 0), pg::kSchemaVersion));
    }
    SFSYNC_RETURN_IF_ERROR(txn.Commit());
  }
  if (!options.run_lock.empty()) {
    SFSYNC_ASSIGN_OR_RETURN(pg::PgResult locked, conn.Query("SELECT pg_try_advisory_lock(hashtext($1))",
                                                            {"sfsync run " + options.schema + " " + options.run_lock}));
    if (locked.text(0, 0) != "t") {
      return Status(StatusCode::kFailedPrecondition,
                    fmt::format("another sfsync run of {} holds its lock in PostgreSQL schema {}", options.run_lock,
                                schema),
                    "run.locked");
    }
  }
  // Every later statement names the metadata tables unqualified.
  SFSYNC_RETURN_IF_ERROR(conn.Exec(fmt::format("SET search_path TO {}", schema)));
  Clock* clock = options.clock != nullptr ? options.clock : SystemClock();
  return std::unique_ptr<Store>(new pg::PgStore(std::move(conn), options.schema, clock));
}

}  // namespace sfsync::store
