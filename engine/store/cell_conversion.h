// Converts a Cell, as the connector parsed it, to the value stored in a column of a given type.
//
// The rules (README.md, "Value conversion"):
//   kBoolean   bool -> 0/1; text "true"/"false" (any case; Bulk CSV) -> 0/1; int 0/1 -> 0/1
//   kInteger   int; integral double in int64 range -> int; numeric text -> int; bool -> 0/1
//   kReal      int/double/numeric text -> double; bool -> 0/1
//   kDateTime  text in any form ParseDateTime accepts -> yyyy-MM-ddTHH:mm:ss.SSSZ; other kinds as kText
//   kText, kDate, kTime  text as is; a number becomes its text (2.5 -> "2.5", 1.0 -> "1.0");
//              bool -> "true"/"false"
// Null stays null. Empty text in any column but kText is null: Bulk CSV cannot tell null from "",
// and "" has no meaning as a number, boolean or date (salesforce-protocol.md §7.5).
// A value that cannot be converted is stored as given (text stays text, a number stays a number),
// never dropped and never an error: losing a value silently would be worse than a mistyped cell.
#pragma once

#include "engine/core/row.h"
#include "engine/store/store.h"

namespace sfsync::store {

// Returns the storage value of `in` for a column of `type`: either `in` itself (no copy) or
// `*scratch` overwritten with the converted value. The result's kind is never kBool.
// The returned reference is valid while `in` and `scratch` are.
const Cell& ToStorage(const Cell& in, ColumnType type, Cell* scratch);

}  // namespace sfsync::store
