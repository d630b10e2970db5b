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

// Groups of users; a queue (Type = 'Queue') can own Leads, Cases and Tasks. Key prefix, flags
// and the singular labelPlural follow global_describe.json; like User, Group has no IsDeleted.
ObjectDef Group() {
  ObjectDef o = NewObject("Group", "Group", "00G", UrlSet::kSetup);
  o.undeletable = o.mergeable = o.feed_enabled = o.layoutable = o.mru_enabled = o.triggerable = false;
  AddIdAndIsDeleted(&o, /*is_deleted_visible=*/false);
  AddName(&o, "Name", 40);
  o.fields.push_back(Text("DeveloperName", "Developer Name", 80));
  o.fields.push_back(Required(Picklist("Type", "Type",
                                       {"Regular", "Role", "RoleAndSubordinates", "Manager",
                                        "ManagerAndSubordinatesInternal", "Organization", "Queue"})));
  o.fields.back().length = 40;
  o.fields.push_back(Text("Email", "Email", 255, FieldType::kEmail));
  o.fields.push_back(Boolean("DoesSendEmailToMembers", "Send Email to Members"));
  o.fields.push_back(Boolean("DoesIncludeBosses", "Include Bosses"));
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
  o.fields.push_back(SfsyncKey());
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
  o.fields.push_back(SfsyncKey());
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
  o.fields.push_back(SfsyncKey());
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
  AddOwner(&o, /*queues_can_own=*/true);
  AddAudit(&o);
  return o;
}

// The fields of query_cases_booleans_dates.json (a real dev org's Cases), with CaseNumber as
// the name field: a Case has no Name, so What.Name of a Case is its CaseNumber.
ObjectDef Case() {
  ObjectDef o = NewObject("Case", "Cases", "500", UrlSet::kCrm);
  o.mergeable = false;
  o.extra_urls = {{"caseArticleSuggestions", "/suggestedArticles"},
                  {"caseRowArticleSuggestions", "/{ID}/suggestedArticles"}};
  AddIdAndIsDeleted(&o);
  FieldDef number = ReadOnly(Text("CaseNumber", "Case Number", 30));
  number.name_field = true;
  number.auto_number = true;
  number.nillable = false;
  number.defaulted_on_create = true;
  o.fields.push_back(number);
  o.fields.push_back(Reference("ContactId", "Contact ID", "Contact", "Contact", "Cases"));
  o.fields.push_back(Reference("AccountId", "Account ID", "Account", "Account", "Cases"));
  o.fields.push_back(Text("SuppliedName", "Name", 80));
  o.fields.push_back(Text("SuppliedEmail", "Email Address", 80, FieldType::kEmail));
  o.fields.push_back(Text("SuppliedPhone", "Phone", 40));
  o.fields.push_back(Picklist("Type", "Case Type", {"Mechanical", "Electrical", "Electronic", "Structural", "Other"}));
  o.fields.push_back(Picklist("Status", "Status", {"New", "Working", "Escalated", "Closed"}));
  o.fields.push_back(Picklist(
      "Reason", "Case Reason",
      {"Installation", "Equipment Complexity", "Performance", "Breakdown", "Equipment Design", "Feedback", "Other"}));
  o.fields.push_back(Picklist("Origin", "Case Origin", {"Phone", "Email", "Web"}));
  o.fields.push_back(Text("Subject", "Subject", 255));
  o.fields.push_back(Picklist("Priority", "Priority", {"High", "Medium", "Low"}));
  o.fields.push_back(Text("Description", "Description", 32000, FieldType::kTextArea));
  o.fields.push_back(ReadOnly(Boolean("IsClosed", "Closed")));
  o.fields.push_back(ReadOnly(Field("ClosedDate", "Closed Date", FieldType::kDateTime)));
  o.fields.push_back(Boolean("IsEscalated", "Escalated"));
  AddOwner(&o, /*queues_can_own=*/true);
  AddAudit(&o);
  return o;
}

// Task and Event: WhoId (a person: Contact or Lead) and WhatId (anything else) are polymorphic,
// and each target lists the activity under the child relationship `Tasks` or `Events`.
void AddWhoAndWhat(ObjectDef* o, const std::string& children) {
  o->fields.push_back(PolymorphicReference("WhoId", "Name ID", {"Contact", "Lead"}, "Who", children));
  o->fields.push_back(PolymorphicReference("WhatId", "Related To ID", {"Account", "Case", "Invoice__c", "Opportunity"},
                                           "What", children));
}

ObjectDef Task() {
  ObjectDef o = NewObject("Task", "Tasks", "00T", UrlSet::kActivity);
  o.mergeable = o.feed_enabled = false;
  AddIdAndIsDeleted(&o);
  AddWhoAndWhat(&o, "Tasks");
  o.fields.push_back(
      Picklist("Subject", "Subject", {"Call", "Send Letter", "Send Quote", "Other"}, FieldType::kCombobox));
  o.fields.back().length = 255;
  o.fields.push_back(Field("ActivityDate", "Due Date Only", FieldType::kDate));
  o.fields.push_back(Required(Picklist(
      "Status", "Status", {"Not Started", "In Progress", "Completed", "Waiting on someone else", "Deferred"})));
  o.fields.push_back(Required(Picklist("Priority", "Priority", {"High", "Normal", "Low"})));
  o.fields.push_back(Picklist("TaskSubtype", "Task Subtype", {"Task", "Email", "Call"}));
  o.fields.push_back(Text("Description", "Description", 32000, FieldType::kTextArea));
  o.fields.push_back(ReadOnly(Boolean("IsClosed", "Closed")));
  AddOwner(&o, /*queues_can_own=*/true);
  o.fields.back().label = "Assigned To ID";
  AddAudit(&o);
  return o;
}

// An Event's OwnerId is a User here; Salesforce also lets a public calendar own one (README ⚠).
ObjectDef Event() {
  ObjectDef o = NewObject("Event", "Events", "00U", UrlSet::kActivity);
  o.mergeable = o.feed_enabled = false;
  o.extra_urls = {{"eventSeriesUpdates", "/{ID}/fromThisEventOnwards"}};
  AddIdAndIsDeleted(&o);
  AddWhoAndWhat(&o, "Events");
  o.fields.push_back(
      Picklist("Subject", "Subject", {"Call", "Email", "Meeting", "Send Letter/Quote", "Other"}, FieldType::kCombobox));
  o.fields.back().length = 255;
  o.fields.push_back(Text("Location", "Location", 255));
  o.fields.push_back(Boolean("IsAllDayEvent", "All-Day Event"));
  o.fields.push_back(Field("ActivityDateTime", "Due Date Time", FieldType::kDateTime));
  o.fields.push_back(Field("ActivityDate", "Due Date Only", FieldType::kDate));
  o.fields.push_back(Integer("DurationInMinutes", "Duration", 8));
  o.fields.push_back(Field("StartDateTime", "Start Date Time", FieldType::kDateTime));
  o.fields.push_back(Field("EndDateTime", "End Date Time", FieldType::kDateTime));
  o.fields.push_back(Text("Description", "Description", 32000, FieldType::kTextArea));
  o.fields.push_back(Picklist("ShowAs", "Show Time As", {"Busy", "OutOfOffice", "Free"}));
  AddOwner(&o);
  o.fields.back().label = "Assigned To ID";
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
  // Seeding order: every object after the objects its lookups point at.
  objects.push_back(Profile());
  objects.push_back(User());
  objects.push_back(Group());
  objects.push_back(Account());
  objects.push_back(Contact());
  objects.push_back(Opportunity());
  objects.push_back(Lead());
  objects.push_back(Case());
  objects.push_back(InvoiceObject());
  objects.push_back(Attachment());
  objects.push_back(Task());
  objects.push_back(Event());
  return std::make_unique<Schema>(std::move(objects));
}

}  // namespace sfsync::emulator
