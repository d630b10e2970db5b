// PgStore::EnsureTable: the SQLite store's schema evolution (schema_evolution.cc has the rules),
// in PostgreSQL DDL, which is transactional: the table, the catalog and the history change together
// or not at all, and PreviewTable is the same work rolled back.
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "engine/core/ascii.h"
#include "engine/store/pg/pg_store_internal.h"

namespace sfsync::store::pg {
namespace {

struct CatalogColumn {
  std::string name, source, declared_type, value_type, sf_type;
  bool removed = false;
  std::string removed_at;
};

class Evolution {
 public:
  Evolution(PgStore* store, const TableSpec& spec) : store_(store), conn_(store->conn()), spec_(spec), now_(store->Now()) {}

  StatusOr<std::vector<SchemaChange>> Run() {
    SFSYNC_RETURN_IF_ERROR(LoadCatalog());
    SFSYNC_RETURN_IF_ERROR(LoadPhysicalColumns());
    if (physical_.empty()) {
      SFSYNC_RETURN_IF_ERROR(CreateTable());
    } else {
      SFSYNC_RETURN_IF_ERROR(CheckCatalogMatchesTable());
      for (const ColumnSpec& column : spec_.columns) SFSYNC_RETURN_IF_ERROR(EvolveColumn(column));
      SFSYNC_RETURN_IF_ERROR(MarkRemovedColumns());
    }
    return std::move(changes_);
  }

 private:
  std::string Table() const { return store_->Qualified(spec_.table); }

  Status LoadCatalog() {
    SFSYNC_ASSIGN_OR_RETURN(PgResult r, conn_->Query("SELECT column_name, source, declared_type, value_type, sf_type, "
                                                     "status, coalesce(removed_at, '') FROM _sfsync_columns "
                                                     "WHERE table_name = $1 ORDER BY seq",
                                                     {spec_.table}));
    for (int i = 0; i < r.rows(); ++i) {
      catalog_.push_back({r.text(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3), r.text(i, 4),
                          r.text(i, 5) == "removed", r.text(i, 6)});
      taken_.insert(AsciiLower(r.text(i, 0)));
    }
    for (const CatalogColumn& c : catalog_) by_name_.emplace(AsciiLower(c.name), &c);
    return Status::Ok();
  }

  Status LoadPhysicalColumns() {
    SFSYNC_ASSIGN_OR_RETURN(PgResult r, conn_->Query("SELECT column_name FROM information_schema.columns WHERE "
                                                     "table_schema = $1 AND table_name = $2",
                                                     {store_->schema(), spec_.table}));
    for (int i = 0; i < r.rows(); ++i) {
      physical_.insert(AsciiLower(r.text(i, 0)));
      taken_.insert(AsciiLower(r.text(i, 0)));
    }
    return Status::Ok();
  }

  Status CreateTable() {
    if (!catalog_.empty()) {
      return RefusedError(fmt::format(
          "table {} is in the column catalog but missing from the database (dropped outside sfsync); delete its "
          "_sfsync_columns and _sfsync_state rows to load it again",
          QuoteIdentifier(spec_.table)));
    }
    std::string defs;
    for (const ColumnSpec& c : spec_.columns) {
      if (!defs.empty()) defs += ", ";
      defs += c.name == "Id" ? "\"Id\" text NOT NULL PRIMARY KEY"
                             : QuoteIdentifier(c.name) + " " + PostgresColumnType(c);
    }
    SFSYNC_RETURN_IF_ERROR(conn_->Exec(fmt::format("CREATE TABLE {} ({})", Table(), defs)));
    for (const ColumnSpec& c : spec_.columns) SFSYNC_RETURN_IF_ERROR(InsertCatalog(c));
    return Record({SchemaChange::Kind::kCreateTable, "", fmt::format("{} columns", spec_.columns.size())});
  }

  Status CheckCatalogMatchesTable() {
    if (catalog_.empty()) {
      return RefusedError(
          fmt::format("table {} exists but was not created by sfsync (it has no catalog rows); rename it or map "
                      "object {} to another table",
                      QuoteIdentifier(spec_.table), spec_.object));
    }
    for (const CatalogColumn& c : catalog_) {
      if (!physical_.contains(AsciiLower(c.name))) {
        return RefusedError(
            fmt::format("column {} of table {} is in the catalog but missing from the table (altered outside sfsync)",
                        QuoteIdentifier(c.name), QuoteIdentifier(spec_.table)));
      }
    }
    return Status::Ok();
  }

  Status EvolveColumn(const ColumnSpec& column) {
    in_spec_.insert(AsciiLower(column.name));
    auto it = by_name_.find(AsciiLower(column.name));
    const CatalogColumn* old = it == by_name_.end() ? nullptr : it->second;
    if (old == nullptr) {
      SFSYNC_RETURN_IF_ERROR(AddColumn(column));
      return Record({SchemaChange::Kind::kAddColumn, column.name,
                     fmt::format("{} from {} ({})", PostgresColumnType(column), column.source, column.sf_type)});
    }
    if (old->value_type != ValueTypeKey(column.type)) return Retype(*old, column);
    if (const std::string declared = PostgresColumnType(column); old->declared_type != declared) {
      const std::string wider = WiderNumeric(old->declared_type, declared);
      if (wider.empty()) return Retype(*old, column);
      if (wider != old->declared_type) SFSYNC_RETURN_IF_ERROR(Widen(*old, wider));
    }
    if (old->removed) {
      SFSYNC_RETURN_IF_ERROR(UpdateCatalog(column, "active"));
      return Record({SchemaChange::Kind::kRestoreColumn, column.name,
                     fmt::format("values from before its removal at {} kept", old->removed_at)});
    }
    if (old->source != column.source || old->sf_type != column.sf_type) {
      SFSYNC_RETURN_IF_ERROR(UpdateCatalog(column, "active"));
      return RecordHistory(
          "update_column", column.name,
          fmt::format("source {} -> {}; sf_type {} -> {}", old->source, column.source, old->sf_type, column.sf_type));
    }
    return Status::Ok();
  }

  Status Retype(const CatalogColumn& old, const ColumnSpec& column) {
    std::string versioned;
    for (int n = 1; versioned.empty() || taken_.contains(AsciiLower(versioned)); ++n) {
      versioned = fmt::format("{}__v{}", old.name, n);
    }
    taken_.insert(AsciiLower(versioned));
    SFSYNC_RETURN_IF_ERROR(conn_->Exec(fmt::format("ALTER TABLE {} RENAME COLUMN {} TO {}", Table(),
                                                   QuoteIdentifier(old.name), QuoteIdentifier(versioned))));
    SFSYNC_RETURN_IF_ERROR(conn_->Query("UPDATE _sfsync_columns SET column_name = $3, status = 'removed', "
                                        "removed_at = coalesce(removed_at, $4) WHERE table_name = $1 AND "
                                        "column_name = $2",
                                        {spec_.table, old.name, versioned, now_})
                               .status());
    physical_.erase(AsciiLower(old.name));
    SFSYNC_RETURN_IF_ERROR(AddColumn(column));
    const std::string declared = PostgresColumnType(column);
    const std::string from = old.declared_type != declared ? old.declared_type : old.value_type;
    const std::string to = old.declared_type != declared ? declared : ValueTypeKey(column.type);
    return Record({SchemaChange::Kind::kRetypeColumn, column.name,
                   fmt::format("{} -> {}; old values kept in {}", from, to, versioned)});
  }

  // numeric(p1,s1) and numeric(p2,s2): the narrowest numeric holding both; empty when either is not
  // a numeric(p,s) (a change between double precision and numeric goes through Retype).
  static std::string WiderNumeric(const std::string& old_type, const std::string& new_type) {
    int p1 = 0, s1 = 0, p2 = 0, s2 = 0;
    char end1 = 0, end2 = 0;
    if (std::sscanf(old_type.c_str(), "numeric(%d,%d%c", &p1, &s1, &end1) != 3 || end1 != ')' ||
        std::sscanf(new_type.c_str(), "numeric(%d,%d%c", &p2, &s2, &end2) != 3 || end2 != ')') {
      return {};
    }
    const int scale = std::max(s1, s2);
    const int precision = std::max(p1 - s1, p2 - s2) + scale;
    if (precision > 1000) return {};
    return fmt::format("numeric({},{})", precision, scale);
  }

  Status Widen(const CatalogColumn& old, const std::string& wider) {
    SFSYNC_RETURN_IF_ERROR(conn_->Exec(
        fmt::format("ALTER TABLE {} ALTER COLUMN {} TYPE {}", Table(), QuoteIdentifier(old.name), wider)));
    SFSYNC_RETURN_IF_ERROR(conn_->Query("UPDATE _sfsync_columns SET declared_type = $3 WHERE table_name = $1 AND "
                                        "column_name = $2",
                                        {spec_.table, old.name, wider})
                               .status());
    return Record({SchemaChange::Kind::kWidenColumn, old.name,
                   fmt::format("{} -> {}; values kept in place", old.declared_type, wider)});
  }

  Status AddColumn(const ColumnSpec& column) {
    if (physical_.contains(AsciiLower(column.name))) {
      return RefusedError(fmt::format("table {} has a column {} that sfsync did not create",
                                      QuoteIdentifier(spec_.table), QuoteIdentifier(column.name)));
    }
    SFSYNC_RETURN_IF_ERROR(conn_->Exec(
        fmt::format("ALTER TABLE {} ADD COLUMN {} {}", Table(), QuoteIdentifier(column.name), PostgresColumnType(column))));
    physical_.insert(AsciiLower(column.name));
    return InsertCatalog(column);
  }

  Status MarkRemovedColumns() {
    for (const CatalogColumn& c : catalog_) {
      if (c.removed || in_spec_.contains(AsciiLower(c.name))) continue;
      SFSYNC_RETURN_IF_ERROR(conn_->Query("UPDATE _sfsync_columns SET status = 'removed', removed_at = $3 "
                                          "WHERE table_name = $1 AND column_name = $2",
                                          {spec_.table, c.name, now_})
                                 .status());
      SFSYNC_RETURN_IF_ERROR(Record({SchemaChange::Kind::kRemoveColumn, c.name, "no longer in the spec; values kept"}));
    }
    return Status::Ok();
  }

  Status InsertCatalog(const ColumnSpec& c) {
    return conn_
        ->Query("INSERT INTO _sfsync_columns (table_name, column_name, source, declared_type, value_type, sf_type, "
                "status, added_at) VALUES ($1, $2, $3, $4, $5, $6, 'active', $7)",
                {spec_.table, c.name, c.source, PostgresColumnType(c), std::string(ValueTypeKey(c.type)),
                 c.sf_type, now_})
        .status();
  }

  Status UpdateCatalog(const ColumnSpec& c, const char* status) {
    return conn_
        ->Query("UPDATE _sfsync_columns SET source = $3, sf_type = $4, status = $5, removed_at = NULL "
                "WHERE table_name = $1 AND column_name = $2",
                {spec_.table, c.name, c.source, c.sf_type, std::string(status)})
        .status();
  }

  Status Record(SchemaChange change) {
    SFSYNC_RETURN_IF_ERROR(RecordHistory(ChangeName(change.kind), change.column, change.detail));
    changes_.push_back(std::move(change));
    return Status::Ok();
  }

  Status RecordHistory(const char* change, const std::string& column, const std::string& detail) {
    return conn_
        ->Query("INSERT INTO _sfsync_schema_history (object, table_name, change, column_name, detail, at) "
                "VALUES ($1, $2, $3, nullif($4, ''), $5, $6)",
                {spec_.object, spec_.table, std::string(change), column, detail, now_})
        .status();
  }

  PgStore* store_;
  PgConn* conn_;
  const TableSpec& spec_;
  const std::string now_;
  std::vector<CatalogColumn> catalog_;
  std::unordered_map<std::string, const CatalogColumn*> by_name_;
  std::unordered_set<std::string> physical_, taken_, in_spec_;
  std::vector<SchemaChange> changes_;
};

}  // namespace

StatusOr<std::vector<SchemaChange>> PgStore::Evolve(const TableSpec& spec, const SyncState* state_on_backfill,
                                                    bool commit) {
  if (!sticky_.ok()) return sticky_;
  SFSYNC_RETURN_IF_ERROR(ValidateSpec(spec));
  StatusOr<std::vector<SchemaChange>> changes = [&]() -> StatusOr<std::vector<SchemaChange>> {
    PgTransaction txn(&conn_);
    SFSYNC_RETURN_IF_ERROR(txn.status());
    SFSYNC_RETURN_IF_ERROR(LockTable(spec.table));
    SFSYNC_ASSIGN_OR_RETURN(std::vector<SchemaChange> made, Evolution(this, spec).Run());
    if (!commit) return made;  // rolled back by txn
    if (state_on_backfill != nullptr && NeedsBackfill(made)) {
      SFSYNC_RETURN_IF_ERROR(WriteState(spec.table, *state_on_backfill));
    }
    SFSYNC_RETURN_IF_ERROR(txn.Commit());
    return made;
  }();
  if (!changes.ok() && commit) return Remember(changes.status());
  return changes;
}

StatusOr<std::vector<SchemaChange>> PgStore::EnsureTable(const TableSpec& spec, const SyncState* state_on_backfill) {
  return Evolve(spec, state_on_backfill, true);
}

StatusOr<std::vector<SchemaChange>> PgStore::PreviewTable(const TableSpec& spec) { return Evolve(spec, nullptr, false); }

}  // namespace sfsync::store::pg
