// What the benchmarks compare against: the local limit of writing the same rows into SQLite.
#pragma once

#include <string>
#include <vector>

namespace sfsync::testing {

double Median(std::vector<double> v);

// Reads every row of `table` of the synced database in Id order, then times upserting them into a
// fresh database `fresh_db` with one prepared statement in one transaction (the engine's pragmas:
// WAL, synchronous=NORMAL). Returns rows per second. Exits the program on an SQLite error.
double BaselineRowsPerSecond(const std::string& synced_db, const std::string& fresh_db,
                             const std::string& table = "Account");

}  // namespace sfsync::testing
