#include "engine/sync/load_cursor.h"

#include "connectors/salesforce/read/bulk_query.h"
#include "engine/core/log.h"
#include "engine/sync/query_builder.h"

namespace sfsync::sync {
namespace {

using salesforce::QueryCursor;
using salesforce::QueryOptions;
using salesforce::QueryPage;

// For api: auto. One REST call: COUNT() answers with totalSize and no records.
StatusOr<bool> WorthBulk(salesforce::RestClient* client, const ObjectPlan& plan, const std::string& after_id,
                         const QueryOptions& options) {
  QueryOptions count_options;
  count_options.include_deleted = options.include_deleted;
  count_options.prefetch = false;
  std::unique_ptr<QueryCursor> cursor = client->Query(BuildCountQuery(plan, after_id), count_options);
  QueryPage page;
  const bool answered = cursor->Next(&page);
  if (!answered && cursor->status().code() == StatusCode::kDeadlineExceeded) {
    SFSYNC_LOG(kInfo, "{}: counting rows timed out ({}); a load that large goes through Bulk API 2.0", plan.object,
               cursor->status().message());
    return true;
  }
  if (!answered) return cursor->status().Annotate("counting rows to choose the API");
  SFSYNC_LOG(kInfo, "{}: {} rows to load; {} (api: auto, threshold {})", plan.object, page.total_size,
             page.total_size > kAutoBulkThreshold ? "Bulk API 2.0" : "REST", kAutoBulkThreshold);
  return page.total_size > kAutoBulkThreshold;
}

}  // namespace

StatusOr<LoadCursor> OpenLoadCursor(salesforce::RestClient* client, Clock* clock, const ObjectPlan& plan,
                                    const std::string& after_id, const QueryOptions& options,
                                    const std::atomic<bool>* stop, const store::BulkResume& resume) {
  if (!resume.job_id.empty()) {
    salesforce::BulkQueryOptions bulk_options;
    bulk_options.stop = stop;
    bulk_options.max_records = plan.bulk_max_records;
    bulk_options.resume_job_id = resume.job_id;
    bulk_options.resume_locator = resume.locator;
    auto cursor = salesforce::StartBulkQuery(client, clock, BuildBulkLoadQuery(plan, after_id), options, bulk_options);
    if (cursor.ok()) {
      SFSYNC_LOG(kInfo, "{}: resuming the download of Bulk job {}", plan.object, resume.job_id);
      return LoadCursor{std::move(*cursor), /*bulk=*/true};
    }
    if (cursor.status().reason() != "bulk.gone") return cursor.status();
    SFSYNC_LOG(kWarn, "{}: {}; starting a new Bulk job", plan.object, cursor.status().message());
  }
  bool bulk = plan.api == "bulk";
  if (plan.api == "auto") {
    SFSYNC_ASSIGN_OR_RETURN(bulk, WorthBulk(client, plan, after_id, options));
  }
  if (bulk) {
    salesforce::BulkQueryOptions bulk_options;
    bulk_options.stop = stop;
    bulk_options.max_records = plan.bulk_max_records;
    auto cursor = salesforce::StartBulkQuery(client, clock, BuildBulkLoadQuery(plan, after_id), options, bulk_options);
    if (cursor.ok()) {
      SFSYNC_LOG(kInfo, "{}: loading through Bulk API 2.0", plan.object);
      return LoadCursor{std::move(*cursor), /*bulk=*/true};
    }
    if (cursor.status().reason() != "bulk.unsupported") return cursor.status();
    SFSYNC_LOG(kWarn, "{}: {}; loading through REST instead", plan.object, cursor.status().message());
  }
  return LoadCursor{client->Query(BuildLoadQuery(plan, after_id), options), /*bulk=*/false};
}

}  // namespace sfsync::sync
