// The CLI on bad input: every malformed job file in tests/jobs/bad is refused by `validate` and by
// `run` with its message (file:line:col) and exit code 3, and nothing is written.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "tests/testing/emulator.h"

namespace sfsync::testing {
namespace {

std::set<std::string> Listing(const std::string& dir) {
  std::set<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) names.insert(e.path().filename().string());
  return names;
}

std::string ExpectLine(const std::string& path) {
  std::string text = ReadFile(path);
  const std::string prefix = "# expect: ";
  REQUIRE(text.rfind(prefix, 0) == 0);
  return text.substr(prefix.size(), text.find('\n') - prefix.size());
}

TEST_CASE("every malformed job file is refused by validate and run, with file:line:col, exit 3, nothing written") {
  const std::string dir = SourceDir() + "/tests/jobs/bad";
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 30);
  const std::set<std::string> before = Listing(dir);
  for (const std::string& file : files) {
    CAPTURE(file);
    const std::string expect = ExpectLine(file);
    ProcessResult v = RunProcess({SfsyncBinary(), "validate", file});
    CHECK(v.exit_code == 3);
    CHECK(v.err.find("sfsync: " + file + ":") != std::string::npos);
    CHECK(v.err.find(expect) != std::string::npos);
    ProcessResult r = RunProcess({SfsyncBinary(), "run", file});
    CHECK(r.exit_code == 3);
    CHECK(r.err.find(expect) != std::string::npos);
    CHECK(r.out.empty());
  }
  CHECK(Listing(dir) == before);
}

TEST_CASE("validate accepts the good example jobs and the demo job") {
  std::map<std::string, std::string> env = {{"SF_CLIENT_ID", "x"}, {"SF_CLIENT_SECRET", "y"}, {"SF_REFRESH_TOKEN", "z"}};
  for (const auto& e : std::filesystem::directory_iterator(SourceDir() + "/tests/jobs/good")) {
    ProcessResult v = RunProcess({SfsyncBinary(), "validate", e.path().string()}, env);
    CAPTURE(e.path().string());
    CAPTURE(v.err);
    CHECK(v.exit_code == 0);
    CHECK(v.out.find(": ok") != std::string::npos);
  }
  ProcessResult demo = RunProcess({SfsyncBinary(), "validate", SourceDir() + "/jobs/demo.yaml"}, env);
  CHECK(demo.exit_code == 0);
}

// A job file needing no environment: job `name` storing `objects` (YAML list items) into `sqlite`.
std::string StandaloneJob(const std::string& name, const std::string& sqlite, const std::string& objects) {
  return "version: 1\nname: " + name +
         "\nconnection:\n  login_url: https://login.salesforce.com\n  auth:\n    client_id: c\n"
         "    username: u@acme.com\n    private_key_file: k.pem\nstore:\n  sqlite: " +
         sqlite + "\nobjects:\n" + objects;
}

TEST_CASE("validate of several files refuses jobs sharing a table or a job name in one database, exit 3") {
  TempDir dir;
  const std::string account = "  - name: Account\n    fields: [Id, Name]\n";
  WriteFile(dir.File("a.yaml"), StandaloneJob("a", "shared.db", account));
  WriteFile(dir.File("b.yaml"), StandaloneJob("b", "./shared.db", account));
  WriteFile(dir.File("c.yaml"), StandaloneJob("c", "other.db", account));
  WriteFile(dir.File("d.yaml"), StandaloneJob("a", "shared.db", "  - name: Contact\n    fields: [Id]\n"));
  const std::set<std::string> before = Listing(dir.path());
  const std::string db = std::filesystem::canonical(dir.path()).string() + "/shared.db";

  // a) Each file is valid alone, and so are jobs on different tables or databases.
  for (const char* f : {"a.yaml", "b.yaml", "c.yaml", "d.yaml"}) {
    CHECK(RunProcess({SfsyncBinary(), "validate", dir.File(f)}).exit_code == 0);
  }
  ProcessResult apart = RunProcess({SfsyncBinary(), "validate", dir.File("a.yaml"), dir.File("c.yaml")});
  CHECK(apart.exit_code == 0);
  CHECK(apart.err.empty());

  // b) Together: one line per conflict, at the later file, naming the earlier one and the fix.
  ProcessResult v = RunProcess(
      {SfsyncBinary(), "validate", dir.File("a.yaml"), dir.File("b.yaml"), dir.File("c.yaml"), dir.File("d.yaml")});
  CHECK(v.exit_code == 3);
  CHECK(v.out.find(dir.File("b.yaml") + ": ok (job b, 1 objects)") != std::string::npos);
  CHECK(v.err.find("sfsync: " + dir.File("b.yaml") + ":12:11: objects[0]: table Account in database " + db +
                   " is also filled by " + dir.File("a.yaml") + ":12:11 (job a, objects[0]): each job would "
                   "overwrite the other's rows and watermark; set a different 'table' in one of them, or a "
                   "different store.sqlite\n") != std::string::npos);
  CHECK(v.err.find("sfsync: " + dir.File("d.yaml") + ":2:7: name: job name a is also used by " + dir.File("a.yaml") +
                   ":2:7 for the same database " + db) != std::string::npos);
  CHECK(v.err.find(dir.File("c.yaml")) == std::string::npos);
  CHECK(Listing(dir.path()) == before);
}

TEST_CASE("a bad command line exits 2") {
  CHECK(RunProcess({SfsyncBinary()}).exit_code == 2);
  CHECK(RunProcess({SfsyncBinary(), "frobnicate"}).exit_code == 2);
  CHECK(RunProcess({SfsyncBinary(), "run"}).exit_code == 2);
  CHECK(RunProcess({SfsyncBinary(), "run", "x.yaml", "--log-level", "loud"}).exit_code == 2);
  CHECK(RunProcess({SfsyncBinary(), "--version"}).exit_code == 0);
}

TEST_CASE("a missing job file is a clear job error") {
  ProcessResult r = RunProcess({SfsyncBinary(), "run", "/nonexistent/job.yaml"});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("/nonexistent/job.yaml") != std::string::npos);
}

}  // namespace
}  // namespace sfsync::testing
