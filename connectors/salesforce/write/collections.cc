#include "connectors/salesforce/write/collections.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

#include "connectors/salesforce/read/soql.h"
#include "engine/core/ascii.h"

namespace sfsync::salesforce {
namespace {

using nlohmann::json;

json ToJson(const Cell& cell) {
  switch (cell.kind) {
    case Cell::Kind::kNull: return nullptr;
    case Cell::Kind::kBool: return cell.b;
    case Cell::Kind::kInt: return cell.i;
    case Cell::Kind::kDouble: return cell.d;
    case Cell::Kind::kText: return cell.s;
  }
  return nullptr;
}

Cell FromJson(const json& value) {
  if (value.is_boolean()) return Cell::Bool(value.get<bool>());
  if (value.is_number_integer()) return Cell::Int(value.get<int64_t>());
  if (value.is_number()) return Cell::Double(value.get<double>());
  if (value.is_string()) return Cell::Text(value.get<std::string>());
  return Cell::Null();
}

Status CheckName(const std::string& name) {
  if (!IsValidFieldPath(name) || name.find('.') != std::string::npos) {
    return InvalidArgumentError(fmt::format("not an API name: '{}'", name.substr(0, 100)));
  }
  return Status::Ok();
}

Status CheckId(const std::string& id) {
  if (!IsRecordId(id)) return InvalidArgumentError(fmt::format("not a record Id: '{}'", id.substr(0, 40)));
  return Status::Ok();
}

Status CheckCount(size_t n, size_t max, const char* what) {
  if (n == 0 || n > max) return InvalidArgumentError(fmt::format("{} takes 1 to {} records, not {}", what, max, n));
  return Status::Ok();
}

StatusOr<std::vector<SaveResult>> Send(RestClient* client, const std::string& method, const std::string& path,
                                       const std::string& body, size_t expected) {
  SFSYNC_ASSIGN_OR_RETURN(HttpResponse response, client->Call(method, path, body));
  if (response.status != 200) {
    return DataLossError(fmt::format("{} {} answered HTTP {}, not 200 with one result per record", method,
                                     path.substr(0, 120), response.status));
  }
  return ParseSaveResults(response.body, expected);
}

}  // namespace

bool IsRecordId(std::string_view id) {
  return (id.size() == 15 || id.size() == 18) &&
         std::all_of(id.begin(), id.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)); });
}

std::string RecordsBody(const std::string& object, const std::vector<RecordWrite>& records, bool with_ids) {
  json list = json::array();
  for (const RecordWrite& r : records) {
    json record = json::object();
    record["attributes"] = {{"type", object}};
    if (with_ids) record["id"] = r.id;
    for (const auto& [field, value] : r.fields) record[field] = ToJson(value);
    list.push_back(std::move(record));
  }
  return json{{"allOrNone", false}, {"records", std::move(list)}}.dump(-1, ' ', false,
                                                                      json::error_handler_t::replace);
}

StatusOr<std::vector<SaveResult>> ParseSaveResults(const std::string& body, size_t expected) {
  json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_array()) return DataLossError("a Collections answer is not a JSON array of results");
  if (parsed.size() != expected) {
    return DataLossError(
        fmt::format("a Collections answer has {} results for {} records", parsed.size(), expected));
  }
  std::vector<SaveResult> results;
  for (const json& item : parsed) {
    if (!item.is_object() || !item.contains("success") || !item["success"].is_boolean()) {
      return DataLossError("a Collections result has no boolean 'success'");
    }
    SaveResult r;
    r.success = item["success"].get<bool>();
    if (item.contains("id") && item["id"].is_string()) r.id = item["id"].get<std::string>();
    if (item.contains("created") && item["created"].is_boolean()) r.created = item["created"].get<bool>();
    if (item.contains("errors") && item["errors"].is_array()) {
      for (const json& e : item["errors"]) {
        RecordError error;
        if (e.contains("statusCode") && e["statusCode"].is_string()) error.status_code = e["statusCode"];
        if (e.contains("message") && e["message"].is_string()) error.message = e["message"];
        if (e.contains("fields") && e["fields"].is_array()) {
          for (const json& f : e["fields"]) {
            if (f.is_string()) error.fields.push_back(f.get<std::string>());
          }
        }
        r.errors.push_back(std::move(error));
      }
    }
    if (!r.success && r.errors.empty()) r.errors.push_back({"UNKNOWN_ERROR", "the result gave no error", {}});
    results.push_back(std::move(r));
  }
  return results;
}

StatusOr<std::vector<SaveResult>> UpdateRecords(RestClient* client, const std::string& object,
                                                const std::vector<RecordWrite>& records) {
  SFSYNC_RETURN_IF_ERROR(CheckName(object));
  SFSYNC_RETURN_IF_ERROR(CheckCount(records.size(), kCollectionsMaxRecords, "a Collections update"));
  return Send(client, "PATCH", client->DataPath() + "/composite/sobjects", RecordsBody(object, records, true),
              records.size());
}

StatusOr<std::vector<SaveResult>> CreateRecords(RestClient* client, const std::string& object,
                                                const std::vector<RecordWrite>& records) {
  SFSYNC_RETURN_IF_ERROR(CheckName(object));
  SFSYNC_RETURN_IF_ERROR(CheckCount(records.size(), kCollectionsMaxRecords, "a Collections create"));
  return Send(client, "POST", client->DataPath() + "/composite/sobjects", RecordsBody(object, records, false),
              records.size());
}

StatusOr<std::vector<SaveResult>> UpsertRecords(RestClient* client, const std::string& object,
                                                const std::string& key_field, const std::vector<RecordWrite>& records) {
  SFSYNC_RETURN_IF_ERROR(CheckName(object));
  SFSYNC_RETURN_IF_ERROR(CheckName(key_field));
  SFSYNC_RETURN_IF_ERROR(CheckCount(records.size(), kCollectionsMaxRecords, "a Collections upsert"));
  return Send(client, "PATCH", client->DataPath() + "/composite/sobjects/" + object + "/" + key_field,
              RecordsBody(object, records, false), records.size());
}

StatusOr<std::vector<SaveResult>> DeleteRecords(RestClient* client, const std::vector<std::string>& ids) {
  SFSYNC_RETURN_IF_ERROR(CheckCount(ids.size(), kCollectionsMaxRecords, "a Collections delete"));
  std::string list;
  for (const std::string& id : ids) {
    SFSYNC_RETURN_IF_ERROR(CheckId(id));
    list += (list.empty() ? "" : ",") + id;
  }
  return Send(client, "DELETE", client->DataPath() + "/composite/sobjects?allOrNone=false&ids=" + list, {},
              ids.size());
}

StatusOr<std::vector<std::optional<RetrievedRecord>>> RetrieveRecords(RestClient* client, const std::string& object,
                                                                     const std::vector<std::string>& ids,
                                                                     const std::vector<std::string>& fields) {
  SFSYNC_RETURN_IF_ERROR(CheckName(object));
  SFSYNC_RETURN_IF_ERROR(CheckCount(ids.size(), kRetrieveMaxIds, "a Collections retrieve"));
  if (fields.empty()) return InvalidArgumentError("a Collections retrieve needs at least one field");
  for (const std::string& f : fields) SFSYNC_RETURN_IF_ERROR(CheckName(f));
  for (const std::string& id : ids) SFSYNC_RETURN_IF_ERROR(CheckId(id));
  const std::string body = json{{"ids", ids}, {"fields", fields}}.dump();
  SFSYNC_ASSIGN_OR_RETURN(HttpResponse response,
                          client->Call("POST", client->DataPath() + "/composite/sobjects/" + object, body));
  json parsed = json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_array() || parsed.size() != ids.size()) {
    return DataLossError(fmt::format("a Collections retrieve of {} Ids did not answer an array of {} records",
                                     ids.size(), ids.size()));
  }
  std::vector<std::optional<RetrievedRecord>> out;
  for (const json& item : parsed) {
    if (item.is_null()) {
      out.emplace_back();
      continue;
    }
    if (!item.is_object()) return DataLossError("a Collections retrieve answered a record that is not an object");
    RetrievedRecord record;
    // Salesforce answers with canonical field names; match the names asked case-insensitively.
    for (const std::string& f : fields) {
      Cell value = Cell::Null();
      for (auto it = item.begin(); it != item.end(); ++it) {
        if (EqualsIgnoringAsciiCase(it.key(), f)) {
          value = FromJson(it.value());
        }
      }
      record[f] = std::move(value);
    }
    out.emplace_back(std::move(record));
  }
  return out;
}

}  // namespace sfsync::salesforce
