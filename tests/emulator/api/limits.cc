#include "tests/emulator/api/limits.h"

#include <algorithm>
#include <string_view>

#include "tests/emulator/json_writer.h"

namespace sfsync::emulator {
namespace {

struct Limit {
  std::string_view name;
  int64_t max;
};

// Alphabetical, as Salesforce returns them.
constexpr Limit kLimits[] = {
    {"AnalyticsExternalDataSizeMB", 40960},
    {"CdpAiInferenceApiMonthlyLimit", 500000000},
    {"ConcurrentAsyncGetReportInstances", 200},
    {"ConcurrentEinsteinDataInsightsStoryCreation", 5},
    {"ConcurrentEinsteinDiscoveryStoryCreation", 2},
    {"ConcurrentSyncReportRuns", 20},
    {"ContentDistBandwidthLimitMB", 51200},
    {"ContentDistViewLimit", 50000},
    {"ContentPublicationLimit", 2500},
    {"DailyAnalyticsDataflowJobExecutions", 60},
    {"DailyAnalyticsUploadedFilesSizeMB", 51200},
    {"DailyApexCursorLimit", 10000},
    {"DailyApexCursorRowsLimit", 100000000},
    {"DailyApexPCursorLimit", 200000},
    {"DailyApiRequests", 15000},
    {"DailyAsyncApexExecutions", 250000},
    {"DailyAsyncApexTests", 500},
    {"DailyBulkApiBatches", 15000},
    {"DailyBulkV2QueryFileStorageMB", 976562},
    {"DailyBulkV2QueryJobs", 10000},
    {"DailyDeliveredPlatformEvents", 10000},
    {"DailyDurableGenericStreamingApiEvents", 10000},
    {"DailyDurableStreamingApiEvents", 10000},
    {"DailyEinsteinDataInsightsStoryCreation", 1000},
    {"DailyEinsteinDiscoveryOptimizationJobRuns", 25},
    {"DailyEinsteinDiscoveryPredictAPICalls", 50000},
    {"DailyEinsteinDiscoveryPredictionsByCDC", 500000},
    {"DailyEinsteinDiscoveryStoryCreation", 100},
    {"DailyFunctionsApiCallLimit", 50000},
    {"DailyGenericStreamingApiEvents", 10000},
    {"DailyMetadataRetrievesWithDependencies", 25},
    {"DailyServiceEmailAgentforceCalls", 5000},
    {"DailyStandardVolumePlatformEvents", 10000},
    {"DailyStreamingApiEvents", 10000},
    {"DailyWorkflowEmails", 8040},
    {"DataStorageMB", 5},
    {"DurableStreamingApiConcurrentClients", 20},
    {"ExternalServicesActiveObjects", 3000},
    {"ExternalServicesActiveOperations", 3000},
    {"ExternalServicesObjectProperties", 400000},
    {"ExternalServicesObjects", 10000},
    {"ExternalServicesOperations", 10000},
    {"ExternalServicesRegistrations", 700},
    {"FileStorageMB", 20},
    {"HourlyAsyncReportRuns", 1200},
    {"HourlyDashboardRefreshes", 200},
    {"HourlyDashboardResults", 5000},
    {"HourlyDashboardStatuses", 999999999},
    {"HourlyElevateAsyncReportRuns", 1200},
    {"HourlyElevateSyncReportRuns", 500},
    {"HourlyLongTermIdMapping", 100000},
    {"HourlyManagedContentPublicRequests", 50000},
    {"HourlyODataCallout", 1000},
    {"HourlyPublishedPlatformEvents", 50000},
    {"HourlyPublishedStandardVolumePlatformEvents", 1000},
    {"HourlyShortTermIdMapping", 100000},
    {"HourlySyncReportRuns", 500},
    {"HourlyTimeBasedWorkflow", 1000},
    {"MassEmail", 10},
    {"MaxContentDocumentsLimit", 30000000},
    {"MonthlyEinsteinDiscoveryStoryCreation", 500},
    {"Package2VersionCreates", 6},
    {"Package2VersionCreatesWithoutValidation", 500},
    {"PermissionSets", 1500},
    {"PlatformEventTriggersWithParallelProcessing", 5},
    {"PrivateConnectOutboundCalloutHourlyLimitMB", 0},
    {"PublishCallbackUsageInApex", 5242880},
    {"ScheduledFlowRunLimit", 250000},
    {"ScheduledPathRunLimit", 250000},
    {"SingleEmail", 15},
    {"StreamingApiConcurrentClients", 20},
};

void WriteLimit(JsonWriter* json, int64_t max, int64_t remaining) {
  json->Key("Max");
  json->Int(max);
  json->Key("Remaining");
  json->Int(remaining);
}

}  // namespace

std::string LimitsJson(int64_t api_quota, int64_t api_used) {
  std::string body;
  JsonWriter json(&body);
  json.BeginObject();
  for (const Limit& limit : kLimits) {
    json.Key(limit.name);
    json.BeginObject();
    if (limit.name == "DailyApiRequests") {
      WriteLimit(&json, api_quota, std::max<int64_t>(0, api_quota - api_used));
    } else {
      WriteLimit(&json, limit.max, limit.max);
    }
    if (limit.name == "PermissionSets") {  // the one nested sub-limit of the recording
      json.Key("CreateCustom");
      json.BeginObject();
      WriteLimit(&json, 1000, 1000);
      json.EndObject();
    }
    json.EndObject();
  }
  json.EndObject();
  return body;
}

}  // namespace sfsync::emulator
