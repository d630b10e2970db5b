#include "tests/emulator/org/field_builders.h"

namespace sfsync::emulator {

ObjectDef NewObject(std::string name, std::string label_plural, std::string key_prefix, UrlSet url_set) {
  ObjectDef o;
  o.label = name;
  o.name = std::move(name);
  o.label_plural = std::move(label_plural);
  o.key_prefix = std::move(key_prefix);
  o.url_set = url_set;
  return o;
}

FieldDef Field(std::string name, std::string label, FieldType type) {
  FieldDef f;
  f.name = std::move(name);
  f.label = std::move(label);
  f.type = type;
  return f;
}

FieldDef Text(std::string name, std::string label, int length, FieldType type) {
  FieldDef f = Field(std::move(name), std::move(label), type);
  f.length = length;
  if (type == FieldType::kTextArea) f.extra_type_info = "plaintextarea";
  return f;
}

FieldDef Required(FieldDef f) {
  f.nillable = false;
  return f;
}

FieldDef ReadOnly(FieldDef f) {
  f.createable = false;
  f.updateable = false;
  return f;
}

FieldDef Custom(FieldDef f) {
  f.custom = true;
  return f;
}

FieldDef Picklist(std::string name, std::string label, std::vector<std::string> values, FieldType type) {
  FieldDef f = Field(std::move(name), std::move(label), type);
  f.length = type == FieldType::kMultiPicklist ? 4099 : 255;
  f.picklist_values = std::move(values);
  return f;
}

FieldDef Number(std::string name, std::string label, FieldType type, int precision, int scale) {
  FieldDef f = Field(std::move(name), std::move(label), type);
  f.precision = precision;
  f.scale = scale;
  return f;
}

FieldDef Integer(std::string name, std::string label, int digits) {
  FieldDef f = Field(std::move(name), std::move(label), FieldType::kInt);
  f.digits = digits;
  return f;
}

FieldDef Boolean(std::string name, std::string label) {
  FieldDef f = Field(std::move(name), std::move(label), FieldType::kBoolean);
  f.nillable = false;
  f.defaulted_on_create = true;
  return f;
}

FieldDef Reference(std::string name, std::string label, std::string target, std::string relationship,
                   std::string child_relationship) {
  FieldDef f = Field(std::move(name), std::move(label), FieldType::kReference);
  f.length = 18;
  f.reference_to = {std::move(target)};
  f.relationship_name = std::move(relationship);
  f.child_relationship = std::move(child_relationship);
  return f;
}

FieldDef PolymorphicReference(std::string name, std::string label, std::vector<std::string> targets,
                              std::string relationship, std::string child_relationship) {
  FieldDef f = Reference(std::move(name), std::move(label), "", std::move(relationship), std::move(child_relationship));
  f.reference_to = std::move(targets);
  return f;
}

FieldDef ExternalId(std::string label) {
  FieldDef f = Custom(Text("ExternalId__c", std::move(label), 40));
  f.external_id = true;
  f.unique = true;
  f.id_lookup = true;
  return f;
}

FieldDef SfsyncKey() {
  FieldDef f = Custom(Text("Sfsync_Key__c", "Sfsync Key", 64));
  f.external_id = true;
  f.unique = true;
  f.id_lookup = true;
  return f;
}

void AddIdAndIsDeleted(ObjectDef* o, bool is_deleted_visible) {
  FieldDef id = ReadOnly(Required(Field("Id", o->label + " ID", FieldType::kId)));
  id.length = 18;
  id.id_lookup = true;
  id.defaulted_on_create = true;
  id.permissionable = false;
  o->fields.push_back(id);
  FieldDef deleted = ReadOnly(Boolean("IsDeleted", "Deleted"));
  deleted.permissionable = false;
  deleted.hidden = !is_deleted_visible;
  o->fields.push_back(deleted);
}

void AddName(ObjectDef* o, std::string label, int length) {
  FieldDef name = Required(Text("Name", std::move(label), length));
  name.name_field = true;
  name.permissionable = false;
  o->fields.push_back(name);
}

void AddOwner(ObjectDef* o, bool queues_can_own) {
  FieldDef owner = Required(queues_can_own ? PolymorphicReference("OwnerId", "Owner ID", {"Group", "User"}, "Owner")
                                           : Reference("OwnerId", "Owner ID", "User", "Owner"));
  owner.defaulted_on_create = true;
  owner.permissionable = false;
  o->fields.push_back(owner);
}

void AddAudit(ObjectDef* o) {
  auto stamp = [](std::string name, std::string label) {
    FieldDef f = ReadOnly(Required(Field(std::move(name), std::move(label), FieldType::kDateTime)));
    f.defaulted_on_create = true;
    f.permissionable = false;
    return f;
  };
  auto by = [](std::string name, std::string label, std::string relationship) {
    FieldDef f = ReadOnly(Required(Reference(std::move(name), std::move(label), "User", std::move(relationship))));
    f.defaulted_on_create = true;
    f.permissionable = false;
    return f;
  };
  o->fields.push_back(stamp("CreatedDate", "Created Date"));
  o->fields.push_back(by("CreatedById", "Created By ID", "CreatedBy"));
  o->fields.push_back(stamp("LastModifiedDate", "Last Modified Date"));
  o->fields.push_back(by("LastModifiedById", "Last Modified By ID", "LastModifiedBy"));
  o->fields.push_back(stamp("SystemModstamp", "System Modstamp"));
}

}  // namespace sfsync::emulator
