// Running programs from tests: the sfsync CLI and the emulator, as real processes.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace sfsync::testing {

struct ProcessResult {
  int exit_code = -1;   // -1 if killed by a signal
  long max_rss_kib = 0;
  int signal = 0;       // the signal that killed it, or 0
  std::string out;
  std::string err;
};

// Runs `argv` to completion with `env` added to (and overriding) this process's environment.
ProcessResult RunProcess(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {});

// A child process running in the background; killed (SIGKILL) and reaped on destruction unless
// already waited for. stdout/stderr go to files in `log_dir`.
class BackgroundProcess {
 public:
  BackgroundProcess(const std::vector<std::string>& argv, const std::string& log_dir,
                    const std::map<std::string, std::string>& env = {});
  ~BackgroundProcess();
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  pid_t pid() const { return pid_; }
  void Signal(int sig);
  // Waits for exit; returns the exit code, or -signal if killed by a signal.
  int Wait();
  bool Running();
  // Peak resident set size of the exited process, in KiB (0 before Wait()).
  long max_rss_kib() const { return max_rss_kib_; }
  std::string Stdout() const;
  std::string Stderr() const;

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  int status_ = 0;
  long max_rss_kib_ = 0;
  std::string out_path_;
  std::string err_path_;
};

// A fresh temporary directory, removed (recursively) on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

std::string ReadFile(const std::string& path);
void WriteFile(const std::string& path, const std::string& text);
bool FileExists(const std::string& path);

// The peak resident memory a `sfsync run` logged on stderr ("peak memory N KiB", its own VmHWM), in
// KiB; -1 when it logged none. Prefer it to max_rss_kib, which counts what the forking test process
// held before the exec.
int64_t LoggedPeakRssKib(const std::string& err);

// A peak-memory bound for a test, in KiB: `kib` as measured on a plain build, three times that under
// the sanitizers (ASan's shadow memory, redzones and quarantine grow every allocation).
// How many times slower the sanitized build runs a process (start-up and work): for tests that pick
// a moment in a run by the clock (kill loops).
constexpr int SanitizerSlowdown() {
#ifdef SFSYNC_SANITIZED
  return 3;
#else
  return 1;
#endif
}

constexpr int64_t MemoryBoundKib(int64_t kib) {
#ifdef SFSYNC_SANITIZED
  return 3 * kib;
#else
  return kib;
#endif
}

}  // namespace sfsync::testing
