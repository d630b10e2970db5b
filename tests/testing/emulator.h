// Starts the real sfsync-emulator on a free port for a test and drives its admin API
// (tests/emulator/README.md) over HTTP.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

#include "connectors/salesforce/http/http_transport.h"
#include "tests/testing/process.h"

namespace sfsync::testing {

// Credentials every test emulator accepts (passed on its command line; not secrets).
inline constexpr char kClientId[] = "sfsync-test-client";
inline constexpr char kClientSecret[] = "sfsync-test-secret";
inline constexpr char kRefreshToken[] = "sfsync-test-refresh-token";

std::string SfsyncBinary();
std::string EmulatorBinary();
std::string SourceDir();

class Emulator {
 public:
  // Starts the emulator with the test credentials plus `args` (e.g. {"--size", "100"}) and waits
  // until it listens. Throws std::runtime_error if it does not start within 20 s.
  // With "--tls-cert FILE" in `args` its URLs are https and the admin calls trust `admin_ca_file`
  // (default: FILE itself, for a self-signed certificate).
  explicit Emulator(std::vector<std::string> args = {}, std::string admin_ca_file = "");
  ~Emulator();

  // The --port listener: the login host with --my-domain-port, else the whole org.
  const std::string& url() const { return url_; }
  int port() const { return port_; }
  // With --my-domain-port: the org's My Domain (instance URL, client credentials); else url().
  const std::string& my_domain_url() const { return my_domain_url_; }

  // One admin call; returns the parsed JSON body (null for an empty body). Throws on a non-2xx status.
  nlohmann::json Admin(const std::string& method, const std::string& path, const nlohmann::json& body = nullptr);
  nlohmann::json Records(const std::string& object, const std::string& deleted = "exclude");
  nlohmann::json Stats() { return Admin("GET", "/__emulator/stats"); }
  std::vector<std::string> Insert(const std::string& object, const nlohmann::json& records);
  void Update(const std::string& object, const std::string& id, const nlohmann::json& fields);
  void Delete(const std::string& object, const std::string& id, bool hard = false);
  void AdvanceClock(int seconds);

  BackgroundProcess& process() { return *process_; }

 private:
  TempDir dir_;
  std::unique_ptr<BackgroundProcess> process_;
  std::unique_ptr<salesforce::HttpTransport> http_;
  std::string url_;
  std::string my_domain_url_;
  int port_ = 0;
};

// The environment a job run needs to authenticate against a test emulator.
std::map<std::string, std::string> TestAuthEnv();

// A job file for the test emulator. `objects_yaml` is the YAML list under `objects:`, indented by
// two spaces; `extra` is appended at top level.
std::string JobYaml(const Emulator& emu, const std::string& db_path, const std::string& objects_yaml,
                    const std::string& extra = "settle_lag_seconds: 0\n");

// `job_yaml` (from JobYaml) with `line` ("max_concurrent_requests: 1") added under `connection:`.
std::string WithConnection(const std::string& job_yaml, const std::string& line);

// Starts `sfsync run JOB` in the background (TestAuthEnv(), XDG_STATE_HOME={job's directory}/state,
// plus `env`); output goes to `log_dir`.
std::unique_ptr<BackgroundProcess> StartSfsync(const std::string& job_path, const std::string& log_dir,
                                               const std::map<std::string, std::string>& env = {},
                                               const std::vector<std::string>& extra_args = {});

// Runs `sfsync COMMAND JOB ARGS...` (push, conflicts list, status, ...) with the environment
// RunSfsync uses. `command` may be several words ({"conflicts", "resolve"}).
ProcessResult RunSfsyncCommand(const std::vector<std::string>& command, const std::string& job_path,
                               const std::vector<std::string>& args = {},
                               const std::map<std::string, std::string>& env = {});
// Runs `sfsync run JOB -v --summary table` with TestAuthEnv(), XDG_STATE_HOME={job's directory}/state, plus `env`.
ProcessResult RunSfsync(const std::string& job_path, const std::map<std::string, std::string>& env = {},
                        const std::vector<std::string>& extra_args = {});

}  // namespace sfsync::testing
