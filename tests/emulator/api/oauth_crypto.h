// The byte-level pieces of OAuth the emulator needs, on OpenSSL: base64 and base64url, SHA-256,
// HMAC-SHA256, random token text, and RS256 verification against an X.509 certificate.
#ifndef SFSYNC_TESTS_EMULATOR_API_OAUTH_CRYPTO_H_
#define SFSYNC_TESTS_EMULATOR_API_OAUTH_CRYPTO_H_

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "tests/emulator/base64.h"

namespace sfsync::emulator {

// Standard base64 is in tests/emulator/base64.h.
// RFC 4648 §5 alphabet, no padding (JWT segments, PKCE challenges).
std::string Base64Url(std::string_view bytes);
// Accepts the URL alphabet with or without padding; nullopt on any other character.
std::optional<std::string> Base64UrlDecode(std::string_view text);

std::string Sha256(std::string_view bytes);
std::string HmacSha256(std::string_view key, std::string_view message);

// `length` random characters from [A-Za-z0-9._] after `prefix` (token text; not reproducible,
// like Salesforce's).
std::string RandomToken(std::string_view prefix, size_t length);

// Verifies RS256 signatures with the public key of one X.509 certificate (--jwt-cert).
// Thread-safe once loaded.
class Rs256Verifier {
 public:
  // Reads a PEM certificate. Returns null and fills `error` when the file cannot be read or
  // holds no RSA certificate.
  static std::unique_ptr<Rs256Verifier> Load(const std::string& pem_file, std::string* error);
  ~Rs256Verifier();
  Rs256Verifier(const Rs256Verifier&) = delete;
  Rs256Verifier& operator=(const Rs256Verifier&) = delete;

  // True when `signature` is a valid RSASSA-PKCS1-v1_5 SHA-256 signature of `message`.
  bool Verify(std::string_view message, std::string_view signature) const;

 private:
  struct Key;
  explicit Rs256Verifier(std::unique_ptr<Key> key);
  std::unique_ptr<Key> key_;
};

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_API_OAUTH_CRYPTO_H_
