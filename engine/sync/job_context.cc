#include "engine/sync/job_context.h"

#include "engine/sync/job_store.h"

#include <algorithm>
#include <cctype>
#include <optional>

#include "engine/core/log.h"

namespace sfsync::sync {
namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

salesforce::OAuthSettings ToOAuthSettings(const config::Job& job) {
  const config::ConnectionConfig& c = job.connection;
  salesforce::OAuthSettings s;
  s.login_url = c.login_url;
  s.flow = c.auth.flow;
  s.client_id = c.auth.client_id;
  s.client_secret = c.auth.client_secret;
  s.refresh_token = c.auth.refresh_token;
  s.username = c.auth.username;
  s.private_key_file = c.auth.private_key_file;
  s.private_key_passphrase = c.auth.private_key_passphrase;
  s.scopes = c.auth.scopes;
  s.redirect_uri = c.auth.redirect_uri;
  s.session_timeout_seconds = c.auth.session_timeout_seconds;
  s.state_dir = job.state_dir;
  return s;
}

JobContext::JobContext(const config::Job& job, salesforce::HttpTransport* transport, Clock* clock)
    : job_(job), transport_(transport), clock_(clock) {}

Status JobContext::Authenticate() {
  SFSYNC_ASSIGN_OR_RETURN(tokens_, salesforce::NewTokenProvider(ToOAuthSettings(job_), transport_, clock_));
  SFSYNC_ASSIGN_OR_RETURN(salesforce::Session session, tokens_->Current());
  SFSYNC_LOG(kInfo, "authenticated ({} flow); instance {}", job_.connection.auth.flow, session.instance_url);
  org_id_ = OrgIdFromIdentityUrl(session.id_url);
  rest_options_.api_version = job_.connection.api_version;
  rest_options_.max_attempts = job_.connection.max_attempts;
  rest_options_.gate = std::make_shared<salesforce::RequestGate>(std::max(1, job_.connection.max_concurrent_requests));
  rest_options_.budget = std::make_shared<salesforce::CallBudget>(job_.max_api_calls, job_.max_percent_of_daily);
  client_ = NewClient();
  return Status::Ok();
}

std::unique_ptr<salesforce::RestClient> JobContext::NewClient() const {
  auto client = std::make_unique<salesforce::RestClient>(transport_, tokens_.get(), clock_, rest_options_);
  if (client_ != nullptr) client->SeedServerDate(client_->server_info().server_date_millis);
  return client;
}

Status JobContext::OpenStore() {
  SFSYNC_ASSIGN_OR_RETURN(JobStore opened, OpenJobStore(job_));
  lock_ = std::move(opened.lock);
  store_ = std::move(opened.store);
  return Status::Ok();
}

StatusOr<salesforce::SObjectInfo> JobContext::Describe(const std::string& table, const std::string& object) {
  auto it = describes_.find(object);
  if (it == describes_.end()) {
    SFSYNC_ASSIGN_OR_RETURN(Described described, DescribeForTable(table, object));
    it = describes_.emplace(object, std::move(described)).first;
  } else if (!current_.contains({Lower(table), object})) {
    // Described already in this run for another table: bring this table's cache up to date too, so
    // its next run can describe conditionally.
    StatusOr<store::CachedDescribe> mine = store_->LoadDescribe(table, object);
    if (!mine.ok() || mine->last_modified_millis == 0 ||
        mine->last_modified_millis != it->second.cached.last_modified_millis) {
      SFSYNC_RETURN_IF_ERROR(store_->SaveDescribe(table, object, it->second.cached));
    }
  }
  current_.insert({Lower(table), object});
  return it->second.info;
}

StatusOr<JobContext::Described> JobContext::DescribeForTable(const std::string& table, const std::string& object) {
  StatusOr<store::CachedDescribe> cached = store_->LoadDescribe(table, object);
  std::optional<int64_t> if_modified_since;
  if (cached.ok() && cached->last_modified_millis > 0) if_modified_since = cached->last_modified_millis;
  SFSYNC_ASSIGN_OR_RETURN(salesforce::DescribeResult result, client_->Describe(object, if_modified_since));
  if (result.not_modified) {
    StatusOr<salesforce::SObjectInfo> info = salesforce::ParseDescribe(cached->body);
    if (info.ok()) return Described{std::move(*info), std::move(*cached)};
    SFSYNC_LOG(kWarn, "{}: cached describe unreadable ({}); describing again", object, info.status().message());
    SFSYNC_ASSIGN_OR_RETURN(result, client_->Describe(object));
  }
  store::CachedDescribe fresh{result.last_modified_millis, std::move(result.body)};
  SFSYNC_RETURN_IF_ERROR(store_->SaveDescribe(table, object, fresh));
  return Described{std::move(result.info), std::move(fresh)};
}

StatusOr<ObjectPlan> JobContext::Plan(const config::ObjectConfig& config) {
  const std::string table = TableFor(config);
  SFSYNC_ASSIGN_OR_RETURN(salesforce::SObjectInfo info, Describe(table, config.name));
  return PlanObject(config, info, [this, &table](const std::string& o) { return Describe(table, o); });
}

StatusOr<JobContext::CachedPlan> JobContext::PlanFromCache(const config::ObjectConfig& config) {
  const std::string table = TableFor(config);
  CachedPlan out;
  auto cached = [&](const std::string& object) -> StatusOr<salesforce::SObjectInfo> {
    SFSYNC_ASSIGN_OR_RETURN(store::CachedDescribe c, store_->LoadDescribe(table, object));
    if (c.last_modified_millis == 0) return NotFoundError("no Last-Modified for the cached describe of " + object);
    for (const auto& [o, at] : out.describes) {
      if (o == object) return salesforce::ParseDescribe(c.body);
    }
    out.describes.emplace_back(object, c.last_modified_millis);
    return salesforce::ParseDescribe(c.body);
  };
  SFSYNC_ASSIGN_OR_RETURN(salesforce::SObjectInfo info, cached(config.name));
  SFSYNC_ASSIGN_OR_RETURN(out.plan, PlanObject(config, info, cached));
  return out;
}

Status JobContext::AcceptCachedDescribe(const std::string& table, const std::string& object) {
  if (describes_.contains(object)) return Status::Ok();
  SFSYNC_ASSIGN_OR_RETURN(store::CachedDescribe cached, store_->LoadDescribe(table, object));
  SFSYNC_ASSIGN_OR_RETURN(salesforce::SObjectInfo info, salesforce::ParseDescribe(cached.body));
  describes_.emplace(object, Described{std::move(info), std::move(cached)});
  current_.insert({Lower(table), object});
  return Status::Ok();
}

std::string TableFor(const config::ObjectConfig& config) { return config.table.empty() ? config.name : config.table; }

std::string OrgIdFromIdentityUrl(const std::string& id_url) {
  // https://login.salesforce.com/id/00Dxx0000001gPLEAY/005xx000001SwiUAAS (protocol §1.3)
  const size_t at = id_url.find("/id/");
  if (at == std::string::npos) return "";
  const size_t start = at + 4;
  const size_t end = id_url.find('/', start);
  if (end == std::string::npos) return "";
  std::string org = id_url.substr(start, end - start);
  const bool plausible = (org.size() == 15 || org.size() == 18) &&
                         std::all_of(org.begin(), org.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)); });
  return plausible ? org : "";
}

}  // namespace sfsync::sync
