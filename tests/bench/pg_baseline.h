// What the PostgreSQL benchmark row compares against: the server's limit of taking the same rows
// into the same table shape.
#pragma once

#include <string>

namespace sfsync::testing {

// Copies every row of `schema`.`table` (as sfsync wrote it) out with COPY TO, then times a direct
// COPY FROM of those rows, in one transaction, into a new table of the same shape (same column
// types, primary key on "Id"). Returns rows per second. Exits the program on a libpq error.
double PgCopyRowsPerSecond(const std::string& url, const std::string& password, const std::string& schema,
                           const std::string& table);

}  // namespace sfsync::testing
