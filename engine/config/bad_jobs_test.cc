// Every file in tests/jobs/bad/ must be refused with the message its first line announces:
//   # expect: <substring of the message, including line:col>
// The CLI test reuses the same files to check `sfsync validate` exits with 3 and writes nothing.
// The files need no environment variables (those they name are meant to be unset).
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "engine/config/job_loader.h"
#include "engine/config/test_env.h"
#include "engine/core/exit_codes.h"

namespace sfsync::config {
namespace {

std::vector<std::filesystem::path> BadJobFiles() {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(testing::JobsDir() + "/bad")) {
    if (entry.path().extension() == ".yaml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string ExpectedSubstring(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string first_line;
  std::getline(in, first_line);
  const std::string prefix = "# expect: ";
  REQUIRE_MESSAGE(first_line.rfind(prefix, 0) == 0, file.filename().string() << " lacks '# expect: '");
  return first_line.substr(prefix.size());
}

TEST_CASE("every malformed job file is refused with the message it announces") {
  const std::vector<std::filesystem::path> files = BadJobFiles();
  CHECK(files.size() >= 30);
  for (const std::filesystem::path& file : files) {
    CAPTURE(file.filename().string());
    const std::string expected = ExpectedSubstring(file);
    StatusOr<Job> job = LoadJobFile(file.string(), testing::FakeEnv({{"HOME", "/home/tester"}}));
    REQUIRE_FALSE(job.ok());
    const Status& status = job.status();
    CHECK(status.code() == StatusCode::kInvalidArgument);
    CHECK(status.reason() == "job.invalid");
    CHECK(ExitCodeFor(status) == kExitInvalidJob);
    // file:line:col: first, then the announced text.
    CHECK(status.message().rfind(file.string() + ":", 0) == 0);
    CHECK_MESSAGE(status.message().find(expected) != std::string::npos,
                  "expected '" << expected << "' in:\n" << status.message());
  }
}

}  // namespace
}  // namespace sfsync::config
