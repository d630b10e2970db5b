#include "tests/testing/process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace sfsync::testing {
namespace {

// Token stores and run locks of the processes tests start go under one temporary state directory
// per test process (removed at exit), never into the real $HOME, unless a test names its own.
const std::string& TestStateHome() {
  static const std::string* dir = [] {
    std::string tmpl = (std::filesystem::temp_directory_path() / "sfsync-test-state-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    static std::string path = tmpl;
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(path, ec);
    });
    return &path;
  }();
  return *dir;
}

std::vector<std::string> MergedEnv(const std::map<std::string, std::string>& extra) {
  std::map<std::string, std::string> all;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string kv(*e);
    size_t eq = kv.find('=');
    if (eq != std::string::npos) all[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  all["XDG_STATE_HOME"] = TestStateHome();
  for (const auto& [k, v] : extra) all[k] = v;
  std::vector<std::string> out;
  for (const auto& [k, v] : all) out.push_back(k + "=" + v);
  return out;
}

std::vector<char*> CStrings(std::vector<std::string>& v) {
  std::vector<char*> out;
  for (auto& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

pid_t Spawn(const std::vector<std::string>& argv_in, const std::map<std::string, std::string>& env_in,
            const std::string& out_path, const std::string& err_path) {
  std::vector<std::string> argv = argv_in;
  std::vector<std::string> env = MergedEnv(env_in);
  std::vector<char*> cargv = CStrings(argv);
  std::vector<char*> cenv = CStrings(env);
  const pid_t parent = ::getpid();
  // fork + exec rather than posix_spawn, to set PR_SET_PDEATHSIG: a test process that dies without
  // running destructors (a crash, SIGPIPE from `| head`) must not leave emulators behind.
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("cannot fork for " + argv_in[0]);
  if (pid == 0) {
    // Child: async-signal-safe calls only.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    int in = ::open("/dev/null", O_RDONLY);
    int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in < 0 || out < 0 || err < 0) ::_exit(127);
    ::dup2(in, STDIN_FILENO);
    ::dup2(out, STDOUT_FILENO);
    ::dup2(err, STDERR_FILENO);
    ::execve(cargv[0], cargv.data(), cenv.data());
    ::_exit(127);
  }
  return pid;
}

}  // namespace

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

bool FileExists(const std::string& path) { return std::filesystem::exists(path); }

int64_t LoggedPeakRssKib(const std::string& err) {
  const std::string marker = "peak memory ";
  const size_t at = err.rfind(marker);
  if (at == std::string::npos) return -1;
  const size_t start = at + marker.size();
  const size_t end = err.find(" KiB", start);
  if (end == std::string::npos || end == start) return -1;
  const std::string digits = err.substr(start, end - start);
  if (digits.find_first_not_of("0123456789") != std::string::npos) return -1;
  return std::stoll(digits);
}

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "sfsync-test-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

ProcessResult RunProcess(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env) {
  TempDir dir;
  BackgroundProcess p(argv, dir.path(), env);
  ProcessResult r;
  int rc = p.Wait();
  if (rc < 0) {
    r.signal = -rc;
  } else {
    r.exit_code = rc;
  }
  r.max_rss_kib = p.max_rss_kib();
  r.out = p.Stdout();
  r.err = p.Stderr();
  return r;
}

BackgroundProcess::BackgroundProcess(const std::vector<std::string>& argv, const std::string& log_dir,
                                     const std::map<std::string, std::string>& env) {
  static std::atomic<int> counter{0};
  std::string tag = std::to_string(::getpid()) + "-" + std::to_string(counter++);
  out_path_ = log_dir + "/proc-" + tag + ".out";
  err_path_ = log_dir + "/proc-" + tag + ".err";
  pid_ = Spawn(argv, env, out_path_, err_path_);
}

BackgroundProcess::~BackgroundProcess() {
  if (!reaped_ && pid_ > 0) {
    ::kill(pid_, SIGKILL);
    Wait();
  }
}

void BackgroundProcess::Signal(int sig) {
  if (!reaped_) ::kill(pid_, sig);
}

int BackgroundProcess::Wait() {
  if (!reaped_) {
    struct rusage usage{};
    while (::wait4(pid_, &status_, 0, &usage) < 0 && errno == EINTR) {
    }
    max_rss_kib_ = usage.ru_maxrss;
    reaped_ = true;
  }
  if (WIFEXITED(status_)) return WEXITSTATUS(status_);
  if (WIFSIGNALED(status_)) return -WTERMSIG(status_);
  return -1;
}

bool BackgroundProcess::Running() {
  if (reaped_) return false;
  pid_t r = ::waitpid(pid_, &status_, WNOHANG);
  if (r == pid_) {
    reaped_ = true;
    return false;
  }
  return true;
}

std::string BackgroundProcess::Stdout() const { return ReadFile(out_path_); }
std::string BackgroundProcess::Stderr() const { return ReadFile(err_path_); }

}  // namespace sfsync::testing
