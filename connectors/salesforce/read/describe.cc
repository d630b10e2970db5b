#include "connectors/salesforce/read/describe.h"

#include <nlohmann/json.hpp>

#include <cmath>

namespace sfsync::salesforce {
namespace {

using nlohmann::json;

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// Describe keys vary by API version (§4.2 ⚠): a missing key or a null keeps the default.
std::string Text(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool Flag(const json& object, const char* key, bool fallback) {
  auto it = object.find(key);
  return it != object.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

int64_t Number(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_number()) return 0;
  if (it->is_number_integer()) return it->get<int64_t>();
  // Converting a double outside int64's range is undefined behaviour: such a length means nothing.
  const double d = it->get<double>();
  return std::isfinite(d) && std::fabs(d) < 9.0e18 ? static_cast<int64_t>(d) : 0;
}

std::string Lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

FieldInfo ParseField(const json& f) {
  FieldInfo field;
  field.name = Text(f, "name");
  field.label = Text(f, "label");
  field.type = Lower(Text(f, "type"));
  field.soap_type = Text(f, "soapType");
  field.length = Number(f, "length");
  field.precision = Number(f, "precision");
  field.scale = Number(f, "scale");
  field.digits = Number(f, "digits");
  field.nillable = Flag(f, "nillable", true);
  field.createable = Flag(f, "createable", false);
  field.updateable = Flag(f, "updateable", false);
  field.calculated = Flag(f, "calculated", false);
  field.external_id = Flag(f, "externalId", false);
  field.id_lookup = Flag(f, "idLookup", false);
  field.unique = Flag(f, "unique", false);
  field.filterable = Flag(f, "filterable", true);
  field.custom = Flag(f, "custom", false);
  field.deprecated_and_hidden = Flag(f, "deprecatedAndHidden", false);
  field.polymorphic_foreign_key = Flag(f, "polymorphicForeignKey", false);
  auto refs = f.find("referenceTo");
  if (refs != f.end() && refs->is_array()) {
    for (const auto& r : *refs) {
      if (r.is_string()) field.reference_to.push_back(r.get<std::string>());
    }
  }
  field.relationship_name = Text(f, "relationshipName");
  field.compound_field_name = Text(f, "compoundFieldName");
  return field;
}

}  // namespace

const FieldInfo* SObjectInfo::Field(std::string_view field_name) const {
  for (const FieldInfo& f : fields) {
    if (EqualsIgnoreCase(f.name, field_name)) return &f;
  }
  return nullptr;
}

const FieldInfo* SObjectInfo::Relationship(std::string_view relationship) const {
  for (const FieldInfo& f : fields) {
    if (!f.relationship_name.empty() && EqualsIgnoreCase(f.relationship_name, relationship)) return &f;
  }
  return nullptr;
}

StatusOr<SObjectInfo> ParseDescribe(std::string_view text) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return DataLossError("describe response is not valid JSON");
  if (!doc.is_object()) return DataLossError("describe response is not a JSON object");
  SObjectInfo info;
  info.name = Text(doc, "name");
  if (info.name.empty()) return DataLossError("describe response has no object name");
  auto fields = doc.find("fields");
  if (fields == doc.end() || !fields->is_array()) {
    return DataLossError("describe of " + info.name + " has no fields array");
  }
  info.label = Text(doc, "label");
  info.key_prefix = Text(doc, "keyPrefix");  // null for some objects (§4.1)
  info.custom = Flag(doc, "custom", false);
  info.queryable = Flag(doc, "queryable", false);
  info.replicateable = Flag(doc, "replicateable", false);
  info.retrieveable = Flag(doc, "retrieveable", false);
  info.createable = Flag(doc, "createable", false);
  info.updateable = Flag(doc, "updateable", false);
  info.deletable = Flag(doc, "deletable", false);
  info.fields.reserve(fields->size());
  for (const auto& f : *fields) {
    if (!f.is_object()) return DataLossError("describe of " + info.name + " has a field that is not an object");
    FieldInfo field = ParseField(f);
    if (field.name.empty()) return DataLossError("describe of " + info.name + " has a field without a name");
    info.fields.push_back(std::move(field));
  }
  return info;
}

}  // namespace sfsync::salesforce
