#include "tests/emulator/salesforce_id.h"

#include <doctest/doctest.h>

namespace sfsync::emulator {
namespace {

TEST_CASE("real Salesforce Ids from the fixtures validate, with their case-safe suffix") {
  // a. Ids copied from tests/fixtures/salesforce (docs, Nango, django-salesforce recordings).
  for (const char* id : {"001D000000IRFmaIAH", "001dM00003jU9GyQAK", "003dM00001vWOXJQA4",
                         "005dM00000aYaE4QAK", "00edM00000Qj7rDQAR", "006dM00000Mw7VtQAJ",
                         "001M000001FgVKlIAN", "005M0000007whduIAA"}) {
    CAPTURE(id);
    CHECK(IdChecksum(std::string_view(id).substr(0, 15)) == std::string_view(id).substr(15));
    CHECK(NormalizeId(id) == std::optional<std::string>(id));
  }
}

TEST_CASE("15-character Ids gain the suffix, 18-character suffixes compare case-insensitively") {
  CHECK(NormalizeId("001D000000IRFma") == std::optional<std::string>("001D000000IRFmaIAH"));
  CHECK(NormalizeId("001D000000IRFmaiah") == std::optional<std::string>("001D000000IRFmaIAH"));
}

TEST_CASE("malformed Ids are rejected") {
  CHECK_FALSE(NormalizeId("001D000000IRFmaIAA"));   // wrong suffix
  CHECK_FALSE(NormalizeId("001D000000IRFm"));       // 14 characters
  CHECK_FALSE(NormalizeId("001D000000IRFma-AH"));   // not alphanumeric
  CHECK_FALSE(NormalizeId(""));
}

TEST_CASE("emulator Ids carry the key prefix, validate, and sort in creation order") {
  std::string first = MakeId("001", 61);
  std::string second = MakeId("001", 62);  // the counter carries into the next base-62 digit
  std::string third = MakeId("001", 1'000'000'000);
  CHECK(first.size() == 18);
  CHECK(first.starts_with("001"));
  CHECK(NormalizeId(first) == std::optional<std::string>(first));
  CHECK(NormalizeId(third) == std::optional<std::string>(third));
  CHECK(first < second);
  CHECK(second < third);
}

}  // namespace
}  // namespace sfsync::emulator
