// The recorded Salesforce responses in tests/fixtures/salesforce, for conformance tests.
// Header-only: SFSYNC_FIXTURES_DIR comes from the test target.
#ifndef SFSYNC_TESTS_EMULATOR_TESTING_FIXTURES_H_
#define SFSYNC_TESTS_EMULATOR_TESTING_FIXTURES_H_

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/emulator/testing/emulator_fixture.h"

namespace sfsync::emulator::testing {

// The fixture's bytes without trailing newlines.
inline std::string FixtureText(const std::string& name) {
  std::ifstream in(std::string(SFSYNC_FIXTURES_DIR) + "/" + name);
  REQUIRE_MESSAGE(in.good(), "missing fixture " << name);
  std::stringstream text;
  text << in.rdbuf();
  std::string s = text.str();
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

inline nlohmann::ordered_json Fixture(const std::string& name) { return ParseJson(FixtureText(name)); }

// An object's keys in order.
inline std::vector<std::string> Keys(const nlohmann::ordered_json& object) {
  std::vector<std::string> keys;
  for (auto it = object.begin(); it != object.end(); ++it) keys.push_back(it.key());
  return keys;
}

// Same keys in the same order, and the same JSON type for every value, recursively (arrays by
// their first element; nulls on either side match anything).
inline void SameShape(const nlohmann::ordered_json& ours, const nlohmann::ordered_json& recorded,
                      const std::string& where = "$") {
  CAPTURE(where);
  REQUIRE(ours.type() == recorded.type());
  if (ours.is_object()) {
    CHECK(Keys(ours) == Keys(recorded));
    for (auto it = recorded.begin(); it != recorded.end(); ++it) {
      if (ours.contains(it.key()) && !ours[it.key()].is_null() && !it.value().is_null()) {
        SameShape(ours[it.key()], it.value(), where + "." + it.key());
      }
    }
  } else if (ours.is_array() && !ours.empty() && !recorded.empty()) {
    SameShape(ours[0], recorded[0], where + "[0]");
  }
}

}  // namespace sfsync::emulator::testing

#endif  // SFSYNC_TESTS_EMULATOR_TESTING_FIXTURES_H_
