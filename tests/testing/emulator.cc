#include "tests/testing/emulator.h"

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <thread>

namespace sfsync::testing {

std::string SfsyncBinary() { return SFSYNC_BINARY; }
std::string EmulatorBinary() { return SFSYNC_EMULATOR_BINARY; }
std::string SourceDir() { return SFSYNC_SOURCE_DIR; }

Emulator::Emulator(std::vector<std::string> args, std::string admin_ca_file) {
  const std::string port_file = dir_.File("port");
  std::vector<std::string> argv = {EmulatorBinary(), "--port",          "0",
                                   "--port-file",    port_file,          "--client-id",
                                   kClientId,        "--client-secret",  kClientSecret,
                                   "--refresh-token", kRefreshToken};
  argv.insert(argv.end(), args.begin(), args.end());
  process_ = std::make_unique<BackgroundProcess>(argv, dir_.path());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!FileExists(port_file) || ReadFile(port_file).empty()) {
    if (!process_->Running()) throw std::runtime_error("emulator exited: " + process_->Stderr());
    if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("emulator did not start");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  // One line per listener: --port, then --my-domain-port when given.
  const std::string ports = ReadFile(port_file);
  port_ = std::stoi(ports);
  const auto tls = std::find(args.begin(), args.end(), "--tls-cert");
  const std::string scheme = tls == args.end() ? "http" : "https";
  url_ = scheme + "://127.0.0.1:" + std::to_string(port_);
  const size_t newline = ports.find('\n');
  my_domain_url_ = newline == std::string::npos || newline + 1 >= ports.size()
                       ? url_
                       : scheme + "://127.0.0.1:" + std::to_string(std::stoi(ports.substr(newline + 1)));
  salesforce::TransportOptions options;
  options.timeout = std::chrono::seconds(60);
  if (tls != args.end() && tls + 1 != args.end()) options.ca_file = admin_ca_file.empty() ? *(tls + 1) : admin_ca_file;
  http_ = salesforce::NewCpprestTransport(options);
}

Emulator::~Emulator() {
  process_->Signal(SIGTERM);
  process_->Wait();
}

nlohmann::json Emulator::Admin(const std::string& method, const std::string& path, const nlohmann::json& body) {
  salesforce::HttpRequest req;
  req.method = method;
  req.url = url_ + path;
  if (!body.is_null()) {
    req.body = body.dump();
    req.headers.push_back({"Content-Type", "application/json"});
  }
  auto resp = http_->Send(req);
  if (!resp.ok()) throw std::runtime_error("admin " + method + " " + path + ": " + resp.status().ToString());
  if (resp->status < 200 || resp->status > 299) {
    throw std::runtime_error("admin " + method + " " + path + ": HTTP " + std::to_string(resp->status) + " " +
                             resp->body);
  }
  if (resp->body.empty()) return nullptr;
  return nlohmann::json::parse(resp->body);
}

nlohmann::json Emulator::Records(const std::string& object, const std::string& deleted) {
  return Admin("GET", "/__emulator/records/" + object + "?deleted=" + deleted);
}

std::vector<std::string> Emulator::Insert(const std::string& object, const nlohmann::json& records) {
  nlohmann::json r = Admin("POST", "/__emulator/records/" + object, records);
  return r.at("ids").get<std::vector<std::string>>();
}

void Emulator::Update(const std::string& object, const std::string& id, const nlohmann::json& fields) {
  Admin("PATCH", "/__emulator/records/" + object + "/" + id, fields);
}

void Emulator::Delete(const std::string& object, const std::string& id, bool hard) {
  Admin("DELETE", "/__emulator/records/" + object + "/" + id + (hard ? "?hard=true" : ""));
}

void Emulator::AdvanceClock(int seconds) { Admin("POST", "/__emulator/clock", {{"advance_seconds", seconds}}); }

std::map<std::string, std::string> TestAuthEnv() {
  return {{"SF_CLIENT_ID", kClientId}, {"SF_CLIENT_SECRET", kClientSecret}, {"SF_REFRESH_TOKEN", kRefreshToken}};
}

std::string JobYaml(const Emulator& emu, const std::string& db_path, const std::string& objects_yaml,
                    const std::string& extra) {
  return "version: 1\n"
         "name: it\n"
         "connection:\n"
         "  login_url: " + emu.url() + "\n"
         "  api_version: \"60.0\"\n"
         "  auth:\n"
         "    flow: refresh_token\n"
         "    client_id: ${SF_CLIENT_ID}\n"
         "    client_secret: ${SF_CLIENT_SECRET}\n"
         "    refresh_token: ${SF_REFRESH_TOKEN}\n"
         "store:\n"
         "  sqlite: " + db_path + "\n" + extra +
         "objects:\n" + objects_yaml;
}

std::string WithConnection(const std::string& job_yaml, const std::string& line) {
  std::string out = job_yaml;
  const size_t at = out.find("connection:\n");
  if (at != std::string::npos) out.insert(at + 12, "  " + line + "\n");
  return out;
}

namespace {

std::map<std::string, std::string> WithAuthEnv(const std::string& job_path,
                                               const std::map<std::string, std::string>& env) {
  std::map<std::string, std::string> all = TestAuthEnv();
  // The token store goes beside the job file, not into the real $HOME (a job's state_dir wins).
  all["XDG_STATE_HOME"] = job_path.substr(0, job_path.rfind('/')) + "/state";
  for (const auto& [k, v] : env) all[k] = v;
  return all;
}

std::vector<std::string> RunArgv(const std::string& job_path, const std::vector<std::string>& extra_args) {
  // INFO lines and the per-object table, as the tests read them (a plain run off a terminal prints
  // one summary line and warnings only: cli_test checks that).
  std::vector<std::string> argv = {SfsyncBinary(), "run", job_path, "-v", "--summary", "table"};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  return argv;
}

}  // namespace

std::unique_ptr<BackgroundProcess> StartSfsync(const std::string& job_path, const std::string& log_dir,
                                               const std::map<std::string, std::string>& env,
                                               const std::vector<std::string>& extra_args) {
  return std::make_unique<BackgroundProcess>(RunArgv(job_path, extra_args), log_dir, WithAuthEnv(job_path, env));
}

ProcessResult RunSfsync(const std::string& job_path, const std::map<std::string, std::string>& env,
                        const std::vector<std::string>& extra_args) {
  return RunProcess(RunArgv(job_path, extra_args), WithAuthEnv(job_path, env));
}

ProcessResult RunSfsyncCommand(const std::vector<std::string>& command, const std::string& job_path,
                               const std::vector<std::string>& args, const std::map<std::string, std::string>& env) {
  std::vector<std::string> argv = {SfsyncBinary()};
  argv.insert(argv.end(), command.begin(), command.end());
  argv.push_back(job_path);
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProcess(argv, WithAuthEnv(job_path, env));
}

}  // namespace sfsync::testing
