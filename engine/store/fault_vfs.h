// FaultVfs (tests only): an SQLite VFS that forwards everything to the default VFS and, when armed,
// fails or kills the process at the Nth write-class call (xWrite, xTruncate, xSync) on any file
// opened through it: the database, its WAL, a journal. SQLite's own discipline (test_vfs.c,
// malloc_common.tcl): fail call N for N = 1, 2, 3... until a run completes without the fault firing,
// and after each run check that the database is intact and converges.
//
// Pass name() as SqliteStoreOptions::vfs. Not thread-safe; one test thread at a time.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>

namespace sfsync::store {

class FaultVfs {
 public:
  enum class Mode {
    kOff,          // count calls, inject nothing
    kFailOnce,     // call N returns an I/O error; later calls succeed (a transient fault)
    kFailFromNth,  // call N and every later call return an I/O error (a dead disk)
    kCrash,        // call N ends the process with _exit(kCrashExitCode) before it writes (SIGKILL)
  };
  static constexpr int kCrashExitCode = 86;

  // Registers the VFS under `name` (not as the default). REQUIRES: no other VFS has that name.
  explicit FaultVfs(std::string name);
  FaultVfs(const FaultVfs&) = delete;
  FaultVfs& operator=(const FaultVfs&) = delete;
  // Unregisters. REQUIRES: every connection opened through it is closed.
  ~FaultVfs();

  const std::string& name() const { return name_; }

  // Restarts the call count at zero and arms `mode` for call number n (1-based).
  void Arm(Mode mode, int64_t n);
  int64_t calls() const { return calls_; }     // write-class calls since the last Arm
  bool injected() const { return injected_; }  // whether a fault fired since the last Arm

  // Counts one write-class call; returns SQLITE_OK or `io_error`, or does not return (kCrash).
  int OnWriteCall(int io_error);

 private:
  std::string name_;
  sqlite3_vfs vfs_{};
  sqlite3_vfs* real_ = nullptr;
  void* app_data_[2] = {};  // vfs_.pAppData: {this, real_}
  Mode mode_ = Mode::kOff;
  int64_t n_ = 0;
  int64_t calls_ = 0;
  bool injected_ = false;
};

}  // namespace sfsync::store
