// Building blocks for object definitions: one function per kind of field, with the describe
// flags Salesforce gives that kind (describe_account*.json), and the fields every object has.
#ifndef SFSYNC_TESTS_EMULATOR_ORG_FIELD_BUILDERS_H_
#define SFSYNC_TESTS_EMULATOR_ORG_FIELD_BUILDERS_H_

#include <string>
#include <vector>

#include "tests/emulator/org/schema.h"

namespace sfsync::emulator {

ObjectDef NewObject(std::string name, std::string label_plural, std::string key_prefix, UrlSet url_set);

FieldDef Field(std::string name, std::string label, FieldType type);
// Text of `length` characters (string by default; textarea gets extraTypeInfo plaintextarea).
FieldDef Text(std::string name, std::string label, int length, FieldType type = FieldType::kString);
FieldDef Required(FieldDef f);
FieldDef ReadOnly(FieldDef f);
FieldDef Custom(FieldDef f);
FieldDef Picklist(std::string name, std::string label, std::vector<std::string> values,
                  FieldType type = FieldType::kPicklist);
FieldDef Number(std::string name, std::string label, FieldType type, int precision, int scale);
FieldDef Integer(std::string name, std::string label, int digits);
FieldDef Boolean(std::string name, std::string label);
FieldDef Reference(std::string name, std::string label, std::string target, std::string relationship,
                   std::string child_relationship = "");
// A polymorphic lookup (describe polymorphicForeignKey): `targets` in referenceTo order.
FieldDef PolymorphicReference(std::string name, std::string label, std::vector<std::string> targets,
                              std::string relationship, std::string child_relationship = "");
// `ExternalId__c`: a unique, case-insensitive external id of 40 characters.
FieldDef ExternalId(std::string label);
// `Sfsync_Key__c`: the external id sfsync's push-back upserts on (unique, case-insensitive, 64
// characters, nillable). The seeder leaves it null.
FieldDef SfsyncKey();

// Id and IsDeleted (hidden on User and Profile, which have no IsDeleted field).
void AddIdAndIsDeleted(ObjectDef* o, bool is_deleted_visible = true);
// A required Name text field, the object's name field.
void AddName(ObjectDef* o, std::string label, int length = 255);
// OwnerId -> User, or -> Group or User for objects queues can own (Lead, Case, Task).
void AddOwner(ObjectDef* o, bool queues_can_own = false);
// CreatedDate ... SystemModstamp, in the order Salesforce lists them.
void AddAudit(ObjectDef* o);

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_ORG_FIELD_BUILDERS_H_
