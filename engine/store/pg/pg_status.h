// What `sfsync status` shows for a PostgreSQL store: status_reader.h's DatabaseStatus, read from
// the schema's _sfsync_* tables in one REPEATABLE READ transaction (consistent while a sync commits
// pages). Read-only but for the "schema changes seen" marker, like the SQLite reader.
#pragma once

#include <cstdint>
#include <string>

#include "engine/core/statusor.h"
#include "engine/store/pg/pg_store.h"
#include "engine/store/status_reader.h"

namespace sfsync::store {

// The status of the tables `job` fills (every job when empty) and its newest `runs` runs.
// kNotFound when the schema holds no sfsync metadata yet (never run; nothing is created);
// "store.refused" when its metadata is another version's. Connection errors as OpenPostgresStore.
// options.run_lock is ignored.
StatusOr<DatabaseStatus> ReadPostgresStatus(const PostgresStoreOptions& options, const std::string& job, int runs);

// Records that schema changes up to `seq` were shown (the SQLite reader's MarkSchemaChangesSeen).
Status MarkPostgresSchemaChangesSeen(const PostgresStoreOptions& options, int64_t seq);

}  // namespace sfsync::store
