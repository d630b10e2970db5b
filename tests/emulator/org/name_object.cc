// Salesforce's `Name` object: the fields a polymorphic relationship (Owner, What, Who) offers in
// SOQL, whatever the referenced record's type. The field list is the Field Reference's
// (developer.salesforce.com/docs/platform/field-reference/references/field-reference/
// salesforce-field-reference-name.html), with Profile, the one relationship of it whose target
// exists in the emulated org. Asking for any other field is INVALID_FIELD "No such column 'X' on
// entity 'Name'", as in Salesforce.
#include "tests/emulator/org/field_builders.h"

namespace sfsync::emulator {
namespace {

ObjectDef MakeNameObject() {
  ObjectDef o = NewObject("Name", "Names", "", UrlSet::kSetup);
  auto add = [&](FieldDef f) {
    f.createable = f.updateable = false;
    o.fields.push_back(std::move(f));
  };
  FieldDef id = Field("Id", "ID", FieldType::kId);
  id.length = 18;
  add(id);
  add(Text("Alias", "Alias", 8));
  add(Text("Email", "Email", 80, FieldType::kEmail));
  add(Text("FirstName", "First Name", 40));
  add(Field("IsActive", "Active", FieldType::kBoolean));
  add(Text("LastName", "Last Name", 80));
  add(Field("LastReferencedDate", "Last Referenced Date", FieldType::kDateTime));
  add(Field("LastViewedDate", "Last Viewed Date", FieldType::kDateTime));
  FieldDef name = Text("Name", "Name", 255);
  name.name_field = true;
  add(name);
  add(Text("NameOrAlias", "Name or Alias", 80));
  add(Text("Phone", "Phone", 40, FieldType::kPhone));
  add(Reference("ProfileId", "Profile ID", "Profile", "Profile"));
  add(Reference("RecordTypeId", "Record Type ID", "RecordType", ""));
  add(Text("Title", "Title", 80));
  FieldDef type = Field("Type", "Type", FieldType::kPicklist);
  type.length = 40;
  add(type);
  add(Reference("UserRoleId", "Role ID", "UserRole", ""));
  add(Text("Username", "Username", 80));
  return o;
}

}  // namespace

const ObjectDef& NameObject() {
  static const ObjectDef* const kName = [] {
    auto* name = new ObjectDef(MakeNameObject());
    name->Index();  // its lookup tables point into this copy's fields
    return name;
  }();
  return *kName;
}

}  // namespace sfsync::emulator
