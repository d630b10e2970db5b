#include "connectors/salesforce/auth/pkce.h"

#include <doctest/doctest.h>

#include <set>

namespace sfsync::salesforce {
namespace {

TEST_CASE("the S256 challenge matches RFC 7636 appendix B") {
  CHECK(PkceChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

TEST_CASE("random verifiers are URL-safe, long enough for RFC 7636 and never repeat") {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    StatusOr<std::string> verifier = RandomUrlSafe(32);
    REQUIRE(verifier.ok());
    CHECK(verifier->size() == 43);  // the shortest verifier RFC 7636 §4.1 allows
    CHECK(verifier->find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
          std::string::npos);
    seen.insert(*verifier);
  }
  CHECK(seen.size() == 100);
  CHECK(RandomUrlSafe(64)->size() == 86);
}

}  // namespace
}  // namespace sfsync::salesforce
