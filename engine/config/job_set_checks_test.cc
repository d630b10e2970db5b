// Jobs side by side: two jobs filling one table of one database, or sharing a name there, are
// refused with both files' positions; everything else lives together.
#include "engine/config/job_set_checks.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "engine/config/job_loader.h"
#include "engine/config/test_env.h"
#include "engine/core/exit_codes.h"

namespace sfsync::config {
namespace {

using testing::TempDir;

// Job files in a scratch directory, loaded as `sfsync validate` loads them.
class JobDir {
 public:
  // Writes `file` with job `name` storing into `sqlite`, with `objects` (YAML list items); returns
  // the file's path.
  std::string Write(const std::string& file, const std::string& name, const std::string& sqlite,
                    const std::string& objects) {
    dir_.Write(file, "version: 1\nname: " + name +
                         "\nconnection:\n  login_url: https://login.salesforce.com\n  auth:\n    client_id: c\n"
                         "    username: u@acme.com\n    private_key_file: k.pem\nstore:\n  sqlite: " +
                         sqlite + "\nobjects:\n" + objects);
    return Path(file);
  }
  std::string Path(const std::string& file) const { return dir_.path() + "/" + file; }
  const std::string& path() const { return dir_.path(); }

  // Loads `files` and checks them as a set.
  Status Check(const std::vector<std::string>& files) {
    jobs_.clear();
    jobs_.reserve(files.size());
    std::vector<JobInSet> set;
    for (const std::string& f : files) {
      StatusOr<Job> job = LoadJobFile(f, testing::FakeEnv({{"HOME", "/home/tester"}}));
      REQUIRE_MESSAGE(job.ok(), job.status().ToString());
      jobs_.push_back(std::move(*job));
    }
    for (size_t i = 0; i < files.size(); ++i) set.push_back(JobInSet{files[i], &jobs_[i]});
    return CheckJobSet(set);
  }

 private:
  TempDir dir_;
  std::vector<Job> jobs_;
};

constexpr char kAccount[] = "  - name: Account\n    fields: [Id, Name]\n";
constexpr char kContact[] = "  - name: Contact\n    fields: [Id, LastName]\n";

TEST_CASE("two jobs filling one table of one database are refused, naming both files and positions") {
  JobDir d;
  const std::string a = d.Write("a.yaml", "a", "shared.db", std::string(kContact) + kAccount);
  const std::string b = d.Write("b.yaml", "b", "shared.db",
                                "  - name: Opportunity\n    fields: [Id]\n"
                                "  - name: Customer__c\n    table: ACCOUNT\n"
                                "    fields: [Id]\n");
  const Status s = d.Check({a, b});
  REQUIRE_FALSE(s.ok());
  CHECK(s.reason() == "job.invalid");
  CHECK(ExitCodeFor(s) == kExitInvalidJob);
  const std::string db = std::filesystem::canonical(d.path()).string() + "/shared.db";
  CHECK(s.message() == b + ":15:12: objects[1]: table ACCOUNT in database " + db + " is also filled by " + a +
                           ":14:11 (job a, objects[1]): each job would overwrite the other's rows and watermark; "
                           "set a different 'table' in one of them, or a different store.sqlite");
}

TEST_CASE("the same database reached through a symlink or .. is one database") {
  JobDir d;
  std::filesystem::create_directory(d.Path("data"));
  std::filesystem::create_directory_symlink(d.Path("data"), d.Path("link"));
  const std::string a = d.Write("a.yaml", "a", "data/x.db", kAccount);
  const std::string b = d.Write("b.yaml", "b", "link/x.db", kAccount);
  const std::string c = d.Write("c.yaml", "c", "data/../data/x.db", kAccount);
  // The database does not exist yet: its directory resolves.
  Status s = d.Check({a, b, c});
  CHECK(s.message().find(b + ":12:11: objects[0]: table Account") == 0);
  CHECK(s.message().find("\n" + c + ":12:11: objects[0]: table Account") != std::string::npos);
  // Once it exists, the file itself resolves, also when the link names the file.
  std::ofstream(d.Path("data/x.db")) << "";
  std::filesystem::create_symlink(d.Path("data/x.db"), d.Path("alias.db"));
  const std::string e = d.Write("e.yaml", "e", "alias.db", kAccount);
  CHECK(d.Check({a, e}).message().find(e + ":12:11: objects[0]: table Account") == 0);
}

TEST_CASE("two job files with one job name for one database are refused, while other databases may share names") {
  JobDir d;
  const std::string a = d.Write("a.yaml", "nightly", "one.db", kAccount);
  const std::string b = d.Write("b.yaml", "nightly", "one.db", kContact);
  const std::string c = d.Write("c.yaml", "nightly", "two.db", kAccount);
  const Status s = d.Check({a, b, c});
  const std::string db = std::filesystem::canonical(d.path()).string() + "/one.db";
  CHECK(s.message() == b + ":2:7: name: job name nightly is also used by " + a + ":2:7 for the same database " + db +
                           ": the run history could not tell their runs apart; rename one of the jobs");
}

TEST_CASE("jobs on different tables or databases, and one file named twice, live together") {
  JobDir d;
  const std::string a = d.Write("a.yaml", "a", "shared.db", kAccount);
  const std::string b = d.Write("b.yaml", "b", "shared.db", kContact);
  const std::string c = d.Write("c.yaml", "c", "other.db", kAccount);
  CHECK(d.Check({a, b, c}).ok());
  CHECK(d.Check({a, d.path() + "/./a.yaml"}).ok());
  CHECK(d.Check({}).ok());
}

}  // namespace
}  // namespace sfsync::config
