#include "tests/emulator/api/bulk_jobs.h"

#include <cctype>
#include <charconv>
#include <map>
#include <nlohmann/json.hpp>
#include <vector>

#include "tests/emulator/api/csv_writer.h"
#include "tests/emulator/api/sobject_rows.h"
#include "tests/emulator/base64.h"
#include "tests/emulator/salesforce_id.h"
#include "tests/emulator/soql/parser.h"
#include "tests/emulator/time_util.h"

namespace sfsync::emulator {
namespace {

using Json = nlohmann::ordered_json;

constexpr int kBulkQueryVersion = 47;  // Bulk API 2.0 query jobs exist from v47.0
constexpr int64_t kDefaultMaxRecords = 50'000;
constexpr uint64_t kFirstJobCounter = 1'000'000'000;

enum class JobState { kUploadComplete, kInProgress, kJobComplete, kFailed, kAborted };

std::string_view StateName(JobState state) {
  switch (state) {
    case JobState::kUploadComplete:
      return "UploadComplete";
    case JobState::kInProgress:
      return "InProgress";
    case JobState::kJobComplete:
      return "JobComplete";
    case JobState::kFailed:
      return "Failed";
    case JobState::kAborted:
      return "Aborted";
  }
  return "";
}

// The status word of a 412 (protocol §7.4): UPLOAD_COMPLETE, IN_PROGRESS, ...
std::string StatusWord(JobState state) {
  std::string word;
  for (char c : StateName(state)) {
    if (std::isupper(static_cast<unsigned char>(c)) && !word.empty()) word.push_back('_');
    word.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return word;
}

bool Terminal(JobState state) {
  return state == JobState::kJobComplete || state == JobState::kFailed || state == JobState::kAborted;
}

}  // namespace

HttpResponse BulkError(int status, std::string_view code, std::string_view message) {
  std::string body;
  JsonWriter json(&body);
  json.BeginArray();
  json.BeginObject();
  json.Key("errorCode");
  json.String(code);
  json.Key("message");
  json.String(message);
  json.EndObject();
  json.EndArray();
  return JsonResponse(status, std::move(body));
}

const std::map<std::string, char, std::less<>> kDelimiters = {{"COMMA", ','},     {"TAB", '\t'},  {"PIPE", '|'},
                                                              {"SEMICOLON", ';'}, {"CARET", '^'}, {"BACKQUOTE", '`'}};

std::optional<char> BulkDelimiter(std::string_view name) {
  auto it = kDelimiters.find(name);
  if (it == kDelimiters.end()) return std::nullopt;
  return it->second;
}

namespace {

HttpResponse NotFound() { return BulkError(404, "NOT_FOUND", "The requested resource does not exist"); }

// The first node kind Bulk cannot select, if any.
std::optional<std::string_view> Unsupported(const std::vector<OutputNode>& nodes) {
  for (const OutputNode& node : nodes) {
    switch (node.kind) {
      case OutputNode::Kind::kAddress:
      case OutputNode::Kind::kLocation:
        return "Selecting compound data not supported in Bulk Query";
      case OutputNode::Kind::kBlob:
        return "Binary (base64) fields are not supported in Bulk Query";
      case OutputNode::Kind::kSubquery:
        return "Aggregate Relationships not supported in Bulk Query";
      case OutputNode::Kind::kRelationship:
        if (std::optional<std::string_view> inner = Unsupported(node.children)) return inner;
        break;
      default:
        break;
    }
  }
  return std::nullopt;
}

// Locators are opaque: base64 of the next offset without padding, like Salesforce's `MTAwMDA`.
std::string Locator(size_t offset) {
  std::string encoded = Base64Encode(std::to_string(offset));
  while (!encoded.empty() && encoded.back() == '=') encoded.pop_back();
  return encoded;
}

std::optional<size_t> ParseLocator(std::string locator) {
  while (locator.size() % 4 != 0) locator.push_back('=');
  std::optional<std::string> text = Base64Decode(locator);
  size_t offset = 0;
  if (!text || text->empty() ||
      std::from_chars(text->data(), text->data() + text->size(), offset).ptr != text->data() + text->size()) {
    return std::nullopt;
  }
  return offset;
}

struct Job {
  std::string id;
  std::string operation;
  std::string object;
  std::string soql;
  std::string created_by;
  std::string api_version;  // "60.0"
  std::string line_ending;  // LF | CRLF
  std::string delimiter;    // COMMA, ...
  int64_t created_ms = 0;
  int64_t modstamp_ms = 0;
  JobState state = JobState::kUploadComplete;
  int polls = 0;
  std::string error_message;
  int64_t processing_ms = 0;
  // JobComplete: the header line, the records' lines, and where each record starts.
  std::string header;
  std::string csv;
  std::vector<size_t> starts;
};

enum class InfoShape { kCreate, kList, kFull };

void WriteInfo(JsonWriter* json, const Job& job, InfoShape shape) {
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
  key("concurrencyMode", "Parallel");
  key("contentType", "CSV");
  json->Key("apiVersion");
  json->Raw(job.api_version);  // a JSON number, 60.0
  if (shape != InfoShape::kCreate) key("jobType", "V2Query");
  key("lineEnding", job.line_ending);
  key("columnDelimiter", job.delimiter);
  if (shape == InfoShape::kFull) {
    json->Key("numberRecordsProcessed");
    json->Int(static_cast<int64_t>(job.starts.size()));
    json->Key("retries");
    json->Int(0);
    json->Key("totalProcessingTime");
    json->Int(job.processing_ms);
    json->Key("isPkChunkingSupported");
    json->Bool(true);
    if (job.state == JobState::kFailed) key("errorMessage", job.error_message);
  }
  json->EndObject();
}

class BulkJobs {
 public:
  BulkJobs(Org* org, const EmulatorClock* clock, BulkOptions options) : org_(org), clock_(clock), options_(options) {}

  HttpResponse Create(const HttpRequest& request, const PathParams& params) {
    if (ApiMajorVersion(params.at("version")) < kBulkQueryVersion) return NotFound();
    Json body = Json::parse(request.body, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded() || !body.is_object())
      return BulkError(400, "JSON_PARSER_ERROR", "The request body must be a JSON object");
    std::string operation = body.value("operation", "");
    if (operation != "query" && operation != "queryAll") {
      return BulkError(400, "INVALIDJOB", "operation must be query or queryAll, got '" + operation + "'");
    }
    if (!body.contains("query") || !body["query"].is_string()) return BulkError(400, "INVALIDJOB", "query is required");
    if (body.value("contentType", "CSV") != "CSV") return BulkError(400, "INVALIDJOB", "contentType must be CSV");
    std::string delimiter = body.value("columnDelimiter", "COMMA");
    std::string line_ending = body.value("lineEnding", "LF");
    if (!kDelimiters.contains(delimiter)) return BulkError(400, "INVALIDJOB", "Invalid columnDelimiter: " + delimiter);
    if (line_ending != "LF" && line_ending != "CRLF")
      return BulkError(400, "INVALIDJOB", "Invalid lineEnding: " + line_ending);

    std::lock_guard<std::mutex> lock(org_->mu);
    Job job;
    job.soql = body["query"].get<std::string>();
    job.operation = operation;
    std::optional<CompiledQuery> plan;
    if (std::optional<Refusal> refused = Compile(job, &plan)) return BulkError(400, refused->code, refused->message);
    job.id = MakeId("750", next_counter_++);
    job.object = plan->object->name;
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

  HttpResponse List(const PathParams& params) {
    if (ApiMajorVersion(params.at("version")) < kBulkQueryVersion) return NotFound();
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
    Job* job = Find(params);
    if (job == nullptr) return NotFound();
    Advance(job, /*poll=*/true);
    std::string out;
    JsonWriter json(&out);
    WriteInfo(&json, *job, InfoShape::kFull);
    return JsonResponse(200, std::move(out));
  }

  HttpResponse Abort(const HttpRequest& request, const PathParams& params) {
    Json body = Json::parse(request.body, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded() || !body.is_object() || body.value("state", "") != "Aborted") {
      return BulkError(400, "INVALIDJOBSTATE", "A query job can only be changed to the state Aborted");
    }
    std::lock_guard<std::mutex> lock(org_->mu);
    Job* job = Find(params);
    if (job == nullptr) return NotFound();
    Advance(job, /*poll=*/false);
    if (Terminal(job->state)) {
      return BulkError(400, "INVALIDJOBSTATE", "Job is already " + std::string(StateName(job->state)));
    }
    job->state = JobState::kAborted;
    job->modstamp_ms = clock_->NowMillisFloorSecond();
    std::string out;
    JsonWriter json(&out);
    WriteInfo(&json, *job, InfoShape::kCreate);
    return JsonResponse(200, std::move(out));
  }

  HttpResponse Delete(const PathParams& params) {
    std::lock_guard<std::mutex> lock(org_->mu);
    Job* job = Find(params);
    if (job == nullptr) return NotFound();
    Advance(job, /*poll=*/false);
    if (job->state == JobState::kInProgress) {
      return BulkError(400, "INVALIDJOBSTATE", "An InProgress job cannot be deleted; abort it first");
    }
    std::erase(order_, job->id);
    jobs_.erase(job->id);
    return NoContentResponse();
  }

  HttpResponse Results(const HttpRequest& request, const PathParams& params) {
    std::lock_guard<std::mutex> lock(org_->mu);
    Job* job = Find(params);
    if (job == nullptr) return NotFound();
    if (params.at("version").substr(1) != job->api_version) {
      return BulkError(
          409, "API_VERSION_MISMATCH",
          "This job was created with API version " + job->api_version + "; request its results with the same version");
    }
    Advance(job, /*poll=*/false);
    if (job->state != JobState::kJobComplete) {
      return BulkError(412, "JOB_NOT_COMPLETE",
                       "can only download query results of successfully completed bulk job with status: "
                       "JOB_COMPLETE. Current status: " +
                           StatusWord(job->state));
    }
    std::map<std::string, std::string> query = ParseForm(request.query);
    size_t offset = 0;
    if (query.contains("locator")) {
      std::optional<size_t> parsed = ParseLocator(query["locator"]);
      if (!parsed || *parsed > job->starts.size())
        return BulkError(400, "INVALID_QUERY_LOCATOR", "invalid locator: " + query["locator"]);
      offset = *parsed;
    }
    int64_t max_records = kDefaultMaxRecords;
    if (query.contains("maxRecords")) {
      const std::string& text = query["maxRecords"];
      if (std::from_chars(text.data(), text.data() + text.size(), max_records).ptr != text.data() + text.size() ||
          max_records < 1) {
        return BulkError(400, "INVALIDJOB", "maxRecords must be a positive integer: " + text);
      }
    }
    size_t count = std::min(static_cast<size_t>(max_records), job->starts.size() - offset);
    size_t begin = offset < job->starts.size() ? job->starts[offset] : job->csv.size();
    size_t end = offset + count < job->starts.size() ? job->starts[offset + count] : job->csv.size();
    HttpResponse response;
    response.headers.Set("Content-Type", "text/csv");
    response.headers.Set("Sforce-NumberOfRecords", std::to_string(count));
    response.headers.Set("Sforce-Locator", offset + count < job->starts.size() ? Locator(offset + count) : "null");
    response.body.reserve(job->header.size() + end - begin);
    response.body = job->header;
    response.body.append(job->csv, begin, end - begin);
    return response;
  }

 private:
  Job* Find(const PathParams& params) {
    auto it = jobs_.find(params.at("id"));
    return it == jobs_.end() ? nullptr : &it->second;
  }

  struct Refusal {
    std::string code;
    std::string message;
  };

  // Compiles the job's SOQL; why Salesforce would refuse it, if it would.
  std::optional<Refusal> Compile(const Job& job, std::optional<CompiledQuery>* plan) {
    SoqlError error;
    std::optional<SoqlQuery> parsed = ParseSoql(job.soql, &error);
    if (parsed) *plan = CompileSoql(*parsed, *org_->schema, job.operation == "queryAll", &error);
    if (!parsed || !*plan) return Refusal{error.error_code, FormatSoqlMessage(job.soql, error)};
    if ((*plan)->aggregate || (*plan)->count_only) {
      return Refusal{"FUNCTIONALITY_NOT_ENABLED", "Aggregate queries are not supported in Bulk Query"};
    }
    if (std::optional<std::string_view> why = Unsupported((*plan)->output)) {
      return Refusal{"FUNCTIONALITY_NOT_ENABLED", std::string(*why)};
    }
    return std::nullopt;
  }

  // Moves the job along its state machine (see the header); a poll counts toward completion.
  void Advance(Job* job, bool poll) {
    if (Terminal(job->state)) return;
    int64_t now = clock_->NowMillisFloorSecond();
    if (poll) ++job->polls;
    bool due = job->polls >= options_.complete_after_polls ||
               (options_.complete_after_ms > 0 && now >= job->created_ms + options_.complete_after_ms);
    if (!due) {
      if (job->polls > 0 && job->state != JobState::kInProgress) {
        job->state = JobState::kInProgress;
        job->modstamp_ms = now;
      }
      return;
    }
    Run(job);
    job->modstamp_ms = now;
    job->processing_ms = now - job->created_ms;
  }

  // Runs the query and keeps its result as CSV, or fails the job.
  void Run(Job* job) {
    std::optional<CompiledQuery> plan;
    if (std::optional<Refusal> refused = Compile(*job, &plan)) {  // the schema changed since
      job->state = JobState::kFailed;
      job->error_message = refused->code + " : " + refused->message;
      return;
    }
    sqlite3* db = org_->store->db();
    Statement match(db, plan->match_sql);
    Statement row(db, plan->row_sql);
    for (size_t i = 0; i < plan->match_params.size(); ++i) match.Bind(static_cast<int>(i) + 1, plan->match_params[i]);
    CsvFormat format;
    format.delimiter = kDelimiters.at(job->delimiter);
    format.line_ending = job->line_ending == "CRLF" ? "\r\n" : "\n";
    format.quote_nulls = options_.quote_nulls;
    format.number_style = options_.number_style;
    AppendCsvHeader(&job->header, *plan, format);
    while (match.Step() == SQLITE_ROW) {
      row.Bind(1, sqlite3_column_int64(match.get(), 0));
      if (row.Step() == SQLITE_ROW) {
        job->starts.push_back(job->csv.size());
        AppendCsvRecord(&job->csv, *plan, row.get(), format);
      }
      row.Reset();
    }
    job->state = JobState::kJobComplete;
  }

  Org* org_;
  const EmulatorClock* clock_;
  BulkOptions options_;
  std::map<std::string, Job> jobs_;
  std::vector<std::string> order_;  // creation order, for the list
  uint64_t next_counter_ = kFirstJobCounter;
};

}  // namespace

void AddBulkJobRoutes(Router* router, Org* org, const EmulatorClock* clock, BulkOptions options) {
  auto jobs = std::make_shared<BulkJobs>(org, clock, options);
  const std::string base = "/services/data/{version}/jobs/query";
  router->Add("POST", base, [jobs](const HttpRequest& r, const PathParams& p) { return jobs->Create(r, p); });
  router->Add("GET", base, [jobs](const HttpRequest&, const PathParams& p) { return jobs->List(p); });
  router->Add("GET", base + "/{id}", [jobs](const HttpRequest&, const PathParams& p) { return jobs->Info(p); });
  router->Add("PATCH", base + "/{id}", [jobs](const HttpRequest& r, const PathParams& p) { return jobs->Abort(r, p); });
  router->Add("DELETE", base + "/{id}", [jobs](const HttpRequest&, const PathParams& p) { return jobs->Delete(p); });
  router->Add("GET", base + "/{id}/results",
              [jobs](const HttpRequest& r, const PathParams& p) { return jobs->Results(r, p); });
}

}  // namespace sfsync::emulator
