// The one place that maps Salesforce describe types (protocol §2.4, §4.2) to store column types.
// README.md ("Type mapping") documents the same table; keep them in step.
#pragma once

#include <string_view>

#include "engine/store/store.h"

namespace sfsync::sync {

// How a field of describe type `sf_type` is stored. Unknown types map to kText (a robust client
// must never fail on a new type, §4.2).
store::ColumnType ColumnTypeFor(std::string_view sf_type);

// Whether a field of this type becomes a column at all. Compound fields (address, location) are
// stored as their component fields, which describe lists separately; base64 fields hold a blob URL
// in query results (§2.4), stored only when asked.
bool IsStoredType(std::string_view sf_type, bool include_base64);

}  // namespace sfsync::sync
