#include "connectors/salesforce/write/bulk_ingest.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>

#include "connectors/salesforce/read/csv_reader.h"

namespace sfsync::salesforce {
namespace {

using nlohmann::json;

std::string CsvCell(const Cell& c) {
  std::string text;
  switch (c.kind) {
    case Cell::Kind::kNull: return "#N/A";
    case Cell::Kind::kBool: return c.b ? "true" : "false";
    case Cell::Kind::kInt: return std::to_string(c.i);
    case Cell::Kind::kDouble: return fmt::format("{}", c.d);
    case Cell::Kind::kText: text = c.s; break;
  }
  // An empty text would read as "unchanged": a text set to "" is a clear.
  if (text.empty()) return "#N/A";
  std::string out = "\"";
  for (char ch : text) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

std::string KeyColumn(const IngestRequest& r) { return r.operation == "upsert" ? r.external_id_field : "Id"; }

StatusOr<json> JsonBody(const HttpResponse& response, const char* what) {
  json parsed = json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object()) return DataLossError(fmt::format("{}: the answer is not a JSON object", what));
  return parsed;
}

// Reads one results CSV: for every row, the key cell and the given sf__ columns.
Status ReadResults(const std::string& csv, const std::string& key_column,
                   const std::function<void(const std::map<std::string, std::string>&)>& row) {
  CsvReader reader(csv);
  std::vector<std::string> header, fields;
  if (!reader.Next(&header)) return reader.status();
  if (std::find(header.begin(), header.end(), key_column) == header.end()) {
    return DataLossError(fmt::format("an ingest results CSV has no {} column to match records by", key_column));
  }
  while (reader.Next(&fields)) {
    std::map<std::string, std::string> named;
    for (size_t i = 0; i < header.size() && i < fields.size(); ++i) named[header[i]] = fields[i];
    row(named);
  }
  return reader.status();
}

}  // namespace

RecordError ParseIngestError(std::string text) {
  RecordError error;
  if (text.size() >= 3 && text.compare(text.size() - 3, 3, " --") == 0) text.resize(text.size() - 3);
  const size_t colon = text.find(':');
  error.status_code = text.substr(0, colon);
  error.message = colon == std::string::npos ? text : text.substr(colon + 1);
  // A trailing ":A,B" of field names (no spaces) names the fields.
  const size_t last = error.message.rfind(':');
  if (last != std::string::npos) {
    const std::string tail = error.message.substr(last + 1);
    const bool names = !tail.empty() && std::all_of(tail.begin(), tail.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ',';
    });
    if (names) {
      error.message.resize(last);
      size_t start = 0;
      while (start <= tail.size()) {
        const size_t comma = tail.find(',', start);
        const std::string field = tail.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (!field.empty()) error.fields.push_back(field);
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
    }
  }
  return error;
}

std::string IngestCsv(const IngestRequest& request) {
  std::vector<std::string> fields;
  for (const RecordWrite& r : request.records) {
    for (const auto& [field, value] : r.fields) {
      if (field != KeyColumn(request) && std::find(fields.begin(), fields.end(), field) == fields.end()) {
        fields.push_back(field);
      }
    }
  }
  std::string csv = KeyColumn(request);
  for (const std::string& f : fields) csv += "," + f;
  csv += "\n";
  for (size_t i = 0; i < request.records.size(); ++i) {
    csv += CsvCell(Cell::Text(request.keys[i]));
    for (const std::string& f : fields) {
      csv += ",";
      for (const auto& [field, value] : request.records[i].fields) {
        if (field == f) csv += CsvCell(value);
      }
    }
    csv += "\n";
  }
  return csv;
}

StatusOr<std::vector<SaveResult>> RunIngestJob(RestClient* client, Clock* clock, const IngestRequest& request,
                                               const IngestOptions& options) {
  if (request.records.size() != request.keys.size() || request.records.empty()) {
    return InvalidArgumentError("an ingest job needs one key per record, and at least one record");
  }
  const std::string jobs = client->DataPath() + "/jobs/ingest";
  json create = {{"object", request.object}, {"operation", request.operation}, {"contentType", "CSV"},
                 {"lineEnding", "LF"}, {"columnDelimiter", "COMMA"}};
  if (request.operation == "upsert") create["externalIdFieldName"] = request.external_id_field;
  SFSYNC_ASSIGN_OR_RETURN(HttpResponse created, client->Call("POST", jobs, create.dump()));
  SFSYNC_ASSIGN_OR_RETURN(json job, JsonBody(created, "creating an ingest job"));
  if (!job.contains("id") || !job["id"].is_string()) return DataLossError("an ingest job was created without an id");
  const std::string id = job["id"];
  // Only letters and digits: the id goes into URL paths.
  if (id.empty() || !std::all_of(id.begin(), id.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)); })) {
    return DataLossError("an ingest job id is not an Id");
  }
  const std::string path = jobs + "/" + id;
  // From here on the job is deleted whatever happens (a failed job's results stay readable until then).
  struct Cleanup {
    RestClient* client;
    std::string path;
    ~Cleanup() { client->Call("DELETE", path).status().IgnoreError(); }
  } cleanup{client, path};

  SFSYNC_RETURN_IF_ERROR(
      client->Call("PUT", path + "/batches", IngestCsv(request), {{"Content-Type", "text/csv"}}).status());
  SFSYNC_RETURN_IF_ERROR(client->Call("PATCH", path, json{{"state", "UploadComplete"}}.dump()).status());

  std::chrono::milliseconds wait = options.poll_initial;
  const auto deadline = clock->Monotonic() + options.timeout;
  std::string state;
  while (true) {
    SFSYNC_ASSIGN_OR_RETURN(HttpResponse polled, client->Call("GET", path));
    SFSYNC_ASSIGN_OR_RETURN(json info, JsonBody(polled, "an ingest job's state"));
    state = info.value("state", "");
    if (state == "JobComplete" || state == "Failed" || state == "Aborted") break;
    if ((options.stop != nullptr && options.stop->load()) || clock->Monotonic() >= deadline) {
      client->Call("PATCH", path, json{{"state", "Aborted"}}.dump()).status().IgnoreError();
      return options.stop != nullptr && options.stop->load() ? CancelledError("stopped while an ingest job ran")
                                                             : DeadlineExceededError("an ingest job did not complete in time");
    }
    clock->SleepFor(wait);
    wait = std::min(options.poll_max, wait * 2);
  }

  std::map<std::string, size_t> by_key;
  for (size_t i = 0; i < request.keys.size(); ++i) by_key[request.keys[i]] = i;
  std::vector<SaveResult> results(request.records.size());
  std::vector<bool> seen(request.records.size(), false);
  const std::string key_column = KeyColumn(request);
  auto find = [&](const std::map<std::string, std::string>& row) -> SaveResult* {
    auto k = row.find(key_column);
    if (k == row.end()) return nullptr;
    auto it = by_key.find(k->second);
    if (it == by_key.end()) return nullptr;
    seen[it->second] = true;
    return &results[it->second];
  };
  SFSYNC_ASSIGN_OR_RETURN(HttpResponse ok, client->Call("GET", path + "/successfulResults/", {}, {{"Accept", "text/csv"}}));
  SFSYNC_RETURN_IF_ERROR(ReadResults(ok.body, key_column, [&](const auto& row) {
    if (SaveResult* r = find(row)) {
      r->success = true;
      r->id = row.count("sf__Id") ? row.at("sf__Id") : "";
      r->created = row.count("sf__Created") && row.at("sf__Created") == "true";
    }
  }));
  SFSYNC_ASSIGN_OR_RETURN(HttpResponse failed, client->Call("GET", path + "/failedResults/", {}, {{"Accept", "text/csv"}}));
  SFSYNC_RETURN_IF_ERROR(ReadResults(failed.body, key_column, [&](const auto& row) {
    if (SaveResult* r = find(row)) {
      r->success = false;
      r->errors.push_back(ParseIngestError(row.count("sf__Error") ? row.at("sf__Error") : ""));
    }
  }));
  SFSYNC_ASSIGN_OR_RETURN(HttpResponse unprocessed,
                          client->Call("GET", path + "/unprocessedrecords/", {}, {{"Accept", "text/csv"}}));
  SFSYNC_RETURN_IF_ERROR(ReadResults(unprocessed.body, key_column, [&](const auto& row) {
    if (SaveResult* r = find(row)) {
      r->success = false;
      r->errors.push_back({"UNPROCESSED", fmt::format("the ingest job ended {} before processing it", state), {}});
    }
  }));
  for (size_t i = 0; i < results.size(); ++i) {
    if (!seen[i]) {
      // In none of the three lists: its outcome is unknown, and the caller sends it again.
      return DataLossError(fmt::format("ingest job {} ({}) reported nothing about {} of its records", id, state,
                                       std::count(seen.begin(), seen.end(), false)));
    }
  }
  return results;
}

}  // namespace sfsync::salesforce
