// What a client sees for each injected fault (README "Faults"). Faults that replace the answer
// are built here; faults on the wire (reset, truncation, stall) and latency ride on the
// handler's real answer and are acted out by the HTTP server while it writes.
#include "tests/emulator/api/emulator.h"
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
    case FaultKind::kLatency:
      response = Route(host, request);
      break;
  }
  response.delay_ms = fault.latency_ms;
  return response;
}

}  // namespace sfsync::emulator
