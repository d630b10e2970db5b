// A small deterministic PRNG (SplitMix64). The seeded org must be identical for the same
// --seed and sizes on every machine, so the emulator does not use <random>'s distributions,
// whose outputs are implementation-defined.
#ifndef SFSYNC_TESTS_EMULATOR_ORG_RNG_H_
#define SFSYNC_TESTS_EMULATOR_ORG_RNG_H_

#include <cstdint>
#include <string_view>
#include <vector>

namespace sfsync::emulator {

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}

  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n). REQUIRES: n > 0.
  uint64_t Below(uint64_t n) { return Next() % n; }
  // Uniform in [lo, hi]. REQUIRES: lo <= hi.
  int64_t Between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo) + 1));
  }
  // Uniform in [0, 1).
  double Unit() { return static_cast<double>(Next() >> 11) * (1.0 / 9007199254740992.0); }
  bool Chance(double p) { return Unit() < p; }
  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[Below(items.size())];
  }

 private:
  uint64_t state_;
};

// Mixes a name into a seed so each object gets its own stream.
inline uint64_t MixSeed(uint64_t seed, std::string_view name, uint64_t salt = 0) {
  uint64_t h = 1469598103934665603ull ^ seed;
  for (char c : name) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return h ^ (salt * 0x9E3779B97F4A7C15ull);
}

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_ORG_RNG_H_
