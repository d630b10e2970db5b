#include "engine/sync/job_context.h"

#include <optional>

#include "engine/core/log.h"

namespace sfsync::sync {
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
  salesforce::RestOptions rest;
  rest.api_version = job_.connection.api_version;
  rest.max_attempts = job_.connection.max_attempts;
  client_ = std::make_unique<salesforce::RestClient>(transport_, tokens_.get(), clock_, rest);
  return Status::Ok();
}

Status JobContext::OpenStore() {
  SFSYNC_ASSIGN_OR_RETURN(lock_, RunLock::Acquire(job_.store.sqlite_path + ".lock"));
  SFSYNC_ASSIGN_OR_RETURN(store_, store::OpenSqliteStore(job_.store.sqlite_path));
  return Status::Ok();
}

StatusOr<salesforce::SObjectInfo> JobContext::Describe(const std::string& object) {
  auto it = describes_.find(object);
  if (it != describes_.end()) return it->second;
  StatusOr<store::CachedDescribe> cached = store_->LoadDescribe(object);
  std::optional<int64_t> if_modified_since;
  if (cached.ok() && cached->last_modified_millis > 0) if_modified_since = cached->last_modified_millis;
  SFSYNC_ASSIGN_OR_RETURN(salesforce::DescribeResult result, client_->Describe(object, if_modified_since));
  if (result.not_modified) {
    StatusOr<salesforce::SObjectInfo> info = salesforce::ParseDescribe(cached->body);
    if (info.ok()) return describes_.emplace(object, std::move(*info)).first->second;
    SFSYNC_LOG(kWarn, "{}: cached describe unreadable ({}); describing again", object, info.status().message());
    SFSYNC_ASSIGN_OR_RETURN(result, client_->Describe(object));
  }
  SFSYNC_RETURN_IF_ERROR(store_->SaveDescribe(object, {result.last_modified_millis, result.body}));
  return describes_.emplace(object, std::move(result.info)).first->second;
}

StatusOr<ObjectPlan> JobContext::Plan(const config::ObjectConfig& config) {
  SFSYNC_ASSIGN_OR_RETURN(salesforce::SObjectInfo info, Describe(config.name));
  return PlanObject(config, info, [this](const std::string& o) { return Describe(o); });
}

}  // namespace sfsync::sync
