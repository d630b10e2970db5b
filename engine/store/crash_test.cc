// Crash safety: a run killed at any moment, or hit by an I/O error at any write, leaves a valid
// database holding either all of a page and its watermark or neither, and the next run converges to
// the same end state as a run that was never interrupted.
//
// Every test drives the same scripted sync (RunScript) through FaultVfs, which kills the process
// (in a forked child) or fails the write at write-class call N, for N = 1, 2, 3... until the script
// completes without the fault firing (SQLite's malloc_common.tcl discipline).
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>
#include <set>

#include "engine/store/fault_vfs.h"
#include "engine/store/store.h"
#include "engine/store/store_test_util.h"

namespace sfsync::store {
namespace {

using testing::Col;
using testing::MustOpen;
using testing::Query;
using testing::QueryText;
using testing::TempDir;

// ---- The scripted sync ----
// page 1: rows 0..199 (name n1-i)                      watermark w1
// page 2: rows 100..299 (name n2-i), deletes rows 0..49 watermark w2
// then the describe gains Flag__c (EnsureTable v2)
// page 3: Flag__c for every live row (50..299)          watermark w3

constexpr int kRows = 300;

TableSpec SpecV1() {
  return TableSpec{"Order",
                   "Order",
                   {Col("Id", ColumnType::kText, "id"), Col("Name", ColumnType::kText),
                    Col("Amount", ColumnType::kReal, "currency")}};
}

TableSpec SpecV2() {
  TableSpec spec = SpecV1();
  spec.columns.push_back(Col("Flag__c", ColumnType::kBoolean, "boolean"));
  return spec;
}

std::string IdOf(int i) { return fmt::format("801{:05d}", i); }
// Long enough that a page spans several database pages, so a commit is several writes.
std::string NameOf(int page, int i) { return fmt::format("n{}-{}-{:->80}", page, i, ""); }

SyncState StateAfter(int page) {
  SyncState state;
  state.cursor_field = "SystemModstamp";
  if (page > 0) state.watermark = {fmt::format("2024-05-0{}T10:00:00.000Z", page), IdOf(page)};
  return state;
}

RowBatch Page(int page) {
  RowBatch batch;
  if (page == 3) {
    batch.columns = {"Id", "Flag__c"};
    for (int i = 50; i < kRows; ++i) {
      batch.cells.push_back(Cell::Text(IdOf(i)));
      batch.cells.push_back(Cell::Bool(i % 2 == 0));
    }
    return batch;
  }
  batch.columns = {"Id", "Name", "Amount"};
  const int first = page == 1 ? 0 : 100;
  for (int i = first; i < first + 200; ++i) {
    batch.cells.push_back(Cell::Text(IdOf(i)));
    batch.cells.push_back(Cell::Text(NameOf(page, i)));
    batch.cells.push_back(Cell::Double(i * 1.5));
  }
  return batch;
}

std::vector<std::string> Deletes(int page) {
  std::vector<std::string> ids;
  if (page == 2) {
    for (int i = 0; i < 50; ++i) ids.push_back(IdOf(i));
  }
  return ids;
}

// Id -> Name the table must hold once page `page` is committed (0: nothing yet).
std::map<std::string, std::string> NamesAfter(int page) {
  std::map<std::string, std::string> names;
  if (page >= 1) {
    for (int i = 0; i < 200; ++i) names[IdOf(i)] = NameOf(1, i);
  }
  if (page >= 2) {
    for (int i = 0; i < 50; ++i) names.erase(IdOf(i));
    for (int i = 100; i < 300; ++i) names[IdOf(i)] = NameOf(2, i);
  }
  return names;
}

Status ApplyScriptPage(Store* store, const TableSpec& spec, int page) {
  return store->ApplyPage(spec, Page(page), Deletes(page), StateAfter(page));
}

Status FinishScriptRun(Store* store, int64_t run) {
  ObjectRunStats stats;
  stats.object = "Order";
  stats.status = "SUCCESS";
  SFSYNC_RETURN_IF_ERROR(store->RecordObjectRun(run, stats));
  return store->FinishRun(RunRecord{run, "nightly", "SUCCESS", 0, 2, 3, ""});
}

// A whole uninterrupted run; stops at the first error.
Status RunScript(Store* store) {
  SFSYNC_ASSIGN_OR_RETURN(int64_t run, store->BeginRun("nightly", 1));
  SFSYNC_RETURN_IF_ERROR(store->EnsureTable(SpecV1()).status());
  SFSYNC_RETURN_IF_ERROR(ApplyScriptPage(store, SpecV1(), 1));
  SFSYNC_RETURN_IF_ERROR(ApplyScriptPage(store, SpecV1(), 2));
  SFSYNC_RETURN_IF_ERROR(store->EnsureTable(SpecV2()).status());
  SFSYNC_RETURN_IF_ERROR(ApplyScriptPage(store, SpecV2(), 3));
  return FinishScriptRun(store, run);
}

// Which page the stored watermark covers: 0..3, or -1 if it is none of the script's watermarks.
int CommittedPage(Store* store) {
  const Watermark stored = store->LoadState("Order")->watermark;
  for (int page = 0; page <= 3; ++page) {
    if (stored == StateAfter(page).watermark) return page;
  }
  return -1;
}

// What the next run does: describe (EnsureTable v2), then read on from the stored watermark.
Status ResumeScript(Store* store) {
  SFSYNC_ASSIGN_OR_RETURN(int64_t run, store->BeginRun("nightly", 2));
  SFSYNC_RETURN_IF_ERROR(store->EnsureTable(SpecV2()).status());
  for (int page = CommittedPage(store) + 1; page <= 3; ++page) {
    SFSYNC_RETURN_IF_ERROR(ApplyScriptPage(store, SpecV2(), page));
  }
  return FinishScriptRun(store, run);
}

std::map<std::string, std::string> StoredNames(const std::string& path) {
  std::map<std::string, std::string> names;
  for (const std::vector<Cell>& row : Query(path, "SELECT Id, Name FROM \"Order\"")) names[row[0].s] = row[1].s;
  return names;
}

// After an interruption: the file is intact, and the rows are exactly those of the committed pages.
void CheckInterruptedState(const std::string& path) {
  CHECK(QueryText(path, "PRAGMA integrity_check") == "ok");
  auto store = MustOpen(path);
  const int page = CommittedPage(store.get());
  REQUIRE(page >= 0);
  if (store->CountRows("Order").ok()) {
    CHECK(StoredNames(path) == NamesAfter(page));
  } else {
    CHECK(page == 0);
  }
}

// After the next run: the same end state as an uninterrupted run, every change recorded once.
void CheckConverged(const std::string& path) {
  {
    auto store = MustOpen(path);
    const Status resumed = ResumeScript(store.get());
    REQUIRE_MESSAGE(resumed.ok(), resumed.ToString());
    CHECK(CommittedPage(store.get()) == 3);
    const std::vector<RunRecord> runs = *store->RecentRuns("nightly", 100);
    CHECK(runs[0].status == "SUCCESS");
    for (const RunRecord& run : runs) CHECK(run.status != "RUNNING");
  }
  CHECK(QueryText(path, "PRAGMA integrity_check") == "ok");
  CHECK(StoredNames(path) == NamesAfter(3));
  CHECK(QueryText(path, "SELECT count(*) FROM \"Order\" WHERE Flag__c = (CAST(substr(Id, 4) AS INTEGER) + 1) % 2") ==
        "250");
  std::set<std::string> seen;
  for (const std::vector<Cell>& row :
       Query(path, "SELECT change, coalesce(column_name, '') FROM _sfsync_schema_history")) {
    CHECK_MESSAGE(seen.insert(row[0].s + " " + row[1].s).second, "recorded twice: ", row[0].s, " ", row[1].s);
  }
}

// Runs the script in a child process through `vfs` armed with kCrash at call n; returns the child's
// exit code (0: it finished before call n; FaultVfs::kCrashExitCode: it was killed at call n).
int RunScriptInChild(const std::string& path, FaultVfs* vfs, int64_t n) {
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    // The child must not return into doctest: every path ends in _exit.
    vfs->Arm(FaultVfs::Mode::kCrash, n);
    StatusOr<std::unique_ptr<Store>> store = OpenSqliteStore(path, {.vfs = vfs->name()});
    const bool finished = store.ok() && RunScript(store->get()).ok();
    if (store.ok()) store->reset();  // closing checkpoints the WAL: more writes to be killed at
    _exit(finished ? 0 : 1);
  }
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  return WEXITSTATUS(status);
}

TEST_CASE("a second Store opened after the first died mid-transaction finds the old state") {
  TempDir dir;
  const std::string path = dir.File("sync.db");
  FaultVfs vfs("crash-mid-transaction");

  // (a) count the writes of everything up to page 1, in a throwaway database.
  int64_t writes_through_page1 = 0;
  {
    TempDir scratch;
    vfs.Arm(FaultVfs::Mode::kOff, 0);
    auto store = MustOpen(scratch.File("count.db"), {.vfs = vfs.name()});
    REQUIRE(store->BeginRun("nightly", 1).ok());
    REQUIRE(store->EnsureTable(SpecV1()).ok());
    REQUIRE(ApplyScriptPage(store.get(), SpecV1(), 1).ok());
    writes_through_page1 = vfs.calls();
  }

  // (b) a child process runs the same steps and dies at the first write of page 2's commit.
  CHECK(RunScriptInChild(path, &vfs, writes_through_page1 + 1) == FaultVfs::kCrashExitCode);

  // (c) a new Store on the file sees page 1 and its watermark, nothing of page 2.
  {
    auto store = MustOpen(path);
    CHECK(store->LoadState("Order")->watermark == StateAfter(1).watermark);
    CHECK(*store->CountRows("Order") == 200);
  }
  CheckInterruptedState(path);
  CheckConverged(path);
}

TEST_CASE("killed at every write in turn, the database stays valid and the next run converges") {
  FaultVfs vfs("crash-sweep");
  int crashes = 0;
  for (int64_t n = 1;; ++n) {
    TempDir dir;
    const std::string path = dir.File("sync.db");
    const int exit_code = RunScriptInChild(path, &vfs, n);
    if (exit_code == 0) break;  // the script finished before write n: every write point was covered
    REQUIRE_MESSAGE(exit_code == FaultVfs::kCrashExitCode, "the script failed without a crash at write ", n);
    ++crashes;
    INFO("killed at write ", n);
    CheckInterruptedState(path);
    CheckConverged(path);
  }
  MESSAGE("crash points covered: ", crashes);
  CHECK(crashes > 10);
}

void SweepIoErrors(FaultVfs::Mode mode) {
  FaultVfs vfs(mode == FaultVfs::Mode::kFailOnce ? "io-error-once" : "io-error-persistent");
  int faults = 0;
  for (int64_t n = 1;; ++n) {
    INFO("I/O error at write ", n);
    TempDir dir;
    const std::string path = dir.File("sync.db");
    vfs.Arm(mode, n);
    Status result;
    bool injected = false;
    {
      StatusOr<std::unique_ptr<Store>> store = OpenSqliteStore(path, {.vfs = vfs.name()});
      result = store.ok() ? RunScript(store->get()) : store.status();
      injected = vfs.injected();
      if (store.ok() && !result.ok() && result.reason() == "store") {
        // Sticky: the store writes nothing more in this session, even once the disk is fine.
        vfs.Arm(FaultVfs::Mode::kOff, 0);
        CHECK((*store)->SaveState("Order", SyncState{}).message() == result.message());
        CHECK(vfs.calls() == 0);
      }
    }  // closing checkpoints the WAL, where the fault may fire too
    injected = injected || vfs.injected();
    if (!injected) {
      REQUIRE_MESSAGE(result.ok(), result.ToString());
      break;
    }
    ++faults;
    // An I/O error never surfaces as anything but an I/O-type failure.
    if (!result.ok()) CHECK_MESSAGE(result.code() == StatusCode::kUnavailable, result.ToString());
    vfs.Arm(FaultVfs::Mode::kOff, 0);
    CheckInterruptedState(path);
    CheckConverged(path);
  }
  MESSAGE("I/O error points covered: ", faults);
  CHECK(faults > 10);
}

TEST_CASE("a transient I/O error at any write leaves a valid database and a sticky error") {
  SweepIoErrors(FaultVfs::Mode::kFailOnce);
}

TEST_CASE("a disk that fails from some write on leaves a valid database and a sticky error") {
  SweepIoErrors(FaultVfs::Mode::kFailFromNth);
}

}  // namespace
}  // namespace sfsync::store
