#include "engine/sync/type_map.h"

#include <doctest/doctest.h>

namespace sfsync::sync {
namespace {

using store::ColumnType;

TEST_CASE("every Salesforce field type maps to a column type, unknown types are text") {
  CHECK(ColumnTypeFor("id") == ColumnType::kText);
  CHECK(ColumnTypeFor("boolean") == ColumnType::kBoolean);
  CHECK(ColumnTypeFor("int") == ColumnType::kInteger);
  CHECK(ColumnTypeFor("long") == ColumnType::kInteger);
  CHECK(ColumnTypeFor("currency") == ColumnType::kReal);
  CHECK(ColumnTypeFor("percent") == ColumnType::kReal);
  CHECK(ColumnTypeFor("double") == ColumnType::kReal);
  CHECK(ColumnTypeFor("date") == ColumnType::kDate);
  CHECK(ColumnTypeFor("datetime") == ColumnType::kDateTime);
  CHECK(ColumnTypeFor("DateTime") == ColumnType::kDateTime);
  CHECK(ColumnTypeFor("time") == ColumnType::kTime);
  CHECK(ColumnTypeFor("multipicklist") == ColumnType::kText);
  CHECK(ColumnTypeFor("somethingNew") == ColumnType::kText);
}

TEST_CASE("compound fields are not stored, base64 only when asked") {
  CHECK_FALSE(IsStoredType("address", false));
  CHECK_FALSE(IsStoredType("location", true));
  CHECK_FALSE(IsStoredType("base64", false));
  CHECK(IsStoredType("base64", true));
  CHECK(IsStoredType("string", false));
}

}  // namespace
}  // namespace sfsync::sync
