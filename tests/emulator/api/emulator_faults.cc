// What a client sees for each injected fault (README "Faults"). Faults that replace the answer
// are built here; faults on the wire (reset, truncation, stall) and latency ride on the
// handler's real answer and are acted out by the HTTP server while it writes.
#include "tests/emulator/api/emulator.h"
#include "tests/emulator/api/lock_fault.h"
#include "tests/emulator/api/rest_error.h"
#include "tests/emulator/api/router.h"

namespace sfsync::emulator {
namespace {

// Salesforce's edge answers with HTML, not the API's JSON (protocol §3.1).
HttpResponse HtmlError(int status) {
  std::string title(ReasonPhrase(status));
  HttpResponse response;
  response.status = status;
  response.headers.Set("Content-Type", "text/html;charset=UTF-8");
  response.body = "<!DOCTYPE html>\n<html><head><title>" + title + "</title></head>\n<body><h1>" + title +
                  "</h1>\n<p>The server cannot handle your request right now. Please try again later.</p>\n"
                  "</body></html>\n";
  return response;
}

// Where oversize_body and gzip_bomb put their filler so the body stays what it was: JSON gets
// whitespace before its closing bracket (inside the document), CSV gets blank lines (LF) after
// its last record, anything else spaces at the end.
BodyPadding PaddingFor(const HttpResponse& response, int64_t bytes, bool gzip) {
  BodyPadding padding{bytes, response.body.size(), ' ', gzip};
  std::string_view type = response.headers.Get("Content-Type").value_or("");
  if (type.starts_with("text/csv")) {
    padding.fill = '\n';
  } else if (type.starts_with("application/json")) {
    size_t last = response.body.find_last_not_of(" \t\r\n");
    if (last != std::string::npos && (response.body[last] == '}' || response.body[last] == ']')) padding.at = last;
  }
  return padding;
}

// GET of query, queryAll or a continuation page: what a stuck cursor answers in place of.
bool IsQueryRead(const HttpRequest& request, const std::vector<std::string>& segments) {
  return (request.method == "GET" || request.method == "HEAD") && (segments.size() == 4 || segments.size() == 5) &&
         segments[0] == "services" && segments[1] == "data" && (segments[3] == "query" || segments[3] == "queryAll");
}

}  // namespace

HttpResponse Emulator::InjectFault(const FaultInjector::Decision& fault, Host host, const HttpRequest& request) {
  HttpResponse response;
  FaultKind kind = fault.fault ? fault.fault->kind : FaultKind::kLatency;
  switch (kind) {
    case FaultKind::kHttp500:
      response = HtmlError(500);
      break;
    case FaultKind::kHttp503:
      response = HtmlError(503);
      break;
    case FaultKind::kExpireSession:
      // The session timed out: the token stays dead for every later request too.
      oauth_->KillSession(request.headers.Get("Authorization"));
      response = RestErrorResponse(InvalidSessionError());
      break;
    case FaultKind::kQueryTimeout:
      response = RestErrorResponse({400, "QUERY_TIMEOUT", "Your query request was running for too long."});
      break;
    case FaultKind::kInvalidLocator: {
      // On a queryMore path the cursor really dies; on any other path there is none to kill.
      std::vector<std::string> segments = PathSegments(request.path);
      if (segments.size() == 5 && (segments[3] == "query" || segments[3] == "queryAll")) {
        std::lock_guard<std::mutex> lock(org_.mu);
        org_.queries->Forget(segments[4]);
      }
      response = RestErrorResponse(InvalidQueryLocatorError());
      break;
    }
    case FaultKind::kLimitExceeded: {
      response = RestErrorResponse(RequestLimitError());
      std::lock_guard<std::mutex> lock(usage_mu_);
      response.headers.Set("Sforce-Limit-Info",
                           "api-usage=" + std::to_string(api_used_) + "/" + std::to_string(config_.api_quota));
      break;
    }
    case FaultKind::kMalformedJson:
      response = Route(host, request);
      response.body.resize(response.body.size() / 2);  // JSON cut off mid-value
      break;
    case FaultKind::kResetHeaders:
    case FaultKind::kResetBody:
    case FaultKind::kTruncateBody:
    case FaultKind::kStall:
      response = Route(host, request);
      response.wire_fault.kind = kind == FaultKind::kResetHeaders   ? WireFault::Kind::kResetInHeaders
                                 : kind == FaultKind::kResetBody    ? WireFault::Kind::kResetInBody
                                 : kind == FaultKind::kTruncateBody ? WireFault::Kind::kTruncateBody
                                                                    : WireFault::Kind::kStall;
      response.wire_fault.stall_ms = fault.fault->ms;
      break;
    case FaultKind::kOversizeBody:
    case FaultKind::kGzipBomb:
      response = Route(host, request);
      response.padding = PaddingFor(response, fault.fault->bytes, kind == FaultKind::kGzipBomb);
      break;
    case FaultKind::kStuckLocator: {
      // Authenticated and counted like the real answer it replaces; on other paths there is no
      // cursor to stick, and the answer is the usual one.
      std::vector<std::string> segments = PathSegments(request.path);
      if (!IsQueryRead(request, segments)) {
        response = Route(host, request);
        break;
      }
      Router::Handler stuck = [this, &segments](const HttpRequest& r, const PathParams&) {
        PathParams params{{"version", segments[2]}};
        if (segments.size() == 4) return Query(r, params, segments[3] == "queryAll", /*stuck=*/true);
        params["locator"] = segments[4];
        return QueryMore(r, params, /*stuck=*/true);
      };
      response = Rest(host, request, &stuck);
      break;
    }
    case FaultKind::kUnableToLockRow: {
      // Authenticated, counted and logged like the write it replaces; a request this fault has
      // no lock answer for gets its usual answer.
      WriteEntry entry;
      entry.method = request.method;
      entry.path = request.path;
      entry.fault = std::string(FaultKindName(FaultKind::kUnableToLockRow));
      std::optional<HttpResponse> lock_failure = LockedRowsResponse(request, &entry);
      if (!lock_failure) {
        response = Route(host, request);
        break;
      }
      Router::Handler locked = [this, &entry, &lock_failure](const HttpRequest&, const PathParams&) {
        entry.status = lock_failure->status;
        org_.writes.Add(std::move(entry));
        return *lock_failure;
      };
      response = Rest(host, request, &locked);
      break;
    }
    case FaultKind::kLostAnswer:
      // The write is done and committed; only its answer never reaches the client.
      response = Route(host, request);
      response.wire_fault.kind = WireFault::Kind::kResetBeforeStatus;
      break;
    case FaultKind::kLatency:
    case FaultKind::kDateSkew:
    case FaultKind::kNoDate:
      response = Route(host, request);
      break;
  }
  response.delay_ms = fault.latency_ms;
  response.date_skew_ms = fault.date_skew_ms;
  response.omit_date = fault.no_date;
  return response;
}

}  // namespace sfsync::emulator
