// ReconcileState: what a table's stored state means when the job, object, org or query changed.
#include "engine/sync/state_reconcile.h"

#include <doctest/doctest.h>

namespace sfsync::sync {
namespace {

store::TableClaim Claim(const std::string& job = "nightly", const std::string& where = "") {
  return store::TableClaim{job, "Account", "00Dxx0000000001", "Id,Name,SystemModstamp", where, "soft", "incremental"};
}

// A table loaded and synced incrementally a few times by `claim`.
store::SyncState Synced(const store::TableClaim& claim) {
  store::SyncState s;
  s.claim = claim;
  s.cursor_field = "SystemModstamp";
  s.watermark = {"2026-11-01T10:00:00.000Z", "001A"};
  s.deletes_checked_until = "2026-11-01T09:00:00.000Z";
  s.parent_watermarks["Owner"] = {"2026-11-01T10:00:00.000Z", ""};
  return s;
}

TEST_CASE("a first run claims the table for its job and records the query shape") {
  auto r = ReconcileState("Account", store::SyncState{}, Claim(), "SystemModstamp", false);
  REQUIRE(r.ok());
  CHECK(r->state.claim == Claim());
  CHECK(r->state.cursor_field == "SystemModstamp");
  CHECK(r->state.watermark.empty());
  CHECK(r->state.full_pass_reason.empty());
  CHECK(r->notices.empty());
}

TEST_CASE("the same job with the same query changes nothing") {
  const store::SyncState stored = Synced(Claim());
  auto r = ReconcileState("Account", stored, Claim(), "SystemModstamp", false);
  REQUIRE(r.ok());
  CHECK(r->state == stored);
  CHECK_FALSE(r->purge_flagged);
  CHECK(r->notices.empty());
}

TEST_CASE("a table another job fills is refused, unless taken over") {
  const store::SyncState stored = Synced(Claim("other-job"));
  auto refused = ReconcileState("Account", stored, Claim(), "SystemModstamp", false);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().reason() == store::kRefusedReason);
  CHECK(refused.status().message().find("filled by job 'other-job'") != std::string::npos);
  CHECK(refused.status().message().find("--take-over") != std::string::npos);

  auto taken = ReconcileState("Account", stored, Claim(), "SystemModstamp", true);
  REQUIRE(taken.ok());
  CHECK(taken->state.claim.job == "nightly");
  CHECK(taken->state.watermark == stored.watermark);  // same query: the rows and watermark stay right
  CHECK(taken->state.full_pass_reason.empty());
}

TEST_CASE("a table holding another object's rows is refused") {
  store::SyncState stored = Synced(Claim());
  stored.claim.object = "Lead";
  auto r = ReconcileState("Account", stored, Claim(), "SystemModstamp", true);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().reason() == store::kRefusedReason);
  CHECK(r.status().message().find("holds Lead rows") != std::string::npos);
}

TEST_CASE("a version 1 state (no job, no shape) is claimed and its shape adopted without a reload") {
  store::SyncState stored = Synced(Claim());
  stored.claim = store::TableClaim{};
  stored.claim.object = "Account";
  auto r = ReconcileState("Account", stored, Claim("nightly", "Industry = 'Energy'"), "SystemModstamp", false);
  REQUIRE(r.ok());
  CHECK(r->state.claim.job == "nightly");
  CHECK(r->state.watermark == stored.watermark);
  CHECK(r->state.full_pass_reason.empty());
}

TEST_CASE("a changed cursor field restarts the watermark but keeps the deletes horizon") {
  const store::SyncState stored = Synced(Claim());
  auto r = ReconcileState("Account", stored, Claim(), "LastModifiedDate", false);
  REQUIRE(r.ok());
  CHECK(r->state.cursor_field == "LastModifiedDate");
  CHECK(r->state.watermark.empty());
  CHECK_FALSE(r->state.load_in_progress);
  CHECK(r->state.parent_watermarks.empty());
  CHECK(r->state.deletes_checked_until == stored.deletes_checked_until);
  REQUIRE(r->notices.size() == 1);
  CHECK(r->notices[0].find("from SystemModstamp to LastModifiedDate") != std::string::npos);
}

TEST_CASE("a changed where owes a full pass and keeps the watermark") {
  const store::SyncState stored = Synced(Claim("nightly", "Industry = 'Energy'"));
  auto r = ReconcileState("Account", stored, Claim("nightly", "Industry = 'Banking'"), "SystemModstamp", false);
  REQUIRE(r.ok());
  CHECK(r->state.full_pass_reason.find("where condition changed") != std::string::npos);
  CHECK(r->state.watermark == stored.watermark);
  CHECK(r->state.claim.where == "Industry = 'Banking'");
}

TEST_CASE("another org restarts the watermark and the deletes horizon, and owes a full pass") {
  const store::SyncState stored = Synced(Claim());
  store::TableClaim now = Claim();
  now.org_id = "00Dyy0000000002";
  auto r = ReconcileState("Account", stored, now, "SystemModstamp", false);
  REQUIRE(r.ok());
  CHECK(r->state.watermark.empty());
  CHECK(r->state.deletes_checked_until.empty());
  CHECK(r->state.full_pass_reason.find("org changed") != std::string::npos);
  // The 18-character form of the same org is the same org.
  now.org_id = "00Dxx0000000001AAA";
  auto same = ReconcileState("Account", stored, now, "SystemModstamp", false);
  REQUIRE(same.ok());
  CHECK(same->state.full_pass_reason.empty());
}

TEST_CASE("delete mode changes: soft to hard purges flagged rows, ignore or hard to soft owe a full pass") {
  auto with_deletes = [](const std::string& deletes) {
    store::TableClaim c = Claim();
    c.deletes = deletes;
    return c;
  };
  auto r = ReconcileState("Account", Synced(with_deletes("soft")), with_deletes("hard"), "SystemModstamp", false);
  REQUIRE(r.ok());
  CHECK(r->purge_flagged);
  CHECK(r->state.full_pass_reason.empty());
  for (const char* from : {"ignore", "hard"}) {
    CAPTURE(from);
    auto to_soft = ReconcileState("Account", Synced(with_deletes(from)), with_deletes("soft"), "SystemModstamp", false);
    REQUIRE(to_soft.ok());
    CHECK_FALSE(to_soft->purge_flagged);
    CHECK(to_soft->state.full_pass_reason.find("deletes changed") != std::string::npos);
  }
  auto to_ignore = ReconcileState("Account", Synced(with_deletes("hard")), with_deletes("ignore"), "SystemModstamp", false);
  REQUIRE(to_ignore.ok());
  CHECK(to_ignore->state.full_pass_reason.empty());
  CHECK_FALSE(to_ignore->purge_flagged);
}

}  // namespace
}  // namespace sfsync::sync
