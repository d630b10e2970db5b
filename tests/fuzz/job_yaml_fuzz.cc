// The job loader end to end on arbitrary text: YAML parsing, schema validation (valijson), the
// builder and the checks. Offline, so no secret is read; every ${VAR} resolves. Promise: a Status,
// never a crash, and an error always says something.
#include <cstdint>
#include <string>

#include "engine/config/job_loader.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  sfsync::config::LoadOptions options;
  options.offline = true;
  auto job = sfsync::config::ParseJob(text, "fuzz.yaml", "/nonexistent-fuzz-dir",
                                      [](const std::string&) { return std::optional<std::string>("x"); }, options);
  if (!job.ok()) FUZZ_CHECK(!job.status().message().empty());
  return 0;
}
