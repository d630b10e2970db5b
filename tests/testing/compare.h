// Asserting that a synced table holds exactly what the emulator holds (doctest CHECKs), with the
// expected stored form derived independently of the engine: datetimes +0000 -> Z, booleans 0/1,
// numbers as numbers, text as text, parent paths (Account_Name) followed through the parent's rows.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <string>

#include "tests/testing/emulator.h"
#include "tests/testing/sqlite_db.h"
#include "tests/testing/table_source.h"

namespace sfsync::testing {

// Records keyed by Id.
std::map<std::string, nlohmann::json> ById(const nlohmann::json& records);

// Why a stored value does not match the Salesforce JSON value it came from; empty when it does.
std::string ValueMismatch(const nlohmann::json& expected, const SqlValue& got);
// Checks one stored value against the Salesforce JSON value it came from (fails only on a mismatch).
void CheckValue(const nlohmann::json& expected, const SqlValue& got, const std::string& what);

// Checks that table `object` in `db_path` has exactly the emulator's rows of `object` (deleted:
// exclude | include | only, as the admin API takes it), column by column. `parents` maps a
// relationship name ("Account") to the parent's records by Id, for flattened parent columns.
void CheckTableEqualsEmulator(Emulator& emu, const std::string& db_path, const std::string& object,
                              const std::map<std::string, std::map<std::string, nlohmann::json>>& parents = {},
                              const std::string& deleted = "exclude");

// Checks that `table` holds exactly `records` (as the admin API lists them), column by column.
void CheckTableEqualsRecords(const nlohmann::json& records, const std::string& db_path, const std::string& table,
                             const std::map<std::string, std::map<std::string, nlohmann::json>>& parents = {});
// The same, reading the table from either store.
void CheckTableEqualsRecords(const nlohmann::json& records, TableSource& db, const std::string& table,
                             const std::map<std::string, std::map<std::string, nlohmann::json>>& parents = {});
void CheckTableEqualsEmulator(Emulator& emu, TableSource& db, const std::string& object,
                              const std::map<std::string, std::map<std::string, nlohmann::json>>& parents = {},
                              const std::string& deleted = "exclude");

// rows_read of `table` in the newest run that recorded it.
int64_t LastRunRowsRead(const std::string& db_path, const std::string& table);

}  // namespace sfsync::testing
