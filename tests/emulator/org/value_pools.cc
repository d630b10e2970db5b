#include "tests/emulator/org/value_pools.h"

namespace sfsync::emulator::pools {

const std::vector<std::string> kCompanyWords = {
    "Acme",    "Globex",  "Initech", "Umbrella", "Stark",    "Wayne",   "Nordic",   "Blue Harbor",
    "Müller",  "Søndergaard", "Café Olé", "Zürich", "東京",   "Ørsted",  "Nakamura", "O'Reilly",
    "Pinnacle", "Summit", "Evergreen", "Redwood", "Ironclad", "Polaris", "Vertex",  "Keystone",
    "Lumen",   "Cobalt",  "Sierra",  "Atlas",    "Harbor",   "Meridian", "Quantum", "Bright"};
const std::vector<std::string> kCompanyKinds = {
    "Logistics", "Textiles", "Energy",  "Foods",      "Robotics",  "Analytics", "Maschinenbau",
    "Pharma",    "Media",    "Systems", "Outfitters", "Holdings",  "Labs",      "Brewing",
    "Freight",   "Software", "Medical", "Consulting", "Generators", "Telecom"};
const std::vector<std::string> kCompanySuffixes = {"Inc.", "Corp", "GmbH", "Ltd", "AG",   "S.A.",
                                                   "LLC",  "K.K.", "A/S",  "plc", "& Co."};
const std::vector<std::string> kFirstNames = {
    "Avery",  "Jordan", "José",   "Zoë",     "Björn",  "François", "Łukasz", "Ana",
    "Mei",    "Søren",  "Ngozi",  "Aarav",   "Chloé",  "Dmitri",   "Émilie", "Hiroshi",
    "Fatima", "Liam",   "Olivia", "Noah",    "Emma",   "Mateo",    "Sofia",  "Amara",
    "Kenji",  "Ingrid", "Rahul",  "Camila",  "Tomás",  "Yara",     "Elif",   "Grace"};
const std::vector<std::string> kLastNames = {
    "García",  "Müller",   "O'Connor", "Nguyễn",  "Smith",  "Kowalski", "Johansson", "Tanaka",
    "Okafor",  "Rossi",    "Dubois",   "Patel",   "Chen",   "Ivanova",  "Haddad",    "Silva",
    "Brown",   "Andersen", "Kim",      "Novak",   "Murphy", "Schmidt",  "Yilmaz",    "Cohen",
    "Moreau",  "Santos",   "Lindqvist", "Adeyemi", "Walsh", "Fischer",  "Sato",      "Lee"};
const std::vector<std::string> kStreets = {
    "Market Street", "Constitution Place", "Michigan Avenue", "Hauptstraße", "Rue de Rivoli",
    "Avenida Paulista", "Harbour Road", "King Street West", "Elm Street", "Shibuya Crossing",
    "Oak Avenue", "Pine Street", "Industrial Parkway", "Commerce Drive", "Bahnhofstrasse"};
const std::vector<Place> kPlaces = {
    {"San Francisco", "CA", "94105", "United States", 37.7897, -122.3972},
    {"Austin", "TX", "78701", "United States", 30.2672, -97.7431},
    {"Chicago", "IL", "60601", "United States", 41.8853, -87.6216},
    {"New York", "NY", "10001", "United States", 40.7506, -73.9971},
    {"Toronto", "ON", "M5H 2N2", "Canada", 43.6503, -79.3843},
    {"London", "", "EC1A 1BB", "United Kingdom", 51.5200, -0.0977},
    {"München", "BY", "80331", "Germany", 48.1374, 11.5755},
    {"Paris", "", "75001", "France", 48.8606, 2.3376},
    {"São Paulo", "SP", "01310-100", "Brazil", -23.5614, -46.6559},
    {"Tokyo", "", "100-0005", "Japan", 35.6812, 139.7671},
    {"Sydney", "NSW", "2000", "Australia", -33.8688, 151.2093},
    {"Bengaluru", "KA", "560001", "India", 12.9716, 77.5946},
};
const std::vector<std::string> kTitles = {
    "CEO", "CFO", "VP, Sales", "SVP, Procurement", "Director of Operations", "Buyer",
    "Account Manager", "Head of IT", "Procurement Specialist", "Engineer", "Office Manager"};
const std::vector<std::string> kDepartments = {"Sales", "Finance", "Procurement", "IT",
                                               "Operations", "Engineering", "Marketing"};
const std::vector<std::string> kProducts = {"Generator Upgrade", "Portable Generators",
                                            "Service Contract", "Installation", "SLA Renewal",
                                            "Fleet Expansion", "Pilot", "Consulting Hours"};
const std::vector<std::string> kSentences = {
    "Key account in the region; renewal discussions start next quarter.",
    "Prefers contact by email.\nDo not call before 10am local time.",
    "Imported from the legacy CRM.\nOriginal owner: regional team.",
    "Met at the trade fair; follow up with a product demo.",
    "Quoted the \"premium\" tier; waiting for legal review.",
    "Billing contact changed in March.\n\tSee the shared drive for the contract.",
    "Path on file server: C:\\contracts\\signed",
    "Multi-line note:\nline two\nline three",
};
const std::vector<std::string> kNextSteps = {"Send proposal", "Schedule demo", "Negotiate terms",
                                             "Executive briefing", "Wait for budget approval"};

}  // namespace sfsync::emulator::pools
