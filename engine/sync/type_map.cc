#include "engine/sync/type_map.h"

#include <array>
#include <utility>

namespace sfsync::sync {
namespace {

using store::ColumnType;

constexpr std::array<std::pair<std::string_view, ColumnType>, 27> kTypeMap = {{
    {"id", ColumnType::kText},
    {"reference", ColumnType::kText},
    {"string", ColumnType::kText},
    {"textarea", ColumnType::kText},
    {"picklist", ColumnType::kText},
    {"multipicklist", ColumnType::kText},  // values joined with ';'
    {"combobox", ColumnType::kText},
    {"email", ColumnType::kText},
    {"phone", ColumnType::kText},
    {"url", ColumnType::kText},
    {"encryptedstring", ColumnType::kText},
    {"boolean", ColumnType::kBoolean},
    {"int", ColumnType::kInteger},
    {"long", ColumnType::kInteger},
    {"double", ColumnType::kReal},
    {"currency", ColumnType::kReal},
    {"percent", ColumnType::kReal},  // as written: 12.5 means 12.5%
    {"date", ColumnType::kDate},
    {"datetime", ColumnType::kDateTime},
    {"time", ColumnType::kTime},
    {"base64", ColumnType::kText},  // the blob's URL, only with include_base64
    {"anytype", ColumnType::kText},
    {"datacategorygroupreference", ColumnType::kText},
    {"complexvalue", ColumnType::kText},  // raw JSON text
    {"json", ColumnType::kText},
    {"address", ColumnType::kText},   // not stored (components are)
    {"location", ColumnType::kText},  // not stored (components are)
}};

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != b[i]) return false;
  }
  return true;
}

}  // namespace

store::ColumnType ColumnTypeFor(std::string_view sf_type) {
  for (const auto& [name, type] : kTypeMap) {
    if (EqualsIgnoreCase(sf_type, name)) return type;
  }
  return ColumnType::kText;
}

bool IsStoredType(std::string_view sf_type, bool include_base64) {
  if (EqualsIgnoreCase(sf_type, "address") || EqualsIgnoreCase(sf_type, "location")) return false;
  if (EqualsIgnoreCase(sf_type, "base64")) return include_base64;
  return true;
}

}  // namespace sfsync::sync
