#include "tests/emulator/org/record_fill.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

#include "tests/emulator/base64.h"
#include "tests/emulator/org/value_pools.h"
#include "tests/emulator/time_util.h"

namespace sfsync::emulator {
namespace {

std::string DateText(int64_t days) {
  std::string out;
  AppendDate(&out, days);
  return out;
}

int64_t DayOf(int64_t ms) { return ms >= 0 ? ms / kMillisPerDay : (ms - kMillisPerDay + 1) / kMillisPerDay; }

// Lower-case ASCII letters of `text` (for e-mail local parts and host names).
std::string Slug(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c)) && static_cast<unsigned char>(c) < 0x80) {
      out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
  }
  return out.empty() ? "x" : out;
}

std::string Phone(Rng& rng) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "(%03d) 555-%04d", static_cast<int>(rng.Between(201, 989)),
                static_cast<int>(rng.Between(0, 9999)));
  return buf;
}

double Round(double value, int decimals) {
  double scale = std::pow(10.0, decimals);
  return std::round(value * scale) / scale;
}

const std::string* PickOrNull(Rng& rng, const std::vector<std::string>* ids, double null_chance) {
  if (ids == nullptr || ids->empty() || rng.Chance(null_chance)) return nullptr;
  return &(*ids)[rng.Below(ids->size())];
}

void SetOptional(RowBuilder* row, std::string_view field, Rng& rng, double null_chance, Value value) {
  if (!rng.Chance(null_chance)) row->Set(field, std::move(value));
}

void FillAddress(RowBuilder* row, Rng& rng, const std::string& prefix, double null_chance) {
  if (rng.Chance(null_chance)) return;  // every component null: the compound field is null
  const pools::Place& place = rng.Pick(pools::kPlaces);
  std::string street = std::to_string(rng.Between(1, 9999)) + " " + rng.Pick(pools::kStreets);
  if (rng.Chance(0.3)) street += "\nSuite " + std::to_string(rng.Between(100, 2500));
  row->Set(prefix + "Street", street);
  if (rng.Chance(0.1)) return;  // street only, as in the real samples
  row->Set(prefix + "City", place.city);
  if (!place.state.empty()) row->Set(prefix + "State", place.state);
  row->Set(prefix + "PostalCode", place.postal_code);
  row->Set(prefix + "Country", place.country);
  if (rng.Chance(0.4)) {
    row->Set(prefix + "Latitude", Round(place.latitude + rng.Unit() * 0.02 - 0.01, 6));
    row->Set(prefix + "Longitude", Round(place.longitude + rng.Unit() * 0.02 - 0.01, 6));
    row->Set(prefix + "GeocodeAccuracy", std::string(rng.Chance(0.8) ? "Address" : "Zip"));
  }
}

std::string PicklistValue(Rng& rng, const RowBuilder& row, std::string_view field) {
  return rng.Pick(row.Picklist(field));
}

void FillPersonName(RowBuilder* row, Rng& rng, bool salutation) {
  SetOptional(row, "FirstName", rng, 0.08, rng.Pick(pools::kFirstNames));
  row->Set("LastName", rng.Pick(pools::kLastNames));
  if (salutation && rng.Chance(0.5)) {
    row->Set("Salutation", std::string(rng.Chance(0.5) ? "Mr." : "Ms."));
  }
}

std::string EmailFor(Rng& rng, int64_t ordinal, std::string_view domain) {
  return Slug(rng.Pick(pools::kFirstNames)) + "." + Slug(rng.Pick(pools::kLastNames)) + std::to_string(ordinal) + "@" +
         std::string(domain);
}

std::string CompanyName(Rng& rng) {
  if (rng.Chance(0.01)) return "Widgets \"R\" Us " + rng.Pick(pools::kCompanySuffixes);
  return rng.Pick(pools::kCompanyWords) + " " + rng.Pick(pools::kCompanyKinds) + " " +
         rng.Pick(pools::kCompanySuffixes);
}

int64_t DayBetween(Rng& rng, int64_t from_ms, int64_t to_ms) {
  return rng.Between(DayOf(from_ms), std::max(DayOf(from_ms), DayOf(to_ms)));
}

void FillProfile(RowBuilder* row, const FillContext& c) {
  static const std::vector<std::string> kNames = {"System Administrator", "Standard User", "Read Only",
                                                  "Minimum Access - Salesforce"};
  row->Set("Name", c.ordinal < static_cast<int64_t>(kNames.size()) ? kNames[static_cast<size_t>(c.ordinal)]
                                                                   : "Custom Profile " + std::to_string(c.ordinal));
  row->Set("UserType", std::string("Standard"));
  SetOptional(row, "Description", *c.rng, 0.5, std::string("Profile seeded by sfsync-emulator"));
}

void FillUser(RowBuilder* row, const FillContext& c) {
  struct Named {
    const char* first;
    const char* last;
    const char* username;
    size_t profile;
    const char* zone;
    bool active;
  };
  static const std::vector<Named> kUsers = {
      {"Integration", "User", "integration@sfsync-emulator.example", 0, "America/Los_Angeles", true},
      {"Avery", "Chen", "avery.chen@sfsync-emulator.example", 1, "America/New_York", true},
      {"Jürgen", "Müller", "juergen.mueller@sfsync-emulator.example", 1, "Europe/Berlin", true},
      {"Priya", "Natarajan", "priya.natarajan@sfsync-emulator.example", 1, "Asia/Kolkata", true},
      {"Yuki", "Tanaka", "yuki.tanaka@sfsync-emulator.example", 2, "Asia/Tokyo", true},
      {"Former", "Employee", "former.employee@sfsync-emulator.example", 2, "Europe/London", false},
  };
  Rng& rng = *c.rng;
  std::string first, last, username, zone;
  size_t profile;
  bool active;
  if (c.ordinal < static_cast<int64_t>(kUsers.size())) {
    const Named& u = kUsers[static_cast<size_t>(c.ordinal)];
    first = u.first;
    last = u.last;
    username = u.username;
    profile = u.profile;
    zone = u.zone;
    active = u.active;
  } else {
    first = rng.Pick(pools::kFirstNames);
    last = rng.Pick(pools::kLastNames);
    username = "user" + std::to_string(c.ordinal) + "@sfsync-emulator.example";
    profile = 1;
    zone = "America/Los_Angeles";
    active = rng.Chance(0.9);
  }
  row->Set("FirstName", first);
  row->Set("LastName", last);
  row->Set("Username", username);
  row->Set("Alias", Slug(first).substr(0, 1) + Slug(last).substr(0, 4));
  row->Set("Email", username);
  row->Set("IsActive", int64_t{active});
  row->Set("ProfileId", (*c.profiles)[profile % c.profiles->size()]);
  row->Set("TimeZoneSidKey", zone);
}

void FillAccount(RowBuilder* row, const FillContext& c) {
  Rng& rng = *c.rng;
  std::string name = CompanyName(rng);
  row->Set("Name", name);
  SetOptional(row, "Type", rng, 0.1, PicklistValue(rng, *row, "Type"));
  if (!c.earlier_same_object_id.empty() && rng.Chance(0.05)) {
    row->Set("ParentId", std::string(c.earlier_same_object_id));
  }
  FillAddress(row, rng, "Billing", 0.1);
  FillAddress(row, rng, "Shipping", 0.7);
  row->Set("Phone", Phone(rng));
  SetOptional(row, "Fax", rng, 0.7, Phone(rng));
  row->Set("AccountNumber", "CD" + std::to_string(rng.Between(100000, 999999)));
  SetOptional(row, "Website", rng, 0.2, "www." + Slug(name) + ".example.com");
  SetOptional(row, "Industry", rng, 0.1, PicklistValue(rng, *row, "Industry"));
  // Log-uniform from 10k to ~50bn: big currency values are common in real orgs.
  SetOptional(row, "AnnualRevenue", rng, 0.25, std::round(std::pow(10.0, 4.0 + rng.Unit() * 6.7) / 1000.0) * 1000.0);
  SetOptional(row, "NumberOfEmployees", rng, 0.2, rng.Between(1, 250000));
  SetOptional(row, "Ownership", rng, 0.3, PicklistValue(rng, *row, "Ownership"));
  if (rng.Chance(0.15)) {
    std::string ticker;
    for (int i = 0; i < 4; ++i) ticker.push_back(static_cast<char>('A' + rng.Below(26)));
    row->Set("TickerSymbol", ticker);
  }
  SetOptional(row, "Description", rng, 0.6, rng.Pick(pools::kSentences));
  SetOptional(row, "Rating", rng, 0.4, PicklistValue(rng, *row, "Rating"));
  SetOptional(row, "Site", rng, 0.9, std::string("Headquarters"));
  if (rng.Chance(0.5)) {
    row->Set("LastActivityDate", DateText(DayBetween(rng, c.created_ms, c.created_ms + 400 * kMillisPerDay)));
  }
  SetOptional(row, "AccountSource", rng, 0.3, PicklistValue(rng, *row, "AccountSource"));
  if (rng.Chance(0.7)) {
    char ext[32];
    std::snprintf(ext, sizeof(ext), "ACC-%08lld", static_cast<long long>(c.ordinal + 1));
    row->Set("ExternalId__c", std::string(ext));
  }
  if (rng.Chance(0.6)) {
    std::string regions;
    for (const std::string& region : row->Picklist("Regions__c")) {
      if (rng.Chance(0.4)) regions += (regions.empty() ? "" : ";") + region;
    }
    if (!regions.empty()) row->Set("Regions__c", regions);
  }
  if (rng.Chance(0.7)) {
    int64_t since = rng.Chance(0.07) ? rng.Between(DaysFromCivil(1931, 1, 1), DaysFromCivil(1969, 12, 31))
                                     : rng.Between(0, DayOf(c.created_ms));
    row->Set("CustomerSince__c", DateText(since));
  }
  SetOptional(row, "Discount__c", rng, 0.5, Round(rng.Unit() * 30.0 - 5.0, 2));
  SetOptional(row, "CreditBalance__c", rng, 0.4, Round(rng.Unit() * 300000.0 - 50000.0, 2));
}

void FillContact(RowBuilder* row, const FillContext& c) {
  Rng& rng = *c.rng;
  if (const std::string* account = PickOrNull(rng, c.parents, 0.05)) row->Set("AccountId", *account);
  FillPersonName(row, rng, /*salutation=*/true);
  FillAddress(row, rng, "Mailing", 0.3);
  SetOptional(row, "Phone", rng, 0.2, Phone(rng));
  SetOptional(row, "MobilePhone", rng, 0.5, Phone(rng));
  SetOptional(row, "Email", rng, 0.1, EmailFor(rng, c.ordinal, "example.com"));
  SetOptional(row, "Title", rng, 0.3, rng.Pick(pools::kTitles));
  SetOptional(row, "Department", rng, 0.4, rng.Pick(pools::kDepartments));
  SetOptional(row, "LeadSource", rng, 0.4, PicklistValue(rng, *row, "LeadSource"));
  if (rng.Chance(0.6)) {  // about half of these are before 1970
    row->Set("Birthdate", DateText(rng.Between(DaysFromCivil(1940, 1, 1), DaysFromCivil(2003, 12, 31))));
  }
  SetOptional(row, "Description", rng, 0.7, rng.Pick(pools::kSentences));
  row->Set("HasOptedOutOfEmail", int64_t{rng.Chance(0.1)});
  row->Set("DoNotCall", int64_t{rng.Chance(0.05)});
  if (rng.Chance(0.4)) {
    row->Set("LastActivityDate", DateText(DayBetween(rng, c.created_ms, c.created_ms + 300 * kMillisPerDay)));
  }
  if (rng.Chance(0.5)) {
    char ext[32];
    std::snprintf(ext, sizeof(ext), "CON-%08lld", static_cast<long long>(c.ordinal + 1));
    row->Set("ExternalId__c", std::string(ext));
  }
}

void FillOpportunity(RowBuilder* row, const FillContext& c) {
  Rng& rng = *c.rng;
  static const std::vector<int64_t> kProbability = {10, 10, 20, 25, 30, 40, 75, 90, 100, 0};
  static const std::vector<std::string> kForecast = {"Pipeline",  "Pipeline",  "Pipeline", "Pipeline", "Pipeline",
                                                     "Best Case", "Best Case", "Commit",   "Closed",   "Omitted"};
  const auto& stages = row->Picklist("StageName");
  size_t stage = rng.Below(stages.size());
  if (const std::string* account = PickOrNull(rng, c.parents, 0.03)) row->Set("AccountId", *account);
  row->Set("Name", rng.Pick(pools::kProducts) + " " + std::to_string(c.ordinal + 1));
  SetOptional(row, "Description", rng, 0.8, rng.Pick(pools::kSentences));
  row->Set("StageName", stages[stage]);
  if (!rng.Chance(0.1)) {
    double amount = Round(std::pow(10.0, 3.0 + rng.Unit() * 3.7), 2);
    row->Set("Amount", rng.Chance(0.01) ? -amount : amount);  // credit notes are negative
  }
  row->Set("Probability", static_cast<double>(kProbability[stage]));
  row->Set("CloseDate", DateText(DayOf(c.created_ms) + rng.Between(-30, 180)));
  SetOptional(row, "Type", rng, 0.2, PicklistValue(rng, *row, "Type"));
  SetOptional(row, "NextStep", rng, 0.5, rng.Pick(pools::kNextSteps));
  SetOptional(row, "LeadSource", rng, 0.4, PicklistValue(rng, *row, "LeadSource"));
  row->Set("IsClosed", int64_t{stage >= 8});
  row->Set("IsWon", int64_t{stage == 8});
  row->Set("ForecastCategoryName", kForecast[stage]);
  SetOptional(row, "TotalOpportunityQuantity", rng, 0.5, static_cast<double>(rng.Between(1, 500)));
}

void FillLead(RowBuilder* row, const FillContext& c) {
  Rng& rng = *c.rng;
  FillPersonName(row, rng, /*salutation=*/true);
  SetOptional(row, "Title", rng, 0.3, rng.Pick(pools::kTitles));
  row->Set("Company", CompanyName(rng));
  FillAddress(row, rng, "", 0.4);
  SetOptional(row, "Phone", rng, 0.3, Phone(rng));
  SetOptional(row, "MobilePhone", rng, 0.6, Phone(rng));
  SetOptional(row, "Email", rng, 0.1, EmailFor(rng, c.ordinal, "example.org"));
  SetOptional(row, "Description", rng, 0.8, rng.Pick(pools::kSentences));
  SetOptional(row, "LeadSource", rng, 0.3, PicklistValue(rng, *row, "LeadSource"));
  const auto& statuses = row->Picklist("Status");
  row->Set("Status", statuses[rng.Below(statuses.size() - 1)]);  // never "Closed - Converted"
  SetOptional(row, "Industry", rng, 0.3, PicklistValue(rng, *row, "Industry"));
  SetOptional(row, "Rating", rng, 0.5, PicklistValue(rng, *row, "Rating"));
  SetOptional(row, "AnnualRevenue", rng, 0.5, std::round(std::pow(10.0, 4.0 + rng.Unit() * 5.0) / 1000.0) * 1000.0);
  SetOptional(row, "NumberOfEmployees", rng, 0.5, rng.Between(1, 20000));
  row->Set("IsConverted", int64_t{0});
}

void FillInvoice(RowBuilder* row, const FillContext& c) {
  Rng& rng = *c.rng;
  char number[32];
  std::snprintf(number, sizeof(number), "INV-%06lld", static_cast<long long>(c.ordinal + 1));
  row->Set("Name", "Invoice " + std::string(number + 4));
  // Mixed case on purpose: the external id matches case-insensitively.
  row->Set("InvoiceNumber__c", std::string(rng.Chance(0.1) ? "inv-" : "INV-") + (number + 4));
  if (const std::string* account = PickOrNull(rng, c.parents, 0.1)) row->Set("Account__c", *account);
  SetOptional(row, "Status__c", rng, 0.1, PicklistValue(rng, *row, "Status__c"));
  SetOptional(row, "Amount__c", rng, 0.05, Round(std::pow(10.0, 1.0 + rng.Unit() * 5.0), 2));
  // Whole numbers past 2^31 too: clients must not read this "long" into a 32-bit int.
  SetOptional(
      row, "LineCount__c", rng, 0.2,
      static_cast<double>(rng.Chance(0.05) ? rng.Between(3'000'000'000LL, 9'000'000'000LL) : rng.Between(1, 40)));
  if (rng.Chance(0.7)) {
    char time[16];
    std::snprintf(time, sizeof(time), "%02d:%02d:00.000Z", static_cast<int>(rng.Between(7, 18)),
                  static_cast<int>(rng.Below(4) * 15));
    row->Set("DueTime__c", std::string(time));
  }
  if (rng.Chance(0.5)) {
    const pools::Place& place = rng.Pick(pools::kPlaces);
    row->Set("DeliveryLocation__Latitude__s", Round(place.latitude + rng.Unit() * 0.1 - 0.05, 6));
    row->Set("DeliveryLocation__Longitude__s", Round(place.longitude + rng.Unit() * 0.1 - 0.05, 6));
  }
  if (rng.Chance(0.4)) {
    row->Set("BankAccount__c", "DE" + std::to_string(rng.Between(10, 99)) + " 5001 0517 " +
                                   std::to_string(rng.Between(1000, 9999)) + " " +
                                   std::to_string(rng.Between(1000, 9999)));
  }
  if (rng.Chance(0.8)) {  // a combobox takes values outside its list as well
    row->Set("Category__c",
             rng.Chance(0.1) ? std::string("Freight & Customs") : PicklistValue(rng, *row, "Category__c"));
  }
  if (rng.Chance(0.3)) {
    std::string notes = rng.Pick(pools::kSentences);
    int lines = static_cast<int>(rng.Between(1, 40));
    for (int i = 1; i < lines; ++i) notes += "\n" + rng.Pick(pools::kSentences);
    row->Set("Notes__c", notes);
  }
}

void FillAttachment(RowBuilder* row, const FillContext& c) {
  Rng& rng = *c.rng;
  if (const std::string* parent = PickOrNull(rng, c.parents, 0.0)) row->Set("ParentId", *parent);
  bool pdf = rng.Chance(0.5);
  row->Set("Name", "invoice-" + std::to_string(c.ordinal + 1) + (pdf ? ".pdf" : ".png"));
  row->Set("IsPrivate", int64_t{rng.Chance(0.1)});
  row->Set("ContentType", std::string(pdf ? "application/pdf" : "image/png"));
  std::string body = pdf ? "%PDF-1.4\n" : "\x89PNG\r\n\x1a\n";
  int64_t size = rng.Between(16, 600);
  for (int64_t i = 0; i < size; ++i) body.push_back(static_cast<char>(rng.Below(256)));
  row->Set("BodyLength", static_cast<int64_t>(body.size()));
  row->Set("Body", Base64Encode(body));
  SetOptional(row, "Description", rng, 0.6, rng.Pick(pools::kSentences));
}

// A lookup to a record the picker found, if it found one.
void SetPicked(RowBuilder* row, std::string_view field, std::string id) {
  if (!id.empty()) row->Set(field, std::move(id));
}

// Queues for the records queue owners take: the seeder makes some Leads, Cases and Tasks
// theirs. The first two have fixed names; the rest are numbered.
void FillGroup(RowBuilder* row, const FillContext& c) {
  static const std::vector<std::pair<std::string, std::string>> kQueues = {{"Support Queue", "Support_Queue"},
                                                                           {"Lead Intake", "Lead_Intake"}};
  std::string name = c.ordinal < static_cast<int64_t>(kQueues.size()) ? kQueues[static_cast<size_t>(c.ordinal)].first
                                                                      : "Queue " + std::to_string(c.ordinal + 1);
  std::string developer = c.ordinal < static_cast<int64_t>(kQueues.size())
                              ? kQueues[static_cast<size_t>(c.ordinal)].second
                              : "Queue_" + std::to_string(c.ordinal + 1);
  row->Set("Name", name);
  row->Set("DeveloperName", developer);
  row->Set("Type", std::string("Queue"));
  SetOptional(row, "Email", *c.rng, 0.3, Slug(developer) + "@sfsync-emulator.example");
  row->Set("DoesSendEmailToMembers", int64_t{c.rng->Chance(0.5)});
}

void FillCase(RowBuilder* row, const FillContext& c) {
  static const std::vector<std::string> kSubjects = {
      "Cannot log in after the upgrade", "Invoice shows the wrong amount", "Generator fails to start",
      "Request for a product demo",      "Shipment arrived damaged",       "Performance degraded since Monday"};
  Rng& rng = *c.rng;
  if (!rng.Chance(0.1)) SetPicked(row, "AccountId", c.picker->Pick("Account", rng));
  if (!rng.Chance(0.2)) SetPicked(row, "ContactId", c.picker->Pick("Contact", rng));
  row->Set("Subject", rng.Pick(kSubjects));
  SetOptional(row, "Description", rng, 0.5, rng.Pick(pools::kSentences));
  const std::string& status = PicklistValue(rng, *row, "Status");
  row->Set("Status", status);
  row->Set("IsClosed", int64_t{status == "Closed"});
  row->Set("IsEscalated", int64_t{status == "Escalated"});
  if (status == "Closed") row->Set("ClosedDate", c.created_ms + rng.Between(1, 20 * 24) * 3'600'000);
  row->Set("Priority", PicklistValue(rng, *row, "Priority"));
  row->Set("Origin", PicklistValue(rng, *row, "Origin"));
  SetOptional(row, "Reason", rng, 0.3, PicklistValue(rng, *row, "Reason"));
  SetOptional(row, "Type", rng, 0.3, PicklistValue(rng, *row, "Type"));
  if (rng.Chance(0.2)) {
    row->Set("SuppliedName", rng.Pick(pools::kFirstNames) + " " + rng.Pick(pools::kLastNames));
    row->Set("SuppliedEmail", EmailFor(rng, c.ordinal, "example.net"));
  }
}

// WhoId and WhatId of an activity. A Lead cannot be joined by a What (Salesforce refuses it), so
// an activity with a Lead has none.
void FillWhoAndWhat(RowBuilder* row, const FillContext& c) {
  static const std::vector<std::string> kWhats = {"Account", "Opportunity", "Case", "Invoice__c"};
  Rng& rng = *c.rng;
  std::string who;
  if (!rng.Chance(0.2)) who = c.picker->Pick(rng.Chance(0.3) ? "Lead" : "Contact", rng);
  SetPicked(row, "WhoId", who);
  if (who.starts_with("00Q") || rng.Chance(0.2)) return;
  SetPicked(row, "WhatId", c.picker->Pick(rng.Pick(kWhats), rng));
}

void FillTask(RowBuilder* row, const FillContext& c) {
  Rng& rng = *c.rng;
  FillWhoAndWhat(row, c);
  row->Set("Subject", PicklistValue(rng, *row, "Subject"));
  SetOptional(row, "ActivityDate", rng, 0.2, DateText(DayOf(c.created_ms) + rng.Between(0, 30)));
  const std::string& status = PicklistValue(rng, *row, "Status");
  row->Set("Status", status);
  row->Set("IsClosed", int64_t{status == "Completed"});
  row->Set("Priority", PicklistValue(rng, *row, "Priority"));
  row->Set("TaskSubtype", PicklistValue(rng, *row, "TaskSubtype"));
  SetOptional(row, "Description", rng, 0.6, rng.Pick(pools::kSentences));
}

void FillEvent(RowBuilder* row, const FillContext& c) {
  Rng& rng = *c.rng;
  FillWhoAndWhat(row, c);
  row->Set("Subject", PicklistValue(rng, *row, "Subject"));
  SetOptional(row, "Location", rng, 0.5, rng.Pick(pools::kPlaces).city);
  bool all_day = rng.Chance(0.05);
  int64_t day = DayOf(c.created_ms) + rng.Between(0, 60);
  int64_t start = day * kMillisPerDay + (all_day ? 0 : rng.Between(8 * 4, 17 * 4) * 900'000);
  int64_t minutes = all_day ? 1440 : 30 * rng.Between(1, 4);
  row->Set("IsAllDayEvent", int64_t{all_day});
  row->Set("StartDateTime", start);
  row->Set("EndDateTime", start + minutes * 60'000);
  row->Set("ActivityDateTime", start);
  row->Set("ActivityDate", DateText(day));
  row->Set("DurationInMinutes", minutes);
  row->Set("ShowAs", PicklistValue(rng, *row, "ShowAs"));
  SetOptional(row, "Description", rng, 0.6, rng.Pick(pools::kSentences));
}

}  // namespace

RowBuilder::RowBuilder(const ObjectDef& object, const ObjectDef& original) {
  const auto& columns = object.columns();
  checkbox_.resize(columns.size());
  for (size_t i = 0; i < columns.size(); ++i) {
    const FieldDef* field = columns[i];
    checkbox_[i] = field->type == FieldType::kBoolean;
    const FieldDef* known = original.FindField(field->name);
    if (field->hidden) known = field;  // IsDeleted of User and Profile
    if (known == nullptr || known->type != field->type) continue;
    index_[field->name] = i;
    if (!known->picklist_values.empty()) picklists_[field->name] = &known->picklist_values;
  }
  Reset();
}

const std::vector<std::string>& RowBuilder::Picklist(std::string_view field) const {
  static const std::vector<std::string> kNone = {"Other"};
  auto it = picklists_.find(field);
  return it == picklists_.end() ? kNone : *it->second;
}

void RowBuilder::Reset() {
  values_.assign(checkbox_.size(), Value{});
  for (size_t i = 0; i < checkbox_.size(); ++i) {
    if (checkbox_[i]) values_[i] = int64_t{0};
  }
}

void RowBuilder::Set(std::string_view field, Value value) {
  if (auto it = index_.find(field); it != index_.end()) values_[it->second] = std::move(value);
}

void FillRecord(const ObjectDef& object, RowBuilder* row, const FillContext& context) {
  if (object.name == "Profile") {
    FillProfile(row, context);
  } else if (object.name == "User") {
    FillUser(row, context);
  } else if (object.name == "Account") {
    FillAccount(row, context);
  } else if (object.name == "Contact") {
    FillContact(row, context);
  } else if (object.name == "Opportunity") {
    FillOpportunity(row, context);
  } else if (object.name == "Lead") {
    FillLead(row, context);
  } else if (object.name == "Invoice__c") {
    FillInvoice(row, context);
  } else if (object.name == "Attachment") {
    FillAttachment(row, context);
  } else if (object.name == "Group") {
    FillGroup(row, context);
  } else if (object.name == "Case") {
    FillCase(row, context);
  } else if (object.name == "Task") {
    FillTask(row, context);
  } else if (object.name == "Event") {
    FillEvent(row, context);
  }
}

}  // namespace sfsync::emulator
