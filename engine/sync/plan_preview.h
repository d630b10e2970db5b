// `sfsync plan`: what a run of the job would do now, per object, found for a few API calls (a
// conditional describe and one SELECT COUNT() per object) or none (offline: from the database and
// its cached describes). Nothing is written: schema changes are made and rolled back
// (Store::PreviewTable), the describe cache is read, not refreshed, and no run lock is taken.
//
// The action per object, in the order the run decides it (object_sync.h):
//   full         mode: full, or the object has no timestamp to read changes by: every row, every run
//   full pass    a full pass is owed (where or delete mode changed, the delete log lost, --full...)
//   reload       new or retyped columns need values for the rows already stored
//   resume load  a first load was interrupted: it goes on after the last Id committed
//   load         never loaded: every row, in Id order (or through Bulk API 2.0)
//   incremental  the rows changed since the watermark, parents that changed, and deletes
//   unknown      offline, and the object was never described (no cached describe to plan from)
// Objects whose plan fails (a field that does not exist, an unknown object, a table another job
// fills) are listed with the error the run would stop them with.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "connectors/salesforce/http/http_transport.h"
#include "engine/config/job.h"
#include "engine/core/clock.h"
#include "engine/core/statusor.h"

namespace sfsync::sync {

struct ObjectPreview {
  std::string object;
  std::string table;
  std::string action;  // full | full pass | reload | resume load | load | incremental | (empty: error)
  std::string why;     // e.g. "first run", "where changed", "after 2026-12-05T00:00:00Z|001..."
  std::string api;     // REST | Bulk API 2.0 | REST or Bulk API 2.0 (api: auto, offline)
  int64_t expected_rows = -1;   // -1: unknown (offline)
  int64_t expected_calls = -1;  // about; -1: unknown
  std::vector<std::string> schema_changes;  // "create table Account (7 columns)", "add column X: ..."
  std::vector<std::string> notices;         // what changed in the job's claim of the table
  std::string error;                        // why the run would fail this object; empty when none
};

struct PlanReport {
  std::string job;
  std::string database;
  bool offline = false;
  std::vector<ObjectPreview> objects;
  int64_t api_calls = 0;    // what the plan itself spent
  std::string limit_info;   // the org's usage as the last response said ("api-usage=N/M"); empty offline
  int64_t max_api_calls = 0;
  double max_percent_of_daily = 0;
  Status error;             // authentication or the database failed: nothing planned
};

// REQUIRES: `transport` is non-null unless `offline`.
PlanReport PreviewJob(const config::Job& job, salesforce::HttpTransport* transport, Clock* clock, bool offline);

}  // namespace sfsync::sync
