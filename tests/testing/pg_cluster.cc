#include "tests/testing/pg_cluster.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <stdexcept>
#include <vector>

namespace sfsync::testing {
namespace {

// Runs a shell command, returning its combined output; throws with it when the command fails.
std::string Shell(const std::string& command) {
  std::string out;
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  if (p == nullptr) throw std::runtime_error("cannot run: " + command);
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int rc = pclose(p);
  if (rc != 0) throw std::runtime_error("failed (" + std::to_string(rc) + "): " + command + "\n" + out);
  return out;
}

std::string Quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    if (fd >= 0) close(fd);
    throw std::runtime_error("no free port");
  }
  const int port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

}  // namespace

std::string PgCluster::BinDir() {
  std::vector<std::string> found;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/usr/lib/postgresql", error)) {
    if (std::filesystem::exists(entry.path() / "bin" / "initdb")) found.push_back((entry.path() / "bin").string());
  }
  if (found.empty()) {
    throw std::runtime_error("no PostgreSQL server under /usr/lib/postgresql (scripts/install-deps installs it)");
  }
  std::sort(found.begin(), found.end(), [](const std::string& a, const std::string& b) {
    return std::atoi(a.c_str() + 19) < std::atoi(b.c_str() + 19);  // "/usr/lib/postgresql/" is 20 chars
  });
  return found.back();
}

std::string PgCluster::RunAsOwner(const std::string& command) const {
  return Shell(as_postgres_ ? "runuser -u postgres -- sh -c " + Quoted(command) : command);
}

PgCluster::PgCluster(bool tls) {
  bin_ = BinDir();
  as_postgres_ = geteuid() == 0;
  std::string pattern = (std::filesystem::temp_directory_path() / "sfsync-pg-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = pattern;
  std::random_device random;
  password_ = "pw-" + std::to_string(random()) + std::to_string(random());
  {
    std::ofstream pw(dir_ + "/pwfile");
    pw << password_ << "\n";
  }
  std::string tls_options;
  if (tls) {
    // A CA, and a server certificate for localhost signed by it (PostgreSQL wants the key 0600).
    const std::string in = "cd " + Quoted(dir_) + " && ";
    Shell(in + "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -subj /CN=sfsync-test-pg-ca -days 2");
    Shell(in + "openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=localhost");
    Shell(in + "printf 'subjectAltName=DNS:localhost\\n' > san.cnf && openssl x509 -req -in server.csr -CA ca.crt "
               "-CAkey ca.key -CAcreateserial -out server.crt -days 2 -extfile san.cnf");
    Shell("chmod 600 " + Quoted(dir_ + "/server.key"));
    tls_options = " -c ssl=on -c ssl_cert_file=" + dir_ + "/server.crt -c ssl_key_file=" + dir_ + "/server.key";
  }
  if (as_postgres_) Shell("chown -R postgres " + Quoted(dir_));
  RunAsOwner(bin_ + "/initdb -D " + Quoted(dir_ + "/data") + " -U " + user_ + " --auth=scram-sha-256 --pwfile=" +
             Quoted(dir_ + "/pwfile") + " -E UTF8 --locale=C --no-sync");
  std::string last_error;
  for (int attempt = 0; attempt < 5; ++attempt) {
    port_ = FreePort();
    try {
      RunAsOwner(bin_ + "/pg_ctl -D " + Quoted(dir_ + "/data") + " -l " + Quoted(dir_ + "/server.log") +
                 " -w -t 60 -o " +
                 Quoted("-p " + std::to_string(port_) + " -k " + dir_ +
                        " -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=60" +
                        tls_options) +
                 " start");
      return;
    } catch (const std::exception& e) {
      last_error = e.what();
    }
  }
  throw std::runtime_error("cannot start PostgreSQL: " + last_error);
}

PgCluster::~PgCluster() {
  try {
    RunAsOwner(bin_ + "/pg_ctl -D " + Quoted(dir_ + "/data") + " -m immediate -w stop");
  } catch (const std::exception&) {
  }
  std::error_code error;
  std::filesystem::remove_all(dir_, error);
}

PgCluster& PgCluster::Shared() {
  static PgCluster* cluster = new PgCluster();  // stopped by the atexit below, after every test
  static const bool registered = [] {
    std::atexit([] { delete cluster; });
    return true;
  }();
  (void)registered;
  return *cluster;
}

std::string PgCluster::Url(const std::string& database) const {
  return "postgresql://" + user_ + "@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

std::string PgCluster::CreateDatabase() {
  const std::string name = "t" + std::to_string(++databases_);
  Psql("postgres", "CREATE DATABASE " + name);
  return name;
}

std::string PgCluster::Psql(const std::string& database, const std::string& sql) const {
  return Shell("PGPASSWORD=" + Quoted(password_) + " " + bin_ + "/psql -X -q -A -t -v ON_ERROR_STOP=1 -d " +
               Quoted(Url(database)) + " -c " + Quoted(sql));
}

std::string UsePostgresStore(std::string job_yaml, const std::string& url, const std::string& schema) {
  const size_t at = job_yaml.find("  sqlite: ");
  if (at == std::string::npos) throw std::runtime_error("UsePostgresStore: the job has no store.sqlite line");
  const size_t end = job_yaml.find('\n', at);
  job_yaml.replace(at, end + 1 - at,
                   "  postgres: " + url + "\n  schema: " + schema + "\n  password: ${SFSYNC_TEST_PGPASSWORD}\n");
  return job_yaml;
}

std::map<std::string, std::string> PgEnv(const PgCluster& cluster) {
  return {{"SFSYNC_TEST_PGPASSWORD", cluster.password()}};
}

}  // namespace sfsync::testing
