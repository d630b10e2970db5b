// Job files on a real disk: which files a directory argument stands for, and versions that change
// with an edit.
#include "engine/scheduler/job_files.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

namespace sfsync::scheduler {
namespace {

class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "sfsync-jobfiles-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  ~ScratchDir() { std::filesystem::remove_all(path_); }
  std::string Write(const std::string& name, const std::string& text) const {
    const std::string p = path_ + "/" + name;
    std::ofstream(p) << text;
    return p;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST_CASE("a directory stands for its .yaml and .yml files, sorted, without hidden files or subdirectories") {
  ScratchDir dir;
  dir.Write("b.yaml", "");
  dir.Write("a.yml", "");
  dir.Write(".draft.yaml", "");
  dir.Write("notes.txt", "");
  std::filesystem::create_directory(dir.path() + "/nested.yaml");
  auto paths = ExpandJobPaths({dir.path()});
  REQUIRE(paths.ok());
  CHECK(*paths == std::vector<std::string>{dir.path() + "/a.yml", dir.path() + "/b.yaml"});
}

TEST_CASE("a file named twice, directly and through its directory, is one job") {
  ScratchDir dir;
  const std::string b = dir.Write("b.yaml", "");
  const std::string a = dir.Write("a.yaml", "");
  auto paths = ExpandJobPaths({b, dir.path(), dir.path() + "/./b.yaml"});
  REQUIRE(paths.ok());
  CHECK(*paths == std::vector<std::string>{b, a});
}

TEST_CASE("a missing path and a directory without job files are job errors naming the path") {
  ScratchDir dir;
  auto missing = ExpandJobPaths({dir.path() + "/nope.yaml"});
  REQUIRE(!missing.ok());
  CHECK(missing.status().reason() == "job.invalid");
  CHECK(missing.status().message() == dir.path() + "/nope.yaml: no such job file or directory");
  auto empty = ExpandJobPaths({dir.path()});
  REQUIRE(!empty.ok());
  CHECK(empty.status().message() == dir.path() + ": no job files (*.yaml, *.yml) in this directory");
}

TEST_CASE("a file's version changes with its modification time or its size") {
  ScratchDir dir;
  const std::string path = dir.Write("a.yaml", "name: a\n");
  std::unique_ptr<JobFiles> files = NewDiskJobFiles([](const std::string&) { return std::nullopt; });
  auto v1 = files->Version(path);
  REQUIRE(v1.ok());
  CHECK(v1->size == 8);
  auto again = files->Version(path);
  REQUIRE(again.ok());
  CHECK(*again == *v1);

  // Same size, older timestamp (as a restore from backup leaves it).
  dir.Write("a.yaml", "name: b\n");
  struct timespec times[2] = {{1000, 0}, {1000, 0}};
  REQUIRE(::utimensat(AT_FDCWD, path.c_str(), times, 0) == 0);
  auto v2 = files->Version(path);
  REQUIRE(v2.ok());
  CHECK(v2->modified_nanos == 1000LL * 1000000000);
  CHECK(!(*v2 == *v1));

  std::filesystem::remove(path);
  auto gone = files->Version(path);
  REQUIRE(!gone.ok());
  CHECK(gone.status().message().find(path + ": cannot read job file") == 0);
}

}  // namespace
}  // namespace sfsync::scheduler
