// `sfsync export` on a PostgreSQL store: store/table_export.h's contract, read in one REPEATABLE
// READ READ ONLY transaction through a cursor (2,000 rows a fetch), values in the storage form, in byte order of
// Id (COLLATE "C"), as SQLite orders them.
#pragma once

#include <functional>
#include <vector>

#include "engine/store/pg/pg_store.h"
#include "engine/store/table_export.h"

namespace sfsync::store {

Status ExportPostgresTable(const PostgresStoreOptions& options, const ExportQuery& query,
                           const std::function<Status(const std::vector<ExportColumn>&)>& header,
                           const std::function<Status(const std::vector<Cell>&)>& row);

}  // namespace sfsync::store
