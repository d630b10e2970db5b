#include "tests/emulator/api/emulator.h"

#include <algorithm>
#include <charconv>

#include "tests/emulator/api/bulk_ingest.h"
#include "tests/emulator/api/bulk_jobs.h"
#include "tests/emulator/api/collections.h"
#include "tests/emulator/api/composite.h"
#include "tests/emulator/api/composite_graph.h"
#include "tests/emulator/api/describe_writer.h"
#include "tests/emulator/api/limits.h"
#include "tests/emulator/api/oauth_admin.h"
#include "tests/emulator/api/replication.h"
#include "tests/emulator/api/resource_directory.h"
#include "tests/emulator/api/rest_error.h"
#include "tests/emulator/api/sobject_rows.h"
#include "tests/emulator/faults/fault_admin.h"
#include "tests/emulator/json_writer.h"
#include "tests/emulator/time_util.h"

namespace sfsync::emulator {
namespace {

constexpr int kOldestApiVersion = 31;
constexpr int kNewestApiVersion = 66;

std::string VersionLabel(int major) {
  static constexpr std::string_view kSeasons[] = {"Summer", "Winter", "Spring"};
  int step = major - kOldestApiVersion;
  int year = 14 + (step + 2) / 3;
  // v42.0's label has a typographic apostrophe in real orgs (versions_services_data.json).
  std::string_view apostrophe = major == 42 ? "\u2019" : "'";
  std::string label(kSeasons[step % 3]);
  label += " ";
  label += apostrophe;
  label += std::to_string(year);
  return label;
}

// `Sforce-Query-Options: batchSize=N` (other options may follow, comma-separated).
std::optional<int> BatchSize(const HttpRequest& request) {
  std::optional<std::string_view> options = request.headers.Get("Sforce-Query-Options");
  if (!options) return std::nullopt;
  size_t at = options->find("batchSize=");
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view digits = options->substr(at + 10);
  int size = 0;
  auto parsed = std::from_chars(digits.data(), digits.data() + digits.size(), size);
  if (parsed.ec != std::errc()) return std::nullopt;
  return size;
}

HttpResponse QueryResponse(QueryService::Result result) {
  if (const RestError* error = std::get_if<RestError>(&result)) return RestErrorResponse(*error);
  return JsonResponse(200, std::move(std::get<std::string>(result)));
}

OAuthConfig MakeOAuthConfig(const EmulatorConfig& config, const Seeder& seeder) {
  OAuthConfig oauth;
  oauth.client_id = config.client_id;
  oauth.client_secret = config.client_secret;
  oauth.refresh_token = config.refresh_token;
  oauth.rotate_refresh_tokens = config.rotate_refresh_tokens;
  oauth.session_timeout_ms = config.session_timeout_s * 1000;
  oauth.org_id = seeder.org_id();
  oauth.user_id = seeder.integration_user_id();
  oauth.app_scopes = config.app_scopes;
  oauth.callback_urls = config.callback_urls;
  oauth.web_server_secret_required = config.web_server_secret_required;
  oauth.refresh_secret_required = config.refresh_secret_required;
  oauth.jwt_cert_file = config.jwt_cert_file;
  oauth.jwt_max_exp_ahead_s = config.jwt_max_exp_ahead_s;
  oauth.jwt_preauthorized = config.jwt_preauthorized;
  oauth.authorize_user = config.authorize_user;
  oauth.deny_authorization = config.deny_authorization;
  oauth.client_credentials_user = config.client_credentials_user;
  oauth.device_interval_s = config.device_interval_s;
  oauth.device_code_ttl_s = config.device_code_ttl_s;
  return oauth;
}

}  // namespace

bool IsSupportedApiVersion(std::string_view version) {
  if (version.size() < 5 || version[0] != 'v' || version.substr(version.size() - 2) != ".0") {
    return false;
  }
  int major = 0;
  std::string_view digits = version.substr(1, version.size() - 3);
  auto parsed = std::from_chars(digits.data(), digits.data() + digits.size(), major);
  return parsed.ec == std::errc() && parsed.ptr == digits.data() + digits.size() && major >= kOldestApiVersion &&
         major <= kNewestApiVersion;
}

Emulator::Emulator(const EmulatorConfig& config)
    : config_(config),
      clock_(config.clock_start_ms, config.freeze_clock),
      faults_(config.fault_seed.value_or(config.seed)) {}

std::unique_ptr<Emulator> Emulator::Create(const EmulatorConfig& config, std::string* error) {
  std::unique_ptr<Emulator> emulator(new Emulator(config));
  Emulator& e = *emulator;
  Org& org = e.org_;
  org.schema = MakeStandardSchema();
  org.store = OrgStore::Open(org.schema.get(), error);
  if (!org.store) return nullptr;
  org.seeder = std::make_unique<Seeder>(org.store.get(), config.seed);
  if (!org.seeder->SeedOrg(config.rows, e.clock_.NowMillis(), error)) return nullptr;
  org.queries = std::make_unique<QueryService>(
      org.store.get(), &e.clock_,
      QueryLimits{config.max_page_size, config.cursor_ttl_s * 1000, config.max_cursors, config.one_long_text_page,
                  config.many_long_text_page, config.wide_row_bytes},
      config.number_style, config.seed);
  org.schema_modified_ms = e.clock_.NowMillisFloorSecond();

  e.oauth_ = OAuthService::Create(MakeOAuthConfig(config, *org.seeder), &org, &e.clock_, error);
  if (!e.oauth_) return nullptr;
  e.admin_ = std::make_unique<AdminApi>(&org, &e.clock_, e.oauth_.get(), &e.stats_);
  AddOAuthAdminRoutes(e.admin_.get(), e.oauth_.get());
  AddFaultAdminRoutes(e.admin_.get(), &e.faults_);
  for (const std::string& text : config.faults) {
    std::optional<FaultSpec> spec = ParseFaultSpec(text, error);
    if (!spec) return nullptr;
    e.faults_.Add(std::move(*spec));
  }

  e.rest_.Add("GET", "/services/data/{version}/sobjects",
              [&e](const HttpRequest& r, const PathParams& p) { return e.GlobalDescribe(r, p); });
  e.rest_.Add("GET", "/services/data/{version}/sobjects/{object}/describe",
              [&e](const HttpRequest& r, const PathParams& p) { return e.Describe(r, p); });
  AddReplicationRoutes(&e.rest_, &e.org_, &e.clock_,
                       {.id_limit = config.replication_id_limit, .delete_horizon = config.delete_horizon});
  AddSObjectRowRoutes(&e.rest_, &e.org_, &e.clock_);
  AddCollectionRoutes(&e.rest_, &e.org_, &e.clock_);
  AddCompositeGraphRoutes(&e.rest_, &e.org_, &e.clock_);
  // Subrequests go to the same handlers, on the composite's session, counted once (composite.h).
  e.rest_.Add("POST", "/services/data/{version}/composite", [&e](const HttpRequest& r, const PathParams&) {
    return RunComposite(r, [&e](const HttpRequest& sub) { return e.Dispatch(sub, nullptr); });
  });
  AddBulkJobRoutes(
      &e.rest_, &e.org_, &e.clock_,
      BulkOptions{config.bulk_job_polls, config.bulk_job_seconds * 1000, config.bulk_quote_nulls, config.number_style});
  AddBulkIngestRoutes(&e.rest_, &e.org_, &e.clock_,
                      IngestOptions{BulkOptions{config.bulk_job_polls, config.bulk_job_seconds * 1000,
                                                config.bulk_quote_nulls, config.number_style},
                                    config.bulk_result_order == "input"      ? ResultOrder::kInput
                                    : config.bulk_result_order == "reversed" ? ResultOrder::kReversed
                                                                             : ResultOrder::kShuffled,
                                    config.seed});
  e.rest_.Add("GET", "/services/data/{version}/query",
              [&e](const HttpRequest& r, const PathParams& p) { return e.Query(r, p, false); });
  e.rest_.Add("GET", "/services/data/{version}/queryAll",
              [&e](const HttpRequest& r, const PathParams& p) { return e.Query(r, p, true); });
  // nextRecordsUrl always uses /query/ (protocol §2.1); /queryAll/{locator} is accepted too.
  e.rest_.Add("GET", "/services/data/{version}/query/{locator}",
              [&e](const HttpRequest& r, const PathParams& p) { return e.QueryMore(r, p); });
  e.rest_.Add("GET", "/services/data/{version}/queryAll/{locator}",
              [&e](const HttpRequest& r, const PathParams& p) { return e.QueryMore(r, p); });
  e.rest_.Add("GET", "/services/data/{version}/limits",
              [&e](const HttpRequest&, const PathParams&) { return e.Limits(); });
  e.rest_.Add("GET", "/services/data/{version}",
              [&e](const HttpRequest& r, const PathParams& p) { return e.ResourceDirectory(r, p); });
  return emulator;
}

void Emulator::SetUrls(std::string login_url, std::string my_domain_url) {
  oauth_->SetUrls(login_url, my_domain_url);
  std::lock_guard<std::mutex> lock(base_url_mu_);
  base_url_ = std::move(my_domain_url);
}

HttpResponse Emulator::HandleOn(Host host, const HttpRequest& request) {
  const std::string& path = request.path;
  if (path == "/__emulator" || path.starts_with("/__emulator/")) return admin_->Handle(request);
  FaultInjector::Decision fault = faults_.Decide(request.method, path);
  if (fault.fired == 0) return Route(host, request);
  stats_.faults_injected += fault.fired;
  return InjectFault(fault, host, request);
}

HttpResponse Emulator::Route(Host host, const HttpRequest& request) {
  const std::string& path = request.path;
  if (OAuthService::Serves(path)) {
    if (path == "/services/oauth2/token" || path == "/services/oauth2/token/") ++stats_.token_requests;
    return oauth_->Handle(host, request);
  }
  if (path == "/services/data" || path == "/services/data/") {
    if (request.method != "GET" && request.method != "HEAD") {
      return RestErrorResponse(
          {405, "METHOD_NOT_ALLOWED", "HTTP Method '" + request.method + "' not allowed. Allowed are GET,HEAD"});
    }
    return Versions();
  }
  if (path.starts_with("/services/data/")) return Rest(host, request);
  return RestErrorResponse(NotFoundError());
}

HttpResponse Emulator::Rest(Host host, const HttpRequest& request, const Router::Handler* instead) {
  // Sessions live on the org's instance: the login host does not know them (⚠ README).
  if (host == Host::kLogin) return RestErrorResponse(InvalidSessionError());
  switch (oauth_->AuthorizeRest(request.headers.Get("Authorization"))) {
    case OAuthService::RestAccess::kGranted:
      break;
    case OAuthService::RestAccess::kInvalidSession:
      return RestErrorResponse(InvalidSessionError());
    case OAuthService::RestAccess::kNoApiScope:
      return RestErrorResponse(NoApiScopeError());
  }
  int64_t used;
  {
    std::lock_guard<std::mutex> lock(usage_mu_);
    if (api_used_ >= config_.api_quota) {
      HttpResponse spent = RestErrorResponse(RequestLimitError());
      spent.headers.Set("Sforce-Limit-Info",
                        "api-usage=" + std::to_string(api_used_) + "/" + std::to_string(config_.api_quota));
      return spent;
    }
    used = ++api_used_;
  }
  ++stats_.api_calls;
  HttpResponse response = Dispatch(request, instead);
  response.headers.Set("Sforce-Limit-Info",
                       "api-usage=" + std::to_string(used) + "/" + std::to_string(config_.api_quota));
  return response;
}

HttpResponse Emulator::Dispatch(const HttpRequest& request, const Router::Handler* instead) {
  HttpResponse response;
  std::vector<std::string> segments = PathSegments(request.path);
  std::string method = request.method == "HEAD" ? "GET" : request.method;
  Router::Match match = rest_.Find(method, request.path);
  if (segments.size() < 3 || !IsSupportedApiVersion(segments[2])) {
    response = RestErrorResponse(NotFoundError());
  } else if (instead != nullptr) {
    response = (*instead)(request, match.params);
  } else if (match.handler != nullptr) {
    response = (*match.handler)(request, match.params);
  } else if (!match.allowed_methods.empty()) {
    std::vector<std::string> allowed = match.allowed_methods;
    if (std::find(allowed.begin(), allowed.end(), "GET") != allowed.end()) allowed.push_back("HEAD");
    std::string listed, header;
    for (const std::string& m : allowed) {
      listed += (listed.empty() ? "" : ",") + m;
      header += (header.empty() ? "" : ", ") + m;
    }
    response = RestErrorResponse(
        {405, "METHOD_NOT_ALLOWED", "HTTP Method '" + request.method + "' not allowed. Allowed are " + listed});
    response.headers.Set("Allow", header);
  } else {
    response = RestErrorResponse(NotFoundError());
  }
  return response;
}

HttpResponse Emulator::Versions() const {
  std::string body;
  JsonWriter json(&body);
  json.BeginArray();
  for (int major = kOldestApiVersion; major <= kNewestApiVersion; ++major) {
    std::string version = std::to_string(major) + ".0";
    json.BeginObject();
    json.Key("label");
    json.String(VersionLabel(major));
    json.Key("url");
    json.String("/services/data/v" + version);
    json.Key("version");
    json.String(version);
    json.EndObject();
  }
  json.EndArray();
  return JsonResponse(200, std::move(body));
}

std::optional<HttpResponse> Emulator::NotModified(const HttpRequest& request) const {
  std::optional<std::string_view> since = request.headers.Get("If-Modified-Since");
  int64_t since_ms;
  if (!since || !ParseHttpDate(*since, &since_ms) || since_ms < org_.schema_modified_ms) {
    return std::nullopt;
  }
  HttpResponse response;
  response.status = 304;
  return response;
}

HttpResponse Emulator::GlobalDescribe(const HttpRequest& request, const PathParams& params) {
  ++stats_.describe_requests;
  std::lock_guard<std::mutex> org_lock(org_.mu);  // admin schema changes replace definitions
  if (std::optional<HttpResponse> not_modified = NotModified(request)) return *not_modified;
  HttpResponse response = JsonResponse(200, GlobalDescribeJson(*org_.schema, params.at("version")));
  response.headers.Set("Last-Modified", FormatHttpDate(org_.schema_modified_ms));
  return response;
}

HttpResponse Emulator::Describe(const HttpRequest& request, const PathParams& params) {
  ++stats_.describe_requests;
  std::lock_guard<std::mutex> org_lock(org_.mu);  // admin schema changes replace definitions
  const ObjectDef* object = org_.schema->Find(params.at("object"));
  if (object == nullptr) return RestErrorResponse(NotFoundError());
  if (std::optional<HttpResponse> not_modified = NotModified(request)) return *not_modified;
  std::string base_url;
  {
    std::lock_guard<std::mutex> lock(base_url_mu_);
    base_url = base_url_;
  }
  HttpResponse response = JsonResponse(200, SObjectDescribeJson(*org_.schema, *object, params.at("version"), base_url));
  response.headers.Set("Last-Modified", FormatHttpDate(org_.schema_modified_ms));
  return response;
}

HttpResponse Emulator::Query(const HttpRequest& request, const PathParams& params, bool include_deleted, bool stuck) {
  ++stats_.query_requests;
  std::map<std::string, std::string> form = ParseForm(request.query);
  auto q = form.find("q");
  if (q == form.end() || q->second.empty()) {
    return RestErrorResponse({400, "MALFORMED_QUERY", "A query string has to be specified"});
  }
  std::lock_guard<std::mutex> lock(org_.mu);
  const std::string& version = params.at("version");
  return QueryResponse(stuck ? org_.queries->RunStuck(q->second, include_deleted, version, BatchSize(request))
                             : org_.queries->Run(q->second, include_deleted, version, BatchSize(request)));
}

HttpResponse Emulator::QueryMore(const HttpRequest& request, const PathParams& params, bool stuck) {
  ++stats_.query_more_requests;
  std::lock_guard<std::mutex> lock(org_.mu);
  const std::string& locator = params.at("locator");
  const std::string& version = params.at("version");
  return QueryResponse(stuck ? org_.queries->Stick(locator, version)
                             : org_.queries->More(locator, version, BatchSize(request)));
}

// The identity URL here is on the org's My Domain, as in Salesforce's example ("identity" :
// "https://MyDomainName.my.salesforce.com/id/00D.../005..."), not on the login host the token
// response's `id` names (§1.3).
HttpResponse Emulator::ResourceDirectory(const HttpRequest& request, const PathParams& params) {
  std::optional<std::string> user_id = oauth_->SessionUserId(request.headers.Get("Authorization"));
  if (!user_id) return RestErrorResponse(InvalidSessionError());  // Rest() authenticated it already
  std::string identity_url;
  {
    std::lock_guard<std::mutex> lock(base_url_mu_);
    identity_url = base_url_ + "/id/" + org_.seeder->org_id() + "/" + *user_id;
  }
  return JsonResponse(200, ResourceDirectoryJson(params.at("version"), identity_url));
}

HttpResponse Emulator::Limits() {
  std::lock_guard<std::mutex> lock(usage_mu_);
  return JsonResponse(200, LimitsJson(config_.api_quota, api_used_));
}

}  // namespace sfsync::emulator
