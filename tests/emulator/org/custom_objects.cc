// Invoice__c, the org's custom object. It carries the field kinds the standard objects lack:
// an external id that is unique and case-insensitive (the upsert key), a custom lookup with its
// `__r` relationship, a cross-object formula, time, a whole-number double ("long"), a
// geolocation compound, an encrypted string, a combobox and a 32768-character long text area.
#include "tests/emulator/org/field_builders.h"

namespace sfsync::emulator {
namespace {

// A compound geolocation field `{name}__c` with its `{name}__Latitude__s` and
// `{name}__Longitude__s` components, as Salesforce names them.
void AddLocation(ObjectDef* o, const std::string& name, const std::string& label, int scale) {
  const std::string compound = name + "__c";
  for (const char* part : {"Latitude", "Longitude"}) {
    FieldDef component =
        Custom(Number(name + "__" + part + "__s", label + " (" + part + ")", FieldType::kDouble, scale + 3, scale));
    component.compound_field_name = compound;
    o->fields.push_back(component);
  }
  FieldDef location = Custom(ReadOnly(Field(compound, label, FieldType::kLocation)));
  location.component_prefix = name + "__";
  location.scale = scale;
  o->fields.push_back(location);
}

}  // namespace

ObjectDef InvoiceObject() {
  ObjectDef o = NewObject("Invoice__c", "Invoices", "a00", UrlSet::kCrm);
  o.label = "Invoice";
  o.custom = true;
  o.mergeable = o.feed_enabled = false;
  AddIdAndIsDeleted(&o);
  AddName(&o, "Invoice Name", 80);
  AddOwner(&o);
  AddAudit(&o);

  FieldDef number = Custom(Text("InvoiceNumber__c", "Invoice Number", 30));
  number.external_id = number.unique = number.id_lookup = true;
  o.fields.push_back(number);
  o.fields.push_back(Custom(Reference("Account__c", "Account", "Account", "Account__r", "Invoices__r")));
  // Reads the parent: renaming the Account changes it, and no SystemModstamp of an invoice moves.
  FieldDef account_name = Custom(ReadOnly(Text("AccountName__c", "Account Name", 1300)));
  account_name.formula = "Account__r.Name";
  account_name.formula_sql = "(SELECT f.\"Name\" FROM \"Account\" f WHERE f.\"Id\" = {t}.\"Account__c\")";
  o.fields.push_back(account_name);
  o.fields.push_back(Custom(Picklist("Status__c", "Status", {"Draft", "Sent", "Paid", "Void"})));
  o.fields.push_back(Custom(Number("Amount__c", "Amount", FieldType::kCurrency, 16, 2)));
  o.fields.push_back(Custom(Number("LineCount__c", "Line Count", FieldType::kDouble, 18, 0)));
  o.fields.push_back(Custom(Field("DueTime__c", "Due Time", FieldType::kTime)));
  AddLocation(&o, "DeliveryLocation", "Delivery Location", 6);
  FieldDef bank = Custom(Text("BankAccount__c", "Bank Account", 175, FieldType::kEncryptedString));
  bank.mask = "lastFour";
  bank.mask_type = "asterisk";
  o.fields.push_back(bank);
  FieldDef category = Custom(
      Picklist("Category__c", "Category", {"Hardware", "Software", "Services", "Training"}, FieldType::kCombobox));
  o.fields.push_back(category);
  o.fields.push_back(Custom(Text("Notes__c", "Notes", 32768, FieldType::kTextArea)));
  o.fields.push_back(SfsyncKey());
  return o;
}

}  // namespace sfsync::emulator
