// RSA keys and temporary directories for the OAuth tests (test-only).
#pragma once

#include <string>
#include <string_view>

namespace sfsync::salesforce::testing {

struct TestRsaKey {
  std::string private_pem;            // PKCS#8, unencrypted
  std::string encrypted_private_pem;  // the same key, AES-256-CBC encrypted with `passphrase`
  std::string public_pem;
  std::string passphrase;
};

// A fresh 2048-bit RSA key (about 50-100 ms).
TestRsaKey MakeRsaKey(const std::string& passphrase = "correct horse battery");

// An EC P-256 private key in PEM, which RS256 cannot use.
std::string MakeEcPrivateKeyPem();

// True when `signature` is a valid RS256 signature of `data` by `public_pem`'s key.
bool VerifyRs256(const std::string& public_pem, std::string_view data, std::string_view signature);

// base64url without padding, decoded; throws on a bad character.
std::string Base64UrlDecode(std::string_view text);

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it on destruction.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }
  std::string Write(const std::string& name, const std::string& text) const;  // returns the path

 private:
  std::string path_;
};

}  // namespace sfsync::salesforce::testing
