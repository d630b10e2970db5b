#include "tests/emulator/testing/test_pki.h"

#include <doctest/doctest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "tests/emulator/api/oauth_crypto.h"

namespace sfsync::emulator::testing {

TestPki::TestPki() {
  std::string pattern = (std::filesystem::temp_directory_path() / "sfsync-pki-XXXXXX").string();
  REQUIRE_MESSAGE(mkdtemp(pattern.data()) != nullptr, "cannot create a temporary directory");
  dir_ = pattern;
}

TestPki::~TestPki() {
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

void TestPki::OpenSsl(const std::string& arguments) {
  std::string command = "cd '" + dir_ + "' && openssl " + arguments + " >openssl.log 2>&1";
  int status = std::system(command.c_str());
  REQUIRE_MESSAGE(status == 0, "openssl " << arguments << " failed; see " << Path("openssl.log"));
}

TestPki::ServerCertificate TestPki::MakeServerCertificate() {
  OpenSsl(
      "req -x509 -newkey rsa:2048 -nodes -days 2 -subj '/CN=sfsync test CA' "
      "-keyout ca.key -out ca.pem");
  OpenSsl("req -newkey rsa:2048 -nodes -subj '/CN=localhost' -keyout server.key -out server.csr");
  std::ofstream(Path("server.ext")) << "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                                    << "extendedKeyUsage=serverAuth\n";
  OpenSsl(
      "x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 "
      "-extfile server.ext -out server.pem");
  return {Path("ca.pem"), Path("server.pem"), Path("server.key")};
}

TestPki::KeyPair TestPki::MakeSelfSigned(const std::string& name) {
  OpenSsl("req -x509 -newkey rsa:2048 -nodes -days 2 -subj '/CN=" + name + "' -keyout " + name + ".key -out " + name +
          ".pem");
  return {Path(name + ".pem"), Path(name + ".key")};
}

std::string SignRs256(const std::string& key_file, std::string_view message) {
  FILE* file = std::fopen(key_file.c_str(), "r");
  REQUIRE_MESSAGE(file != nullptr, "cannot read " << key_file);
  EVP_PKEY* key = PEM_read_PrivateKey(file, nullptr, nullptr, nullptr);
  std::fclose(file);
  REQUIRE_MESSAGE(key != nullptr, key_file << " holds no private key");
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  size_t length = 0;
  std::string signature;
  bool ok = EVP_DigestSignInit(context, nullptr, EVP_sha256(), nullptr, key) == 1 &&
            EVP_DigestSign(context, nullptr, &length, reinterpret_cast<const unsigned char*>(message.data()),
                           message.size()) == 1;
  if (ok) {
    signature.resize(length);
    ok = EVP_DigestSign(context, reinterpret_cast<unsigned char*>(signature.data()), &length,
                        reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
    signature.resize(length);
  }
  EVP_MD_CTX_free(context);
  EVP_PKEY_free(key);
  REQUIRE_MESSAGE(ok, "RS256 signing failed");
  return signature;
}

std::string MakeJwt(const std::string& key_file, const nlohmann::json& header, const nlohmann::json& claims) {
  std::string signing_input = Base64Url(header.dump()) + "." + Base64Url(claims.dump());
  return signing_input + "." + Base64Url(SignRs256(key_file, signing_input));
}

}  // namespace sfsync::emulator::testing
