#include "engine/export/sink.h"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace sfsync::exporter {
namespace {

std::string TempPath(const std::string& name) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("sfsync-sink-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST_CASE("a file appears only when committed, whole, with mode 0600, and an abandoned one leaves nothing") {
  const std::string path = TempPath("out.csv");
  std::filesystem::remove(path);
  {
    auto sink = OpenSink(path);
    REQUIRE(sink.ok());
    REQUIRE((*sink)->Write("a,b\r\n").ok());
    CHECK_FALSE(std::filesystem::exists(path));  // still PATH.partial
    REQUIRE((*sink)->Commit().ok());
  }
  CHECK(Slurp(path) == "a,b\r\n");
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  {
    auto sink = OpenSink(path);
    REQUIRE(sink.ok());
    REQUIRE((*sink)->Write("half").ok());
  }  // not committed: the old file stays, the partial one is gone
  CHECK(Slurp(path) == "a,b\r\n");
  CHECK_FALSE(std::filesystem::exists(path + ".partial"));
}

TEST_CASE("a path ending in .gz is gzip, and reads back") {
  const std::string path = TempPath("out.jsonl.gz");
  auto sink = OpenSink(path);
  REQUIRE(sink.ok());
  std::string text;
  for (int i = 0; i < 10000; ++i) text += "{\"n\":" + std::to_string(i) + "}\n";
  REQUIRE((*sink)->Write(text).ok());
  REQUIRE((*sink)->Commit().ok());
  const std::string raw = Slurp(path);
  REQUIRE(raw.size() > 2);
  CHECK(static_cast<unsigned char>(raw[0]) == 0x1f);
  CHECK(static_cast<unsigned char>(raw[1]) == 0x8b);
  CHECK(raw.size() < text.size() / 4);
  gzFile in = gzopen(path.c_str(), "rb");
  REQUIRE(in != nullptr);
  std::string back(text.size() + 16, '\0');
  const int n = gzread(in, back.data(), static_cast<unsigned>(back.size()));
  gzclose(in);
  back.resize(n > 0 ? static_cast<size_t>(n) : 0);
  CHECK(back == text);
}

TEST_CASE("a directory that does not exist is a clear error") {
  auto sink = OpenSink("/nonexistent-dir/out.csv");
  REQUIRE_FALSE(sink.ok());
  CHECK(sink.status().reason() == "export.out");
  CHECK(sink.status().message().find("/nonexistent-dir/out.csv") != std::string::npos);
}

}  // namespace
}  // namespace sfsync::exporter
