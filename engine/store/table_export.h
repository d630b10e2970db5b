// Reading one synced table of an SQLite store for `sfsync export` (engine/export): its rows in one
// read transaction, so an export taken while a sync commits pages sees one committed state, never
// half of a page. Streamed row by row: memory stays bounded whatever the table's size.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "engine/core/row.h"
#include "engine/core/statusor.h"

namespace sfsync::store {

struct ExportColumn {
  std::string name;
  std::string value_type;  // the catalog's: text, integer, real, boolean, date, datetime, time
};

struct ExportQuery {
  std::string table;
  std::vector<std::string> columns;  // empty: every active column, in the table's order
  std::string where;                 // an SQL condition on the table's columns; empty: every row
  // Storage datetime form: the rows as they were at this instant, from the table's history
  // (history.h); empty: the table as it is.
  std::string at;
};

class Db;

// The history table of `table` (history.h), from _sfsync_history_tables. kFailedPrecondition
// (reason "usage") when the table keeps no history.
StatusOr<std::string> HistoryTableOf(Db* db, const std::string& table);

// Opens the SQLite store at `path` (which must exist) with writes refused on the connection
// (PRAGMA query_only), then, in one read transaction: calls `header` with the columns, then `row`
// for each row in Id order, cells in the storage form (a boolean as 0/1). The first error of a
// callback stops the read and is returned. kNotFound for an unknown table (reason "store.refused":
// not synced yet) or column (reason "usage"; the message lists the columns there are);
// kInvalidArgument (reason "export.where") when `where` is not valid SQL for the table;
// kFailedPrecondition (reason "usage") for `at` on a table that keeps no history.
Status ExportSqliteTable(const std::string& path, const ExportQuery& query,
                         const std::function<Status(const std::vector<ExportColumn>&)>& header,
                         const std::function<Status(const std::vector<Cell>&)>& row);

}  // namespace sfsync::store
