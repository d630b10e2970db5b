// The standard objects of the emulated org. Field names, types, lengths and flags follow the
// real objects (describe_account*.json); a few custom fields (`__c`) add types the standard
// fields lack (multipicklist, percent, a negative-capable currency, an external id).
#include "tests/emulator/org/field_builders.h"

namespace sfsync::emulator {
namespace {

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
  address.component_prefix = prefix;
  o->fields.push_back(address);
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

// Files attached to a record (here, to an invoice). Body is the only base64 field of the org.
ObjectDef Attachment() {
  ObjectDef o = NewObject("Attachment", "Attachments", "00P", UrlSet::kSetup);
  o.mergeable = o.feed_enabled = o.layoutable = o.mru_enabled = false;
  AddIdAndIsDeleted(&o);
  o.fields.push_back(Required(Reference("ParentId", "Parent ID", "Invoice__c", "Parent", "Attachments")));
  o.fields.back().updateable = false;
  AddName(&o, "File Name");
  o.fields.push_back(Boolean("IsPrivate", "Private"));
  o.fields.push_back(Text("ContentType", "Content Type", 120));
  o.fields.push_back(ReadOnly(Integer("BodyLength", "Body Length", 18)));
  o.fields.push_back(Required(Field("Body", "Body", FieldType::kBase64)));
  AddOwner(&o);
  AddAudit(&o);
  o.fields.push_back(Text("Description", "Description", 500, FieldType::kTextArea));
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
  objects.push_back(InvoiceObject());
  objects.push_back(Attachment());
  return std::make_unique<Schema>(std::move(objects));
}

}  // namespace sfsync::emulator
