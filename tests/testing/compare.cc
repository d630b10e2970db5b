#include "tests/testing/compare.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

namespace sfsync::testing {
namespace {

using nlohmann::json;

json FieldValue(const json& record, const std::string& path,
                const std::map<std::string, std::map<std::string, json>>& parents) {
  size_t dot = path.find('.');
  if (dot == std::string::npos) return record.contains(path) ? record.at(path) : json(nullptr);
  // Parent path: follow the reference through the parent object's records.
  std::string rel = path.substr(0, dot);
  const json& id = record.at(rel + "Id");
  if (id.is_null()) return nullptr;
  const json& parent = parents.at(rel).at(id.get<std::string>());
  return FieldValue(parent, path.substr(dot + 1), parents);
}

}  // namespace

std::map<std::string, json> ById(const json& records) {
  std::map<std::string, json> out;
  for (const json& r : records) out[r.at("Id")] = r;
  return out;
}

std::string ValueMismatch(const json& expected, const SqlValue& got) {
  auto describe = [&](const std::string& want) { return "expected " + want + ", stored " + got.type + " '" + got.text + "'"; };
  if (expected.is_null()) return got.type == "null" ? "" : describe("null");
  if (expected.is_boolean()) {
    const std::string want = expected.get<bool>() ? "1" : "0";
    return got.type == "integer" && got.text == want ? "" : describe("integer " + want);
  }
  if (expected.is_number()) {
    if (got.type != "integer" && got.type != "real") return describe("a number " + expected.dump());
    const double want = expected.get<double>();
    const double have = std::stod(got.text);
    return std::abs(have - want) <= 1e-9 * std::max(1.0, std::abs(want)) ? "" : describe(expected.dump());
  }
  std::string s = expected.get<std::string>();
  if (s.size() == 28 && s.compare(23, 5, "+0000") == 0 && s[10] == 'T') s = s.substr(0, 23) + "Z";
  return got.type == "text" && got.text == s ? "" : describe("text '" + s + "'");
}

void CheckValue(const json& expected, const SqlValue& got, const std::string& what) {
  // One doctest assertion per mismatch only: tables of thousands of rows are compared often.
  const std::string mismatch = ValueMismatch(expected, got);
  if (!mismatch.empty()) FAIL_CHECK(what << ": " << mismatch);
}

void CheckTableEqualsEmulator(Emulator& emu, const std::string& db_path, const std::string& object,
                              const std::map<std::string, std::map<std::string, json>>& parents,
                              const std::string& deleted) {
  CheckTableEqualsRecords(emu.Records(object, deleted), db_path, object, parents);
}

void CheckTableEqualsEmulator(Emulator& emu, TableSource& db, const std::string& object,
                              const std::map<std::string, std::map<std::string, json>>& parents,
                              const std::string& deleted) {
  CheckTableEqualsRecords(emu.Records(object, deleted), db, object, parents);
}

void CheckTableEqualsRecords(const json& records, const std::string& db_path, const std::string& table,
                             const std::map<std::string, std::map<std::string, json>>& parents) {
  SqliteSource db(db_path);
  CheckTableEqualsRecords(records, db, table, parents);
}

void CheckTableEqualsRecords(const json& records, TableSource& db, const std::string& table,
                             const std::map<std::string, std::map<std::string, json>>& parents) {
  const std::string& object = table;
  auto columns = db.Columns(table);
  INFO("table " << table);
  REQUIRE(db.Count(table) == static_cast<int64_t>(records.size()));
  std::string select = "SELECT ";
  size_t id_column = 0;
  for (size_t i = 0; i < columns.size(); ++i) {
    select += (i ? ", \"" : "\"") + columns[i].first + "\"";
    if (columns[i].first == "Id") id_column = i;
  }
  std::map<std::string, std::vector<SqlValue>> local;
  for (auto& row : db.Query(select + " FROM \"" + object + "\"")) {
    std::string id = row[id_column].text;
    local.emplace(std::move(id), std::move(row));
  }
  for (const json& rec : records) {
    const std::string id = rec.at("Id");
    auto found = local.find(id);
    REQUIRE_MESSAGE(found != local.end(), object << " " << id << " is missing from the table");
    const std::vector<SqlValue>& row = found->second;
    for (size_t c = 0; c < columns.size(); ++c) {
      std::string path = columns[c].first;
      if (path.find("__v") != std::string::npos) continue;  // a retyped column's old values
      for (auto& [rel, unused] : parents) {
        if (path.rfind(rel + "_", 0) == 0) path = rel + "." + path.substr(rel.size() + 1);
      }
      CheckValue(FieldValue(rec, path, parents), row[c], object + "." + path + " of " + id);
    }
  }
}

int64_t LastRunRowsRead(const std::string& db_path, const std::string& table) {
  SqliteDb db(db_path);
  return std::stoll(db.Scalar("SELECT rows_read FROM _sfsync_run_objects WHERE table_name = '" + table +
                              "' ORDER BY run_id DESC LIMIT 1"));
}

}  // namespace sfsync::testing
