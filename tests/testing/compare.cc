#include "tests/testing/compare.h"

#include <doctest/doctest.h>

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

void CheckValue(const json& expected, const SqlValue& got, const std::string& what) {
  INFO(what);
  if (expected.is_null()) {
    CHECK(got.type == "null");
  } else if (expected.is_boolean()) {
    CHECK(got.type == "integer");
    CHECK(got.text == (expected.get<bool>() ? "1" : "0"));
  } else if (expected.is_number_integer()) {
    CHECK((got.type == "integer" || got.type == "real"));
    CHECK(std::stod(got.text) == doctest::Approx(expected.get<double>()));
  } else if (expected.is_number()) {
    CHECK((got.type == "real" || got.type == "integer"));
    CHECK(std::stod(got.text) == doctest::Approx(expected.get<double>()).epsilon(1e-12));
  } else {
    std::string s = expected.get<std::string>();
    if (s.size() == 28 && s.compare(23, 5, "+0000") == 0 && s[10] == 'T') s = s.substr(0, 23) + "Z";
    CHECK(got.type == "text");
    CHECK(got.text == s);
  }
}

void CheckTableEqualsEmulator(Emulator& emu, const std::string& db_path, const std::string& object,
                              const std::map<std::string, std::map<std::string, json>>& parents,
                              const std::string& deleted) {
  json records = emu.Records(object, deleted);
  SqliteDb db(db_path);
  auto columns = db.Columns(object);
  INFO("table " << object);
  REQUIRE(db.Count(object) == static_cast<int64_t>(records.size()));
  std::string select = "SELECT ";
  for (size_t i = 0; i < columns.size(); ++i) select += (i ? ", \"" : "\"") + columns[i].first + "\"";
  for (const json& rec : records) {
    const std::string id = rec.at("Id");
    auto rows = db.Query(select + " FROM \"" + object + "\" WHERE \"Id\" = '" + id + "'");
    REQUIRE(rows.size() == 1);
    for (size_t c = 0; c < columns.size(); ++c) {
      std::string path = columns[c].first;
      if (path.find("__v") != std::string::npos) continue;  // a retyped column's old values
      for (auto& [rel, unused] : parents) {
        if (path.rfind(rel + "_", 0) == 0) path = rel + "." + path.substr(rel.size() + 1);
      }
      CheckValue(FieldValue(rec, path, parents), rows[0][c], object + "." + path + " of " + id);
    }
  }
}

int64_t LastRunRowsRead(const std::string& db_path, const std::string& object) {
  SqliteDb db(db_path);
  return std::stoll(db.Scalar("SELECT rows_read FROM _sfsync_run_objects WHERE object = '" + object +
                              "' ORDER BY run_id DESC LIMIT 1"));
}

}  // namespace sfsync::testing
