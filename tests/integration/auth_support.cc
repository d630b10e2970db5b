#include "tests/integration/auth_support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <stdexcept>
#include <thread>

namespace sfsync::testing {
namespace {

void OpenSsl(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"/usr/bin/env", "openssl"};
  argv.insert(argv.end(), args.begin(), args.end());
  ProcessResult result = RunProcess(argv);
  if (result.exit_code != 0) throw std::runtime_error("openssl failed: " + result.err);
}

}  // namespace

JwtKeys MakeJwtKeys(const TempDir& dir, const std::string& name) {
  JwtKeys keys;
  keys.key_file = dir.File(name + ".key");
  keys.encrypted_key_file = dir.File(name + ".enc.key");
  keys.cert_file = dir.File(name + ".crt");
  keys.passphrase = "jwt-passphrase-" + name + "-8c1f";
  OpenSsl({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", keys.key_file, "-out", keys.cert_file, "-days",
           "2", "-subj", "/CN=sfsync " + name});
  OpenSsl({"pkcs8", "-topk8", "-in", keys.key_file, "-out", keys.encrypted_key_file, "-v2", "aes-256-cbc", "-passout",
           "pass:" + keys.passphrase});
  return keys;
}

ServerCertificate MakeServerCertificate(const TempDir& dir) {
  ServerCertificate cert{dir.File("server.crt"), dir.File("server.key")};
  OpenSsl({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", cert.key_file, "-out", cert.cert_file, "-days",
           "2", "-subj", "/CN=sfsync-emulator", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"});
  return cert;
}

std::string JwtAuthYaml(const JwtKeys& keys) {
  return "    flow: jwt_bearer\n"
         "    client_id: ${SF_CLIENT_ID}\n"
         "    username: " +
         std::string(kIntegrationUser) + "\n    private_key_file: " + keys.encrypted_key_file +
         "\n    private_key_passphrase: ${SF_KEY_PASSPHRASE}\n";
}

std::string AuthJob(const TempDir& dir, const std::string& login_url, const std::string& auth_yaml,
                    const std::string& connection_extra) {
  return "version: 1\n"
         "name: auth-it\n"
         "connection:\n"
         "  login_url: " +
         login_url +
         "\n"
         "  api_version: \"60.0\"\n" +
         connection_extra + "  auth:\n" + auth_yaml +
         "store:\n"
         "  sqlite: " +
         dir.File("sync.db") +
         "\n"
         "state_dir: " +
         dir.File("state") +
         "\n"
         "settle_lag_seconds: 0\n"
         "objects:\n"
         "  - name: Account\n"
         "    fields: [Id, Name, Industry, SystemModstamp]\n";
}

std::string JwtAuth(const JwtKeys& keys, const std::string& username, const std::string& client_id) {
  return "    flow: jwt_bearer\n    client_id: " + client_id + "\n    username: " + username +
         "\n    private_key_file: " + keys.key_file + "\n";
}

std::string SecretAuth(const std::string& flow) {
  return "    flow: " + flow + "\n    client_id: ${SF_CLIENT_ID}\n    client_secret: ${SF_CLIENT_SECRET}\n";
}

std::string ClockStart(int offset_seconds) {
  const std::time_t at = std::time(nullptr) + offset_seconds;
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&at));
  return text;
}

ProcessResult Sfsync(const std::vector<std::string>& args, const std::map<std::string, std::string>& env) {
  std::vector<std::string> argv = {SfsyncBinary()};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProcess(argv, env);
}

std::vector<std::string> TokenStoreFiles(const TempDir& dir) {
  std::vector<std::string> files;
  const std::string tokens = dir.File("state/tokens");
  if (!std::filesystem::exists(tokens)) return files;
  for (const auto& entry : std::filesystem::directory_iterator(tokens)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

nlohmann::json ReadTokenStore(const TempDir& dir) {
  std::vector<std::string> files = TokenStoreFiles(dir);
  if (files.size() != 1)
    throw std::runtime_error("expected one token store file, found " + std::to_string(files.size()));
  return nlohmann::json::parse(ReadFile(files[0]));
}

salesforce::HttpResponse BrowserGet(const std::string& url, const std::string& ca_file) {
  salesforce::TransportOptions options;
  options.ca_file = ca_file;
  options.request_gzip = false;
  options.timeout = std::chrono::seconds(20);
  auto transport = salesforce::NewCpprestTransport(options);
  salesforce::HttpRequest request;
  request.url = url;
  StatusOr<salesforce::HttpResponse> response = transport->Send(request);
  if (!response.ok()) throw std::runtime_error("GET " + url + ": " + response.status().ToString());
  return *response;
}

std::string WaitForStdout(BackgroundProcess& process, const std::string& text) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (true) {
    std::string out = process.Stdout();
    if (out.find(text) != std::string::npos) return out;
    if (!process.Running()) {
      throw std::runtime_error("process exited before printing '" + text + "': " + out + process.Stderr());
    }
    if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("no '" + text + "' in: " + out);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::string QueryParam(const std::string& url, const std::string& name) {
  const size_t question = url.find('?');
  if (question == std::string::npos) return {};
  std::string_view query = std::string_view(url).substr(question + 1);
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query.remove_prefix(amp == std::string_view::npos ? query.size() : amp + 1);
    const size_t eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) return salesforce::UrlDecode(pair.substr(eq + 1));
  }
  return {};
}

bool TokenActive(Emulator& emu, const std::string& token) {
  salesforce::TransportOptions options;
  auto transport = salesforce::NewCpprestTransport(options);
  salesforce::HttpRequest request;
  request.method = "POST";
  request.url = emu.url() + "/services/oauth2/introspect";
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  request.body =
      "token=" + salesforce::UrlEncode(token) + "&client_id=" + kClientId + "&client_secret=" + kClientSecret;
  StatusOr<salesforce::HttpResponse> response = transport->Send(request);
  if (!response.ok() || response->status != 200) throw std::runtime_error("introspect failed");
  return nlohmann::json::parse(response->body).at("active").get<bool>();
}

int FreeLoopbackPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
  ::close(fd);
  if (!ok) throw std::runtime_error("cannot bind a loopback port");
  return ntohs(address.sin_port);
}

size_t CountLines(const std::string& text) { return static_cast<size_t>(std::count(text.begin(), text.end(), '\n')); }

}  // namespace sfsync::testing
