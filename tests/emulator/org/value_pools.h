// Word lists the seeder draws realistic values from. Some entries are deliberately awkward for
// clients: non-ASCII names, an apostrophe, an embedded double quote and a backslash.
#ifndef SFSYNC_TESTS_EMULATOR_ORG_VALUE_POOLS_H_
#define SFSYNC_TESTS_EMULATOR_ORG_VALUE_POOLS_H_

#include <string>
#include <vector>

namespace sfsync::emulator::pools {

struct Place {
  std::string city;
  std::string state;  // empty: none
  std::string postal_code;
  std::string country;
  double latitude;
  double longitude;
};

extern const std::vector<std::string> kCompanyWords;
extern const std::vector<std::string> kCompanyKinds;
extern const std::vector<std::string> kCompanySuffixes;
extern const std::vector<std::string> kFirstNames;
extern const std::vector<std::string> kLastNames;
extern const std::vector<std::string> kStreets;
extern const std::vector<Place> kPlaces;
extern const std::vector<std::string> kTitles;
extern const std::vector<std::string> kDepartments;
extern const std::vector<std::string> kProducts;
extern const std::vector<std::string> kSentences;
extern const std::vector<std::string> kNextSteps;

}  // namespace sfsync::emulator::pools

#endif  // SFSYNC_TESTS_EMULATOR_ORG_VALUE_POOLS_H_
