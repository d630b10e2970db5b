#include "tests/emulator/api/oauth_crypto.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cstdio>

namespace sfsync::emulator {

std::string Base64Url(std::string_view bytes) {
  std::string text = Base64Encode(bytes);
  while (!text.empty() && text.back() == '=') text.pop_back();
  for (char& c : text) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return text;
}

std::optional<std::string> Base64UrlDecode(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  std::string standard(text);
  for (char& c : standard) {
    if (c == '-') {
      c = '+';
    } else if (c == '_') {
      c = '/';
    } else if (c == '+' || c == '/') {
      return std::nullopt;  // the standard alphabet is not base64url
    }
  }
  if (standard.size() % 4 == 1) return std::nullopt;
  while (standard.size() % 4 != 0) standard.push_back('=');
  return Base64Decode(standard);
}

std::string Sha256(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(digest), length);
}

std::string HmacSha256(std::string_view key, std::string_view message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
       message.size(), digest, &length);
  return std::string(reinterpret_cast<const char*>(digest), length);
}

std::string RandomToken(std::string_view prefix, size_t length) {
  static constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._";
  std::string bytes(length, '\0');
  RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(length));
  std::string token(prefix);
  for (char b : bytes) token.push_back(kAlphabet[static_cast<unsigned char>(b) % kAlphabet.size()]);
  return token;
}

struct Rs256Verifier::Key {
  EVP_PKEY* pkey = nullptr;
  ~Key() { EVP_PKEY_free(pkey); }
};

Rs256Verifier::Rs256Verifier(std::unique_ptr<Key> key) : key_(std::move(key)) {}
Rs256Verifier::~Rs256Verifier() = default;

std::unique_ptr<Rs256Verifier> Rs256Verifier::Load(const std::string& pem_file, std::string* error) {
  FILE* file = std::fopen(pem_file.c_str(), "r");
  if (file == nullptr) {
    *error = "cannot read the JWT certificate " + pem_file;
    return nullptr;
  }
  X509* cert = PEM_read_X509(file, nullptr, nullptr, nullptr);
  std::fclose(file);
  if (cert == nullptr) {
    *error = pem_file + " holds no PEM X.509 certificate";
    return nullptr;
  }
  auto key = std::make_unique<Key>();
  key->pkey = X509_get_pubkey(cert);
  X509_free(cert);
  if (key->pkey == nullptr || EVP_PKEY_base_id(key->pkey) != EVP_PKEY_RSA) {
    *error = "the certificate in " + pem_file + " has no RSA public key (RS256 needs one)";
    return nullptr;
  }
  return std::unique_ptr<Rs256Verifier>(new Rs256Verifier(std::move(key)));
}

bool Rs256Verifier::Verify(std::string_view message, std::string_view signature) const {
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  bool valid = context != nullptr && EVP_DigestVerifyInit(context, nullptr, EVP_sha256(), nullptr, key_->pkey) == 1 &&
               EVP_DigestVerify(context, reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                                reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
  EVP_MD_CTX_free(context);
  return valid;
}

}  // namespace sfsync::emulator
