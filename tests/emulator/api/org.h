// The org and everything that reads it, behind one lock: the schema, the SQLite store, the
// seeder and the query cursors. Handlers lock `mu` for every use of the other members.
#ifndef SFSYNC_TESTS_EMULATOR_API_ORG_H_
#define SFSYNC_TESTS_EMULATOR_API_ORG_H_

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>

#include "tests/emulator/api/query_service.h"
#include "tests/emulator/api/validation_rules.h"
#include "tests/emulator/api/write_log.h"
#include "tests/emulator/org/org_store.h"
#include "tests/emulator/org/schema.h"
#include "tests/emulator/org/seeder.h"

namespace sfsync::emulator {

struct Org {
  std::mutex mu;
  std::unique_ptr<Schema> schema;
  std::unique_ptr<OrgStore> store;
  std::unique_ptr<Seeder> seeder;
  std::unique_ptr<QueryService> queries;
  // Describe's Last-Modified (and the If-Modified-Since reference).
  int64_t schema_modified_ms = 0;
  // Custom validation rules added through the admin API.
  ValidationRules rules;
  // Has its own lock: usable with or without `mu`.
  WriteLog writes;

  // Records a schema change at `now_ms`: Last-Modified moves forward by at least a second,
  // even on a frozen clock, so a client that described in the same second still sees it.
  void SchemaChanged(int64_t now_ms) {
    int64_t floor = now_ms - ((now_ms % 1000) + 1000) % 1000;
    schema_modified_ms = std::max(floor, schema_modified_ms + 1000);
  }
};

// Counters for GET /__emulator/stats. Thread-safe.
struct Stats {
  std::atomic<int64_t> api_calls{0};
  std::atomic<int64_t> token_requests{0};
  std::atomic<int64_t> query_requests{0};
  std::atomic<int64_t> query_more_requests{0};
  std::atomic<int64_t> describe_requests{0};
  std::atomic<int64_t> faults_injected{0};
};

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_API_ORG_H_
