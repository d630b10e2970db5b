// EnsureTable: brings a synced table in line with the spec built from the object's describe.
//
// The column catalog (_sfsync_columns) is the record of what sfsync created; the table's own column
// list must agree with it. Per spec column, looked up in the catalog by name (ASCII case-insensitive,
// as SQLite compares identifiers):
//   not catalogued              -> ADD COLUMN                                   add_column
//   catalogued, value type differs
//                               -> RENAME it to <name>__v<N> (marked removed),
//                                  ADD COLUMN with the new type                 retype_column
//   catalogued removed, same type -> mark active again (old values still there) restore_column
//   catalogued active, same type, other source or sf_type
//                               -> update the catalog row                      update_column (history only)
// and every active catalogued column missing from the spec is marked removed     remove_column
// (never dropped: its data stays). All of it, catalog and history included, is one transaction.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "engine/core/ascii.h"
#include "engine/store/sqlite_store.h"
#include "engine/store/store_common.h"

namespace sfsync::store {
namespace {

struct CatalogColumn {
  std::string name;
  std::string source;
  std::string declared_type;
  std::string value_type;
  std::string sf_type;
  bool removed = false;
  std::string removed_at;
};

// One EnsureTable call's work inside its transaction.
class TableEvolution {
 public:
  TableEvolution(Db* db, const TableSpec& spec, std::string now) : db_(db), spec_(spec), now_(std::move(now)) {}

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
  Status LoadCatalog() {
    SFSYNC_ASSIGN_OR_RETURN(Statement stmt,
                            db_->Prepare("SELECT column_name, source, declared_type, value_type, "
                                         "sf_type, status, coalesce(removed_at, '') FROM _sfsync_columns "
                                         "WHERE table_name = ?1 ORDER BY rowid"));
    stmt.BindText(1, spec_.table);
    while (true) {
      SFSYNC_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      CatalogColumn c{stmt.ColumnText(0), stmt.ColumnText(1), stmt.ColumnText(2),
                      stmt.ColumnText(3), stmt.ColumnText(4), stmt.ColumnText(5) == "removed",
                      stmt.ColumnText(6)};
      taken_.insert(AsciiLower(c.name));
      catalog_.push_back(std::move(c));
    }
    for (const CatalogColumn& c : catalog_) by_name_.emplace(AsciiLower(c.name), &c);
    return Status::Ok();
  }

  Status LoadPhysicalColumns() {
    SFSYNC_ASSIGN_OR_RETURN(Statement stmt, db_->Prepare("SELECT name FROM pragma_table_info(?1)"));
    stmt.BindText(1, spec_.table);
    while (true) {
      SFSYNC_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      const std::string name = AsciiLower(stmt.ColumnText(0));
      physical_.insert(name);
      taken_.insert(name);
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
    std::vector<std::string> defs;
    for (const ColumnSpec& c : spec_.columns) {
      defs.push_back(c.name == "Id" ? "\"Id\" TEXT NOT NULL PRIMARY KEY"
                                    : QuoteIdentifier(c.name) + " " + ColumnTypeName(c.type));
    }
    SFSYNC_RETURN_IF_ERROR(
        db_->Exec(fmt::format("CREATE TABLE {} ({})", QuoteIdentifier(spec_.table), fmt::join(defs, ", "))));
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

  const CatalogColumn* Find(const std::string& name) const {
    auto it = by_name_.find(AsciiLower(name));
    return it == by_name_.end() ? nullptr : it->second;
  }

  Status EvolveColumn(const ColumnSpec& column) {
    in_spec_.insert(AsciiLower(column.name));
    const CatalogColumn* old = Find(column.name);
    if (old == nullptr) {
      SFSYNC_RETURN_IF_ERROR(AddColumn(column));
      return Record({SchemaChange::Kind::kAddColumn, column.name,
                     fmt::format("{} from {} ({})", ColumnTypeName(column.type), column.source, column.sf_type)});
    }
    if (old->value_type != ValueTypeKey(column.type)) return Retype(*old, column);
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
    SFSYNC_RETURN_IF_ERROR(db_->Exec(fmt::format("ALTER TABLE {} RENAME COLUMN {} TO {}", QuoteIdentifier(spec_.table),
                                                 QuoteIdentifier(old.name), QuoteIdentifier(versioned))));
    SFSYNC_ASSIGN_OR_RETURN(Statement rename,
                            db_->Prepare("UPDATE _sfsync_columns SET column_name = ?3, status = 'removed', "
                                         "removed_at = coalesce(removed_at, ?4) "
                                         "WHERE table_name = ?1 AND column_name = ?2"));
    rename.BindText(1, spec_.table);
    rename.BindText(2, old.name);
    rename.BindText(3, versioned);
    rename.BindText(4, now_);
    SFSYNC_RETURN_IF_ERROR(rename.Run());
    physical_.erase(AsciiLower(old.name));
    SFSYNC_RETURN_IF_ERROR(AddColumn(column));
    const std::string from = old.declared_type != ColumnTypeName(column.type) ? old.declared_type : old.value_type;
    const std::string to =
        old.declared_type != ColumnTypeName(column.type) ? ColumnTypeName(column.type) : ValueTypeKey(column.type);
    return Record({SchemaChange::Kind::kRetypeColumn, column.name,
                   fmt::format("{} -> {}; old values kept in {}", from, to, versioned)});
  }

  Status AddColumn(const ColumnSpec& column) {
    if (physical_.contains(AsciiLower(column.name))) {
      return RefusedError(fmt::format("table {} has a column {} that sfsync did not create",
                                      QuoteIdentifier(spec_.table), QuoteIdentifier(column.name)));
    }
    SFSYNC_RETURN_IF_ERROR(db_->Exec(fmt::format("ALTER TABLE {} ADD COLUMN {} {}", QuoteIdentifier(spec_.table),
                                                 QuoteIdentifier(column.name), ColumnTypeName(column.type))));
    physical_.insert(AsciiLower(column.name));
    return InsertCatalog(column);
  }

  Status MarkRemovedColumns() {
    SFSYNC_ASSIGN_OR_RETURN(Statement remove,
                            db_->Prepare("UPDATE _sfsync_columns SET status = 'removed', removed_at = ?3 "
                                         "WHERE table_name = ?1 AND column_name = ?2"));
    for (const CatalogColumn& c : catalog_) {
      if (c.removed || in_spec_.contains(AsciiLower(c.name))) continue;
      remove.BindText(1, spec_.table);
      remove.BindText(2, c.name);
      remove.BindText(3, now_);
      SFSYNC_RETURN_IF_ERROR(remove.Run());
      SFSYNC_RETURN_IF_ERROR(Record({SchemaChange::Kind::kRemoveColumn, c.name, "no longer in the spec; values kept"}));
    }
    return Status::Ok();
  }

  Status InsertCatalog(const ColumnSpec& c) {
    SFSYNC_ASSIGN_OR_RETURN(Statement stmt,
                            db_->Prepare("INSERT INTO _sfsync_columns (table_name, column_name, source, declared_type, "
                                         "value_type, sf_type, status, added_at) "
                                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'active', ?7)"));
    stmt.BindText(1, spec_.table);
    stmt.BindText(2, c.name);
    stmt.BindText(3, c.source);
    stmt.BindText(4, ColumnTypeName(c.type));
    stmt.BindText(5, ValueTypeKey(c.type));
    stmt.BindText(6, c.sf_type);
    stmt.BindText(7, now_);
    return stmt.Run();
  }

  Status UpdateCatalog(const ColumnSpec& c, const char* status) {
    SFSYNC_ASSIGN_OR_RETURN(Statement stmt,
                            db_->Prepare("UPDATE _sfsync_columns SET source = ?3, sf_type = ?4, status = ?5, "
                                         "removed_at = NULL WHERE table_name = ?1 AND column_name = ?2"));
    stmt.BindText(1, spec_.table);
    stmt.BindText(2, c.name);
    stmt.BindText(3, c.source);
    stmt.BindText(4, c.sf_type);
    stmt.BindText(5, status);
    return stmt.Run();
  }

  Status Record(SchemaChange change) {
    SFSYNC_RETURN_IF_ERROR(RecordHistory(ChangeName(change.kind), change.column, change.detail));
    changes_.push_back(std::move(change));
    return Status::Ok();
  }

  Status RecordHistory(const char* change, const std::string& column, const std::string& detail) {
    SFSYNC_ASSIGN_OR_RETURN(Statement stmt,
                            db_->Prepare("INSERT INTO _sfsync_schema_history (object, table_name, change, column_name, "
                                         "detail, at) VALUES (?1, ?2, ?3, nullif(?4, ''), ?5, ?6)"));
    stmt.BindText(1, spec_.object);
    stmt.BindText(2, spec_.table);
    stmt.BindText(3, change);
    stmt.BindText(4, column);
    stmt.BindText(5, detail);
    stmt.BindText(6, now_);
    return stmt.Run();
  }

  Db* db_;
  const TableSpec& spec_;
  const std::string now_;
  std::vector<CatalogColumn> catalog_;  // as loaded; the transaction's changes are not reflected here
  std::unordered_map<std::string, const CatalogColumn*> by_name_;  // lower-cased name -> catalog_ entry
  std::unordered_set<std::string> physical_;                       // lower-cased names of the table's columns
  std::unordered_set<std::string> taken_;                          // lower-cased names in the table or the catalog
  std::unordered_set<std::string> in_spec_;                        // lower-cased names of the spec's columns
  std::vector<SchemaChange> changes_;
};

}  // namespace

StatusOr<std::vector<SchemaChange>> SqliteStore::EnsureTable(const TableSpec& spec,
                                                             const SyncState* state_on_backfill) {
  if (!sticky_.ok()) return sticky_;
  SFSYNC_RETURN_IF_ERROR(ValidateSpec(spec));
  StatusOr<std::vector<SchemaChange>> changes = [&]() -> StatusOr<std::vector<SchemaChange>> {
    Transaction txn(&db_);
    SFSYNC_RETURN_IF_ERROR(txn.status());
    SFSYNC_ASSIGN_OR_RETURN(std::vector<SchemaChange> made, TableEvolution(&db_, spec, Now()).Run());
    if (state_on_backfill != nullptr && NeedsBackfill(made)) {
      SFSYNC_RETURN_IF_ERROR(WriteState(spec.table, *state_on_backfill));
    }
    SFSYNC_RETURN_IF_ERROR(txn.Commit());
    return made;
  }();
  if (!changes.ok()) return Remember(changes.status());
  if (!changes->empty()) ForgetStatements();
  return changes;
}

StatusOr<std::vector<SchemaChange>> SqliteStore::PreviewTable(const TableSpec& spec) {
  if (!sticky_.ok()) return sticky_;
  SFSYNC_RETURN_IF_ERROR(ValidateSpec(spec));
  std::vector<SchemaChange> would;
  {
    Transaction txn(&db_);
    SFSYNC_RETURN_IF_ERROR(txn.status());
    SFSYNC_ASSIGN_OR_RETURN(would, TableEvolution(&db_, spec, Now()).Run());
  }  // not committed: rolled back
  if (!would.empty()) ForgetStatements();
  return would;
}

}  // namespace sfsync::store
