// Run history: _sfsync_runs and _sfsync_run_objects in the synced database itself.
#include <doctest/doctest.h>

#include "engine/core/log.h"
#include "engine/store/store.h"
#include "engine/store/store_test_util.h"

namespace sfsync::store {
namespace {

using testing::MustOpen;
using testing::QueryText;
using testing::TempDir;

ObjectRunStats AccountStats() {
  ObjectRunStats s;
  s.object = "Account";
  s.status = "PARTIAL";
  s.rows_read = 4000;
  s.rows_written = 3998;
  s.rows_deleted = 2;
  s.api_calls = 3;
  s.watermark_before = "2024-05-01T10:00:00.000Z|001A";
  s.watermark_after = "2024-05-02T10:00:00.000Z|001Z";
  s.error = "REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded; resumes after 2024-05-02T10:00:00.000Z|001Z";
  s.started_millis = 1000;
  s.finished_millis = 2000;
  return s;
}

TEST_CASE("a run and its objects round-trip with every field") {
  TempDir dir;
  const std::string path = dir.File("sync.db");
  int64_t run_id = 0;
  {
    auto store = MustOpen(path);
    run_id = *store->BeginRun("nightly", 1000);
    CHECK(store->RecentRuns("nightly", 10)->at(0).status == "RUNNING");

    // (a) the object is recorded while in progress, then replaced by its final numbers.
    ObjectRunStats progress = AccountStats();
    progress.status = "RUNNING";
    progress.rows_read = 2000;
    REQUIRE(store->RecordObjectRun(run_id, progress).ok());
    REQUIRE(store->RecordObjectRun(run_id, AccountStats()).ok());
    ObjectRunStats contact = AccountStats();
    contact.object = "Contact";
    contact.status = "SKIPPED";
    contact.error = "";
    REQUIRE(store->RecordObjectRun(run_id, contact).ok());
    REQUIRE(store->FinishRun(RunRecord{run_id, "ignored", "PARTIAL", 0, 5000, 7, "1 object stopped early"}).ok());
  }
  auto store = MustOpen(path);
  const std::vector<RunRecord> runs = *store->RecentRuns("nightly", 10);
  REQUIRE(runs.size() == 1);
  CHECK(runs[0].run_id == run_id);
  CHECK(runs[0].job == "nightly");
  CHECK(runs[0].status == "PARTIAL");
  CHECK(runs[0].started_millis == 1000);
  CHECK(runs[0].finished_millis == 5000);
  CHECK(runs[0].api_calls == 7);
  CHECK(runs[0].error == "1 object stopped early");

  const std::vector<ObjectRunStats> objects = *store->RunObjects(run_id);
  REQUIRE(objects.size() == 2);
  const ObjectRunStats& a = objects[0];
  const ObjectRunStats want = AccountStats();
  CHECK(a.object == "Account");
  CHECK(a.status == "PARTIAL");
  CHECK(a.rows_read == want.rows_read);
  CHECK(a.rows_written == want.rows_written);
  CHECK(a.rows_deleted == want.rows_deleted);
  CHECK(a.api_calls == want.api_calls);
  CHECK(a.watermark_before == want.watermark_before);
  CHECK(a.watermark_after == want.watermark_after);
  CHECK(a.error == want.error);
  CHECK(a.started_millis == want.started_millis);
  CHECK(a.finished_millis == want.finished_millis);
  CHECK(objects[1].object == "Contact");
  CHECK(objects[1].status == "SKIPPED");
}

TEST_CASE("recent runs come newest first, per job or for every job") {
  TempDir dir;
  auto store = MustOpen(dir.File("sync.db"));
  for (int i = 0; i < 3; ++i) {
    const int64_t nightly = *store->BeginRun("nightly", 100 * i);
    REQUIRE(store->FinishRun(RunRecord{nightly, "", "SUCCESS", 0, 100 * i + 50, i, ""}).ok());
    const int64_t hourly = *store->BeginRun("hourly", 100 * i + 10);
    REQUIRE(store->FinishRun(RunRecord{hourly, "", "FAILED", 0, 100 * i + 60, 0, "boom"}).ok());
  }
  const std::vector<RunRecord> nightly = *store->RecentRuns("nightly", 2);
  REQUIRE(nightly.size() == 2);
  CHECK(nightly[0].started_millis == 200);
  CHECK(nightly[1].started_millis == 100);
  const std::vector<RunRecord> all = *store->RecentRuns("", 10);
  REQUIRE(all.size() == 6);
  CHECK(all[0].job == "hourly");
  CHECK(all[0].started_millis == 210);
  CHECK(store->RecentRuns("nightly", 0)->empty());
  CHECK(store->RecentRuns("nightly", -1).status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("a run cut short by a crash is marked FAILED interrupted when the job runs again") {
  TempDir dir;
  const std::string path = dir.File("sync.db");
  int64_t crashed = 0;
  {
    auto store = MustOpen(path);
    crashed = *store->BeginRun("nightly", 1000);
    const int64_t other_job = *store->BeginRun("hourly", 1100);
    (void)other_job;
  }  // the process "dies" without FinishRun
  auto store = MustOpen(path);
  const int64_t next = *store->BeginRun("nightly", 2000);
  CHECK(next > crashed);
  const std::vector<RunRecord> runs = *store->RecentRuns("nightly", 10);
  REQUIRE(runs.size() == 2);
  CHECK(runs[0].status == "RUNNING");
  CHECK(runs[1].status == "FAILED");
  CHECK(runs[1].error.find("interrupted") != std::string::npos);
  // Another job's run is not touched.
  CHECK(store->RecentRuns("hourly", 1)->at(0).status == "RUNNING");
}

TEST_CASE("unknown runs and statuses are refused") {
  TempDir dir;
  auto store = MustOpen(dir.File("sync.db"));
  const int64_t run = *store->BeginRun("nightly", 1);
  CHECK(store->FinishRun(RunRecord{run + 1, "", "SUCCESS", 0, 2, 0, ""}).code() == StatusCode::kNotFound);
  CHECK(store->RecordObjectRun(run + 1, AccountStats()).code() == StatusCode::kNotFound);
  CHECK(store->FinishRun(RunRecord{run, "", "DONE", 0, 2, 0, ""}).code() == StatusCode::kInvalidArgument);
  ObjectRunStats bad = AccountStats();
  bad.status = "partial";
  CHECK(store->RecordObjectRun(run, bad).code() == StatusCode::kInvalidArgument);
  CHECK(store->RunObjects(run)->empty());
}

TEST_CASE("error texts are redacted again before they reach the database") {
  TempDir dir;
  const std::string path = dir.File("sync.db");
  auto store = MustOpen(path);
  const std::string token = "00Dxx0000001gPL!AQ4AQFakeAccessTokenValue1234567890";
  const int64_t run = *store->BeginRun("nightly", 1);
  ObjectRunStats stats = AccountStats();
  stats.error = "request failed with Authorization: Bearer " + token;
  REQUIRE(store->RecordObjectRun(run, stats).ok());
  REQUIRE(store->FinishRun(RunRecord{run, "", "FAILED", 0, 2, 0, "token " + token + " rejected"}).ok());
  CHECK(QueryText(path, "SELECT error FROM _sfsync_run_objects").find(token) == std::string::npos);
  CHECK(QueryText(path, "SELECT error FROM _sfsync_runs").find(token) == std::string::npos);
  CHECK(QueryText(path, "SELECT error FROM _sfsync_runs").find("rejected") != std::string::npos);
}

}  // namespace
}  // namespace sfsync::store
