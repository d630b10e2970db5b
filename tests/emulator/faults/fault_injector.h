// Decides, request by request, which injected faults fire. Deterministic: for the same rules,
// fault seed and sequence of requests, the same requests fail the same way (each rule draws
// its probability and jitter from its own generator, seeded from the fault seed and the rule).
//
// Per request, rules are checked in the order they were added. Each rule counts the requests
// that reach it and match its path and method; the rules that ride on an answer (latency,
// date_skew, no_date) add up and let the request go on to later rules; the first other rule
// that fires decides the fault, and later rules do not see the request.
//
// Thread-safe.
#ifndef SFSYNC_TESTS_EMULATOR_FAULTS_FAULT_INJECTOR_H_
#define SFSYNC_TESTS_EMULATOR_FAULTS_FAULT_INJECTOR_H_

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tests/emulator/faults/fault_spec.h"
#include "tests/emulator/org/rng.h"

namespace sfsync::emulator {

class FaultInjector {
 public:
  explicit FaultInjector(uint64_t seed) : seed_(seed) {}

  void Add(FaultSpec spec);
  // Removes every rule.
  void Clear();

  struct Decision {
    int64_t latency_ms = 0;
    int64_t date_skew_ms = 0;        // date_skew rules, added up
    bool no_date = false;            // a no_date rule fired
    std::optional<FaultSpec> fault;  // never a rule that rides on the answer
    int fired = 0;                   // rules that fired, latency included
  };
  Decision Decide(std::string_view method, std::string_view path);

  // {"seed":N,"faults":[{"spec","kind","matched","fired"}]} for GET /__emulator/faults.
  std::string Json() const;

 private:
  struct Rule {
    FaultSpec spec;
    Rng rng;
    int64_t matched = 0;
    int64_t fired = 0;
  };

  const uint64_t seed_;
  mutable std::mutex mu_;
  std::vector<Rule> rules_;   // guarded by mu_
  uint64_t rules_added_ = 0;  // guarded by mu_; salts each rule's generator
};

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_FAULTS_FAULT_INJECTOR_H_
