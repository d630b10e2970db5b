#include "connectors/salesforce/auth/pkce.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "connectors/salesforce/auth/jwt_assertion.h"

namespace sfsync::salesforce {

std::string PkceChallenge(std::string_view verifier) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(verifier.data(), verifier.size(), digest, &length, EVP_sha256(), nullptr);
  return Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(digest), length));
}

StatusOr<std::string> RandomUrlSafe(size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1) {
    return InternalError("the random number generator failed");
  }
  return Base64UrlEncode(raw);
}

}  // namespace sfsync::salesforce
