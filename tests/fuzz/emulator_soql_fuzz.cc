// The emulator's SOQL parser (what a third-party client may send it). Promise: a query or an error
// with a message, never a crash.
#include <cstdint>
#include <string>

#include "tests/emulator/soql/parser.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  sfsync::emulator::SoqlError error;
  auto query = sfsync::emulator::ParseSoql(std::string_view(reinterpret_cast<const char*>(data), size), &error);
  (void)query;
  return 0;
}
