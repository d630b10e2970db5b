#include "engine/store/pg/pg_export.h"

#include <fmt/format.h>

#include "engine/core/ascii.h"
#include "engine/core/clock.h"
#include "engine/store/pg/pg_session.h"
#include "engine/store/pg/pg_store_internal.h"

namespace sfsync::store {

Status ExportPostgresTable(const PostgresStoreOptions& options, const ExportQuery& query,
                           const std::function<Status(const std::vector<ExportColumn>&)>& header,
                           const std::function<Status(const std::vector<Cell>&)>& row) {
  SFSYNC_ASSIGN_OR_RETURN(pg::PgConn conn, pg::ConnectToSchema(options));
  // One snapshot: every row comes from the same committed state while syncs go on.
  SFSYNC_RETURN_IF_ERROR(conn.Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
  pg::PgSession session(&conn, options.schema, SystemClock());
  SFSYNC_ASSIGN_OR_RETURN(
      SqlRows catalog,
      session.Query(
          "SELECT a.attname, format_type(a.atttypid, a.atttypmod), coalesce(c.value_type, 'text') FROM "
          "pg_attribute a JOIN pg_class t ON t.oid = a.attrelid JOIN pg_namespace n ON n.oid = t.relnamespace "
          "LEFT JOIN _sfsync_columns c ON c.table_name = ?2 AND c.column_name = a.attname "
          "WHERE n.nspname = ?1 AND t.relname = ?2 AND a.attnum > 0 AND NOT a.attisdropped "
          "AND coalesce(c.status, 'active') = 'active' ORDER BY a.attnum",
          {Cell::Text(options.schema), Cell::Text(query.table)}));
  if (catalog.empty()) {
    return Status(StatusCode::kNotFound,
                  fmt::format("no table {} in schema {}: run the job first", query.table, options.schema),
                  "store.refused");
  }
  std::vector<size_t> chosen;
  if (query.columns.empty()) {
    for (size_t i = 0; i < catalog.size(); ++i) chosen.push_back(i);
  } else {
    for (const std::string& name : query.columns) {
      size_t found = catalog.size();
      for (size_t i = 0; i < catalog.size(); ++i) {
        if (EqualsIgnoringAsciiCase(catalog[i][0].s, name)) found = i;
      }
      if (found == catalog.size()) {
        std::string names;
        for (const auto& c : catalog) names += (names.empty() ? "" : ", ") + c[0].s;
        return Status(StatusCode::kNotFound,
                      fmt::format("table {} has no column {} (it has {})", query.table, name, names), "usage");
      }
      chosen.push_back(found);
    }
  }
  std::vector<ExportColumn> columns;
  std::string list;
  for (size_t i : chosen) {
    columns.push_back({catalog[i][0].s, catalog[i][2].s});
    list += (list.empty() ? "" : ", ") + pg::StorageExpr(catalog[i][1].s, QuoteIdentifier(catalog[i][0].s));
  }
  Status declared =
      conn.Exec(fmt::format("DECLARE sfsync_export NO SCROLL CURSOR FOR SELECT {} FROM {}.{}{} ORDER BY "
                            "\"Id\" COLLATE \"C\"",
                            list, QuoteIdentifier(options.schema), QuoteIdentifier(query.table),
                            query.where.empty() ? "" : " WHERE (" + query.where + ")"));
  if (!declared.ok()) {
    if (query.where.empty()) return declared;
    return Status(StatusCode::kInvalidArgument, fmt::format("--where {}: {}", query.where, declared.message()),
                  "export.where");
  }
  SFSYNC_RETURN_IF_ERROR(header(columns));
  while (true) {
    SFSYNC_ASSIGN_OR_RETURN(SqlRows rows, session.Query("FETCH 2000 FROM sfsync_export", {}));
    if (rows.empty()) break;
    for (const std::vector<Cell>& r : rows) SFSYNC_RETURN_IF_ERROR(row(r));
  }
  return conn.Exec("COMMIT");
}

}  // namespace sfsync::store
