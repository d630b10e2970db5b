// Helpers the pusher's files share (internal to engine/push): per-record verdicts and outcomes, chunking,
// dry-run plans. Not a public interface.
#pragma once

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "connectors/salesforce/write/collections.h"
#include "engine/push/pusher.h"
#include "engine/push/values.h"
#include "engine/store/store.h"

namespace sfsync::push::internal {

using salesforce::RecordWrite;
using salesforce::SaveResult;
using store::Change;
using store::ChangeOutcome;
using store::Conflict;

inline constexpr size_t kMaxPlanLines = 1000;

inline bool LooksLikeId(const Cell& c) { return c.kind == Cell::Kind::kText && salesforce::IsRecordId(c.s); }

inline std::string NewInsertKey() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  return fmt::format("sfsync-{:016x}{:08x}", rng(), static_cast<uint32_t>(rng()));
}

enum class Verdict { kDone, kTransient, kEntityDeleted, kFailed };

inline Verdict Classify(const SaveResult& r) {
  if (r.success) return Verdict::kDone;
  for (const auto& e : r.errors) {
    if (e.status_code == "UNABLE_TO_LOCK_ROW" || e.status_code == "ALL_OR_NONE_OPERATION_ROLLED_BACK" ||
        e.status_code == "UNPROCESSED") {
      return Verdict::kTransient;
    }
  }
  for (const auto& e : r.errors) {
    if (e.status_code == "ENTITY_IS_DELETED") return Verdict::kEntityDeleted;
  }
  return Verdict::kFailed;
}

inline ChangeOutcome OutcomeOf(int64_t change_id, const std::string& state, const SaveResult& r) {
  ChangeOutcome o;
  o.change_id = change_id;
  o.state = state;
  std::set<std::string> fields;
  for (const auto& e : r.errors) {
    if (o.status_code.empty()) o.status_code = e.status_code;
    o.message += (o.message.empty() ? "" : "; ") + e.message;
    fields.insert(e.fields.begin(), e.fields.end());
  }
  o.error_fields = fmt::format("{}", fmt::join(fields, ","));
  return o;
}

inline ChangeOutcome LocalOutcome(int64_t change_id, const std::string& state, std::string code, std::string message,
                           std::string fields = {}) {
  ChangeOutcome o;
  o.change_id = change_id;
  o.state = state;
  o.status_code = std::move(code);
  o.message = std::move(message);
  o.error_fields = std::move(fields);
  return o;
}

// Runs `fn` on consecutive slices of at most `n` elements; stops at the first error.
template <typename T, typename Fn>
Status ForChunks(const std::vector<T>& items, size_t n, Fn fn) {
  for (size_t start = 0; start < items.size(); start += n) {
    const size_t end = std::min(items.size(), start + n);
    SFSYNC_RETURN_IF_ERROR(fn(std::vector<T>(items.begin() + start, items.begin() + end)));
  }
  return Status::Ok();
}

// A call-level failure that the next call would meet too: stop pushing this table.
inline bool StopsPush(const Status& s) { return s.code() != StatusCode::kInvalidArgument; }

// Dry run: a plan line per record (the first kMaxPlanLines), the count, and the calls it would take.
inline void PlanSends(const std::string& table, const char* op, const std::vector<std::string>& ids,
               const std::vector<std::vector<std::string>>& fields, bool bulk, int64_t* count,
               ObjectPushStats* stats) {
  for (size_t i = 0; i < ids.size() && stats->plan.size() < kMaxPlanLines; ++i) {
    stats->plan.push_back(fields[i].empty() ? fmt::format("{} {} {}", table, op, ids[i])
                                            : fmt::format("{} {} {}: {}", table, op, ids[i], fmt::join(fields[i], ", ")));
  }
  *count += static_cast<int64_t>(ids.size());
  if (bulk) {
    ++stats->bulk_jobs;
  } else {
    stats->write_calls += static_cast<int64_t>((ids.size() + salesforce::kCollectionsMaxRecords - 1) /
                                               salesforce::kCollectionsMaxRecords);
  }
}

template <typename SendT>
void PlanWrites(const std::string& table, const char* op, const std::vector<SendT>& sends, bool bulk, int64_t* count,
                ObjectPushStats* stats) {
  std::vector<std::string> ids;
  std::vector<std::vector<std::string>> fields;
  for (const SendT& s : sends) {
    ids.push_back(s.change->id);
    fields.emplace_back();
    for (const auto& [field, value] : s.write.fields) fields.back().push_back(field);
  }
  PlanSends(table, op, ids, fields, bulk, count, stats);
}

// A call that failed as a whole, for the changes `ids` (the call's records, then every later one of
// this table's sends). Refused as malformed (kInvalidArgument: nothing was written): the call's
// records fail with the error, and the push goes on (OK). Anything else: the outcome of every record
// not answered yet is unknown (they stay SENT and are sent again later), and the push of this table
// stops with that error.
inline Status CallFailed(const Status& failure, const std::vector<int64_t>& call_ids, size_t not_answered,
                         ObjectPushStats* stats, std::vector<ChangeOutcome>* outcomes) {
  if (StopsPush(failure)) {
    stats->unknown += static_cast<int64_t>(not_answered);
    return failure;
  }
  for (int64_t id : call_ids) {
    ++stats->failed;
    outcomes->push_back(LocalOutcome(id, "FAILED", failure.reason(), failure.message()));
  }
  return Status::Ok();
}

// Appends `column`'s local value, as the API takes it, to `write`. False (with *bad saying why) when
// the column's type cannot hold it; *waits set when a lookup holds an Id Salesforce did not give (a
// record not pushed yet).
inline bool AddField(const PushColumn& pc, const std::string& column, const Cell& local, RecordWrite* write,
                     std::string* bad, std::string* waits) {
  StatusOr<Cell> value = ToApiValue(local, pc.type);
  if (!value.ok()) {
    *bad = fmt::format("column {}: {}", column, value.status().message());
    return false;
  }
  if (!pc.reference_to.empty() && !value->is_null() && !LooksLikeId(*value)) {
    *waits = fmt::format("column {} points at {}, a record not pushed yet", column, value->DebugString());
  }
  write->fields.emplace_back(pc.field, std::move(*value));
  return true;
}

}  // namespace sfsync::push::internal
