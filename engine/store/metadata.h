// The _sfsync_* metadata tables: their DDL and the schema version that lets a later sfsync migrate a
// database an earlier one wrote. The tables are documented in README.md; keep the two in step.
#pragma once

#include "engine/store/sqlite_db.h"

namespace sfsync::store {

inline constexpr int kMetadataSchemaVersion = 5;

// In one IMMEDIATE transaction: creates the metadata tables in a new database, or checks the stored
// schema version of an existing one. kFailedPrecondition if the database was written by a newer
// sfsync; kDataLoss if the version row is unreadable.
Status InitMetadata(Db* db);

}  // namespace sfsync::store
