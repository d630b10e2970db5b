#include "connectors/salesforce/auth/jwt_assertion.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "connectors/salesforce/testing/test_keys.h"

namespace sfsync::salesforce {
namespace {

using testing::Base64UrlDecode;
using testing::MakeRsaKey;
using testing::ScratchDir;
using testing::TestRsaKey;
using testing::VerifyRs256;

// One key for the whole file: generating RSA keys is the slow part.
const TestRsaKey& Key() {
  static const TestRsaKey key = MakeRsaKey("s3cret-passphrase-91");
  return key;
}

TEST_CASE("base64url has no padding and uses - and _") {
  CHECK(Base64UrlEncode("") == "");
  CHECK(Base64UrlEncode("f") == "Zg");
  CHECK(Base64UrlEncode("fo") == "Zm8");
  CHECK(Base64UrlEncode("foo") == "Zm9v");
  CHECK(Base64UrlEncode("\xfb\xff\xbf") == "-_-_");
  CHECK(Base64UrlEncode(R"({"alg":"RS256"})") == "eyJhbGciOiJSUzI1NiJ9");
}

TEST_CASE("an assertion is header.claims.signature and OpenSSL verifies the signature with the public key") {
  ScratchDir dir;
  StatusOr<RsaPrivateKey> key = RsaPrivateKey::LoadPemFile(dir.Write("key.pem", Key().private_pem), "");
  REQUIRE(key.ok());
  JwtClaims claims{"3MVG9client.id", "integration@acme.example", "https://login.salesforce.com", 1700000150};
  StatusOr<std::string> assertion = MakeJwtAssertion(claims, *key);
  REQUIRE(assertion.ok());

  const size_t first = assertion->find('.');
  const size_t second = assertion->find('.', first + 1);
  REQUIRE(second != std::string::npos);
  CHECK(assertion->find('.', second + 1) == std::string::npos);
  CHECK(assertion->find('=') == std::string::npos);
  CHECK(Base64UrlDecode(assertion->substr(0, first)) == R"({"alg":"RS256"})");
  const nlohmann::json body = nlohmann::json::parse(Base64UrlDecode(assertion->substr(first + 1, second - first - 1)));
  CHECK(body.at("iss") == "3MVG9client.id");
  CHECK(body.at("sub") == "integration@acme.example");
  CHECK(body.at("aud") == "https://login.salesforce.com");
  CHECK(body.at("exp").is_number_integer());  // epoch seconds (§1.6), not a string, not ms
  CHECK(body.at("exp") == 1700000150);

  const std::string signing_input = assertion->substr(0, second);
  const std::string signature = Base64UrlDecode(assertion->substr(second + 1));
  CHECK(signature.size() == 256);  // RSA-2048
  CHECK(VerifyRs256(Key().public_pem, signing_input, signature));
  CHECK_FALSE(VerifyRs256(Key().public_pem, signing_input + "x", signature));
  CHECK_FALSE(VerifyRs256(MakeRsaKey().public_pem, signing_input, signature));  // another key's certificate
}

TEST_CASE("an encrypted key opens with its passphrase and signs the same way") {
  ScratchDir dir;
  const std::string path = dir.Write("key.pem", Key().encrypted_private_pem);
  StatusOr<RsaPrivateKey> key = RsaPrivateKey::LoadPemFile(path, Key().passphrase);
  REQUIRE(key.ok());
  StatusOr<std::string> signature = key->SignSha256("payload");
  REQUIRE(signature.ok());
  CHECK(VerifyRs256(Key().public_pem, "payload", *signature));
}

TEST_CASE("unusable keys are job errors that name the file and say what to change, never the passphrase") {
  ScratchDir dir;
  const std::string encrypted = dir.Write("enc.pem", Key().encrypted_private_pem);

  Status missing = RsaPrivateKey::LoadPemFile(dir.path() + "/absent.pem", "").status();
  CHECK(missing.reason() == "job.invalid");
  CHECK(missing.message().find("absent.pem' cannot be read") != std::string::npos);

  Status no_passphrase = RsaPrivateKey::LoadPemFile(encrypted, "").status();
  CHECK(no_passphrase.reason() == "job.invalid");
  CHECK(no_passphrase.message().find("is encrypted: set private_key_passphrase") != std::string::npos);

  Status wrong = RsaPrivateKey::LoadPemFile(encrypted, "wrong-passphrase-77").status();
  CHECK(wrong.message().find("could not be decrypted: check private_key_passphrase") != std::string::npos);
  CHECK(wrong.message().find("wrong-passphrase-77") == std::string::npos);

  Status garbage = RsaPrivateKey::LoadPemFile(dir.Write("cert.pem", "not a key\n"), "").status();
  CHECK(garbage.message().find("holds no PEM private key") != std::string::npos);

  Status ec = RsaPrivateKey::LoadPemFile(dir.Write("ec.pem", testing::MakeEcPrivateKeyPem()), "").status();
  CHECK(ec.reason() == "job.invalid");
  CHECK(ec.message().find("is not an RSA key") != std::string::npos);
}

}  // namespace
}  // namespace sfsync::salesforce
