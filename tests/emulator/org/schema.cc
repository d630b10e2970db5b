#include "tests/emulator/org/schema.h"

#include <algorithm>
#include <cctype>

namespace sfsync::emulator {

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view TypeName(FieldType type) {
  switch (type) {
    case FieldType::kId: return "id";
    case FieldType::kBoolean: return "boolean";
    case FieldType::kString: return "string";
    case FieldType::kTextArea: return "textarea";
    case FieldType::kPicklist: return "picklist";
    case FieldType::kMultiPicklist: return "multipicklist";
    case FieldType::kInt: return "int";
    case FieldType::kDouble: return "double";
    case FieldType::kCurrency: return "currency";
    case FieldType::kPercent: return "percent";
    case FieldType::kDate: return "date";
    case FieldType::kDateTime: return "datetime";
    case FieldType::kReference: return "reference";
    case FieldType::kEmail: return "email";
    case FieldType::kPhone: return "phone";
    case FieldType::kUrl: return "url";
    case FieldType::kTime: return "time";
    case FieldType::kEncryptedString: return "encryptedstring";
    case FieldType::kCombobox: return "combobox";
    case FieldType::kBase64: return "base64";
    case FieldType::kAddress: return "address";
    case FieldType::kLocation: return "location";
  }
  return "string";
}

std::optional<FieldType> TypeNamed(std::string_view name) {
  for (int i = 0; i <= static_cast<int>(FieldType::kLocation); ++i) {
    if (TypeName(static_cast<FieldType>(i)) == name) return static_cast<FieldType>(i);
  }
  return std::nullopt;
}

std::string_view SoapType(FieldType type) {
  switch (type) {
    case FieldType::kId:
    case FieldType::kReference: return "tns:ID";
    case FieldType::kBoolean: return "xsd:boolean";
    case FieldType::kInt: return "xsd:int";
    case FieldType::kDouble:
    case FieldType::kCurrency:
    case FieldType::kPercent: return "xsd:double";
    case FieldType::kDate: return "xsd:date";
    case FieldType::kDateTime: return "xsd:dateTime";
    case FieldType::kTime: return "xsd:time";
    case FieldType::kBase64: return "xsd:base64Binary";
    case FieldType::kAddress: return "urn:address";
    case FieldType::kLocation: return "urn:location";
    default: return "xsd:string";
  }
}

Storage StorageOf(FieldType type) {
  switch (type) {
    case FieldType::kBoolean:
    case FieldType::kInt: return Storage::kInteger;
    case FieldType::kDouble:
    case FieldType::kCurrency:
    case FieldType::kPercent: return Storage::kReal;
    case FieldType::kDateTime: return Storage::kDateTime;
    case FieldType::kAddress:
    case FieldType::kLocation: return Storage::kNone;
    default: return Storage::kText;
  }
}

bool IsTextual(FieldType type) {
  switch (type) {
    case FieldType::kString:
    case FieldType::kTextArea:
    case FieldType::kPicklist:
    case FieldType::kMultiPicklist:
    case FieldType::kEmail:
    case FieldType::kPhone:
    case FieldType::kUrl:
    case FieldType::kEncryptedString:
    case FieldType::kCombobox: return true;
    default: return false;
  }
}

bool IsCompound(FieldType type) { return type == FieldType::kAddress || type == FieldType::kLocation; }

// The four capability flags follow describe_account_v58.json: long text areas can do none of
// them, compound fields can only be filtered (by distance), and numbers/datetimes are not
// groupable. Encrypted and base64 fields cannot be filtered at all; formulas cannot be grouped.
bool FieldDef::filterable() const {
  return !long_text() && type != FieldType::kEncryptedString && type != FieldType::kBase64;
}

bool FieldDef::sortable() const {
  return filterable() && type != FieldType::kMultiPicklist && !IsCompound(type);
}

bool FieldDef::groupable() const {
  switch (type) {
    case FieldType::kDouble:
    case FieldType::kCurrency:
    case FieldType::kPercent:
    case FieldType::kDateTime:
    case FieldType::kTime:
    case FieldType::kMultiPicklist:
    case FieldType::kAddress:
    case FieldType::kLocation: return false;
    default: return filterable() && !calculated();
  }
}

bool FieldDef::aggregatable() const {
  return sortable() && type != FieldType::kBoolean;
}

bool FieldDef::References(std::string_view object) const {
  return std::find(reference_to.begin(), reference_to.end(), object) != reference_to.end();
}

const FieldDef* ObjectDef::FindField(std::string_view name) const {
  auto it = by_lower_name_.find(ToLower(name));
  return it == by_lower_name_.end() ? nullptr : &fields[it->second];
}

const FieldDef* ObjectDef::FindRelationship(std::string_view relationship) const {
  auto it = by_lower_relationship_.find(ToLower(relationship));
  return it == by_lower_relationship_.end() ? nullptr : &fields[it->second];
}

int ObjectDef::ColumnIndex(std::string_view field_name) const {
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i]->name == field_name) return static_cast<int>(i);
  }
  return -1;
}

void ObjectDef::Index() {
  by_lower_name_.clear();
  by_lower_relationship_.clear();
  columns_.clear();
  for (size_t i = 0; i < fields.size(); ++i) {
    const FieldDef& f = fields[i];
    if (f.stored()) columns_.push_back(&f);
    if (f.hidden) continue;
    by_lower_name_[ToLower(f.name)] = i;
    if (!f.relationship_name.empty()) by_lower_relationship_[ToLower(f.relationship_name)] = i;
  }
}

Schema::Schema(std::vector<ObjectDef> objects) {
  for (ObjectDef& object : objects) {
    objects_.push_back(std::make_unique<ObjectDef>(std::move(object)));
    objects_.back()->Index();
  }
}

const ObjectDef* Schema::Replace(ObjectDef object) {
  for (auto& slot : objects_) {
    if (slot->name != object.name) continue;
    retired_.push_back(std::move(slot));
    slot = std::make_unique<ObjectDef>(std::move(object));
    slot->Index();
    return slot.get();
  }
  return nullptr;
}

const ObjectDef* Schema::Find(std::string_view name) const {
  std::string lower = ToLower(name);
  for (const auto& object : objects_) {
    if (ToLower(object->name) == lower) return object.get();
  }
  return nullptr;
}

}  // namespace sfsync::emulator
