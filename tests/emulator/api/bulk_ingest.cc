#include "tests/emulator/api/bulk_ingest.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <numeric>
#include <vector>

#include "tests/emulator/api/csv_reader.h"
#include "tests/emulator/api/field_input.h"
#include "tests/emulator/api/record_saver.h"
#include "tests/emulator/api/sobject_rows.h"
#include "tests/emulator/org/rng.h"
#include "tests/emulator/salesforce_id.h"
#include "tests/emulator/time_util.h"

namespace sfsync::emulator {
namespace {

using Json = nlohmann::ordered_json;

constexpr int kBulkIngestVersion = 47;
constexpr uint64_t kFirstJobCounter = 2'000'000'000;  // apart from query jobs' Ids
constexpr std::string_view kNull = "#N/A";            // F8: the cell that sets a field to null

enum class State { kOpen, kUploadComplete, kInProgress, kJobComplete, kFailed, kAborted };

std::string_view StateName(State state) {
  switch (state) {
    case State::kOpen: return "Open";
    case State::kUploadComplete: return "UploadComplete";
    case State::kInProgress: return "InProgress";
    case State::kJobComplete: return "JobComplete";
    case State::kFailed: return "Failed";
    case State::kAborted: return "Aborted";
  }
  return "";
}

bool Terminal(State state) { return state == State::kJobComplete || state == State::kFailed || state == State::kAborted; }

HttpResponse NotFound() { return BulkError(404, "NOT_FOUND", "The requested resource does not exist"); }

struct Outcome {
  size_t record = 0;  // index into the job's records
  bool ok = false;
  bool created = false;
  std::string id;     // sf__Id
  std::string error;  // sf__Error
};

struct IngestJob {
  std::string id;
  uint64_t counter = 0;
  std::string operation;
  std::string object;
  std::string external_id_field;  // upsert
  std::string created_by;
  std::string api_version;  // "60.0"
  std::string line_ending;  // LF | CRLF
  std::string delimiter;    // COMMA, ...
  int64_t created_ms = 0;
  int64_t modstamp_ms = 0;
  State state = State::kOpen;
  int polls = 0;
  int64_t processing_ms = 0;
  std::string error_message;
  CsvRow header;                // the first upload's
  std::vector<CsvRow> records;  // every upload's, in upload order
  std::vector<Outcome> outcomes;  // JobComplete: in result order
  bool processed = false;

  std::string LineEnding() const { return line_ending == "CRLF" ? "\r\n" : "\n"; }
};

enum class InfoShape { kCreate, kStateChange, kList, kFull };

void WriteInfo(JsonWriter* json, const IngestJob& job, InfoShape shape) {
  auto key = [&](std::string_view k, std::string_view v) {
    json->Key(k);
    json->String(v);
  };
  json->BeginObject();
  key("id", job.id);
  key("operation", job.operation);
  key("object", job.object);
  key("createdById", job.created_by);
  key("createdDate", FormatDateTime(job.created_ms));
  key("systemModstamp", FormatDateTime(job.modstamp_ms));
  key("state", StateName(job.state));
  if (!job.external_id_field.empty()) key("externalIdFieldName", job.external_id_field);
  key("concurrencyMode", "Parallel");
  key("contentType", "CSV");
  json->Key("apiVersion");
  json->Raw(job.api_version);  // a JSON number, 60.0
  if (shape == InfoShape::kStateChange) {  // bulk2_ingest_job_upload_complete.json ends here
    json->EndObject();
    return;
  }
  if (shape == InfoShape::kCreate) {
    key("contentUrl", "services/data/v" + job.api_version + "/jobs/ingest/" + job.id + "/batches");
  } else {
    key("jobType", "V2Ingest");
  }
  key("lineEnding", job.line_ending);
  key("columnDelimiter", job.delimiter);
  if (shape == InfoShape::kFull) {
    int64_t failed = std::count_if(job.outcomes.begin(), job.outcomes.end(), [](const Outcome& o) { return !o.ok; });
    json->Key("numberRecordsProcessed");
    json->Int(static_cast<int64_t>(job.outcomes.size()));
    json->Key("numberRecordsFailed");
    json->Int(failed);
    json->Key("retries");
    json->Int(0);
    json->Key("totalProcessingTime");
    json->Int(job.processing_ms);
    json->Key("apiActiveProcessingTime");
    json->Int(job.processing_ms);
    json->Key("apexProcessingTime");
    json->Int(0);
    if (job.state == State::kFailed) key("errorMessage", job.error_message);
  }
  json->EndObject();
}

// "CODE:message --", or "CODE:message:Field1,Field2 --" (bulk2_ingest_failed_results.csv).
std::string ErrorText(const SaveError& error) {
  std::string text = error.code + ":" + error.message;
  if (!error.fields.empty()) {
    text += ":";
    for (size_t i = 0; i < error.fields.size(); ++i) text += (i ? "," : "") + error.fields[i];
  }
  return text + " --";
}

class BulkIngest {
 public:
  BulkIngest(Org* org, const EmulatorClock* clock, IngestOptions options)
      : org_(org), clock_(clock), options_(options) {}

  HttpResponse Create(const HttpRequest& request, const PathParams& params) {
    if (ApiMajorVersion(params.at("version")) < kBulkIngestVersion) return NotFound();
    Json body = Json::parse(request.body, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded() || !body.is_object()) {
      return BulkError(400, "JSON_PARSER_ERROR", "The request body must be a JSON object");
    }
    std::string operation = body.value("operation", "");
    if (operation != "insert" && operation != "update" && operation != "upsert" && operation != "delete") {
      return BulkError(400, "INVALIDJOB", "operation must be insert, update, upsert or delete, got '" + operation + "'");
    }
    if (!body.contains("object") || !body["object"].is_string()) return BulkError(400, "INVALIDJOB", "object is required");
    if (body.value("contentType", "CSV") != "CSV") return BulkError(400, "INVALIDJOB", "contentType must be CSV");
    std::string delimiter = body.value("columnDelimiter", "COMMA");
    std::string line_ending = body.value("lineEnding", "LF");
    if (!BulkDelimiter(delimiter)) return BulkError(400, "INVALIDJOB", "Invalid columnDelimiter: " + delimiter);
    if (line_ending != "LF" && line_ending != "CRLF") {
      return BulkError(400, "INVALIDJOB", "Invalid lineEnding: " + line_ending);
    }
    std::lock_guard<std::mutex> lock(org_->mu);
    const ObjectDef* object = org_->schema->Find(body["object"].get<std::string>());
    if (object == nullptr) {
      return BulkError(400, "INVALIDENTITY", "Entity '" + body["object"].get<std::string>() + "' is not supported by the Bulk API.");
    }
    IngestJob job;
    if (operation == "upsert") {
      std::string name = body.value("externalIdFieldName", "");
      const FieldDef* key = object->FindField(name);
      if (key == nullptr || !(key->external_id || key->id_lookup)) {
        return BulkError(400, "INVALIDJOB", "External ID was blank or not an external id field for " + object->name +
                                                ": '" + name + "'");
      }
      job.external_id_field = key->name;
    }
    job.counter = next_counter_++;
    job.id = MakeId("750", job.counter);
    job.operation = operation;
    job.object = object->name;
    job.created_by = org_->seeder->integration_user_id();
    job.api_version = params.at("version").substr(1);
    job.line_ending = line_ending;
    job.delimiter = delimiter;
    job.created_ms = job.modstamp_ms = clock_->NowMillisFloorSecond();
    std::string out;
    JsonWriter json(&out);
    WriteInfo(&json, job, InfoShape::kCreate);
    order_.push_back(job.id);
    jobs_.emplace(job.id, std::move(job));
    return JsonResponse(200, std::move(out));
  }

  HttpResponse Upload(const HttpRequest& request, const PathParams& params) {
    std::lock_guard<std::mutex> lock(org_->mu);
    IngestJob* job = Find(params);
    if (job == nullptr) return NotFound();
    if (job->state != State::kOpen) {
      return BulkError(409, "INVALIDJOBSTATE", "Data can only be uploaded to a job in the state Open, not " +
                                                   std::string(StateName(job->state)));
    }
    std::string error;
    std::optional<std::vector<CsvRow>> rows =
        ReadCsv(request.body, *BulkDelimiter(job->delimiter), job->LineEnding(), &error);
    if (!rows) return BulkError(400, "INVALIDBATCH", "The CSV data could not be read: " + error);
    if (rows->empty()) return BulkError(400, "INVALIDBATCH", "The CSV data has no header line");
    if (job->header.empty()) {
      job->header = (*rows)[0];
    } else if ((*rows)[0] != job->header) {
      return BulkError(400, "INVALIDBATCH", "Every upload of a job must have the same header line");
    }
    WriteEntry log;
    log.method = request.method;
    log.path = request.path;
    log.object = job->object;
    log.status = 201;
    for (size_t i = 1; i < rows->size(); ++i) {
      Json record = Json::object();
      Json id;
      for (size_t c = 0; c < job->header.size() && c < (*rows)[i].size(); ++c) {
        record[job->header[c]] = (*rows)[i][c];
        if (ToLower(job->header[c]) == "id" && !(*rows)[i][c].empty()) id = (*rows)[i][c];
      }
      log.records.push_back(std::move(record));
      log.ids.push_back(std::move(id));
      job->records.push_back(std::move((*rows)[i]));
    }
    org_->writes.Add(std::move(log));
    HttpResponse response;
    response.status = 201;
    return response;
  }

  HttpResponse ChangeState(const HttpRequest& request, const PathParams& params) {
    Json body = Json::parse(request.body, nullptr, /*allow_exceptions=*/false);
    std::string wanted = body.is_object() ? body.value("state", "") : "";
    if (wanted != "UploadComplete" && wanted != "Aborted") {
      return BulkError(400, "INVALIDJOBSTATE", "An ingest job can only be changed to UploadComplete or Aborted");
    }
    std::lock_guard<std::mutex> lock(org_->mu);
    IngestJob* job = Find(params);
    if (job == nullptr) return NotFound();
    Advance(job, /*poll=*/false);
    if (Terminal(job->state) || (wanted == "UploadComplete" && job->state != State::kOpen)) {
      return BulkError(400, "INVALIDJOBSTATE", "Job is " + std::string(StateName(job->state)) + ": cannot change it to " + wanted);
    }
    job->state = wanted == "Aborted" ? State::kAborted : State::kUploadComplete;
    job->modstamp_ms = clock_->NowMillisFloorSecond();
    std::string out;
    JsonWriter json(&out);
    WriteInfo(&json, *job, InfoShape::kStateChange);
    return JsonResponse(200, std::move(out));
  }

  HttpResponse List(const PathParams& params) {
    if (ApiMajorVersion(params.at("version")) < kBulkIngestVersion) return NotFound();
    std::lock_guard<std::mutex> lock(org_->mu);
    std::string out;
    JsonWriter json(&out);
    json.BeginObject();
    json.Key("done");
    json.Bool(true);
    json.Key("records");
    json.BeginArray();
    for (const std::string& id : order_) WriteInfo(&json, jobs_.at(id), InfoShape::kList);
    json.EndArray();
    json.Key("nextRecordsUrl");
    json.Null();
    json.EndObject();
    return JsonResponse(200, std::move(out));
  }

  HttpResponse Info(const PathParams& params) {
    std::lock_guard<std::mutex> lock(org_->mu);
    IngestJob* job = Find(params);
    if (job == nullptr) return NotFound();
    Advance(job, /*poll=*/true);
    std::string out;
    JsonWriter json(&out);
    WriteInfo(&json, *job, InfoShape::kFull);
    return JsonResponse(200, std::move(out));
  }

  HttpResponse Delete(const PathParams& params) {
    std::lock_guard<std::mutex> lock(org_->mu);
    IngestJob* job = Find(params);
    if (job == nullptr) return NotFound();
    Advance(job, /*poll=*/false);
    if (job->state == State::kInProgress || job->state == State::kUploadComplete) {
      return BulkError(400, "INVALIDJOBSTATE", "A job being processed cannot be deleted; abort it first");
    }
    std::erase(order_, job->id);
    jobs_.erase(job->id);
    return NoContentResponse();
  }

  enum class Kind { kSuccessful, kFailed, kUnprocessed };

  HttpResponse Results(const PathParams& params, Kind kind) {
    std::lock_guard<std::mutex> lock(org_->mu);
    IngestJob* job = Find(params);
    if (job == nullptr) return NotFound();
    Advance(job, /*poll=*/false);
    bool ready = kind == Kind::kUnprocessed ? Terminal(job->state) : job->state == State::kJobComplete;
    if (!ready) {
      return BulkError(412, "JOB_NOT_COMPLETE",
                       "Results are available once the job is complete. Current state: " +
                           std::string(StateName(job->state)));
    }
    char delimiter = *BulkDelimiter(job->delimiter);
    std::string newline = job->LineEnding();
    auto cells = [&](const CsvRow& row) {
      std::string line;
      for (size_t c = 0; c < row.size(); ++c) line += (c ? std::string(1, delimiter) : "") + QuoteCsv(row[c]);
      return line;
    };
    std::string header;
    for (size_t c = 0; c < job->header.size(); ++c) header += (c ? std::string(1, delimiter) : "") + job->header[c];
    std::string d(1, delimiter);
    std::string body;
    if (kind == Kind::kUnprocessed) {
      body = header;
      if (!job->processed) {
        for (const CsvRow& row : job->records) body += newline + cells(row);
      }
    } else {
      bool successful = kind == Kind::kSuccessful;
      body = successful ? "\"sf__Id\"" + d + "\"sf__Created\"" : "\"sf__Id\"" + d + "\"sf__Error\"";
      if (!header.empty()) body += d + header;
      for (const Outcome& outcome : job->outcomes) {
        if (outcome.ok != successful) continue;
        body += newline + QuoteCsv(outcome.id) + d + QuoteCsv(successful ? (outcome.created ? "true" : "false") : outcome.error);
        if (!job->header.empty()) body += d + cells(job->records[outcome.record]);
      }
    }
    HttpResponse response;
    response.headers.Set("Content-Type", "text/csv");
    response.body = std::move(body);
    return response;
  }

 private:
  IngestJob* Find(const PathParams& params) {
    auto it = jobs_.find(params.at("id"));
    return it == jobs_.end() ? nullptr : &it->second;
  }

  // Moves an uploaded job along its state machine; a poll counts toward completion.
  void Advance(IngestJob* job, bool poll) {
    if (job->state != State::kUploadComplete && job->state != State::kInProgress) return;
    int64_t now = clock_->NowMillisFloorSecond();
    if (poll) ++job->polls;
    bool due = job->polls >= options_.bulk.complete_after_polls ||
               (options_.bulk.complete_after_ms > 0 && now >= job->modstamp_ms + options_.bulk.complete_after_ms);
    if (!due) {
      if (job->polls > 0 && job->state != State::kInProgress) {
        job->state = State::kInProgress;
        job->modstamp_ms = now;
      }
      return;
    }
    Process(job);
    job->modstamp_ms = now;
    job->processing_ms = now - job->created_ms;
  }

  // Saves every record, or fails the job for a header no field answers to.
  void Process(IngestJob* job) {
    const ObjectDef* object = org_->schema->Find(job->object);
    std::vector<const FieldDef*> columns;
    int id_column = -1, key_column = -1;
    for (size_t c = 0; object != nullptr && c < job->header.size(); ++c) {
      const FieldDef* field = object->FindField(job->header[c]);
      if (field == nullptr) {
        Fail(job, "InvalidBatch : Field name not found : " + job->header[c]);
        return;
      }
      if (field->type == FieldType::kId) id_column = static_cast<int>(c);
      if (field->name == job->external_id_field) key_column = static_cast<int>(c);
      columns.push_back(field);
    }
    if (object == nullptr) return Fail(job, "InvalidBatch : the object no longer exists: " + job->object);
    if (job->records.empty()) return Fail(job, "InvalidBatch : No data was uploaded for this job");
    if ((job->operation == "update" || job->operation == "delete") && id_column < 0) {
      return Fail(job, "InvalidBatch : Field name not found : Id");
    }
    if (job->operation == "upsert" && key_column < 0) {
      return Fail(job, "InvalidBatch : Field name not found : " + job->external_id_field);
    }
    RecordSaver saver(org_, clock_, SaveSurface::kCollection);
    sqlite3* db = org_->store->db();
    std::string ignored;
    std::vector<Outcome> outcomes;
    for (size_t i = 0; i < job->records.size(); ++i) {
      Exec(db, "SAVEPOINT ingest_record", &ignored);
      outcomes.push_back(Save(*job, *object, columns, id_column, key_column, saver, i));
      Exec(db, outcomes.back().ok ? "RELEASE ingest_record" : "ROLLBACK TO ingest_record; RELEASE ingest_record",
           &ignored);
    }
    Order(*job, &outcomes);
    job->outcomes = std::move(outcomes);
    job->processed = true;
    job->state = State::kJobComplete;
  }

  void Fail(IngestJob* job, std::string message) {
    job->state = State::kFailed;
    job->error_message = std::move(message);
  }

  Outcome Save(const IngestJob& job, const ObjectDef& object, const std::vector<const FieldDef*>& columns,
               int id_column, int key_column, RecordSaver& saver, size_t index) {
    const CsvRow& row = job.records[index];
    Outcome outcome;
    outcome.record = index;
    std::string id = id_column >= 0 && static_cast<size_t>(id_column) < row.size() ? row[id_column] : "";
    if (job.operation != "insert") outcome.id = id;
    auto failed = [&](const SaveError& error) {
      outcome.ok = false;
      outcome.error = ErrorText(error);
      return outcome;
    };
    if (row.size() != columns.size()) {
      return failed(SaveError{400, "INVALID_FIELD",
                              "Record has " + std::to_string(row.size()) + " values for " +
                                  std::to_string(columns.size()) + " columns",
                              {}, true});
    }
    Json body = Json::object();
    Json key_value;
    for (size_t c = 0; c < columns.size(); ++c) {
      const std::string& cell = row[c];
      if (static_cast<int>(c) == key_column) {
        key_value = cell;
        continue;
      }
      if (static_cast<int>(c) == id_column && job.operation != "insert") continue;
      if (cell.empty()) continue;  // left alone (F8)
      Json value = cell == kNull ? Json() : Json(cell);
      Value ignored;
      if (!value.is_null() && ConvertInput(*columns[c], value, &ignored) == InputProblem::kWrongType) {
        return failed(SaveError{400, "INVALID_FIELD",
                                "Failed to deserialize field at col " + std::to_string(c + 1) + ". Due to, '" + cell +
                                    "' is not a valid value for the type " + std::string(SoapType(columns[c]->type)),
                                {columns[c]->name}, true});
      }
      body[columns[c]->name] = std::move(value);
    }
    SaveResult result;
    if (job.operation == "insert") {
      result = saver.Create(object, body);
    } else if (job.operation == "update") {
      if (id.empty()) return failed(SaveError{400, "MISSING_ARGUMENT", "Id not specified in an update call", {}, true});
      result = saver.Update(object, id, body);
    } else if (job.operation == "delete") {
      if (id.empty()) return failed(SaveError{400, "MISSING_ARGUMENT", "Id not specified in a delete call", {}, true});
      result = saver.Delete(&object, id);
    } else {
      const FieldDef* key = object.FindField(job.external_id_field);
      result = saver.Upsert(object, *key, key_value, body, false);
      if (!result.matches.empty()) {
        return failed(SaveError{400, "DUPLICATE_EXTERNAL_ID",
                                key->name + ": more than one record found for external id field: " +
                                    result.matches[0] + ", " + result.matches[1],
                                {}, true});
      }
    }
    if (!result.success()) return failed(result.errors.front());
    outcome.ok = true;
    outcome.id = result.id;
    outcome.created = result.created;
    return outcome;
  }

  // Puts the results in the configured order (never promised to be the input's, F7).
  void Order(const IngestJob& job, std::vector<Outcome>* outcomes) const {
    switch (options_.result_order) {
      case ResultOrder::kInput:
        return;
      case ResultOrder::kReversed:
        std::reverse(outcomes->begin(), outcomes->end());
        return;
      case ResultOrder::kShuffled: {
        Rng rng(options_.seed * 0x9E3779B97F4A7C15ull + job.counter);
        for (size_t i = outcomes->size(); i > 1; --i) std::swap((*outcomes)[i - 1], (*outcomes)[rng.Below(i)]);
        return;
      }
    }
  }

  Org* org_;
  const EmulatorClock* clock_;
  const IngestOptions options_;
  std::map<std::string, IngestJob> jobs_;
  std::vector<std::string> order_;
  uint64_t next_counter_ = kFirstJobCounter;
};

}  // namespace

void AddBulkIngestRoutes(Router* router, Org* org, const EmulatorClock* clock, IngestOptions options) {
  auto jobs = std::make_shared<BulkIngest>(org, clock, options);
  const std::string base = "/services/data/{version}/jobs/ingest";
  router->Add("POST", base, [jobs](const HttpRequest& r, const PathParams& p) { return jobs->Create(r, p); });
  router->Add("GET", base, [jobs](const HttpRequest&, const PathParams& p) { return jobs->List(p); });
  router->Add("GET", base + "/{id}", [jobs](const HttpRequest&, const PathParams& p) { return jobs->Info(p); });
  router->Add("PATCH", base + "/{id}",
              [jobs](const HttpRequest& r, const PathParams& p) { return jobs->ChangeState(r, p); });
  router->Add("DELETE", base + "/{id}", [jobs](const HttpRequest&, const PathParams& p) { return jobs->Delete(p); });
  router->Add("PUT", base + "/{id}/batches",
              [jobs](const HttpRequest& r, const PathParams& p) { return jobs->Upload(r, p); });
  router->Add("GET", base + "/{id}/successfulResults", [jobs](const HttpRequest&, const PathParams& p) {
    return jobs->Results(p, BulkIngest::Kind::kSuccessful);
  });
  router->Add("GET", base + "/{id}/failedResults", [jobs](const HttpRequest&, const PathParams& p) {
    return jobs->Results(p, BulkIngest::Kind::kFailed);
  });
  router->Add("GET", base + "/{id}/unprocessedrecords", [jobs](const HttpRequest&, const PathParams& p) {
    return jobs->Results(p, BulkIngest::Kind::kUnprocessed);
  });
}

}  // namespace sfsync::emulator
