// The objects of the emulated org. Field names, types, lengths and flags follow the real
// standard objects (describe_account*.json); a few custom fields (`__c`) add types the
// standard fields lack (multipicklist, percent, a negative-capable currency, an external id).
#include "tests/emulator/org/schema.h"

namespace sfsync::emulator {
namespace {

ObjectDef NewObject(std::string name, std::string label_plural, std::string key_prefix,
                    UrlSet url_set) {
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

FieldDef Text(std::string name, std::string label, int length,
              FieldType type = FieldType::kString) {
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

FieldDef Picklist(std::string name, std::string label, std::vector<std::string> values,
                  FieldType type = FieldType::kPicklist) {
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

FieldDef Reference(std::string name, std::string label, std::string target,
                   std::string relationship, std::string child_relationship = "") {
  FieldDef f = Field(std::move(name), std::move(label), FieldType::kReference);
  f.length = 18;
  f.reference_to = std::move(target);
  f.relationship_name = std::move(relationship);
  f.child_relationship = std::move(child_relationship);
  return f;
}

FieldDef ExternalId(std::string label) {
  FieldDef f = Custom(Text("ExternalId__c", std::move(label), 40));
  f.external_id = true;
  f.unique = true;
  f.id_lookup = true;
  return f;
}

void AddIdAndIsDeleted(ObjectDef* o, bool is_deleted_visible = true) {
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

void AddName(ObjectDef* o, std::string label, int length = 255) {
  FieldDef name = Required(Text("Name", std::move(label), length));
  name.name_field = true;
  name.permissionable = false;
  o->fields.push_back(name);
}

// FirstName/LastName/Salutation plus the derived, read-only Name (Contact, Lead, User).
void AddPersonName(ObjectDef* o, bool with_salutation) {
  FieldDef last = Required(Text("LastName", "Last Name", 80));
  FieldDef first = Text("FirstName", "First Name", 40);
  last.compound_field_name = first.compound_field_name = "Name";
  last.permissionable = false;
  o->fields.push_back(last);
  o->fields.push_back(first);
  if (with_salutation) {
    FieldDef salutation =
        Picklist("Salutation", "Salutation", {"Mr.", "Ms.", "Mrs.", "Dr.", "Prof."});
    salutation.compound_field_name = "Name";
    salutation.length = 40;
    o->fields.push_back(salutation);
  }
  FieldDef name = ReadOnly(Required(Text("Name", "Full Name", 121)));
  name.name_field = true;
  name.extra_type_info = "personname";
  name.derived_full_name = true;
  name.permissionable = false;
  o->fields.push_back(name);
}

void AddAddress(ObjectDef* o, const std::string& prefix, const std::string& label_prefix) {
  const std::string compound = prefix + "Address";
  auto component = [&](FieldDef f) {
    f.compound_field_name = compound;
    o->fields.push_back(std::move(f));
  };
  component(Text(prefix + "Street", label_prefix + " Street", 255, FieldType::kTextArea));
  component(Text(prefix + "City", label_prefix + " City", 40));
  component(Text(prefix + "State", label_prefix + " State/Province", 80));
  component(Text(prefix + "PostalCode", label_prefix + " Zip/Postal Code", 20));
  component(Text(prefix + "Country", label_prefix + " Country", 80));
  component(Number(prefix + "Latitude", label_prefix + " Latitude", FieldType::kDouble, 18, 15));
  component(Number(prefix + "Longitude", label_prefix + " Longitude", FieldType::kDouble, 18, 15));
  FieldDef accuracy = Picklist(prefix + "GeocodeAccuracy", label_prefix + " Geocode Accuracy",
                               {"Address", "NearAddress", "Block", "Street", "ExtendedZip", "Zip",
                                "Neighborhood", "City", "County", "State", "Unknown"});
  accuracy.length = 40;
  component(accuracy);
  FieldDef address = ReadOnly(Field(compound, label_prefix + " Address", FieldType::kAddress));
  address.address_prefix = prefix;
  o->fields.push_back(address);
}

void AddOwner(ObjectDef* o) {
  FieldDef owner = Required(Reference("OwnerId", "Owner ID", "User", "Owner"));
  owner.defaulted_on_create = true;
  owner.permissionable = false;
  o->fields.push_back(owner);
}

// CreatedDate ... SystemModstamp, in the order Salesforce lists them.
void AddAudit(ObjectDef* o) {
  auto stamp = [](std::string name, std::string label) {
    FieldDef f = ReadOnly(Required(Field(std::move(name), std::move(label), FieldType::kDateTime)));
    f.defaulted_on_create = true;
    f.permissionable = false;
    return f;
  };
  auto by = [](std::string name, std::string label, std::string relationship) {
    FieldDef f = ReadOnly(Required(Reference(std::move(name), std::move(label), "User",
                                             std::move(relationship))));
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

const std::vector<std::string> kIndustries = {
    "Agriculture", "Apparel",       "Banking",       "Biotechnology", "Chemicals",
    "Communications", "Construction", "Consulting",  "Education",     "Electronics",
    "Energy",      "Engineering",   "Entertainment", "Environmental", "Finance",
    "Food & Beverage", "Government", "Healthcare",   "Hospitality",   "Insurance",
    "Machinery",   "Media",         "Not For Profit", "Recreation",   "Retail",
    "Shipping",    "Technology",    "Telecommunications", "Transportation", "Utilities",
    "Other"};
const std::vector<std::string> kLeadSources = {"Web", "Phone Inquiry", "Partner Referral",
                                               "Purchased List", "Other"};

ObjectDef Profile() {
  ObjectDef o = NewObject("Profile", "Profiles", "00e", UrlSet::kSetup);
  o.undeletable = o.mergeable = o.feed_enabled = o.layoutable = o.triggerable = false;
  AddIdAndIsDeleted(&o, /*is_deleted_visible=*/false);
  AddName(&o, "Name");
  o.fields.push_back(Picklist("UserType", "User Type", {"Standard", "PowerPartner", "Guest"}));
  o.fields.back().length = 40;
  o.fields.push_back(Text("Description", "Description", 255));
  AddAudit(&o);
  return o;
}

ObjectDef User() {
  ObjectDef o = NewObject("User", "Users", "005", UrlSet::kUser);
  o.deletable = o.undeletable = o.mergeable = false;
  AddIdAndIsDeleted(&o, /*is_deleted_visible=*/false);
  FieldDef username = Required(Text("Username", "Username", 80));
  username.unique = true;
  username.id_lookup = true;
  o.fields.push_back(username);
  AddPersonName(&o, /*with_salutation=*/false);
  o.fields.push_back(Required(Text("Alias", "Alias", 8)));
  o.fields.push_back(Required(Text("Email", "Email", 128, FieldType::kEmail)));
  o.fields.push_back(Boolean("IsActive", "Active"));
  o.fields.push_back(Required(Reference("ProfileId", "Profile ID", "Profile", "Profile", "Users")));
  o.fields.push_back(Required(Picklist(
      "TimeZoneSidKey", "Time Zone",
      {"America/Los_Angeles", "America/New_York", "Europe/London", "Europe/Berlin",
       "Asia/Kolkata", "Asia/Tokyo"})));
  o.fields.back().length = 40;
  AddAudit(&o);
  return o;
}

ObjectDef Account() {
  ObjectDef o = NewObject("Account", "Accounts", "001", UrlSet::kCrm);
  AddIdAndIsDeleted(&o);
  AddName(&o, "Account Name");
  o.fields.push_back(Picklist("Type", "Account Type",
                              {"Prospect", "Customer - Direct", "Customer - Channel",
                               "Channel Partner / Reseller", "Installation Partner",
                               "Technology Partner", "Other"}));
  o.fields.push_back(Reference("ParentId", "Parent Account ID", "Account", "Parent",
                               "ChildAccounts"));
  AddAddress(&o, "Billing", "Billing");
  AddAddress(&o, "Shipping", "Shipping");
  o.fields.push_back(Text("Phone", "Account Phone", 40, FieldType::kPhone));
  o.fields.push_back(Text("Fax", "Account Fax", 40, FieldType::kPhone));
  o.fields.push_back(Text("AccountNumber", "Account Number", 40));
  o.fields.push_back(Text("Website", "Website", 255, FieldType::kUrl));
  o.fields.push_back(Picklist("Industry", "Industry", kIndustries));
  o.fields.push_back(Number("AnnualRevenue", "Annual Revenue", FieldType::kCurrency, 18, 0));
  o.fields.push_back(Integer("NumberOfEmployees", "Employees", 8));
  o.fields.push_back(Picklist("Ownership", "Ownership", {"Public", "Private", "Subsidiary",
                                                         "Other"}));
  o.fields.push_back(Text("TickerSymbol", "Ticker Symbol", 20));
  o.fields.push_back(Text("Description", "Account Description", 32000, FieldType::kTextArea));
  o.fields.push_back(Picklist("Rating", "Account Rating", {"Hot", "Warm", "Cold"}));
  o.fields.push_back(Text("Site", "Account Site", 80));
  AddOwner(&o);
  AddAudit(&o);
  o.fields.push_back(ReadOnly(Field("LastActivityDate", "Last Activity", FieldType::kDate)));
  o.fields.push_back(Picklist("AccountSource", "Account Source", kLeadSources));
  o.fields.push_back(ExternalId("External ID"));
  o.fields.push_back(Custom(Picklist("Regions__c", "Regions",
                                     {"AMER", "EMEA", "APAC", "LATAM"},
                                     FieldType::kMultiPicklist)));
  o.fields.push_back(Custom(Field("CustomerSince__c", "Customer Since", FieldType::kDate)));
  o.fields.push_back(Custom(Number("Discount__c", "Discount", FieldType::kPercent, 5, 2)));
  o.fields.push_back(Custom(Number("CreditBalance__c", "Credit Balance", FieldType::kCurrency,
                                   16, 2)));
  return o;
}

ObjectDef Contact() {
  ObjectDef o = NewObject("Contact", "Contacts", "003", UrlSet::kCrm);
  AddIdAndIsDeleted(&o);
  FieldDef account = Reference("AccountId", "Account ID", "Account", "Account", "Contacts");
  account.cascade_delete = true;
  o.fields.push_back(account);
  AddPersonName(&o, /*with_salutation=*/true);
  AddAddress(&o, "Mailing", "Mailing");
  o.fields.push_back(Text("Phone", "Business Phone", 40, FieldType::kPhone));
  o.fields.push_back(Text("MobilePhone", "Mobile Phone", 40, FieldType::kPhone));
  FieldDef email = Text("Email", "Email", 80, FieldType::kEmail);
  email.id_lookup = true;
  o.fields.push_back(email);
  o.fields.push_back(Text("Title", "Title", 128));
  o.fields.push_back(Text("Department", "Department", 80));
  o.fields.push_back(Picklist("LeadSource", "Lead Source", kLeadSources));
  o.fields.push_back(Field("Birthdate", "Birthdate", FieldType::kDate));
  o.fields.push_back(Text("Description", "Contact Description", 32000, FieldType::kTextArea));
  o.fields.push_back(Boolean("HasOptedOutOfEmail", "Email Opt Out"));
  o.fields.push_back(Boolean("DoNotCall", "Do Not Call"));
  AddOwner(&o);
  AddAudit(&o);
  o.fields.push_back(ReadOnly(Field("LastActivityDate", "Last Activity", FieldType::kDate)));
  o.fields.push_back(ExternalId("External ID"));
  return o;
}

ObjectDef Opportunity() {
  ObjectDef o = NewObject("Opportunity", "Opportunities", "006", UrlSet::kCrm);
  o.mergeable = false;
  o.deep_cloneable = true;
  AddIdAndIsDeleted(&o);
  FieldDef account = Reference("AccountId", "Account ID", "Account", "Account", "Opportunities");
  account.cascade_delete = true;
  o.fields.push_back(account);
  AddName(&o, "Name", 120);
  o.fields.push_back(Text("Description", "Description", 32000, FieldType::kTextArea));
  o.fields.push_back(Required(Picklist(
      "StageName", "Stage",
      {"Prospecting", "Qualification", "Needs Analysis", "Value Proposition",
       "Id. Decision Makers", "Perception Analysis", "Proposal/Price Quote",
       "Negotiation/Review", "Closed Won", "Closed Lost"})));
  o.fields.push_back(Number("Amount", "Amount", FieldType::kCurrency, 18, 2));
  o.fields.push_back(Number("Probability", "Probability (%)", FieldType::kPercent, 3, 0));
  o.fields.push_back(Required(Field("CloseDate", "Close Date", FieldType::kDate)));
  o.fields.push_back(Picklist("Type", "Opportunity Type",
                              {"Existing Customer - Upgrade", "Existing Customer - Replacement",
                               "Existing Customer - Downgrade", "New Customer"}));
  o.fields.push_back(Text("NextStep", "Next Step", 255));
  o.fields.push_back(Picklist("LeadSource", "Lead Source", kLeadSources));
  o.fields.push_back(ReadOnly(Boolean("IsClosed", "Closed")));
  o.fields.push_back(ReadOnly(Boolean("IsWon", "Won")));
  o.fields.push_back(Required(Picklist("ForecastCategoryName", "Forecast Category",
                                       {"Omitted", "Pipeline", "Best Case", "Commit",
                                        "Closed"})));
  o.fields.push_back(Number("TotalOpportunityQuantity", "Quantity", FieldType::kDouble, 18, 2));
  AddOwner(&o);
  AddAudit(&o);
  return o;
}

ObjectDef Lead() {
  ObjectDef o = NewObject("Lead", "Leads", "00Q", UrlSet::kCrm);
  AddIdAndIsDeleted(&o);
  AddPersonName(&o, /*with_salutation=*/true);
  o.fields.push_back(Text("Title", "Title", 128));
  o.fields.push_back(Required(Text("Company", "Company", 255)));
  AddAddress(&o, "", "");
  for (FieldDef& f : o.fields) {  // Lead's address labels have no prefix: "Street", "City"...
    if (!f.label.empty() && f.label[0] == ' ') f.label.erase(0, 1);
  }
  o.fields.push_back(Text("Phone", "Phone", 40, FieldType::kPhone));
  o.fields.push_back(Text("MobilePhone", "Mobile Phone", 40, FieldType::kPhone));
  o.fields.push_back(Text("Email", "Email", 80, FieldType::kEmail));
  o.fields.push_back(Text("Website", "Website", 255, FieldType::kUrl));
  o.fields.push_back(Text("Description", "Description", 32000, FieldType::kTextArea));
  o.fields.push_back(Picklist("LeadSource", "Lead Source", kLeadSources));
  o.fields.push_back(Required(Picklist("Status", "Status",
                                       {"Open - Not Contacted", "Working - Contacted",
                                        "Closed - Converted", "Closed - Not Converted"})));
  o.fields.push_back(Picklist("Industry", "Industry", kIndustries));
  o.fields.push_back(Picklist("Rating", "Rating", {"Hot", "Warm", "Cold"}));
  o.fields.push_back(Number("AnnualRevenue", "Annual Revenue", FieldType::kCurrency, 18, 0));
  o.fields.push_back(Integer("NumberOfEmployees", "Employees", 8));
  o.fields.push_back(ReadOnly(Boolean("IsConverted", "Converted")));
  o.fields.push_back(ReadOnly(Field("ConvertedDate", "Converted Date", FieldType::kDate)));
  o.fields.push_back(ReadOnly(Reference("ConvertedAccountId", "Converted Account ID", "Account",
                                        "ConvertedAccount")));
  o.fields.push_back(ReadOnly(Reference("ConvertedContactId", "Converted Contact ID", "Contact",
                                        "ConvertedContact")));
  AddOwner(&o);
  AddAudit(&o);
  return o;
}

}  // namespace

std::unique_ptr<Schema> MakeStandardSchema() {
  std::vector<ObjectDef> objects;
  objects.push_back(Profile());
  objects.push_back(User());
  objects.push_back(Account());
  objects.push_back(Contact());
  objects.push_back(Opportunity());
  objects.push_back(Lead());
  return std::make_unique<Schema>(std::move(objects));
}

}  // namespace sfsync::emulator
