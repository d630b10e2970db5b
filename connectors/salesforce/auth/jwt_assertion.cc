#include "connectors/salesforce/auth/jwt_assertion.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>

namespace sfsync::salesforce {
namespace {

struct PassphraseArg {
  std::string_view passphrase;
  bool asked = false;
};

// OpenSSL's pem_password_cb. With no callback OpenSSL would prompt on the terminal; a cron job must
// fail instead, so an empty passphrase answers "none" (-1).
extern "C" int PassphraseCallback(char* buf, int size, int /*rwflag*/, void* u) {
  auto* arg = static_cast<PassphraseArg*>(u);
  arg->asked = true;
  if (arg->passphrase.empty() || arg->passphrase.size() > static_cast<size_t>(size)) return -1;
  std::memcpy(buf, arg->passphrase.data(), arg->passphrase.size());
  return static_cast<int>(arg->passphrase.size());
}

Status KeyError(const std::string& path, const std::string& problem) {
  ERR_clear_error();  // OpenSSL's queue would otherwise leak into the next, unrelated error
  return Status(StatusCode::kInvalidArgument, "private_key_file '" + path + "' " + problem, "job.invalid");
}

}  // namespace

std::string Base64UrlEncode(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  auto byte = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(bytes[k])); };
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t n = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    for (int shift = 18; shift >= 0; shift -= 6) out += kAlphabet[(n >> shift) & 63];
  }
  if (bytes.size() - i == 1) {
    const uint32_t n = byte(i) << 16;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
  } else if (bytes.size() - i == 2) {
    const uint32_t n = byte(i) << 16 | byte(i + 1) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
  }
  return out;
}

StatusOr<RsaPrivateKey> RsaPrivateKey::LoadPemFile(const std::string& path, std::string_view passphrase) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return KeyError(path, std::string("cannot be read: ") + std::strerror(errno));
  PassphraseArg arg{passphrase};
  ERR_clear_error();
  EVP_PKEY* raw = PEM_read_PrivateKey(file, nullptr, PassphraseCallback, &arg);
  std::fclose(file);
  if (raw == nullptr) {
    if (arg.asked && passphrase.empty()) {
      return KeyError(path, "is encrypted: set private_key_passphrase (as ${ENV_VAR} or file:PATH)");
    }
    if (arg.asked) return KeyError(path, "could not be decrypted: check private_key_passphrase");
    return KeyError(path,
                    "holds no PEM private key (expected -----BEGIN PRIVATE KEY----- or "
                    "-----BEGIN RSA PRIVATE KEY-----)");
  }
  std::shared_ptr<evp_pkey_st> key(raw, EVP_PKEY_free);
  if (EVP_PKEY_get_base_id(raw) != EVP_PKEY_RSA) {
    return KeyError(path, "is not an RSA key: Salesforce's JWT bearer flow signs with RS256 only");
  }
  return RsaPrivateKey(std::move(key));
}

StatusOr<std::string> RsaPrivateKey::SignSha256(std::string_view data) const {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  size_t length = 0;
  bool ok = ctx != nullptr && EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) == 1 &&
            EVP_DigestSign(ctx.get(), nullptr, &length, reinterpret_cast<const unsigned char*>(data.data()),
                           data.size()) == 1;
  std::string signature(length, '\0');
  ok = ok && EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                            reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
  if (!ok) {
    const unsigned long error = ERR_get_error();
    ERR_clear_error();
    char text[256];
    ERR_error_string_n(error, text, sizeof text);
    return InternalError(std::string("RS256 signing failed: ") + text);
  }
  signature.resize(length);
  return signature;
}

StatusOr<std::string> MakeJwtAssertion(const JwtClaims& claims, const RsaPrivateKey& key) {
  nlohmann::ordered_json body = {
      {"iss", claims.issuer}, {"sub", claims.subject}, {"aud", claims.audience}, {"exp", claims.expires_at_seconds}};
  const std::string signing_input = Base64UrlEncode(R"({"alg":"RS256"})") + "." + Base64UrlEncode(body.dump());
  SFSYNC_ASSIGN_OR_RETURN(std::string signature, key.SignSha256(signing_input));
  return signing_input + "." + Base64UrlEncode(signature);
}

}  // namespace sfsync::salesforce
