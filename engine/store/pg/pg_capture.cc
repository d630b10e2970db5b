// PgStore, push-back (engine/store/README.md, "Push-back"): the capture triggers, in PL/pgSQL, and
// the outbox calls, each outbox.h's logic (shared with the SQLite store) on this connection.
//
// The triggers do what SQLite's do (capture.h), in one function per table run by two row triggers:
//   BEFORE INSERT OR UPDATE  refuses an edit Salesforce would not take (a column that cannot be
//                            updated, a value in a column that cannot be set on create, the Id), and
//                            gives a row inserted with a NULL Id a local one ("local-" + 24 hex);
//   AFTER INSERT OR UPDATE OR DELETE  appends to _sfsync_capture: one row per changed pushable
//                            column (its old value, the base), per insert, per delete (the whole
//                            row as jsonb, to restore it if Salesforce refuses the delete).
// Values are appended in the storage form (pg_session.h), so bases compare with what the pull and
// the pusher see. The engine's own transactions set sfsync.applying to '1' (PgTransaction), which
// the function checks first: its writes are never captured, every other session's are.
#include <fmt/format.h>

#include <cstdint>
#include <unordered_map>

#include "engine/core/ascii.h"
#include "engine/store/capture.h"
#include "engine/store/outbox.h"
#include "engine/store/pg/pg_store_internal.h"

namespace sfsync::store::pg {
namespace {

// The trigger function's name: one per table, within PostgreSQL's 63 bytes for any table name.
std::string FunctionName(const std::string& table) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a
  for (unsigned char c : table) h = (h ^ c) * 1099511628211ull;
  return fmt::format("_sfsync_cap_{:016x}", h);
}

std::string RowJson(const std::vector<std::pair<std::string, std::string>>& columns) {
  std::string out;
  // jsonb_build_object takes at most 100 arguments: 50 columns per call, merged with ||.
  for (size_t start = 0; start < columns.size(); start += 50) {
    std::string group = "jsonb_build_object(";
    for (size_t i = start; i < columns.size() && i < start + 50; ++i) {
      group += fmt::format("{}{}, {}", i == start ? "" : ", ", QuoteLiteral(columns[i].first),
                           StorageExpr(columns[i].second, "OLD." + QuoteIdentifier(columns[i].first)));
    }
    group += ")";
    out = out.empty() ? group : out + " || " + group;
  }
  return out.empty() ? "'{}'::jsonb" : out;
}

std::string Raise(const std::string& message) {
  return fmt::format("RAISE EXCEPTION USING MESSAGE = {}, ERRCODE = 'check_violation';", QuoteLiteral(message));
}

// The function and triggers of `spec` over a table with these columns (name, type), in order.
std::vector<std::string> PgCaptureSql(const std::string& schema, const CaptureSpec& spec,
                                      const std::vector<std::pair<std::string, std::string>>& columns) {
  const std::string table = QuoteIdentifier(schema) + "." + QuoteIdentifier(spec.table);
  const std::string function = QuoteIdentifier(schema) + "." + QuoteIdentifier(FunctionName(spec.table));
  const std::string capture = QuoteIdentifier(schema) + "._sfsync_capture";
  const std::string table_lit = QuoteLiteral(spec.table);
  std::unordered_map<std::string, const CaptureSpec::Column*> by_name;
  for (const CaptureSpec::Column& c : spec.columns) by_name[AsciiLower(c.name)] = &c;
  std::string stamp = "NULL";
  std::string before_update, before_insert, after_update;
  for (const auto& [name, type] : columns) {
    const std::string col = QuoteIdentifier(name);
    if (!spec.stamp_column.empty() && EqualsIgnoringAsciiCase(name, spec.stamp_column)) {
      stamp = StorageExpr(type, "OLD." + col);
    }
    auto it = by_name.find(AsciiLower(name));
    const CaptureSpec::Column* c = it == by_name.end() ? nullptr : it->second;
    const bool is_id = AsciiLower(name) == "id";
    const std::string why = is_id          ? "the Id is Salesforce's; insert a new row instead"
                            : c == nullptr ? "it is not a synced field of the object any more"
                                           : c->why_not;
    if (c != nullptr && c->updateable && !is_id) {
      after_update += fmt::format(
          "    IF NEW.{0} IS DISTINCT FROM OLD.{0} THEN INSERT INTO {1} (table_name, \"Id\", op, column_name, base) "
          "VALUES ({2}, NEW.\"Id\", 'update', {3}, ({4})::text); END IF;\n",
          col, capture, table_lit, QuoteLiteral(name), StorageExpr(type, "OLD." + col));
    } else {
      before_update +=
          fmt::format("    IF NEW.{} IS DISTINCT FROM OLD.{} THEN {} END IF;\n", col, col,
                      Raise(fmt::format("sfsync: column {} of table {} cannot be pushed to Salesforce ({})", name,
                                        spec.table, why)));
    }
    if (!is_id && (c == nullptr || !c->createable)) {
      before_insert +=
          fmt::format("    IF NEW.{} IS NOT NULL THEN {} END IF;\n", col,
                      Raise(fmt::format("sfsync: column {} of table {} cannot be set on a new row ({}); leave it NULL",
                                        name, spec.table, why)));
    }
  }
  std::vector<std::string> sql;
  sql.push_back(fmt::format(R"(CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $sfsync$
BEGIN
  IF coalesce(current_setting('sfsync.applying', true), '') = '1' THEN
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  END IF;
  IF TG_WHEN = 'BEFORE' THEN
    IF TG_OP = 'UPDATE' THEN
{before_update}    ELSE
{before_insert}      IF NEW."Id" IS NULL THEN
        NEW."Id" := 'local-' || substr(replace(gen_random_uuid()::text, '-', ''), 1, 24);
      END IF;
    END IF;
    RETURN NEW;
  END IF;
  IF TG_OP = 'UPDATE' THEN
{after_update}  ELSIF TG_OP = 'INSERT' THEN
    INSERT INTO {capture} (table_name, "Id", op) VALUES ({table_lit}, NEW."Id", 'insert');
  ELSE
    INSERT INTO {capture} (table_name, "Id", op, base_stamp, row_before)
      VALUES ({table_lit}, OLD."Id", 'delete', ({stamp})::text, {row});
  END IF;
  RETURN NULL;
END
$sfsync$)",
                            fmt::arg("function", function), fmt::arg("before_update", before_update),
                            fmt::arg("before_insert", before_insert), fmt::arg("after_update", after_update),
                            fmt::arg("capture", capture), fmt::arg("table_lit", table_lit), fmt::arg("stamp", stamp),
                            fmt::arg("row", RowJson(columns))));
  sql.push_back(
      fmt::format("CREATE TRIGGER _sfsync_capture_before BEFORE INSERT OR UPDATE ON {} FOR EACH ROW "
                  "EXECUTE FUNCTION {}()",
                  table, function));
  sql.push_back(
      fmt::format("CREATE TRIGGER _sfsync_capture_after AFTER INSERT OR UPDATE OR DELETE ON {} FOR EACH ROW "
                  "EXECUTE FUNCTION {}()",
                  table, function));
  return sql;
}

}  // namespace

Status PgStore::EnsureCapture(const CaptureSpec& spec) {
  if (!sticky_.ok()) return sticky_;
  session_.Forget();
  SFSYNC_ASSIGN_OR_RETURN(bool exists, TableExists(spec.table));
  if (!exists) return NotFoundError(fmt::format("no table {} to capture edits of", spec.table));
  SFSYNC_ASSIGN_OR_RETURN(auto columns, session_.ColumnTypes(spec.table));
  const std::vector<std::string> sql = PgCaptureSql(schema_, spec, columns);
  return Remember([&]() -> Status {
    PgTransaction txn(&conn_);
    SFSYNC_RETURN_IF_ERROR(txn.status());
    SFSYNC_RETURN_IF_ERROR(LockTable(spec.table));
    SFSYNC_RETURN_IF_ERROR(conn_.Exec(fmt::format("DROP FUNCTION IF EXISTS {}.{}() CASCADE", QuoteIdentifier(schema_),
                                                  QuoteIdentifier(FunctionName(spec.table)))));
    for (const std::string& create : sql) SFSYNC_RETURN_IF_ERROR(conn_.Exec(create));
    SFSYNC_RETURN_IF_ERROR(conn_
                               .Query("INSERT INTO _sfsync_capture_tables (table_name, stamp_column) VALUES ($1, $2) "
                                      "ON CONFLICT (table_name) DO UPDATE SET stamp_column = EXCLUDED.stamp_column",
                                      {spec.table, spec.stamp_column})
                               .status());
    return txn.Commit();
  }());
}

Status PgStore::EnsureHistory(const HistorySpec& spec, bool enabled) {
  if (!enabled) return Status::Ok();
  return RefusedError(fmt::format("table {}: history: true is not supported on a PostgreSQL store yet", spec.table));
}

Status PgStore::DropCapture(const std::string& table) {
  if (!sticky_.ok()) return sticky_;
  return Remember([&]() -> Status {
    PgTransaction txn(&conn_);
    SFSYNC_RETURN_IF_ERROR(txn.status());
    // The triggers depend on the function and go with it.
    SFSYNC_RETURN_IF_ERROR(conn_.Exec(fmt::format("DROP FUNCTION IF EXISTS {}.{}() CASCADE", QuoteIdentifier(schema_),
                                                  QuoteIdentifier(FunctionName(table)))));
    SFSYNC_RETURN_IF_ERROR(conn_.Query("DELETE FROM _sfsync_capture_tables WHERE table_name = $1", {table}).status());
    return txn.Commit();
  }());
}

Status PgStore::Fold() {
  if (!sticky_.ok()) return sticky_;
  session_.Forget();
  return Remember([&]() -> Status {
    PgTransaction txn(&conn_);
    SFSYNC_RETURN_IF_ERROR(txn.status());
    SFSYNC_RETURN_IF_ERROR(outbox::Fold(session_));
    return txn.Commit();
  }());
}

StatusOr<std::vector<Change>> PgStore::ListChanges(const std::string& table, const std::vector<std::string>& states,
                                                   const std::vector<std::string>& insert_columns) {
  SFSYNC_RETURN_IF_ERROR(Fold());
  return outbox::ListChanges(session_, table, states, insert_columns);
}

Status PgStore::MarkSent(const std::string& table, const std::vector<SentChange>& sent, int64_t run_id) {
  if (!sticky_.ok()) return sticky_;
  return Remember([&]() -> Status {
    PgTransaction txn(&conn_);
    SFSYNC_RETURN_IF_ERROR(txn.status());
    SFSYNC_RETURN_IF_ERROR(BeginEngineWrite(table));
    SFSYNC_RETURN_IF_ERROR(outbox::MarkSent(session_, table, sent, run_id));
    return txn.Commit();
  }());
}

Status PgStore::RecordOutcomes(const TableSpec& spec, const std::vector<ChangeOutcome>& outcomes,
                               const std::vector<std::pair<std::string, std::string>>& lookups,
                               const RowBatch& restore) {
  if (!sticky_.ok()) return sticky_;
  session_.Forget();
  Staged staged;
  Status s = Remember([&]() -> Status {
    PgTransaction txn(&conn_);
    SFSYNC_RETURN_IF_ERROR(txn.status());
    SFSYNC_RETURN_IF_ERROR(BeginEngineWrite(spec.table));
    SFSYNC_RETURN_IF_ERROR(outbox::RecordOutcomes(session_, spec.table, outcomes, lookups));
    if (restore.rows() > 0) {
      // The server's values of restored rows, over what row_before held.
      SFSYNC_ASSIGN_OR_RETURN(PagePlan plan, PlanPage(spec, restore));
      SFSYNC_RETURN_IF_ERROR(UpsertStaged(spec.table, plan, CopyData(plan, restore, nullptr), &staged));
    }
    return txn.Commit();
  }());
  if (s.ok() && !staged.created_key.empty()) stages_.emplace(staged.created_key, staged.table);
  return s;
}

StatusOr<std::vector<Conflict>> PgStore::ListConflicts(const std::string& table) {
  session_.Forget();
  return outbox::ListConflicts(session_, table);
}

Status PgStore::ResolveConflict(int64_t conflict_id, const std::string& take, const Cell& value) {
  if (!sticky_.ok()) return sticky_;
  session_.Forget();
  return Remember([&]() -> Status {
    PgTransaction txn(&conn_);
    SFSYNC_RETURN_IF_ERROR(txn.status());
    SFSYNC_RETURN_IF_ERROR(outbox::Fold(session_));
    SFSYNC_RETURN_IF_ERROR(outbox::ResolveConflict(session_, conflict_id, take, value));
    return txn.Commit();
  }());
}

StatusOr<int64_t> PgStore::RequeueFailed(const std::string& table) {
  if (!sticky_.ok()) return sticky_;
  int64_t count = 0;
  Status s = Remember([&]() -> Status {
    PgTransaction txn(&conn_);
    SFSYNC_RETURN_IF_ERROR(txn.status());
    SFSYNC_RETURN_IF_ERROR(outbox::Fold(session_));
    SFSYNC_ASSIGN_OR_RETURN(count, outbox::RequeueFailed(session_, table));
    return txn.Commit();
  }());
  if (!s.ok()) return s;
  return count;
}

StatusOr<std::vector<std::tuple<std::string, std::string, int64_t>>> PgStore::CountChanges() {
  SFSYNC_RETURN_IF_ERROR(Fold());
  return outbox::CountChanges(session_);
}

}  // namespace sfsync::store::pg
