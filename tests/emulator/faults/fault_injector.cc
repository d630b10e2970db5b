#include "tests/emulator/faults/fault_injector.h"

#include <algorithm>

#include "tests/emulator/json_writer.h"

namespace sfsync::emulator {

void FaultInjector::Add(FaultSpec spec) {
  std::lock_guard<std::mutex> lock(mu_);
  Rng rng(MixSeed(seed_, spec.text, ++rules_added_));
  rules_.push_back(Rule{std::move(spec), rng});
}

void FaultInjector::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  rules_.clear();
}

FaultInjector::Decision FaultInjector::Decide(std::string_view method, std::string_view path) {
  Decision decision;
  std::lock_guard<std::mutex> lock(mu_);
  for (Rule& rule : rules_) {
    const FaultSpec& spec = rule.spec;
    if ((!spec.method.empty() && spec.method != method) || !GlobMatch(spec.path, path)) continue;
    if (WritesOnly(spec.kind) && (method == "GET" || method == "HEAD")) continue;
    int64_t n = ++rule.matched;
    bool candidate =
        n > spec.after && (n - spec.after) % spec.every == 0 && (spec.times < 0 || rule.fired < spec.times);
    // The generator is only drawn for candidates, so `p` does not shift which requests are
    // candidates.
    if (!candidate || (spec.probability < 1.0 && !rule.rng.Chance(spec.probability))) continue;
    ++rule.fired;
    ++decision.fired;
    if (spec.kind == FaultKind::kLatency) {
      int64_t jitter = spec.jitter_ms > 0 ? rule.rng.Between(-spec.jitter_ms, spec.jitter_ms) : 0;
      decision.latency_ms += std::max<int64_t>(0, spec.ms + jitter);
    } else if (spec.kind == FaultKind::kDateSkew) {
      decision.date_skew_ms += spec.skew_seconds * 1000;
    } else if (spec.kind == FaultKind::kNoDate) {
      decision.no_date = true;
    }
    if (RidesOnAnswer(spec.kind)) continue;
    decision.fault = spec;
    break;
  }
  return decision;
}

std::string FaultInjector::Json() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string body;
  JsonWriter json(&body);
  json.BeginObject();
  json.Key("seed");
  json.Int(static_cast<int64_t>(seed_));
  json.Key("faults");
  json.BeginArray();
  for (const Rule& rule : rules_) {
    json.BeginObject();
    json.Key("spec");
    json.String(rule.spec.text);
    json.Key("kind");
    json.String(FaultKindName(rule.spec.kind));
    json.Key("matched");
    json.Int(rule.matched);
    json.Key("fired");
    json.Int(rule.fired);
    json.EndObject();
  }
  json.EndArray();
  json.EndObject();
  return body;
}

}  // namespace sfsync::emulator
