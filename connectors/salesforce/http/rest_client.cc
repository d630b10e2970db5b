// RestClient::Call's state machine, per call:
//
//   [token] Current() --error--> retriable? [backoff] : return
//     |
//   [send] --transport error--> retriable? [backoff] : return
//     |
//   [status] 2xx/300/304 -> return response
//            401 INVALID_SESSION_ID, not yet renewed -> Renew(rejected token) -> [send] (not counted);
//              a renewal that failed is an error like the others below
//            401 again, or any other error -> retriable (kUnavailable) and attempts left? [backoff] : return
//
// [backoff] sleeps on the Clock, then goes back to [token] (so a session renewed meanwhile by
// another thread is picked up).
#include "connectors/salesforce/http/rest_client.h"

#include <algorithm>
#include <random>
#include <string_view>

#include "connectors/salesforce/http/api_error.h"
#include "engine/core/log.h"
#include "engine/core/time_format.h"

namespace sfsync::salesforce {
namespace {

bool StartsWith(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

// The absolute URL for `path_or_url`, refusing absolute URLs off the instance: they would carry the
// Bearer token to whoever the URL names.
StatusOr<std::string> ResolveUrl(const Session& session, const std::string& path_or_url) {
  if (StartsWith(path_or_url, "https://") || StartsWith(path_or_url, "http://")) {
    const std::string& base = session.instance_url;
    const bool on_instance = StartsWith(path_or_url, base) &&
                             (path_or_url.size() == base.size() || path_or_url[base.size()] == '/' ||
                              path_or_url[base.size()] == '?');
    if (!on_instance) {
      return InvalidArgumentError("refusing to send the session token to '" + path_or_url.substr(0, 120) +
                                  "': it is not on the instance URL " + base);
    }
    return path_or_url;
  }
  // Any other scheme ("file://", "ftp://"), or a scheme-relative "//host/...": a URL naming another
  // place, never a path Salesforce would send.
  const size_t scheme = path_or_url.find("://");
  if (StartsWith(path_or_url, "//") || (scheme != std::string::npos && scheme < path_or_url.find_first_of("/?"))) {
    return InvalidArgumentError("refusing to send the session token to '" + path_or_url.substr(0, 120) +
                                "': it is not on the instance URL " + session.instance_url);
  }
  if (StartsWith(path_or_url, "/")) return session.instance_url + path_or_url;
  return session.instance_url + "/" + path_or_url;
}

std::chrono::milliseconds JitteredBackoff(const RestOptions& options, int retry) {
  int64_t delay = options.backoff_initial.count();
  for (int i = 1; i < retry && delay < options.backoff_max.count(); ++i) delay *= 2;
  delay = std::min<int64_t>(delay, options.backoff_max.count());
  thread_local std::mt19937_64 random{std::random_device{}()};
  std::uniform_int_distribution<int64_t> jitter(0, delay / 2);
  return std::chrono::milliseconds(delay - delay / 2 + jitter(random));
}

}  // namespace

RestClient::RestClient(HttpTransport* transport, TokenProvider* tokens, Clock* clock, RestOptions options)
    : transport_(transport), tokens_(tokens), clock_(clock), options_(std::move(options)) {}

void RestClient::SeedServerDate(int64_t millis) {
  std::lock_guard<std::mutex> lock(mu_);
  if (info_.server_date_millis == 0) info_.server_date_millis = millis;
}

std::string RestClient::DataPath() const { return "/services/data/v" + options_.api_version; }

ServerInfo RestClient::server_info() const {
  std::lock_guard<std::mutex> lock(mu_);
  return info_;
}

StatusOr<HttpResponse> RestClient::Call(const std::string& method, const std::string& path_or_url,
                                        const std::string& body, const HttpHeaders& extra_headers) {
  return CallImpl(method, path_or_url, body, extra_headers, nullptr);
}

StatusOr<HttpResponse> RestClient::CallImpl(const std::string& method, const std::string& path_or_url,
                                            const std::string& body, const HttpHeaders& extra_headers,
                                            const std::atomic<bool>* cancelled) {
  bool renewed = false;
  for (int attempt = 1;; ++attempt) {
    Status failure;
    StatusOr<Session> session = tokens_->Current();
    if (!session.ok()) {
      failure = session.status();
    } else {
      StatusOr<HttpResponse> response = SendOnce(*session, method, path_or_url, body, extra_headers);
      if (response.ok() && response->status == 401 && !renewed && IsSessionExpired(ErrorFromResponse(*response))) {
        renewed = true;
        StatusOr<Session> fresh = tokens_->Renew(session->access_token);
        // A renewal the token endpoint could not answer is retried like any unavailable call: the
        // next attempt's Current() asks for a session again.
        response = fresh.ok() ? SendOnce(*fresh, method, path_or_url, body, extra_headers)
                              : StatusOr<HttpResponse>(
                                    fresh.status().Annotate("the session expired and could not be renewed"));
      }
      if (!response.ok()) {
        failure = response.status();
      } else {
        const int status = response->status;
        if ((status >= 200 && status < 300) || status == 300 || status == 304) return response;
        failure = ErrorFromResponse(*response);
      }
    }
    if (!IsRetriable(failure)) return failure;
    if (attempt >= options_.max_attempts) {
      return attempt == 1 ? failure : failure.Annotate("gave up after " + std::to_string(attempt) + " attempts");
    }
    if (cancelled != nullptr && cancelled->load()) return CancelledError("call cancelled before retrying");
    SFSYNC_LOG(kDebug, "{} {} failed ({}), retry {} of {}", method, path_or_url.substr(0, 200), failure.ToString(),
               attempt, options_.max_attempts - 1);
    SleepBeforeRetry(attempt, cancelled);
    if (cancelled != nullptr && cancelled->load()) return CancelledError("call cancelled before retrying");
  }
}

StatusOr<HttpResponse> RestClient::SendOnce(const Session& session, const std::string& method,
                                            const std::string& path_or_url, const std::string& body,
                                            const HttpHeaders& extra_headers) {
  SFSYNC_ASSIGN_OR_RETURN(std::string url, ResolveUrl(session, path_or_url));
  HttpRequest request;
  request.method = method;
  request.url = std::move(url);
  request.headers = {{"Authorization", "Bearer " + session.access_token},
                     {"Sforce-Call-Options", "client=sfsync"}};
  if (FindHeader(extra_headers, "Accept") == nullptr) request.headers.emplace_back("Accept", "application/json");
  if (!body.empty() && FindHeader(extra_headers, "Content-Type") == nullptr) {
    request.headers.emplace_back("Content-Type", "application/json");
  }
  request.headers.insert(request.headers.end(), extra_headers.begin(), extra_headers.end());
  request.body = body;

  if (options_.budget != nullptr) SFSYNC_RETURN_IF_ERROR(options_.budget->Take());
  std::chrono::steady_clock::time_point started;
  StatusOr<HttpResponse> response = [&] {
    RequestGate::Permit permit(options_.gate.get());  // the wait for a permit is not the request's time
    started = clock_->Monotonic();
    return transport_->Send(request);
  }();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(clock_->Monotonic() - started).count();
  const std::string_view path = std::string_view(request.url).substr(session.instance_url.size());
  if (!response.ok()) {
    SFSYNC_LOG(kDebug, "{} {} -> {} ({} ms)", method, path.substr(0, 300), response.status().ToString(), ms);
    return response;
  }
  SFSYNC_LOG(kDebug, "{} {} -> {} ({} ms)", method, path.substr(0, 300), response->status, ms);

  std::lock_guard<std::mutex> lock(mu_);
  ++info_.api_calls;
  if (const std::string* limit = response->Header("Sforce-Limit-Info")) {
    info_.limit_info = *limit;
    if (options_.budget != nullptr) options_.budget->SeeLimitInfo(*limit);
  }
  if (const std::string* date = response->Header("Date")) {
    StatusOr<int64_t> millis = ParseHttpDate(*date);
    if (millis.ok()) info_.server_date_millis = *millis;
  }
  return response;
}

void RestClient::SleepBeforeRetry(int retry, const std::atomic<bool>* cancelled) {
  std::chrono::milliseconds remaining = JitteredBackoff(options_, retry);
  if (cancelled == nullptr) {
    clock_->SleepFor(remaining);
    return;
  }
  // In slices, so a cancelled cursor is not held up by a long backoff.
  constexpr std::chrono::milliseconds kSlice{100};
  while (remaining.count() > 0 && !cancelled->load()) {
    const auto step = std::min(remaining, kSlice);
    clock_->SleepFor(step);
    remaining -= step;
  }
}

StatusOr<DescribeResult> RestClient::Describe(const std::string& object,
                                              std::optional<int64_t> if_modified_since_millis) {
  if (!IsValidFieldPath(object) || object.find('.') != std::string::npos) {
    return InvalidArgumentError("not an sObject API name: '" + object.substr(0, 100) + "'");
  }
  HttpHeaders headers;
  if (if_modified_since_millis) headers.emplace_back("If-Modified-Since", FormatHttpDate(*if_modified_since_millis));
  SFSYNC_ASSIGN_OR_RETURN(HttpResponse response, Call("GET", DataPath() + "/sobjects/" + object + "/describe", {}, headers));
  DescribeResult result;
  if (const std::string* last_modified = response.Header("Last-Modified")) {
    StatusOr<int64_t> millis = ParseHttpDate(*last_modified);
    if (millis.ok()) result.last_modified_millis = *millis;
  }
  if (response.status == 304) {
    // Callers reuse their cached describe on 304; a request without If-Modified-Since has none.
    if (!if_modified_since_millis) {
      return DataLossError("describe of " + object + " answered 304 Not Modified to an unconditional request");
    }
    result.not_modified = true;
    return result;
  }
  if (response.status != 200) {
    return DataLossError("describe of " + object + " answered HTTP " + std::to_string(response.status));
  }
  StatusOr<SObjectInfo> info = ParseDescribe(response.body);
  if (!info.ok()) return info.status();
  result.info = std::move(*info);
  result.body = std::move(response.body);
  return result;
}

}  // namespace sfsync::salesforce
