// The JWT bearer assertion (protocol §1.6): base64url(header).base64url(claims).base64url(RS256
// signature), signed with OpenSSL EVP. This header keeps OpenSSL out of its includers.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "engine/core/statusor.h"

struct evp_pkey_st;  // OpenSSL's EVP_PKEY

namespace sfsync::salesforce {

// base64url without padding (RFC 7515 §2, RFC 7636 §3).
std::string Base64UrlEncode(std::string_view bytes);

// An RSA private key loaded from a PEM file. Copies share the key. Thread-safe to sign with.
class RsaPrivateKey {
 public:
  // Reads a PEM private key (PKCS#8 or traditional RSA; encrypted ones need `passphrase`). OpenSSL
  // never prompts on the terminal. Errors, with reason "job.invalid" (the job's key settings are
  // wrong): the file cannot be read; it holds no PEM private key; it is encrypted and the passphrase
  // is missing or wrong; the key is not RSA (RS256 needs one). Messages name the file, never any
  // key material or the passphrase.
  static StatusOr<RsaPrivateKey> LoadPemFile(const std::string& path, std::string_view passphrase);

  // RSASSA-PKCS1-v1_5 over SHA-256 of `data`. kInternal if OpenSSL fails.
  StatusOr<std::string> SignSha256(std::string_view data) const;

 private:
  explicit RsaPrivateKey(std::shared_ptr<evp_pkey_st> key) : key_(std::move(key)) {}
  std::shared_ptr<evp_pkey_st> key_;
};

// How far ahead of this machine's clock an assertion's exp is set. Salesforce accepts an exp at
// most 3 minutes ahead (§1.6); 150 s leaves 30 s for its clock and ours to disagree.
inline constexpr int64_t kJwtLifetimeSeconds = 150;
inline constexpr int64_t kJwtMaxExpAheadSeconds = 180;

struct JwtClaims {
  std::string issuer;              // iss: the External Client App's consumer key
  std::string subject;             // sub: the Salesforce username
  std::string audience;            // aud: the login host, e.g. https://login.salesforce.com
  int64_t expires_at_seconds = 0;  // exp: epoch seconds
};

// {"alg":"RS256"} + the claims (exp as a JSON number), signed with `key`.
StatusOr<std::string> MakeJwtAssertion(const JwtClaims& claims, const RsaPrivateKey& key);

}  // namespace sfsync::salesforce
