// getUpdated and getDeleted (protocol §5.2, §5.3):
//   GET /services/data/vXX.X/sobjects/{Object}/updated/?start=ISO&end=ISO
//   GET /services/data/vXX.X/sobjects/{Object}/deleted/?start=ISO&end=ISO
//
// start and end lose their seconds (truncated to the minute) and must then satisfy
// start < end; start may go back at most 30 days (updated) or 15 days (deleted) from the
// emulator clock; otherwise 400 INVALID_REPLICATION_DATE. latestDateCovered is the earlier of
// end and the current minute (a record changed in the current minute is reported by the next
// call, whose start is this latestDateCovered); results cover [start, latestDateCovered).
// More than --replication-id-limit (600,000) results is 400 EXCEEDED_ID_LIMIT.
//
// getUpdated lists records (not soft-deleted ones) by SystemModstamp; getDeleted lists the
// delete log (soft and hard deletes) by deletedDate, with earliestDateAvailable, truncated to
// the minute: by default the horizon before which deletes may be gone (the last delete-log
// purge, or 15 days ago if later or if the log was never purged); with
// DeleteHorizon::kOldestEntry (⚠ the reference's literal reading) the oldest entry still in the
// log for the object, else that horizon.
//
// Not thread-safe: used under the org lock.
#ifndef SFSYNC_TESTS_EMULATOR_API_REPLICATION_H_
#define SFSYNC_TESTS_EMULATOR_API_REPLICATION_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>

#include "tests/emulator/api/org.h"
#include "tests/emulator/api/rest_error.h"
#include "tests/emulator/api/router.h"
#include "tests/emulator/clock.h"
#include "tests/emulator/config.h"
#include "tests/emulator/org/org_store.h"

namespace sfsync::emulator {

struct ReplicationOptions {
  size_t id_limit = 600'000;
  DeleteHorizon delete_horizon = DeleteHorizon::kPurge;
};

class ReplicationService {
 public:
  using Result = std::variant<std::string, RestError>;

  // `store` and `clock` must outlive the service.
  ReplicationService(OrgStore* store, const EmulatorClock* clock, ReplicationOptions options)
      : store_(store), clock_(clock), options_(options) {}

  // `query` is the request's raw query string.
  Result Updated(const ObjectDef& object, std::string_view query) const;
  Result Deleted(const ObjectDef& object, std::string_view query) const;

 private:
  struct Window {
    int64_t start_ms;
    int64_t latest_ms;  // latestDateCovered
  };
  std::variant<Window, RestError> ParseWindow(std::string_view query, int64_t max_days) const;

  OrgStore* store_;
  const EmulatorClock* clock_;
  ReplicationOptions options_;
};

// Registers the two resources on the REST router. `org` and `clock` must outlive it.
void AddReplicationRoutes(Router* router, Org* org, const EmulatorClock* clock, ReplicationOptions options);

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_API_REPLICATION_H_
