#include "engine/export/sink.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>

namespace sfsync::exporter {
namespace {

Status OutError(const std::string& path, const std::string& what) {
  return Status(StatusCode::kFailedPrecondition, fmt::format("{}: {}", path, what), "export.out");
}

class StdoutSink final : public Sink {
 public:
  Status Write(std::string_view bytes) override {
    if (std::fwrite(bytes.data(), 1, bytes.size(), stdout) != bytes.size()) {
      return OutError("standard output", std::strerror(errno));
    }
    return Status::Ok();
  }
  Status Commit() override {
    if (std::fflush(stdout) != 0) return OutError("standard output", std::strerror(errno));
    return Status::Ok();
  }
};

// A file (plain or gzip) written under a temporary name, renamed into place by Commit.
class FileSink final : public Sink {
 public:
  FileSink(std::string path, std::string partial, int fd, bool gzip)
      : path_(std::move(path)), partial_(std::move(partial)) {
    if (gzip) {
      gz_ = gzdopen(fd, "wb6");
    } else {
      file_ = fdopen(fd, "wb");
    }
  }
  ~FileSink() override {
    if (gz_ != nullptr) gzclose(gz_);
    if (file_ != nullptr) std::fclose(file_);
    if (!committed_) ::unlink(partial_.c_str());
  }
  bool ok() const { return gz_ != nullptr || file_ != nullptr; }

  Status Write(std::string_view bytes) override {
    if (bytes.empty()) return Status::Ok();
    if (gz_ != nullptr) {
      if (gzwrite(gz_, bytes.data(), static_cast<unsigned>(bytes.size())) != static_cast<int>(bytes.size())) {
        int err = 0;
        return OutError(partial_, gzerror(gz_, &err));
      }
      return Status::Ok();
    }
    if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size())
      return OutError(partial_, std::strerror(errno));
    return Status::Ok();
  }

  Status Commit() override {
    if (gz_ != nullptr) {
      const int rc = gzclose(gz_);
      gz_ = nullptr;
      if (rc != Z_OK) return OutError(partial_, "closing the gzip stream failed");
    } else {
      const bool flushed = std::fflush(file_) == 0 && ::fsync(fileno(file_)) == 0;
      const int saved = errno;
      const bool closed = std::fclose(file_) == 0;
      file_ = nullptr;
      if (!flushed || !closed) return OutError(partial_, std::strerror(saved));
    }
    if (::rename(partial_.c_str(), path_.c_str()) != 0) return OutError(path_, std::strerror(errno));
    committed_ = true;
    return Status::Ok();
  }

 private:
  std::string path_, partial_;
  FILE* file_ = nullptr;
  gzFile gz_ = nullptr;
  bool committed_ = false;
};

}  // namespace

StatusOr<std::unique_ptr<Sink>> OpenSink(const std::string& path) {
  if (path == "-") return std::unique_ptr<Sink>(new StdoutSink());
  const std::string partial = path + ".partial";
  const int fd = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return OutError(path, fmt::format("cannot create {}: {}", partial, std::strerror(errno)));
  const bool gzip = path.size() > 3 && path.compare(path.size() - 3, 3, ".gz") == 0;
  auto sink = std::make_unique<FileSink>(path, partial, fd, gzip);
  if (!sink->ok()) {
    ::close(fd);
    return OutError(path, "cannot open the output stream");
  }
  return std::unique_ptr<Sink>(std::move(sink));
}

}  // namespace sfsync::exporter
