// Values between a pushed table and the API: what a stored cell is sent as, and whether two stored
// values are the same (for the conflict check, which compares the server's value, converted as a
// pull would store it, with the change's base and local values).
#pragma once

#include "engine/core/row.h"
#include "engine/core/statusor.h"
#include "engine/store/store.h"

namespace sfsync::push {

// The API value of a stored cell (README "Value conversion", in reverse): a checkbox 0/1 is sent as
// false/true, numbers as numbers, dates, datetimes, times and text as text, NULL as null (which
// clears the field). kInvalidArgument (reason "push.value") for a value the column's type cannot
// hold: text that is not a number in a number column, a checkbox other than 0/1, a datetime that
// does not parse. Such a change is not sent; it fails with the message, so the user can fix the row.
StatusOr<Cell> ToApiValue(const Cell& stored, store::ColumnType type);

// The server's value as a pull would store it.
Cell ServerValueStored(const Cell& server, store::ColumnType type);

// Stored values compare equal: same kind and value, numbers by value (an INTEGER 5 equals a REAL 5.0).
bool SameValue(const Cell& a, const Cell& b);

}  // namespace sfsync::push
