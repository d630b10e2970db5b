#include "connectors/salesforce/read/replication.h"

#include <nlohmann/json.hpp>

#include "engine/core/time_format.h"

namespace sfsync::salesforce {
namespace {

// start/end go in the query string, so the '+' of an offset would read as a space: use Z, and
// encode anyway (§5.2).
std::string WindowParam(int64_t millis) { return UrlEncode(FormatIsoUtc(millis)); }

StatusOr<int64_t> DateField(const nlohmann::json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return int64_t{0};
  if (!it->is_string()) return DataLossError(std::string("getDeleted: '") + key + "' is not a datetime string");
  return ParseDateTime(it->get<std::string>());
}

}  // namespace

StatusOr<std::string> GetDeletedPath(const RestClient& client, const std::string& object, int64_t start_millis,
                                     int64_t end_millis) {
  if (!IsValidFieldPath(object) || object.find('.') != std::string::npos) {
    return InvalidArgumentError("not an sObject API name: '" + object.substr(0, 100) + "'");
  }
  return client.DataPath() + "/sobjects/" + object + "/deleted/?start=" + WindowParam(start_millis) +
         "&end=" + WindowParam(end_millis);
}

StatusOr<DeletedResult> GetDeleted(RestClient* client, const std::string& object, int64_t start_millis,
                                   int64_t end_millis) {
  SFSYNC_ASSIGN_OR_RETURN(std::string path, GetDeletedPath(*client, object, start_millis, end_millis));
  SFSYNC_ASSIGN_OR_RETURN(HttpResponse response, client->Call("GET", path));
  return ParseDeleted(object, response.body);
}

StatusOr<DeletedResult> ParseDeleted(const std::string& object, const std::string& text) {
  nlohmann::json body = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object()) return DataLossError("getDeleted of " + object + ": not a JSON object");
  DeletedResult result;
  SFSYNC_ASSIGN_OR_RETURN(result.earliest_date_available_millis, DateField(body, "earliestDateAvailable"));
  SFSYNC_ASSIGN_OR_RETURN(result.latest_date_covered_millis, DateField(body, "latestDateCovered"));
  auto records = body.find("deletedRecords");
  if (records == body.end() || !records->is_array()) {
    return DataLossError("getDeleted of " + object + ": no deletedRecords array");
  }
  for (const nlohmann::json& r : *records) {
    if (!r.is_object() || !r.contains("id") || !r["id"].is_string()) {
      return DataLossError("getDeleted of " + object + ": a deleted record without an id");
    }
    DeletedRecord d;
    d.id = r["id"].get<std::string>();
    SFSYNC_ASSIGN_OR_RETURN(d.deleted_millis, DateField(r, "deletedDate"));
    result.records.push_back(std::move(d));
  }
  return result;
}

}  // namespace sfsync::salesforce
