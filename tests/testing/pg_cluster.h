// A throw-away PostgreSQL cluster for tests: initdb in a temporary directory, a server on a free
// loopback port (and a Unix socket in that directory), stopped and deleted by the destructor.
// PostgreSQL refuses to run as root, so when the tests run as root the cluster belongs to the
// `postgres` user (commands run through runuser). Password authentication (scram-sha-256) is on, so
// tests exercise the same path a real server uses.
//
// Shared() starts one cluster per test process on first use; each test takes its own database
// (CreateDatabase) so tests never see each other's tables.
#pragma once

#include <map>
#include <string>

namespace sfsync::testing {

class PgCluster {
 public:
  // Starts a cluster; throws std::runtime_error (with initdb's or pg_ctl's output) if it cannot.
  // With `tls`, the server also speaks TLS with a certificate for "localhost" issued by a CA of its
  // own (ca_file()).
  explicit PgCluster(bool tls = false);
  ~PgCluster();
  PgCluster(const PgCluster&) = delete;
  PgCluster& operator=(const PgCluster&) = delete;

  static PgCluster& Shared();

  int port() const { return port_; }
  const std::string& user() const { return user_; }
  const std::string& password() const { return password_; }
  std::string ca_file() const { return dir_ + "/ca.crt"; }
  // postgresql://sfsync@127.0.0.1:PORT/DB (no password: pass it separately).
  std::string Url(const std::string& database) const;
  // Creates a database with a fresh name ("t1", "t2", ...) and returns it.
  std::string CreateDatabase();
  // Runs SQL through psql on `database`; returns its output (unaligned, tuples only, '|' between
  // columns). Throws std::runtime_error on an error.
  std::string Psql(const std::string& database, const std::string& sql) const;

  // The directory holding initdb, pg_ctl and psql (the newest /usr/lib/postgresql/N/bin).
  static std::string BinDir();

 private:
  std::string RunAsOwner(const std::string& command) const;
  std::string dir_;
  std::string bin_;
  int port_ = 0;
  std::string user_ = "sfsync";
  std::string password_;
  int databases_ = 0;
  bool as_postgres_ = false;
};

// `job_yaml` (from JobYaml) with its store moved to PostgreSQL: store.postgres `url`, `schema`, and
// the password as ${SFSYNC_TEST_PGPASSWORD} (PgEnv sets it).
std::string UsePostgresStore(std::string job_yaml, const std::string& url, const std::string& schema = "sfsync");
// {SFSYNC_TEST_PGPASSWORD: the cluster's password}, for the runs of such a job.
std::map<std::string, std::string> PgEnv(const PgCluster& cluster);

}  // namespace sfsync::testing
