// Throw-away keys and certificates for tests, made with the `openssl` CLI at test time in a
// temporary directory (never committed): a CA with a server certificate for 127.0.0.1 and
// localhost (HTTPS), and self-signed RSA certificates (a connected app's JWT certificate).
#ifndef SFSYNC_TESTS_EMULATOR_TESTING_TEST_PKI_H_
#define SFSYNC_TESTS_EMULATOR_TESTING_TEST_PKI_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace sfsync::emulator::testing {

class TestPki {
 public:
  // Creates the directory; fails the current test if it cannot.
  TestPki();
  ~TestPki();  // removes the directory and everything in it
  TestPki(const TestPki&) = delete;
  TestPki& operator=(const TestPki&) = delete;

  struct ServerCertificate {
    std::string ca_cert;  // PEM files
    std::string cert;
    std::string key;
  };
  // A fresh CA and a server certificate it signed, valid for 127.0.0.1 and localhost.
  ServerCertificate MakeServerCertificate();

  struct KeyPair {
    std::string cert;  // PEM files
    std::string key;
  };
  // A self-signed RSA-2048 certificate with its unencrypted private key.
  KeyPair MakeSelfSigned(const std::string& name);

  std::string Path(const std::string& name) const { return dir_ + "/" + name; }

 private:
  // Runs an openssl command line in the directory; fails the current test if it fails.
  void OpenSsl(const std::string& arguments);

  std::string dir_;
};

// RS256 (RSASSA-PKCS1-v1_5 with SHA-256) signature of `message` with the PEM key in `key_file`.
std::string SignRs256(const std::string& key_file, std::string_view message);
// base64url(header).base64url(claims).base64url(RS256 signature): a JWT bearer assertion.
std::string MakeJwt(const std::string& key_file, const nlohmann::json& header, const nlohmann::json& claims);

}  // namespace sfsync::emulator::testing

#endif  // SFSYNC_TESTS_EMULATOR_TESTING_TEST_PKI_H_
