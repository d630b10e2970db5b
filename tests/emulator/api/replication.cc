#include "tests/emulator/api/replication.h"

#include <algorithm>
#include <map>
#include <vector>

#include "tests/emulator/json_writer.h"
#include "tests/emulator/net/http_message.h"
#include "tests/emulator/time_util.h"

namespace sfsync::emulator {
namespace {

constexpr int64_t kMinuteMs = 60'000;
constexpr int64_t kUpdatedWindowDays = 30;
constexpr int64_t kDeletedWindowDays = 15;

int64_t FloorMinute(int64_t ms) { return ms - ((ms % kMinuteMs) + kMinuteMs) % kMinuteMs; }

RestError ReplicationDate(std::string message) { return {400, "INVALID_REPLICATION_DATE", std::move(message)}; }

RestError TooManyIds(size_t limit) {
  return {
      400, "EXCEEDED_ID_LIMIT",
      "The number of records in the time range exceeds the limit of " + std::to_string(limit) + "; narrow the range"};
}

}  // namespace

std::variant<ReplicationService::Window, RestError> ReplicationService::ParseWindow(std::string_view query,
                                                                                    int64_t max_days) const {
  std::map<std::string, std::string> form = ParseForm(query);
  int64_t start, end;
  for (const char* name : {"start", "end"}) {
    if (!form.contains(name)) {
      return RestError{400, "MISSING_ARGUMENT", std::string("Missing required parameter: ") + name};
    }
    if (!ParseDateTime(form[name], name[0] == 's' ? &start : &end)) {
      return RestError{400, "MALFORMED_QUERY",
                       std::string("Invalid ") + name + " date: " + form[name] +
                           " (expected an ISO-8601 dateTime such as 2024-05-01T10:00:00+00:00)"};
    }
  }
  start = FloorMinute(start);
  end = FloorMinute(end);
  if (start >= end) {
    return ReplicationDate("startDate must chronologically precede endDate by at least one minute");
  }
  int64_t now = clock_->NowMillis();
  if (start < now - max_days * kMillisPerDay) {
    return ReplicationDate("startDate cannot be more than " + std::to_string(max_days) + " days ago");
  }
  return Window{start, std::min(end, FloorMinute(now))};
}

using Result = ReplicationService::Result;

Result ReplicationService::Updated(const ObjectDef& object, std::string_view query) const {
  auto window = ParseWindow(query, kUpdatedWindowDays);
  if (const RestError* error = std::get_if<RestError>(&window)) return *error;
  const Window& w = std::get<Window>(window);
  Statement select(store_->db(), "SELECT \"Id\" FROM " + QuoteIdentifier(object.name) +
                                     " WHERE \"SystemModstamp\" >= ? AND \"SystemModstamp\" < ? AND "
                                     "\"IsDeleted\" = 0 ORDER BY \"SystemModstamp\", \"Id\" LIMIT ?");
  select.Bind(1, w.start_ms);
  select.Bind(2, w.latest_ms);
  select.Bind(3, static_cast<int64_t>(options_.id_limit) + 1);
  std::vector<std::string> ids;
  while (select.Step() == SQLITE_ROW) {
    ids.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(select.get(), 0)));
  }
  if (ids.size() > options_.id_limit) return TooManyIds(options_.id_limit);
  std::string body;
  body.reserve(ids.size() * 21 + 80);
  JsonWriter json(&body);
  json.BeginObject();
  json.Key("ids");
  json.BeginArray();
  for (const std::string& id : ids) json.String(id);
  json.EndArray();
  json.Key("latestDateCovered");
  json.String(FormatDateTime(w.latest_ms));
  json.EndObject();
  return body;
}

Result ReplicationService::Deleted(const ObjectDef& object, std::string_view query) const {
  auto window = ParseWindow(query, kDeletedWindowDays);
  if (const RestError* error = std::get_if<RestError>(&window)) return *error;
  const Window& w = std::get<Window>(window);
  const DeleteLog& log = store_->delete_log();
  std::vector<DeleteLog::Entry> entries = log.Between(object.name, w.start_ms, w.latest_ms, options_.id_limit + 1);
  if (entries.size() > options_.id_limit) return TooManyIds(options_.id_limit);
  int64_t earliest = std::max(log.purged_before_ms().value_or(INT64_MIN),
                              clock_->NowMillis() - kDeletedWindowDays * kMillisPerDay);
  if (options_.delete_horizon == DeleteHorizon::kOldestEntry) earliest = log.Oldest(object.name).value_or(earliest);
  std::string body;
  JsonWriter json(&body);
  json.BeginObject();
  json.Key("deletedRecords");
  json.BeginArray();
  for (const DeleteLog::Entry& entry : entries) {
    json.BeginObject();
    json.Key("id");
    json.String(entry.id);
    json.Key("deletedDate");
    json.String(FormatDateTime(entry.deleted_ms));
    json.EndObject();
  }
  json.EndArray();
  json.Key("earliestDateAvailable");
  json.String(FormatDateTime(FloorMinute(earliest)));
  json.Key("latestDateCovered");
  json.String(FormatDateTime(w.latest_ms));
  json.EndObject();
  return body;
}

void AddReplicationRoutes(Router* router, Org* org, const EmulatorClock* clock, ReplicationOptions options) {
  for (bool deleted : {false, true}) {
    router->Add("GET",
                deleted ? "/services/data/{version}/sobjects/{object}/deleted"
                        : "/services/data/{version}/sobjects/{object}/updated",
                [=](const HttpRequest& request, const PathParams& params) {
                  std::lock_guard<std::mutex> lock(org->mu);
                  const ObjectDef* object = org->schema->Find(params.at("object"));
                  if (object == nullptr) return RestErrorResponse(NotFoundError());
                  ReplicationService service(org->store.get(), clock, options);
                  Result result =
                      deleted ? service.Deleted(*object, request.query) : service.Updated(*object, request.query);
                  if (const RestError* error = std::get_if<RestError>(&result)) {
                    return RestErrorResponse(*error);
                  }
                  return JsonResponse(200, std::move(std::get<std::string>(result)));
                });
  }
}

}  // namespace sfsync::emulator
