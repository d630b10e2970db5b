#include "connectors/salesforce/testing/test_keys.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>

namespace sfsync::salesforce::testing {
namespace {

std::string BioText(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(size));
}

using BioPtr = std::unique_ptr<BIO, decltype(&BIO_free)>;
using KeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

BioPtr NewMemoryBio() { return BioPtr(BIO_new(BIO_s_mem()), BIO_free); }

}  // namespace

TestRsaKey MakeRsaKey(const std::string& passphrase) {
  KeyPtr key(EVP_RSA_gen(2048), EVP_PKEY_free);
  if (!key) throw std::runtime_error("RSA key generation failed");
  TestRsaKey out;
  out.passphrase = passphrase;
  BioPtr plain = NewMemoryBio();
  PEM_write_bio_PKCS8PrivateKey(plain.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  out.private_pem = BioText(plain.get());
  BioPtr encrypted = NewMemoryBio();
  PEM_write_bio_PKCS8PrivateKey(encrypted.get(), key.get(), EVP_aes_256_cbc(), passphrase.data(),
                                static_cast<int>(passphrase.size()), nullptr, nullptr);
  out.encrypted_private_pem = BioText(encrypted.get());
  BioPtr pub = NewMemoryBio();
  PEM_write_bio_PUBKEY(pub.get(), key.get());
  out.public_pem = BioText(pub.get());
  return out;
}

std::string MakeEcPrivateKeyPem() {
  KeyPtr key(EVP_EC_gen("P-256"), EVP_PKEY_free);
  BioPtr bio = NewMemoryBio();
  PEM_write_bio_PKCS8PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  return BioText(bio.get());
}

bool VerifyRs256(const std::string& public_pem, std::string_view data, std::string_view signature) {
  BioPtr bio(BIO_new_mem_buf(public_pem.data(), static_cast<int>(public_pem.size())), BIO_free);
  KeyPtr key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr), EVP_PKEY_free);
  if (!key) return false;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_PKEY_CTX* pctx = nullptr;
  if (EVP_DigestVerifyInit(ctx.get(), &pctx, EVP_sha256(), nullptr, key.get()) != 1) return false;
  // RS256 is PKCS#1 v1.5 padding, OpenSSL's default for RSA; say so rather than rely on it.
  EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING);
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                          reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
}

std::string Base64UrlDecode(std::string_view text) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '-') return 62;
    if (c == '_') return 63;
    throw std::runtime_error("not base64url: " + std::string(1, c));
  };
  std::string out;
  uint32_t bits = 0;
  int count = 0;
  for (char c : text) {
    bits = bits << 6 | static_cast<uint32_t>(value(c));
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += static_cast<char>((bits >> count) & 0xFF);
    }
  }
  return out;
}

ScratchDir::ScratchDir() {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/sfsync-test-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

ScratchDir::~ScratchDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string ScratchDir::Write(const std::string& name, const std::string& text) const {
  const std::string file = path_ + "/" + name;
  std::ofstream out(file, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + file);
  return file;
}

}  // namespace sfsync::salesforce::testing
