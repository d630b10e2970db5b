#include "tests/emulator/salesforce_id.h"

#include <cctype>

namespace sfsync::emulator {
namespace {

constexpr std::string_view kBase62 =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
constexpr std::string_view kSuffixAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
// Every emulator Id carries this pod code after the key prefix.
constexpr std::string_view kPod = "dW";

bool IsAlnum(std::string_view s) {
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

std::string IdChecksum(std::string_view id15) {
  std::string suffix;
  for (size_t chunk = 0; chunk < 3; ++chunk) {
    unsigned bits = 0;
    for (size_t i = 0; i < 5; ++i) {
      char c = id15[chunk * 5 + i];
      if (c >= 'A' && c <= 'Z') bits |= 1u << i;
    }
    suffix.push_back(kSuffixAlphabet[bits]);
  }
  return suffix;
}

std::optional<std::string> NormalizeId(std::string_view id) {
  if ((id.size() != 15 && id.size() != 18) || !IsAlnum(id)) return std::nullopt;
  std::string id15(id.substr(0, 15));
  std::string suffix = IdChecksum(id15);
  if (id.size() == 18) {
    for (size_t i = 0; i < 3; ++i) {
      if (std::toupper(static_cast<unsigned char>(id[15 + i])) != suffix[i]) return std::nullopt;
    }
  }
  return id15 + suffix;
}

std::string MakeId(std::string_view key_prefix, uint64_t counter) {
  std::string id(key_prefix);
  id.append(kPod);
  char digits[10];
  for (int i = 9; i >= 0; --i) {
    digits[i] = kBase62[counter % 62];
    counter /= 62;
  }
  id.append(digits, 10);
  id.append(IdChecksum(id));
  return id;
}

}  // namespace sfsync::emulator
