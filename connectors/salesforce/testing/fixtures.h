// Reads recorded Salesforce responses from tests/fixtures/salesforce (test-only).
#pragma once

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace sfsync::salesforce::testing {

// The whole file; throws (failing the test) when it is missing.
inline std::string ReadFixture(const std::string& name) {
  const std::string path = std::string(SFSYNC_FIXTURES_DIR) + "/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("missing fixture " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace sfsync::salesforce::testing
