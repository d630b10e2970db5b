#include "engine/store/table_export.h"

#include <fmt/format.h>

#include <filesystem>

#include "engine/core/ascii.h"
#include "engine/store/history.h"
#include "engine/store/sqlite_db.h"
#include "engine/store/store.h"

namespace sfsync::store {
namespace {

constexpr int kBusyMillis = 5000;

// The table's active columns with their value types (the catalog), in the table's order.
StatusOr<std::vector<ExportColumn>> CatalogColumns(Db* db, const std::string& table) {
  SFSYNC_ASSIGN_OR_RETURN(
      Statement stmt,
      db->Prepare("SELECT p.name, coalesce(c.value_type, 'text') FROM pragma_table_info(?1) p LEFT JOIN "
                  "_sfsync_columns c ON c.table_name = ?1 COLLATE NOCASE AND c.column_name = p.name COLLATE NOCASE "
                  "WHERE coalesce(c.status, 'active') = 'active' ORDER BY p.cid"));
  stmt.BindText(1, table);
  std::vector<ExportColumn> out;
  while (true) {
    SFSYNC_ASSIGN_OR_RETURN(bool more, stmt.Step());
    if (!more) break;
    out.push_back({stmt.ColumnText(0), stmt.ColumnText(1)});
  }
  return out;
}

}  // namespace

StatusOr<std::string> HistoryTableOf(Db* db, const std::string& table) {
  SFSYNC_ASSIGN_OR_RETURN(Statement stmt, db->Prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
                                                      "name = '_sfsync_history_tables'"));
  SFSYNC_ASSIGN_OR_RETURN(bool has, stmt.Step());
  if (has && stmt.ColumnInt(0) > 0) {
    SFSYNC_ASSIGN_OR_RETURN(Statement find, db->Prepare("SELECT history_table FROM _sfsync_history_tables WHERE "
                                                        "table_name = ?1"));
    find.BindText(1, table);
    SFSYNC_ASSIGN_OR_RETURN(bool found, find.Step());
    if (found) return find.ColumnText(0);
  }
  return Status(StatusCode::kFailedPrecondition,
                fmt::format("table {} keeps no history: set history: true on its object and run the job; --at "
                            "reads back to the first run after that",
                            table),
                "usage");
}

Status ExportSqliteTable(const std::string& path, const ExportQuery& query,
                         const std::function<Status(const std::vector<ExportColumn>&)>& header,
                         const std::function<Status(const std::vector<Cell>&)>& row) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return Status(StatusCode::kFailedPrecondition,
                  fmt::format("{} does not exist yet: run the job first (sfsync run)", path), "store.refused");
  }
  SFSYNC_ASSIGN_OR_RETURN(Db db, Db::Open(path, "", kBusyMillis));
  SFSYNC_RETURN_IF_ERROR(db.Exec("PRAGMA query_only = ON"));
  // One read transaction: every row comes from the same committed state.
  SFSYNC_RETURN_IF_ERROR(db.Exec("BEGIN"));
  SFSYNC_ASSIGN_OR_RETURN(std::vector<ExportColumn> all, CatalogColumns(&db, query.table));
  if (all.empty()) {
    return Status(StatusCode::kNotFound, fmt::format("no table {} in {}: run the job first", query.table, path),
                  "store.refused");
  }
  std::vector<ExportColumn> chosen;
  if (query.columns.empty()) {
    chosen = all;
  } else {
    for (const std::string& name : query.columns) {
      const ExportColumn* found = nullptr;
      for (const ExportColumn& c : all) {
        if (EqualsIgnoringAsciiCase(c.name, name)) found = &c;
      }
      if (found == nullptr) {
        std::string names;
        for (const ExportColumn& c : all) names += (names.empty() ? "" : ", ") + c.name;
        return Status(StatusCode::kNotFound,
                      fmt::format("table {} has no column {} (it has {})", query.table, name, names), "usage");
      }
      chosen.push_back(*found);
    }
  }
  std::string list;
  for (const ExportColumn& c : chosen) list += (list.empty() ? "" : ", ") + QuoteIdentifier(c.name);
  std::string from = QuoteIdentifier(query.table);
  if (!query.at.empty()) {
    SFSYNC_ASSIGN_OR_RETURN(std::string history, HistoryTableOf(&db, query.table));
    from = fmt::format("(SELECT * FROM {} WHERE {}) AS {}", QuoteIdentifier(history), HistoryAsOfCondition(query.at),
                       QuoteIdentifier(query.table));
  }
  const std::string sql = fmt::format("SELECT {} FROM {}{} ORDER BY \"Id\"", list, from,
                                      query.where.empty() ? "" : " WHERE (" + query.where + ")");
  StatusOr<Statement> stmt = db.Prepare(sql);
  if (!stmt.ok()) {
    if (query.where.empty()) return stmt.status();
    return Status(StatusCode::kInvalidArgument, fmt::format("--where {}: {}", query.where, stmt.status().message()),
                  "export.where");
  }
  SFSYNC_RETURN_IF_ERROR(header(chosen));
  std::vector<Cell> cells(chosen.size());
  while (true) {
    SFSYNC_ASSIGN_OR_RETURN(bool more, stmt->Step());
    if (!more) break;
    for (size_t i = 0; i < chosen.size(); ++i) cells[i] = stmt->ColumnValue(static_cast<int>(i));
    SFSYNC_RETURN_IF_ERROR(row(cells));
  }
  return db.Exec("COMMIT");
}

}  // namespace sfsync::store
