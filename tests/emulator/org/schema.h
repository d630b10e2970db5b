// The emulated org's metadata: objects, their fields and the describe flags Salesforce reports
// for them. Everything else (storage, SOQL, describe JSON, seeding) is driven by this.
#ifndef SFSYNC_TESTS_EMULATOR_ORG_SCHEMA_H_
#define SFSYNC_TESTS_EMULATOR_ORG_SCHEMA_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sfsync::emulator {

// Describe `type` values the emulator models (protocol §4.2).
enum class FieldType {
  kId,
  kBoolean,
  kString,
  kTextArea,
  kPicklist,
  kMultiPicklist,
  kInt,
  kDouble,
  kCurrency,
  kPercent,
  kDate,
  kDateTime,
  kReference,
  kEmail,
  kPhone,
  kUrl,
  kTime,             // `HH:mm:ss.SSSZ`
  kEncryptedString,  // classic encrypted text, shown unmasked to the integration user
  kCombobox,         // a picklist that also takes free text
  kBase64,           // stored as base64 text; queries show a blob URL (protocol §2.4)
  kAddress,   // compound: rendered from component fields, never stored
  kLocation,  // compound: {latitude, longitude} from two component fields, never stored
};

// How a value of the type lives in SQLite. Datetimes are stored as epoch milliseconds so
// they compare and sort as instants; dates as `yyyy-MM-dd` text, which sorts the same way.
enum class Storage { kText, kInteger, kReal, kDateTime, kNone };

std::string_view TypeName(FieldType type);
// The type whose describe name is `name`, if any.
std::optional<FieldType> TypeNamed(std::string_view name);
std::string_view SoapType(FieldType type);
Storage StorageOf(FieldType type);
// True for the types whose JSON value is a string holding free text (not ids or dates).
bool IsTextual(FieldType type);
// Address and location: objects rendered from component fields.
bool IsCompound(FieldType type);

struct FieldDef {
  std::string name;
  std::string label;
  FieldType type = FieldType::kString;
  int length = 0;     // text types: characters
  int precision = 0;  // double/currency/percent: total digits
  int scale = 0;      // double/currency/percent: digits after the point
  int digits = 0;     // int
  bool nillable = true;
  bool createable = true;
  bool updateable = true;
  bool defaulted_on_create = false;
  bool custom = false;
  bool external_id = false;
  bool unique = false;
  bool id_lookup = false;
  bool name_field = false;
  bool permissionable = true;
  // Stored and filtered on, but absent from describe and SOQL (User/Profile have no
  // IsDeleted field in Salesforce; the emulator keeps the column for uniformity).
  bool hidden = false;
  std::string extra_type_info;       // "plaintextarea", "personname", ...
  std::string compound_field_name;   // components of an address, location or name
  // kAddress: component names are prefix + "Street", ...; kLocation: prefix + "Latitude__s"
  // and prefix + "Longitude__s".
  std::string component_prefix;
  // kReference: the target objects, one, or several for a polymorphic lookup (OwnerId ->
  // Group or User, WhatId, WhoId), in describe's referenceTo order.
  std::vector<std::string> reference_to;
  std::string relationship_name;     // kReference: e.g. "Owner" for OwnerId
  std::string child_relationship;    // kReference: name on the parent, e.g. "Contacts"
  bool cascade_delete = false;       // kReference: parent delete removes the child
  std::vector<std::string> picklist_values;
  // Contact/Lead/User `Name`: FirstName + " " + LastName, maintained by the store.
  bool derived_full_name = false;
  // Case.CaseNumber: an auto-number the store assigns on insert ("00001000", "00001001"...).
  bool auto_number = false;
  // Formula fields (describe `calculated`): never stored, computed when read, so a change of
  // what they read (a parent's field) changes their value without touching SystemModstamp, as
  // in Salesforce. `formula` is describe's calculatedFormula; `formula_sql` the SQL expression,
  // with `{t}` standing for the alias of this object's table.
  std::string formula;
  std::string formula_sql;
  std::string mask;       // kEncryptedString: describe `mask` ("lastFour", ...)
  std::string mask_type;  // kEncryptedString: describe `maskType` ("asterisk", "X")

  Storage storage() const { return StorageOf(type); }
  bool calculated() const { return !formula_sql.empty(); }
  // A lookup whose target can be one of several objects (protocol §2.3).
  bool polymorphic() const { return reference_to.size() > 1; }
  bool References(std::string_view object) const;
  // True when the field has a column in the object's table.
  bool stored() const { return storage() != Storage::kNone && !calculated(); }
  // Long text areas (more than 255 characters): not filterable, and they shrink query pages.
  bool long_text() const { return type == FieldType::kTextArea && length > 255; }
  bool filterable() const;
  bool sortable() const;
  bool groupable() const;
  bool aggregatable() const;
};

// Which `urls` an object's describe carries; mirrors global_describe.json.
enum class UrlSet { kCrm, kUser, kSetup, kActivity };

struct ObjectDef {
  std::string name;
  std::string label;
  std::string label_plural;
  std::string key_prefix;
  UrlSet url_set = UrlSet::kCrm;
  bool custom = false;
  bool createable = true;
  bool deletable = true;
  bool updateable = true;
  bool undeletable = true;
  bool mergeable = true;
  bool deep_cloneable = false;
  bool feed_enabled = true;
  bool layoutable = true;
  bool mru_enabled = true;
  bool triggerable = true;
  // Object-specific `urls` entries (key, path after /sobjects/{Name}), which describe lists
  // after approvalLayouts (Case's suggested articles, Event's series updates).
  std::vector<std::pair<std::string, std::string>> extra_urls;
  std::vector<FieldDef> fields;  // describe order; address fields after their components

  // Case-insensitive lookups; hidden fields are not found.
  const FieldDef* FindField(std::string_view name) const;
  // The reference field whose relationship name is `relationship` (case-insensitive).
  const FieldDef* FindRelationship(std::string_view relationship) const;
  // Stored columns (every field but compound and formula fields), in table order.
  const std::vector<const FieldDef*>& columns() const { return columns_; }
  // Index of `field_name` in columns(), or -1. Exact-case name.
  int ColumnIndex(std::string_view field_name) const;
  bool has_is_deleted() const { return FindField("IsDeleted") != nullptr; }

  // Builds the lookup tables; called once the fields are final.
  void Index();

 private:
  std::map<std::string, size_t, std::less<>> by_lower_name_;
  std::map<std::string, size_t, std::less<>> by_lower_relationship_;
  std::vector<const FieldDef*> columns_;
};

class Schema {
 public:
  explicit Schema(std::vector<ObjectDef> objects);
  Schema(const Schema&) = delete;
  Schema& operator=(const Schema&) = delete;

  const ObjectDef* Find(std::string_view name) const;  // case-insensitive
  const std::vector<std::unique_ptr<ObjectDef>>& objects() const { return objects_; }

  // Puts `object` in place of the object of the same name (REQUIRES: one exists) and returns
  // the new definition. The old one stays alive, unchanged, until the schema is destroyed:
  // compiled queries and open cursors may still point into it.
  const ObjectDef* Replace(ObjectDef object);

 private:
  std::vector<std::unique_ptr<ObjectDef>> objects_;
  std::vector<std::unique_ptr<ObjectDef>> retired_;
};

std::string ToLower(std::string_view s);

// The emulated org: Profile, User, Group, Account, Contact, Opportunity, Lead, Case, the custom
// object Invoice__c, Attachment, Task and Event.
std::unique_ptr<Schema> MakeStandardSchema();

// Salesforce's `Name` object: what a polymorphic relationship (Owner, What, Who) resolves
// against in SOQL. It has a fixed set of fields whatever the target (name_object.cc); it is
// no table of the org and no entry of global describe.
const ObjectDef& NameObject();

// The custom object (custom_objects.cc).
ObjectDef InvoiceObject();

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_ORG_SCHEMA_H_
